/**
 * `mstf arch export`: an architecture (a genotype, or a member of a stored search) to PyTorch, ONNX or
 * tfjs, with a training's weights or mstf's seeded initialisation. Files are written next to the
 * target and renamed, so a failed export leaves nothing half-written.
 */
import { writeFileAtomic } from '../util/temp.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MstfError, messageOf } from '../errors.js';
import { resolveArchitecture, type ArchRequest } from '../arch/describe.js';
import { engineOf } from '../engine/select.js';
import { networkCost } from '../ir/cost.js';
import type { FeatureShape, NetworkIR } from '../ir/types.js';
import { getModelSource } from '../models/index.js';
import type { Kernel } from '../kernel/loader.js';
import { exportParams, trainingModelDir } from './params.js';
import { toOnnx } from './onnx.js';
import { toPytorch, torchStateDict } from './pytorch.js';
import { encodeSafetensors } from './safetensors.js';

export const EXPORT_FORMATS = ['pytorch', 'onnx', 'tfjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A fixed baseline (`mstf train --model`); input shape and classes default to the training's, else 28x28x1 and 2. */
export interface ModelExport {
  id: string;
  inputShape?: FeatureShape;
  classes?: number;
}

export interface ExportRequest {
  /** A searched architecture; or `model`. */
  arch?: ArchRequest;
  model?: ModelExport;
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
    writeFileAtomic(file, data);
  } catch (e) {
    throw new MstfError('INVALID_ARGUMENT', `--out ${file}: cannot write (${messageOf(e)})`);
  }
}

interface Exported {
  ir: NetworkIR;
  /** Space id, or `model` for a fixed baseline. */
  space: string;
  /** Genotype text, or the model id. */
  genotype: string;
  hash: string;
  inputShape: FeatureShape;
  classes: number;
}

/** The IR to export: a genotype of a space, or a fixed model sized like its training. */
function resolveExported(kernel: Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>, r: ExportRequest): Exported {
  if (r.model) {
    let saved: { inputShape?: FeatureShape; classes?: number } = {};
    if (r.trainingDir !== undefined) {
      const file = path.join(path.resolve(kernel.settings.cwd, r.trainingDir), 'config.json');
      if (fs.existsSync(file))
        saved = (JSON.parse(fs.readFileSync(file, 'utf8')) as { config?: typeof saved }).config ?? {};
    }
    const inputShape = r.model.inputShape ?? saved.inputShape ?? [28, 28, 1];
    const classes = r.model.classes ?? saved.classes ?? 2;
    const ir = getModelSource(r.model.id).build({ inputShape, classes });
    const hash = crypto.createHash('sha256').update(JSON.stringify(ir.nodes)).digest('hex');
    return { ir, space: 'model', genotype: r.model.id, hash, inputShape, classes };
  }
  if (!r.arch)
    throw new MstfError('INVALID_ARGUMENT', 'export: give an architecture (genotype, search member) or a model');
  const { instance, genes, inputShape, classes } = resolveArchitecture(kernel, r.arch);
  return {
    ir: instance.decode(genes),
    space: r.arch.space,
    genotype: instance.format(genes),
    hash: instance.hash(genes),
    inputShape,
    classes,
  };
}

const NORMALISATION = 'input NCHW float32, pixels normalised as mstf does for its datasets: (p / 255 - 0.5) / 0.5';

export async function exportArchitecture(
  kernel: Pick<Kernel, 'registry' | 'optionsOf' | 'settings'>,
  r: ExportRequest,
): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(r.format)) {
    throw new MstfError('INVALID_ARGUMENT', `--format ${r.format}: expected one of ${EXPORT_FORMATS.join(', ')}`);
  }
  if (r.trainingDir !== undefined) trainingModelDir(path.resolve(kernel.settings.cwd, r.trainingDir)); // fail before any work
  const { ir, space, genotype, hash, inputShape, classes } = resolveExported(kernel, r);
  const cost = networkCost(ir);
  const out = path.resolve(kernel.settings.cwd, r.out);
  const engine = engineOf(kernel);
  const opts: Parameters<typeof exportParams>[1] = { engine, seed: r.seed ?? 0 };
  if (r.trainingDir !== undefined) opts.trainingDir = path.resolve(kernel.settings.cwd, r.trainingDir);
  if (kernel.settings.backend !== undefined) opts.backend = kernel.settings.backend;
  const { params, source } = await exportParams(ir, opts);
  const weights = source.kind === 'training' ? `training ${source.from}` : `mstf initialisation, seed ${source.from}`;
  const metadata: Record<string, string> = {
    space,
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
        `mstf-nas export: ${space} architecture ${hash.slice(0, 12)}${r.note ? ` (${r.note})` : ''}`,
        '',
        `genotype ${genotype}`,
        `${NORMALISATION}; output logits [N, ${classes}]`,
        `${cost.params} parameters, ${cost.flops} MACs per example (mstf's count; count_macs() recomputes it)`,
        weightsFile
          ? `weights: ${weightsFile} beside this file (${weights}); build() loads them`
          : 'weights: none exported (Net() is PyTorch-initialised)',
        '',
        'Usage: from this_file import Net, build;  net = build()  # eval mode',
      ];
      writeAtomic(
        out,
        toPytorch(ir, { description, params: cost.params, flops: cost.flops, ...(weightsFile ? { weightsFile } : {}) }),
      );
      files.unshift(out);
      break;
    }
    case 'tfjs': {
      // mstf's own saved-model format: model.json (IR topology + tfjs weights manifest) and weights.bin.
      const net = engine.compile(ir, { seed: r.seed ?? 0 });
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
  return {
    format: r.format,
    files,
    space,
    genotype,
    hash,
    params: cost.params,
    flops: cost.flops,
    inputShape,
    classes,
    weights,
  };
}
