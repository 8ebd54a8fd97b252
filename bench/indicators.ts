/**
 * `npm run bench -- indicators [--c16 N] [--c128 N] [--mem N] [--batch 64] [--batch128 B] [--indicators list]`
 *
 * 1. tf.memory().numTensors across --mem candidates (default 100) scored with every indicator: it must stay
 *    flat. Leaks do not depend on sizes, so this loop uses C0 = 8 and a batch of 8 to stay short.
 * 2. ms per indicator per candidate for random (non-degenerate) mstf-space architectures at C0 = 16 (--c16,
 *    default 5) and C0 = 128 (--c128, default 2), batch 64 of 28x28x1 (BreastMNIST's training split when
 *    present, otherwise a seeded Gaussian batch; the output says which). On wasm the indicators that
 *    backpropagate a data batch through a C0 = 128 network run at --batch128 (default 16): batch 64 exceeds
 *    the 4 GB wasm heap (the module aborts).
 * Backend: MSTF_BACKEND or the automatic choice.
 */
import 'reflect-metadata';
import { tf } from '../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../plugins/engine-tfjs/backend.js';
import { bootKernel, resolveSettings, type Kernel } from '../core/kernel/index.js';
import { loadSplit, sampleBatch } from '../core/data/batch.js';
import { scoreArchitecture } from '../core/indicators/runner.js';
import { selectIndicators } from '../core/indicators/select.js';
import { Rng } from '../core/util/rng.js';
import type { Batch } from '../core/contracts/dataset.js';
import { builtinPlugins } from '../plugins/index.js';
import { tfjsEngine } from '../plugins/engine-tfjs/index.js';

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
    return {
      batch: { x, shape: [n, 28, 28, 1], labels, labelWidth: 1, task: 'binary-class', classes: 2 },
      source: `Gaussian noise (breastmnist unavailable: ${why})`,
    };
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

/** Score n random candidates at one C0; one row per indicator with the batch it used. */
async function timeSection(c0: number, n: number, groups: { batch: Batch; ids: string[] }[]): Promise<void> {
  if (n <= 0) return;
  const inst = space(kernel, c0);
  const rng = new Rng(1);
  const rows: { id: string; batch: number; ms: number[]; errors: Set<string> }[] = [];
  const genotypes = Array.from({ length: n }, () => inst.sample(rng));
  for (const { batch: b, ids } of groups) {
    const inds = selected.indicators.filter((i) => ids.includes(i.id));
    const group = inds.map((i) => ({
      id: i.id,
      batch: i.needs.data ? b.shape[0] : 0,
      ms: [] as number[],
      errors: new Set<string>(),
    }));
    rows.push(...group);
    for (const [k, g] of genotypes.entries()) {
      const r = await scoreArchitecture({
        engine: tfjsEngine,
        ir: inst.decode(g),
        indicators: inds,
        optionsById: selected.optionsById,
        batch: b,
        seed: k,
      });
      for (const row of group) {
        const d = r.details[row.id]!;
        if (d.error) row.errors.add(d.error);
        else row.ms.push(d.ms);
      }
      process.stderr.write(`C0=${c0}: candidate ${k + 1}/${n} (${ids.join(',')}) done\n`);
    }
  }
  console.log(`mstf space, C0=${c0}, 28x28x1, ${n} candidate${n > 1 ? 's' : ''}: ms per indicator per candidate`);
  console.log('indicator     batch   median      mean       min       max  note');
  let total = 0;
  for (const r of rows) {
    const xs = r.ms;
    const mean = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
    if (xs.length) total += mean;
    const f = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '-').padStart(9);
    const note = r.errors.size
      ? `failed ${r.errors.size === 1 ? '' : `(${r.errors.size} kinds) `}: ${[...r.errors][0]}`
      : '';
    console.log(
      `${r.id.padEnd(12)} ${String(r.batch || '-').padStart(6)} ${f(xs.length ? median(xs) : NaN)} ${f(mean)} ${f(xs.length ? Math.min(...xs) : NaN)} ${f(xs.length ? Math.max(...xs) : NaN)}  ${note}`,
    );
  }
  console.log(`${'sum'.padEnd(12)} ${''.padStart(6)} ${''.padStart(9)} ${total.toFixed(0).padStart(9)}\n`);
}

// Leaks first: an out-of-memory abort of the wasm module (possible at C0 = 128) breaks every later op.
if (memCandidates > 0) {
  const inst = space(kernel, 8);
  const small = (await makeBatch(kernel, 8)).batch;
  const rng = new Rng(2);
  const start = tf.memory().numTensors;
  const marks: string[] = [];
  let leaks = 0;
  let failures = 0;
  for (let k = 1; k <= memCandidates; k++) {
    const r = await scoreArchitecture({
      engine: tfjsEngine,
      ir: inst.decode(inst.sample(rng)),
      indicators: selected.indicators,
      optionsById: selected.optionsById,
      batch: small,
      seed: k,
    });
    leaks += Object.values(r.details).filter((d) => d.leakedTensors !== undefined).length;
    failures += Object.values(r.details).filter((d) => d.error !== undefined).length;
    if (k === 1 || k % Math.max(1, Math.floor(memCandidates / 5)) === 0 || k === memCandidates) {
      const m = tf.memory();
      marks.push(`${k}: ${m.numTensors} tensors, ${(m.numBytes / 1e6).toFixed(2)} MB`);
    }
    if (k % 10 === 0) process.stderr.write(`memory loop: ${k}/${memCandidates}\n`);
  }
  console.log(
    `tf.memory() across ${memCandidates} candidates (C0=8, batch 8, ${selected.indicators.length} indicators each), before: ${start} tensors`,
  );
  for (const m of marks) console.log(`  after ${m}`);
  console.log(
    `  indicator runs flagged as leaking: ${leaks}; failed runs: ${failures}; numTensors ${tf.memory().numTensors === start ? 'flat' : 'NOT flat'}\n`,
  );
}

const allIds = selected.indicators.map((i) => i.id);
await timeSection(16, counts[16], [{ batch, ids: allIds }]);
// C0 = 128: backward passes at batch 64 exceed the 4 GB wasm heap, so the indicators that differentiate
// through the whole network on data use --batch128 (default 16) on wasm; the others keep batch 64.
const backwardOnData = selected.indicators.filter((i) => i.needs.data && i.needs.backward).map((i) => i.id);
const batch128 = Number(flag('batch128', decision.name === 'wasm' ? 16 : batchSize));
await timeSection(128, counts[128], [
  ...(backwardOnData.length
    ? [{ batch: batch128 === batchSize ? batch : (await makeBatch(kernel, batch128)).batch, ids: backwardOnData }]
    : []),
  { batch, ids: allIds.filter((id) => !backwardOnData.includes(id)) },
]);
