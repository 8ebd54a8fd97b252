/**
 * `npm run bench -- train-step [batch=32] [backend] [steps=2] [models]`: per model, seconds per training step
 * (forward + backward + Adam, gradients accumulated over the micro-batches core/training/memory.ts plans
 * for the backend) and per evaluation forward, and the peak memory of each step: the wasm heap size (it
 * only grows, so it is the high-water mark of the process) and the process RSS. Models: MSTF at C0 = 16
 * and C0 = 128, ResNet-18, ResNet-50 (MedMNIST 28x28 form), on 28x28x1 inputs, 2 classes; each runs in a
 * child process of its own so that each peak is its own. `models`: a comma-separated subset. One JSON line
 * per step and one per model.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { ensureBackend } from '../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../plugins/engine-tfjs/compile.js';
import { tf } from '../plugins/engine-tfjs/tf.js';
import { networkCost } from '../core/ir/cost.js';
import { resnetIR } from '../core/models/resnet.js';
import { createTrainingOptimizer } from '../core/training/optimizer.js';
import { planMemory } from '../core/training/memory.js';
import { batchGradients } from '../core/training/micro-batch.js';
import { mstfSpace } from '../plugins/space-mstf/space.js';
import type { Batch } from '../core/contracts/dataset.js';
import type { NetworkIR } from '../core/ir/types.js';
import { tfjsEngine } from '../plugins/engine-tfjs/index.js';

const batch = Number(process.argv[3] ?? 32);
const backendChoice = process.argv[4] && process.argv[4] !== '-' ? process.argv[4] : undefined;
const steps = Number(process.argv[5] ?? 2);
const ctx = { inputShape: [28, 28, 1] as [number, number, number], classes: 2 };
// The architecture the quick BreastMNIST search of docs/results.md selected.
const MSTF = '1,0,1,1,0,2,1,1,0,0,5,2,3,3,1,0,0,0,3,0,0,2,4,1,4,1,0,3,1,0,6,1,2,1,0,1,4,0,5,1,4,5';
const mstf = (channels: number): NetworkIR => {
  const s = mstfSpace.create(ctx, { blocks: 3, channels });
  return s.decode(s.parse(MSTF));
};
const MODELS: Record<string, () => NetworkIR> = {
  'mstf-c16': () => mstf(16),
  resnet18: () => resnetIR('resnet18', ctx),
  'mstf-c128': () => mstf(128),
  resnet50: () => resnetIR('resnet50', ctx),
};
const CHILD = 'MSTF_BENCH_TRAIN_STEP_MODEL';

const heapBytes = (): number | null => {
  const wasm = (tf.backend() as { wasm?: { HEAPU8: Uint8Array } }).wasm;
  return wasm ? wasm.HEAPU8.buffer.byteLength : null;
};
const mb = (b: number | null) => (b === null ? null : Math.round(b / 2 ** 20));

async function runModel(name: string): Promise<void> {
  const backend = await ensureBackend(backendChoice);
  const ir = MODELS[name]!();
  const plan = planMemory(ir, batch, backend.name);
  const net = compileNetwork(ir, { seed: 0 });
  const opt = createTrainingOptimizer(tfjsEngine, net);
  const x = Float32Array.from({ length: batch * 28 * 28 }, (_, i) => Math.sin(i * 12.9898) * 0.9);
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 2);
  const data: Batch = { x, shape: [batch, 28, 28, 1], labels, labelWidth: 1, task: 'binary-class', classes: 2 };
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const g = batchGradients(tfjsEngine, net, data, plan.microBatch);
    opt.apply(g.grads, 1e-3);
    tf.dispose([...g.grads.values()]);
    const seconds = (performance.now() - t0) / 1000;
    if (i > 0 || steps === 1) times.push(seconds); // the first step warms up
    console.log(
      JSON.stringify({
        model: name,
        step: i + 1,
        seconds,
        heapMiB: mb(heapBytes()),
        rssMiB: mb(process.memoryUsage().rss),
      }),
    );
  }
  const t0 = performance.now();
  for (let s = 0; s < batch; s += plan.evalBatch) {
    const n = Math.min(plan.evalBatch, batch - s);
    const xt = tf.tensor4d(x.subarray(s * 784, (s + n) * 784), [n, 28, 28, 1]);
    const out = net.forward(xt, { training: false });
    out.output.dataSync();
    tf.dispose([xt, out.output]);
  }
  const evalSeconds = (performance.now() - t0) / 1000;
  opt.dispose();
  net.dispose();
  times.sort((a, b) => a - b);
  const { flops, params } = networkCost(ir);
  console.log(
    JSON.stringify({
      model: name,
      backend: backend.name,
      batch,
      microBatch: plan.microBatch,
      microBatches: plan.microBatches,
      evalBatch: plan.evalBatch,
      estimateMiB: mb(plan.stepBytes),
      limitMiB: mb(plan.limitBytes),
      peakHeapMiB: mb(heapBytes()),
      peakRssMiB: mb(process.memoryUsage().rss),
      params,
      macs: flops,
      stepSecondsMedian: times[Math.floor(times.length / 2)],
      stepSeconds: times,
      evalForwardSeconds: evalSeconds,
    }),
  );
}

const child = process.env[CHILD];
if (child) {
  await runModel(child);
} else {
  const wanted = process.argv[6] ? process.argv[6].split(',') : Object.keys(MODELS);
  for (const name of wanted) {
    if (!MODELS[name]) throw new Error(`unknown model ${name} (known: ${Object.keys(MODELS).join(', ')})`);
    // A child per model: the wasm heap never shrinks, so a shared process would report the largest so far.
    const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      env: { ...process.env, [CHILD]: name },
      stdio: 'inherit',
    });
    if (r.status !== 0) {
      console.log(JSON.stringify({ model: name, failed: true, status: r.status, signal: r.signal }));
      process.exitCode = 1;
    }
  }
}
