import { Flags } from '@oclif/core';
import { MstfCommand } from '../../base.js';
import { EXPORT_FORMATS, exportArchitecture, type ExportFormat } from '../../../core/export/index.js';
import { modelIds } from '../../../core/models/index.js';
import { parseInputShape } from '../../../core/arch/describe.js';
import { archFlags, archRequest, memberInfo, memberLine } from './show.js';

export default class ArchExport extends MstfCommand<typeof ArchExport> {
  static override description =
    "Export an architecture to PyTorch (.py + .safetensors weights), ONNX or tfjs, untrained or with a training's weights";
  static override examples = [
    '<%= config.bin %> arch export --run <searchId> --format onnx --out pick.onnx --weights .mstf/trainings/<id>',
    '<%= config.bin %> arch export --run <searchId> --rank 2 --format pytorch --out net.py',
    '<%= config.bin %> arch export --model resnet18 --format onnx --out r18.onnx --weights .mstf/trainings/<id>',
    '<%= config.bin %> arch export --space mstf --genotype "0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3,0,0,1,1,2,0,6,2,7,3,0,1,2,3" --format tfjs --out model-dir',
  ];
  static override flags = {
    ...archFlags,
    model: Flags.string({
      description: `a fixed baseline instead of a searched architecture: ${modelIds().join(', ')} (input and classes: --input/--classes, else its training's with --weights)`,
      options: modelIds(),
      exclusive: ['genotype', 'run', 'space', 'channels', 'blocks'],
    }),
    format: Flags.string({
      description: 'pytorch: one .py (nn.Module Net); onnx: a .onnx file; tfjs: a directory (model.json + weights.bin)',
      options: [...EXPORT_FORMATS],
      required: true,
    }),
    out: Flags.string({ description: 'file to write (a directory for tfjs)', required: true }),
    weights: Flags.string({
      description:
        "a `mstf train` output directory: export its best model's weights (default: mstf's initialisation with --seed)",
    }),
    seed: Flags.integer({ description: 'initialisation seed when no --weights are given', default: 0, min: 0 }),
    json: Flags.boolean({
      description: 'one JSON object {format, files, genotype, hash, params, flops, weights, ...}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const kernel = await this.kernel();
    const { request, member } = f.model ? { request: undefined, member: undefined } : archRequest(kernel, f);
    const result = await exportArchitecture(kernel, {
      ...(request ? { arch: request } : {}),
      ...(f.model
        ? {
            model: {
              id: f.model,
              ...(f.input ? { inputShape: parseInputShape(f.input) } : {}),
              ...(f.classes ? { classes: f.classes } : {}),
            },
          }
        : {}),
      format: f.format as ExportFormat,
      out: f.out,
      seed: f.seed,
      ...(f.weights !== undefined ? { trainingDir: f.weights } : {}),
      ...(member
        ? {
            note: `search ${member.search.id}, ${member.selected ? 'selected' : member.rank !== null ? `Pareto member ${member.rank}` : 'candidate'}`,
          }
        : {}),
    });
    if (f.json) {
      this.printJson(member ? { ...result, search: memberInfo(member) } : result);
      return;
    }
    if (member) this.log(memberLine(member));
    this.log(`${result.format}: ${result.files.join(', ')}`);
    this.log(
      `  ${result.params} parameters, ${result.flops} MACs, input ${result.inputShape.join('x')} (HxWxC), ${result.classes} classes; weights: ${result.weights}`,
    );
  }
}
