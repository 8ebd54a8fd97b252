/**
 * `npm run bench -- parity [--c0 16|128] [--n 6] [--batch 64] [--seed 3] [--no-train] [--train-steps 4] [--loop N]`
 *
 * mstf against the PyTorch reference (../shared/bench/mstf_torch_ref.py, through bench/parity_torch.py) on the
 * same genotypes, in one run, candidate by candidate in alternation so both sides see the same machine load.
 * Both run on one thread: mstf's wasm backend is single-threaded under Node, and the PyTorch child gets
 * torch.set_num_threads(1), OMP_NUM_THREADS=1 and OPENBLAS_NUM_THREADS=1.
 *
 * Per candidate: network init (mstf: compileNetwork's seeded init; PyTorch: MSTFNet(...)), jacob_cov on a batch
 * of --batch and synflow, timed the way each side scores a candidate (mstf: the indicator runner, as
 * `mstf proxies score` and the search run it; PyTorch: side_by_side.py's calls). A warm-up candidate runs
 * first on both sides and is not reported. Then one training step (forward + backward + Adam, batch 64, the
 * C0 = 16 candidate of bench/train-step.ts) on both sides, median of --train-steps after a warm-up step.
 *
 * --loop N (opt-in, mstf only, no timing; `--n 0 --no-train --loop N` runs the loop alone): N more candidates scored with the pair, printing
 * tf.memory().numTensors and the wasm heap size as it goes: both must stay flat once the largest candidate has
 * run (wasm memory never shrinks; it must stop growing). The first loop candidate is the largest of the space.
 *
 * Without Debian's python3-torch the mstf numbers are printed and the output says the reference is missing.
 */
