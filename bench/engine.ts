/**
 * `npm run bench -- engine [--reps N] [--steps N] [--cpu-full]`: forward and forward+backward ms of the
 * engine-notes benchmark net (stem conv3x3 1->32, 6 separable 3x3 with BN+ReLU, maxpool, GAP, dense 10;
 * 28x28, batch 64, batch statistics) on each available backend, and tf.memory().numTensors before/after
 * 200 training steps on wasm. Medians; the machine may be shared, so the load average is printed too.
 */
import os from 'node:os';
import { tf } from '../plugins/engine-tfjs/tf.js';
import { ensureBackend, resolveBackend, BACKEND_NAMES, type BackendName } from '../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../plugins/engine-tfjs/compile.js';
import { benchmarkNetIR } from '../core/ir/benchmark-net.js';
import { softmaxCrossEntropy } from '../plugins/engine-tfjs/losses.js';
import { SGD, trainStep } from '../plugins/engine-tfjs/optimizers.js';
import { oneLine } from '../core/errors.js';
import { Rng } from '../core/util/rng.js';

const args = process.argv.slice(3);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const REPS = flag('--reps', 10);
const STEPS = flag('--steps', 200);
const CPU_FULL = args.includes('--cpu-full');
const BATCH = 64;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

interface Row {
  backend: string;
  forward: string;
  fwdBwd: string;
  note: string;
}

async function timeIt(fn: () => Promise<void>, reps: number): Promise<number> {
  await fn(); // warm-up (kernel setup, heap growth)
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function bench(name: BackendName): Promise<Row> {
  const decision = await ensureBackend(name);
  const rng = new Rng(42);
  const net = compileNetwork(benchmarkNetIR({ channels: 32, size: 28, classes: 10 }), { seed: 1 });
  const x = tf.tensor4d(
    Float32Array.from({ length: BATCH * 784 }, () => rng.next() * 2 - 1),
    [BATCH, 28, 28, 1],
  );
  const labels = tf.tensor1d(
    Int32Array.from({ length: BATCH }, (_, i) => (i * 7) % 10),
    'int32',
  );
  const loss = (o: { output: tf.Tensor }) => softmaxCrossEntropy(o.output, labels);
  const reps = name === 'cpu' ? 1 : REPS;
  const row: Row = { backend: name, forward: '-', fwdBwd: '-', note: decision.reason };
  try {
    const forward = await timeIt(async () => {
      const out = net.forward(x, { training: true }).output;
      await out.data();
      out.dispose();
    }, reps);
    row.forward = forward.toFixed(1);
    // engine-notes: a cpu training step is ~20x its forward (76 s measured); skip it unless asked.
    if (name === 'cpu' && !CPU_FULL && forward * 20 > 60_000) {
      row.note = `fwd+bwd skipped: estimated ${((forward * 20) / 1000).toFixed(0)} s > 60 s (--cpu-full runs it)`;
    } else {
      const fb = await timeIt(async () => {
        const g = net.gradients(loss, x, { training: true });
        await Promise.all([...g.params.values()].map((t) => t.data()));
        tf.dispose([...g.params.values()]);
      }, reps);
      row.fwdBwd = fb.toFixed(1);
    }
    if (name === 'wasm' && STEPS > 0) {
      const opt = new SGD(net, { lr: 0.01, momentum: 0.9 });
      trainStep(net, opt, x, loss); // creates the momentum buffers
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      for (let i = 0; i < STEPS; i++) trainStep(net, opt, x, loss);
      const after = tf.memory().numTensors;
      row.note += `; numTensors before/after ${STEPS} SGD steps: ${before}/${after} (${((performance.now() - t0) / STEPS).toFixed(0)} ms/step)`;
      opt.dispose();
    }
  } finally {
    tf.dispose([x, labels]);
    net.dispose();
  }
  return row;
}

const rows: Row[] = [];
for (const name of BACKEND_NAMES) {
  try {
    resolveBackend(name);
  } catch (e) {
    rows.push({ backend: name, forward: '-', fwdBwd: '-', note: `unavailable: ${oneLine(e)}` });
    continue;
  }
  rows.push(await bench(name));
}

const load = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `engine benchmark: batch ${BATCH}, 28x28x1, C=32, medians of ${REPS} (cpu: 1); ${os.cpus().length} CPUs, load ${load}`,
);
console.log('| backend | forward ms | fwd+bwd ms | note |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.backend} | ${r.forward} | ${r.fwdBwd} | ${r.note} |`);
process.exit(0);
