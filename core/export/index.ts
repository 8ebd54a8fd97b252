/**
 * `mstf arch export`: an architecture (a genotype, or a member of a stored search) to PyTorch, ONNX or
 * tfjs, with a training's weights or mstf's seeded initialisation. Files are written next to the
 * target and renamed, so a failed export leaves nothing half-written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MstfError, messageOf } from '../errors.js';
import { resolveArchitecture, type ArchRequest } from '../arch/describe.js';
import { compileNetwork } from '../engine/compile.js';
import { networkCost } from '../ir/cost.js';
import type { NetworkIR } from '../ir/types.js';
import type { Kernel } from '../kernel/loader.js';
import { exportParams, trainingModelDir } from './params.js';
import { toOnnx } from './onnx.js';
import { toPytorch, torchStateDict } from './pytorch.js';
import { encodeSafetensors } from './safetensors.js';

export const EXPORT_FORMATS = ['pytorch', 'onnx', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  arch: ArchRequest;
  format: ExportFormat;
  /** pytorch: a .py file; onnx: a .onnx file; tfjs: a directory. */
  out: string;
  /** A `mstf train` output directory whose best model supplies the weights. */
  trainingDir?: string;
  /** Seed of mstf's initialisation when no training is given (default 0, as `mstf train`). */
  seed?: number;
  /** Free text recorded in the files (e.g. the search and member). */
  note?: string;
}

export interface ExportResult {
  format: ExportFormat;
  files: string[];
  space: string;
  genotype: string;
  hash: string;
  params: number;
  flops: number;
  inputShape: number[];
  classes: number;
  weights: string;
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    throw new MstfError('INVALID_ARGUMENT', `--out ${file}: cannot write (${messageOf(e)})`);
  }
}

const NORMALISATION = 'input NCHW float32, pixels normalised as mstf does for its datasets: (p / 255 - 0.5) / 0.5';

export async function exportArchitecture(kernel: Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>, r: ExportRequest): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(r.format)) {
    throw new MstfError('INVALID_ARGUMENT', `--format ${r.format}: expected one of ${EXPORT_FORMATS.join(', ')}`);
  }
  if (r.trainingDir !== undefined) trainingModelDir(r.trainingDir); // fail before any work
  const { instance, genes, inputShape, classes } = resolveArchitecture(kernel, r.arch);
  const ir: NetworkIR = instance.decode(genes);
  const cost = networkCost(ir);
  const genotype = instance.format(genes);
  const hash = instance.hash(genes);
  const out = path.resolve(kernel.settings.cwd, r.out);
  const opts: { trainingDir?: string; seed?: number; backend?: string } = { seed: r.seed ?? 0 };
  if (r.trainingDir !== undefined) opts.trainingDir = path.resolve(kernel.settings.cwd, r.trainingDir);
  if (kernel.settings.backend !== undefined) opts.backend = kernel.settings.backend;
  const { params, source } = await exportParams(ir, opts);
  const weights = source.kind === 'training' ? `training ${source.from}` : `mstf initialisation, seed ${source.from}`;
  const metadata: Record<string, string> = {
    space: r.arch.space,
    genotype,
    hash,
    inputShapeHWC: inputShape.join('x'),
    classes: String(classes),
    params: String(cost.params),
    flops: String(cost.flops),
    preprocessing: NORMALISATION,
    ...(r.note ? { note: r.note } : {}),
  };
  const files: string[] = [];
  switch (r.format) {
    case 'onnx':
      writeAtomic(out, toOnnx(ir, params, { metadata, source }));
      files.push(out);
      break;
    case 'pytorch': {
      let weightsFile: string | undefined;
      if (source.kind === 'training') {
        weightsFile = `${path.basename(out).replace(/\.py$/, '')}.safetensors`;
        const file = path.join(path.dirname(out), weightsFile);
        writeAtomic(file, encodeSafetensors(torchStateDict(ir, params), metadata));
        files.push(file);
      }
      const description = [
        `mstf-nas export: ${r.arch.space} architecture ${hash.slice(0, 12)}${r.note ? ` (${r.note})` : ''}`,
        '',
        `genotype ${genotype}`,
        `${NORMALISATION}; output logits [N, ${classes}]`,
        `${cost.params} parameters, ${cost.flops} MACs per example (mstf's count; count_macs() recomputes it)`,
        weightsFile ? `weights: ${weightsFile} beside this file (${weights}); build() loads them` : 'weights: none exported (Net() is PyTorch-initialised)',
        '',
        'Usage: from this_file import Net, build;  net = build()  # eval mode',
      ];
      writeAtomic(out, toPytorch(ir, { description, params: cost.params, flops: cost.flops, ...(weightsFile ? { weightsFile } : {}) }));
      files.unshift(out);
      break;
    }
    case 'tfjs': {
      // mstf's own saved-model format: model.json (IR topology + tfjs weights manifest) and weights.bin.
      const net = compileNetwork(ir, { seed: r.seed ?? 0 });
      try {
        if (opts.trainingDir) await net.load(trainingModelDir(opts.trainingDir));
        const tmp = `${out}.${process.pid}.tmp`;
        fs.rmSync(tmp, { recursive: true, force: true });
        await net.save(tmp);
        fs.rmSync(out, { recursive: true, force: true });
        fs.renameSync(tmp, out);
      } catch (e) {
        if (e instanceof MstfError) throw e;
        throw new MstfError('INVALID_ARGUMENT', `--out ${out}: cannot write (${messageOf(e)})`);
      } finally {
        net.dispose();
      }
      files.push(path.join(out, 'model.json'), path.join(out, 'weights.bin'));
      break;
    }
  }
  return { format: r.format, files, space: r.arch.space, genotype, hash, params: cost.params, flops: cost.flops, inputShape, classes, weights };
}