import 'reflect-metadata';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../plugins/engine-tfjs/compile.js';
import { scoreArchitecture } from '../core/indicators/runner.js';
import { classificationLoss, createTrainingOptimizer } from '../core/training/optimizer.js';
import { Rng } from '../core/util/rng.js';
import type { Batch } from '../core/contracts/dataset.js';
import type { Network } from '../core/contracts/engine.js';
import type { Indicator } from '../core/contracts/indicator.js';
import { mstfSpace } from '../plugins/space-mstf/space.js';
import { jacobCov } from '../plugins/indicators/jacob-cov.js';
import { synflow } from '../plugins/indicators/synflow.js';
import { tfjsEngine } from '../plugins/engine-tfjs/index.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : fallback;
}
const c0 = flag('c0', 16);
const n = flag('n', 6);
const batchSize = flag('batch', 64);
const seed = flag('seed', 3);
const trainSteps = flag('train-steps', 4);
const train = !process.argv.includes('--no-train');
const loop = flag('loop', 0);
const TRAIN_GENOTYPE = '1,0,1,1,0,2,1,1,0,0,5,2,3,3,1,0,0,0,3,0,0,2,4,1,4,1,0,3,1,0,6,1,2,1,0,1,4,0,5,1,4,5';
const PYTHON = process.env.MSTF_PYTHON ?? '/usr/bin/python3';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The PyTorch child: one JSON request per line, one JSON reply per line. */
class TorchReference {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly info: Record<string, unknown>,
  ) {}

  static async start(): Promise<TorchReference | { missing: string }> {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'parity_torch.py');
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(PYTHON, [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      return { missing: `${PYTHON}: ${(e as Error).message}` };
    }
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const spawnError = new Promise<string>((resolve) => child.on('error', (e) => resolve(e.message)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([lines.next().then((r) => r.value as string | undefined), spawnError]);
    let info: Record<string, unknown> | undefined;
    try {
      info = first ? (JSON.parse(first) as Record<string, unknown>) : undefined;
    } catch {
      info = undefined;
    }
    if (!info?.ready) {
      child.kill();
      const why = (info?.why as string | undefined) ?? (first || stderr.trim().split('\n').pop() || 'no answer');
      return { missing: `${PYTHON} bench/parity_torch.py: ${why}` };
    }
    return new TorchReference(child, lines, info);
  }

  async ask<T>(req: Record<string, unknown>): Promise<T> {
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const r = await this.lines.next();
    if (r.done) throw new Error('the PyTorch reference exited');
    return JSON.parse(r.value as string) as T;
  }

  close(): void {
    this.child.stdin.end();
  }
}

interface Times {
  init: number;
  jacob_cov: number;
  synflow: number;
  /** PyTorch only: jacob_cov's forward pass alone (its jacob_cov with free Gram products). */
  forward?: number;
  /** The same, as CPU time of the process (less sensitive to other processes' load than wall time). */
  cpu?: { init: number; jacob_cov: number; synflow: number; forward?: number };
}

/** CPU time of this process in ms (user + system). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The indicator, also recording its CPU time in `into[id]`. */
function cpuTimed<T extends Indicator<any>>(ind: T, into: Record<string, number>): T {
  return {
    ...ind,
    async score(ctx, options) {
      const t0 = cpuMs();
      try {
        return await ind.score(ctx, options);
      } finally {
        into[ind.id] = cpuMs() - t0;
      }
    },
  };
}

function gaussianBatch(count: number): Batch {
  const rng = new Rng(seed);
  const x = new Float32Array(count * 28 * 28);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
  return { x, shape: [count, 28, 28, 1], labels, labelWidth: 1, task: 'binary-class', classes: 2 };
}

const backend = await ensureBackend(process.env.MSTF_BACKEND ?? 'wasm');
const space = mstfSpace.create({ inputShape: [28, 28, 1], classes: 2 }, { blocks: 3, channels: c0 });
const rng = new Rng(seed);
const genotypes = n > 0 ? Array.from({ length: n + 1 }, () => space.sample(rng)) : []; // [0] warms up both sides
const batch = gaussianBatch(batchSize);
const torchRef = n > 0 || train ? await TorchReference.start() : { missing: 'not started (--n 0 --no-train)' };
const ref = torchRef instanceof TorchReference ? torchRef : undefined;

console.log(`backend: ${backend.reason}`);
console.log(
  ref
    ? `PyTorch reference: torch ${ref.info.torch}, ${ref.info.threads} thread, BLAS ${ref.info.blas} (${ref.info.ref})`
    : `PyTorch reference MISSING (${(torchRef as { missing: string }).missing}): mstf numbers only`,
);
console.log(`mstf space C0=${c0}, batch ${batchSize}, ${n} candidates (+1 warm-up), seed ${seed}; times in ms\n`);

async function mstfCandidate(g: number[], k: number): Promise<Times & { scores: Record<string, number | null> }> {
  let init = 0;
  let initCpu = 0;
  const cpu: Record<string, number> = {};
  const compile = (ir: Parameters<typeof compileNetwork>[0], opts: { seed: number }): Network => {
    const t0 = performance.now();
    const c0 = cpuMs();
    const net = compileNetwork(ir, opts);
    init = performance.now() - t0;
    initCpu = cpuMs() - c0;
    return net;
  };
  const indicators = [cpuTimed(jacobCov, cpu), cpuTimed(synflow, cpu)];
  const r = await scoreArchitecture({
    engine: { ...tfjsEngine, compile },
    ir: space.decode(g),
    indicators,
    batch,
    seed: k,
  });
  for (const [id, d] of Object.entries(r.details)) if (d.error) throw new Error(`mstf ${id}: ${d.error}`);
  // The runner compiles lazily inside the first indicator (jacob_cov): its time is reported as init.
  return {
    init,
    jacob_cov: r.details.jacob_cov!.ms - init,
    synflow: r.details.synflow!.ms,
    cpu: { init: initCpu, jacob_cov: cpu.jacob_cov! - initCpu, synflow: cpu.synflow! },
    scores: r.scores,
  };
}

const rows: { mstf: Times; torch?: Times }[] = [];
const header = `${'candidate'.padEnd(10)} ${'init'.padStart(13)} ${'jacob_cov'.padStart(13)} ${'synflow'.padStart(13)} ${'pair'.padStart(13)}   (mstf / PyTorch)`;
if (genotypes.length > 0) console.log(header);
const cell = (a: number, b?: number): string =>
  (b === undefined ? `${a.toFixed(0)}` : `${a.toFixed(0)}/${b.toFixed(0)}`).padStart(13);
const tensorsBefore = tf.memory().numTensors;
for (const [k, g] of genotypes.entries()) {
  // Alternate who goes first, so a load spike does not always hit the same side.
  let m: Times | undefined;
  let t: Times | undefined;
  const runTorch = async (): Promise<void> => {
    if (ref) t = await ref.ask<Times>({ op: 'proxies', genotype: g, c0, batch: batchSize, seed: k });
  };
  if (k % 2 === 0) {
    m = await mstfCandidate(g, k);
    await runTorch();
  } else {
    await runTorch();
    m = await mstfCandidate(g, k);
  }
  const label = k === 0 ? 'warm-up' : `#${k}`;
  console.log(
    `${label.padEnd(10)} ${cell(m.init, t?.init)} ${cell(m.jacob_cov, t?.jacob_cov)} ${cell(m.synflow, t?.synflow)} ${cell(m.jacob_cov + m.synflow, t ? t.jacob_cov + t.synflow : undefined)}`,
  );
  if (k > 0) rows.push({ mstf: m, ...(t ? { torch: t } : {}) });
}

if (rows.length > 0) {
  const med = (side: 'mstf' | 'torch', f: (x: Times) => number): number => median(rows.map((r) => f(r[side]!)));
  const measures: [string, (x: Times) => number][] = [
    ['init', (x) => x.init],
    ['jacob_cov', (x) => x.jacob_cov],
    ['synflow', (x) => x.synflow],
    ['pair (jacob_cov + synflow)', (x) => x.jacob_cov + x.synflow],
    ['candidate (init + pair)', (x) => x.init + x.jacob_cov + x.synflow],
  ];
  console.log(`\nmedians over ${rows.length} candidates, C0=${c0}, wall time:`);
  for (const [name, f] of measures) {
    const a = med('mstf', f);
    if (!ref) {
      console.log(`  ${name.padEnd(28)} mstf ${a.toFixed(0)} ms`);
      continue;
    }
    const b = med('torch', f);
    const ratios = rows.map((r) => f(r.mstf) / f(r.torch!));
    console.log(
      `  ${name.padEnd(28)} mstf ${a.toFixed(0).padStart(6)} ms  PyTorch ${b.toFixed(0).padStart(6)} ms  ratio of medians ${(a / b).toFixed(2)}x  (median per-candidate ratio ${median(ratios).toFixed(2)}x)`,
    );
  }
  if (ref) {
    // A stricter yardstick: PyTorch's jacob_cov time with its Gram products removed (its forward alone).
    const f = (x: Times): number => (x.forward ?? NaN) + x.synflow;
    const a = med('mstf', (x) => x.jacob_cov + x.synflow);
    const b = med('torch', f);
    console.log(
      `  ${'pair vs PyTorch forward-only'.padEnd(28)} mstf ${a.toFixed(0).padStart(6)} ms  PyTorch ${b.toFixed(0).padStart(6)} ms  ratio of medians ${(a / b).toFixed(2)}x  (PyTorch's jacob_cov without its Gram matmuls: a lower bound for any BLAS)`,
    );
  }
  const cpuOf = (x: Times): Times => ({ ...x.cpu!, cpu: x.cpu! });
  if (rows.every((r) => r.mstf.cpu && (!ref || r.torch?.cpu))) {
    console.log(`same, CPU time of each process (ms; less sensitive to the machine's load):`);
    for (const [name, f] of measures) {
      const a = median(rows.map((r) => f(cpuOf(r.mstf))));
      if (!ref) {
        console.log(`  ${name.padEnd(28)} mstf ${a.toFixed(0)} ms`);
        continue;
      }
      const b = median(rows.map((r) => f(cpuOf(r.torch!))));
      console.log(
        `  ${name.padEnd(28)} mstf ${a.toFixed(0).padStart(6)} ms  PyTorch ${b.toFixed(0).padStart(6)} ms  ratio of medians ${(a / b).toFixed(2)}x`,
      );
    }
    if (ref) {
      const a = median(rows.map((r) => r.mstf.cpu!.jacob_cov + r.mstf.cpu!.synflow));
      const b = median(rows.map((r) => (r.torch!.cpu!.forward ?? NaN) + r.torch!.cpu!.synflow));
      console.log(
        `  ${'pair vs PyTorch forward-only'.padEnd(28)} mstf ${a.toFixed(0).padStart(6)} ms  PyTorch ${b.toFixed(0).padStart(6)} ms  ratio of medians ${(a / b).toFixed(2)}x`,
      );
    }
  }
  console.log(`  tf.memory().numTensors: ${tensorsBefore} before, ${tf.memory().numTensors} after`);
}

if (train) {
  const ctx = { inputShape: [28, 28, 1] as [number, number, number], classes: 2 };
  const trainSpace = mstfSpace.create(ctx, { blocks: 3, channels: 16 });
  const g = trainSpace.parse(TRAIN_GENOTYPE);
  const net = compileNetwork(trainSpace.decode(g), { seed: 0 });
  const opt = createTrainingOptimizer(tfjsEngine, net);
  const x = tf.randomNormal([64, 28, 28, 1], 0, 1, 'float32', seed);
  const labels = Int32Array.from({ length: 64 }, (_, i) => i % 2);
  const target = classificationLoss(tfjsEngine, 'binary-class', 2, labels, 64);
  const mstfSteps: number[] = [];
  for (let i = 0; i <= trainSteps; i++) {
    const t0 = performance.now();
    const grads = net.gradients((o) => target.loss(o.output), x, { training: true, updateStats: true });
    opt.apply(grads.params, 1e-3);
    tf.dispose([...grads.params.values()]);
    if (i > 0) mstfSteps.push(performance.now() - t0); // step 0 warms up
  }
  tf.dispose([x]);
  target.dispose();
  opt.dispose();
  net.dispose();
  const a = median(mstfSteps);
  let line = `\ntraining step (forward + backward + Adam, batch 64, C0=16 candidate): mstf ${a.toFixed(0)} ms`;
  if (ref) {
    const r = await ref.ask<{ steps: number[] }>({
      op: 'train',
      genotype: g,
      c0: 16,
      batch: 64,
      steps: trainSteps + 1,
    });
    const b = median(r.steps.slice(1));
    line += `, PyTorch ${b.toFixed(0)} ms, ratio ${(a / b).toFixed(2)}x`;
  }
  console.log(line);
}
ref?.close();

if (loop > 0) {
  const heapMiB = (): string =>
    tf.getBackend() === 'wasm'
      ? `${((tf.backend() as { wasm?: { HEAPU8: Uint8Array } }).wasm!.HEAPU8.buffer.byteLength / 2 ** 20).toFixed(0)} MiB`
      : '-';
  // The largest candidate of the space first (every node conv7x1_1x7 on the cell input): the heap's high-water mark.
  const largest = Array.from({ length: 3 }, () => [5, 0, 5, 0, 5, 0, 5, 0, 5, 0, 0, 1, 2, 3]).flat();
  const loopRng = new Rng(seed + 1);
  const start = tf.memory().numTensors;
  console.log(
    `\nmemory loop: ${loop} candidates at C0=${c0}, batch ${batchSize}; numTensors ${start}, wasm heap ${heapMiB()} before`,
  );
  const every = Math.max(1, Math.floor(loop / 10));
  for (let k = 1; k <= loop; k++) {
    const g = k === 1 ? largest : space.sample(loopRng);
    const r = await scoreArchitecture({
      engine: tfjsEngine,
      ir: space.decode(g),
      indicators: [jacobCov, synflow],
      batch,
      seed: k,
    });
    for (const [id, d] of Object.entries(r.details))
      if (d.error || d.leakedTensors)
        throw new Error(`candidate ${k} ${id}: ${d.error ?? `leaked ${d.leakedTensors} tensors`}`);
    if (k === 1 || k % every === 0 || k === loop)
      console.log(`  after ${k}: numTensors ${tf.memory().numTensors}, wasm heap ${heapMiB()}`);
  }
  console.log(`  numTensors ${tf.memory().numTensors === start ? 'flat' : 'NOT flat'}`);
}
console.log('\n(ratios are mstf / PyTorch; the machine may be shared: only ratios from one run compare)');
