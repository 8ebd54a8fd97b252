/**
 * `npm run bench -- indicators [--c16 N] [--c128 N] [--mem N] [--batch 64] [--indicators list]`
 *
 * 1. ms per indicator per candidate for random (non-degenerate) mstf-space architectures at C0 = 16 and
 *    C0 = 128, batch 64 of 28x28x1 (BreastMNIST's training split when present, otherwise a seeded
 *    Gaussian batch; the line says which).
 * 2. tf.memory().numTensors across --mem candidates (default 100) scored with every indicator: it must stay
 *    flat. Leaks do not depend on sizes, so this loop uses C0 = 8 and a batch of 8 to stay short.
 * Backend: MSTF_BACKEND or the automatic choice.
 */
import 'reflect-metadata';
import { tf } from '../core/engine/tf.js';
import { ensureBackend } from '../core/engine/backend.js';
import { bootKernel, resolveSettings, type Kernel } from '../core/kernel/index.js';
import { loadSplit, sampleBatch } from '../core/data/batch.js';
import { scoreArchitecture } from '../core/indicators/runner.js';
import { selectIndicators } from '../core/indicators/select.js';
import { Rng } from '../core/util/rng.js';
import type { Batch } from '../core/contracts/dataset.js';
import { builtinPlugins } from '../plugins/index.js';

function flag(name: string, fallback: number | string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : String(fallback);
}

const counts = { 16: Number(flag('c16', 5)), 128: Number(flag('c128', 2)) };
const memCandidates = Number(flag('mem', 100));
const batchSize = Number(flag('batch', 64));
const which = flag('indicators', 'all');

async function makeBatch(kernel: Kernel, n: number): Promise<{ batch: Batch; source: string }> {
  try {
    const { dataset, data } = await loadSplit(kernel, 'breastmnist', 'train');
    return { batch: sampleBatch(data, n, new Rng(0), dataset), source: 'breastmnist train' };
  } catch (e) {
    const rng = new Rng(0);
    const x = new Float32Array(n * 28 * 28);
    for (let i = 0; i < x.length; i++) x[i] = rng.normal();
    const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
    const why = (e as Error).message.split('\n')[0];
    return { batch: { x, shape: [n, 28, 28, 1], labels, labelWidth: 1, task: 'binary-class', classes: 2 }, source: `Gaussian noise (breastmnist unavailable: ${why})` };
  }
}

function space(kernel: Kernel, channels: number) {
  const s = kernel.registry('searchSpace').get('mstf');
  const options = s.optionsSchema ? s.optionsSchema.parse({ channels }) : { channels };
  return s.create({ inputShape: [28, 28, 1], classes: 2 }, options);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const kernel = await bootKernel({ settings: resolveSettings({}), builtins: builtinPlugins });
const decision = await ensureBackend(kernel.settings.backend);
const selected = selectIndicators(kernel, which);
console.log(`backend: ${decision.reason}`);

const { batch, source } = await makeBatch(kernel, batchSize);
console.log(`batch: ${batch.shape.join('x')} from ${source}\n`);

for (const c0 of [16, 128] as const) {
  const n = counts[c0];
  if (n <= 0) continue;
  const inst = space(kernel, c0);
  const rng = new Rng(1);
  const ms: Record<string, number[]> = Object.fromEntries(selected.indicators.map((i) => [i.id, []]));
  const errors: string[] = [];
  for (let k = 0; k < n; k++) {
    const g = inst.sample(rng);
    const r = await scoreArchitecture({ ir: inst.decode(g), indicators: selected.indicators, optionsById: selected.optionsById, batch, seed: k });
    for (const [id, d] of Object.entries(r.details)) {
      ms[id]!.push(d.ms);
      if (d.error) errors.push(`${id}: ${d.error}`);
    }
    process.stderr.write(`C0=${c0}: candidate ${k + 1}/${n} done\n`);
  }
  console.log(`mstf space, C0=${c0}, batch ${batchSize}x28x28x1, ${n} candidates: ms per indicator per candidate`);
  console.log('indicator      median      mean       min       max');
  let total = 0;
  for (const [id, xs] of Object.entries(ms)) {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    total += mean;
    console.log(`${id.padEnd(12)} ${median(xs).toFixed(0).padStart(8)} ${mean.toFixed(0).padStart(9)} ${Math.min(...xs).toFixed(0).padStart(9)} ${Math.max(...xs).toFixed(0).padStart(9)}`);
  }
  console.log(`${'all'.padEnd(12)} ${''.padStart(8)} ${total.toFixed(0).padStart(9)}`);
  if (errors.length) console.log(`errors: ${[...new Set(errors)].join('; ')}`);
  console.log('');
}

if (memCandidates > 0) {
  const inst = space(kernel, 8);
  const small = (await makeBatch(kernel, 8)).batch;
  const rng = new Rng(2);
  const start = tf.memory().numTensors;
  const marks: string[] = [];
  let leaks = 0;
  for (let k = 1; k <= memCandidates; k++) {
    const r = await scoreArchitecture({ ir: inst.decode(inst.sample(rng)), indicators: selected.indicators, optionsById: selected.optionsById, batch: small, seed: k });
    leaks += Object.values(r.details).filter((d) => d.leakedTensors !== undefined).length;
    if (k === 1 || k % Math.max(1, Math.floor(memCandidates / 5)) === 0 || k === memCandidates) {
      const m = tf.memory();
      marks.push(`${k}: ${m.numTensors} tensors, ${(m.numBytes / 1e6).toFixed(2)} MB`);
    }
    if (k % 10 === 0) process.stderr.write(`memory loop: ${k}/${memCandidates}\n`);
  }
  console.log(`tf.memory() across ${memCandidates} candidates (C0=8, batch 8, ${selected.indicators.length} indicators), before: ${start} tensors`);
  for (const m of marks) console.log(`  after ${m}`);
  console.log(`  indicator runs flagged as leaking: ${leaks}; numTensors ${tf.memory().numTensors === start ? 'flat' : 'NOT flat'}`);
}
