/**
 * Runs the independent PyTorch port of zero-cost-nas's grasp and fisher (torch_reference.py, Debian's
 * /usr/bin/python3 with python3-torch) on an mstf network's own weights and batch.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Batch } from '../../core/contracts/dataset.js';
import type { Network } from '../../core/contracts/engine.js';
import type { NetworkIR } from '../../core/ir/types.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_reference.py');

export interface TorchReference {
  loss: number;
  grasp: number;
  fisher: number;
  fisherPerLayer: Record<string, number>;
  /** dL/dW and H g of every conv/depthwise/dense weight, tfjs layout, flattened. */
  grad: Record<string, number[]>;
  hv: Record<string, number[]>;
}

/** Fails with one line naming the missing prerequisite. */
export function requireTorch(): void {
  const r = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`prerequisite missing: ${PYTHON} cannot import torch (install the Debian package python3-torch)`);
  }
}

export function torchReference(
  ir: NetworkIR,
  net: Network,
  batch: Batch,
  dtype: 'float64' | 'float32' = 'float64',
): TorchReference {
  requireTorch();
  const params: Record<string, { shape: number[]; values: number[] }> = {};
  for (const p of net.paramInfo)
    params[p.name] = { shape: p.shape, values: Array.from(net.params.get(p.name)!.dataSync()) };
  const input = JSON.stringify({
    ir,
    params,
    x: Array.from(batch.x),
    xShape: batch.shape,
    labels: Array.from(batch.labels),
    dtype,
  });
  const r = spawnSync(PYTHON, [SCRIPT], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0)
    throw new Error(`torch_reference.py failed: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(r.stdout) as TorchReference;
}
