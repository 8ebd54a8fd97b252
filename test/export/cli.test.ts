/**
 * End to end through the built CLI, as a user would: a tiny search and a tiny training, then
 * - `proxies score --run <id> --member <hash>` reproduces the stored scores exactly;
 * - `arch export --weights <training>` to ONNX (onnxruntime) and PyTorch (python3-torch) gives the test
 *   predictions `mstf train --predictions` wrote (max abs difference <= 1e-4);
 * - bad member selectors are one clear line.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { RunStore } from '../../core/store/run-store.js';
import { bootKernel, resolveSettings } from '../../core/kernel/index.js';
import { builtinPlugins } from '../../plugins/index.js';
import { loadSplit } from '../../core/data/batch.js';
import { EXPORTED_PY, requireTorch, runPython } from './torch.js';

// One block: sep 3x3, identity, 7x1+1x7, dil sep 3x3 (n2), identity (n3); pools max 3x3, avg 3x3, max 4x4, max 2x2.
const GENOTYPE = '0,0,6,0,5,0,3,2,6,3,0,2,3,4';
const ARCH = ['--space', 'mstf', '--genotype', GENOTYPE, '--blocks', '1', '--channels', '4'];
const TEST_IMAGES = 40;

const cwd = tempDir('mstf-export-cli-');
const store = path.join(cwd, 'runs.db');
const training = path.join(cwd, 'training');
let searchId = '';
afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

function lastJson(stdout: string): any {
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

beforeAll(async () => {
  const [s, t] = await Promise.all([
    runCli(
      [
        'search',
        '--population',
        '4',
        '--offspring',
        '2',
        '--generations',
        '2',
        '--channels',
        '4',
        '--batch-size',
        '8',
        '--seed',
        '3',
        '--store',
        store,
        '--json',
      ],
      { cwd, timeoutMs: 300_000 },
    ),
    runCli(
      [
        'train',
        ...ARCH,
        '--dataset',
        'breastmnist',
        '--epochs',
        '1',
        '--batch-size',
        '2',
        '--max-train',
        '64',
        '--max-eval',
        String(TEST_IMAGES),
        '--out',
        training,
        '--predictions',
        path.join(training, 'pred.csv'),
        '--json',
      ],
      { cwd, timeoutMs: 300_000 },
    ),
  ]);
  expect(s.code, s.stderr).toBe(0);
  expect(t.code, t.stderr).toBe(0);
  searchId = lastJson(s.stdout).searchId;
}, 600_000);

/** Probabilities per test image from the predictions CSV (index, label, prob_0..). */
function csvProbs(file: string): number[][] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').slice(2).map(Number));
}

function softmaxRows(logits: ArrayLike<number>, k: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < logits.length / k; i++) {
    const z = Array.from({ length: k }, (_, c) => logits[i * k + c]!);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    rows.push(e.map((v) => v / s));
  }
  return rows;
}

const maxDiff = (a: number[][], b: number[][]) => {
  expect(a.length).toBe(b.length);
  return Math.max(...a.flatMap((row, i) => row.map((v, c) => Math.abs(v - b[i]![c]!))));
};

/** The first TEST_IMAGES test images, normalised as mstf does, NCHW float32 (what the exports take). */
async function testImagesNCHW(): Promise<{ data: Float32Array; shape: [number, number, number, number] }> {
  const kernel = await bootKernel({ settings: resolveSettings({ cwd }), builtins: builtinPlugins, config: {} });
  const { dataset, data } = await loadSplit(kernel, 'breastmnist', 'test');
  const [, h, w, c] = data.shape;
  const nhwc = dataset.normalise(data.images.subarray(0, TEST_IMAGES * h * w * c));
  const out = new Float32Array(nhwc.length);
  for (let i = 0; i < TEST_IMAGES; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          out[((i * c + ch) * h + y) * w + x] = nhwc[((i * h + y) * w + x) * c + ch]!;
        }
  return { data: out, shape: [TEST_IMAGES, c, h, w] };
}

describe('mstf arch export of a trained architecture', () => {
  it("the training's test predictions depend on the image (so matching them means something)", () => {
    const p = csvProbs(path.join(training, 'pred.csv')).map((r) => r[0]!);
    expect(p).toHaveLength(TEST_IMAGES);
    expect(Math.max(...p) - Math.min(...p)).toBeGreaterThan(5e-3);
  });

  it('ONNX: onnxruntime gives the same test predictions as mstf train --predictions (<= 1e-4)', async () => {
    const file = path.join(cwd, 'net.onnx');
    const r = await runCli(
      ['arch', 'export', ...ARCH, '--format', 'onnx', '--out', file, '--weights', training, '--json'],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ format: 'onnx', files: [file], weights: `training ${training}` });
    const { data, shape } = await testImagesNCHW();
    const session = await ort.InferenceSession.create(file);
    const out = await session.run({ input: new ort.Tensor('float32', data, shape) });
    const probs = softmaxRows(out.logits!.data as Float32Array, 2);
    expect(maxDiff(probs, csvProbs(path.join(training, 'pred.csv')))).toBeLessThanOrEqual(1e-4);
  });

  it("PyTorch: mstf's parameter count and MACs, and with the weights the same test predictions (<= 1e-4)", async (ctx) => {
    if (!requireTorch()) ctx.skip();
    const show = await runCli(['arch', 'show', ...ARCH, '--json'], { cwd });
    const mstf = lastJson(show.stdout);
    const py = path.join(cwd, 'untrained.py');
    const bare = await runCli(['arch', 'export', ...ARCH, '--format', 'pytorch', '--out', py], { cwd });
    expect(bare.code, bare.stderr).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'untrained.safetensors'))).toBe(false);
    expect(runPython(EXPORTED_PY, [py])).toEqual({ params: mstf.params, macs: mstf.flops });

    const trained = path.join(cwd, 'sub', 'trained.py');
    const r = await runCli(
      ['arch', 'export', ...ARCH, '--format', 'pytorch', '--out', trained, '--weights', training],
      { cwd },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(cwd, 'sub', 'trained.safetensors'))).toBe(true);
    const { data, shape } = await testImagesNCHW();
    const input = path.join(cwd, 'images.f32');
    fs.writeFileSync(input, data);
    const out = runPython(EXPORTED_PY, [trained, input, String(shape[0])]);
    expect(out.params).toBe(mstf.params);
    expect(maxDiff(softmaxRows(out.logits, 2), csvProbs(path.join(training, 'pred.csv')))).toBeLessThanOrEqual(1e-4);
  });

  it('weights of another network are refused in one line, nothing written', async () => {
    const file = path.join(cwd, 'wrong.onnx');
    const r = await runCli(
      [
        'arch',
        'export',
        '--space',
        'mstf',
        '--genotype',
        GENOTYPE,
        '--blocks',
        '1',
        '--channels',
        '8',
        '--format',
        'onnx',
        '--out',
        file,
        '--weights',
        training,
      ],
      { cwd },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^mstf: INVALID_ARGUMENT: --weights .*training: that training trained another network/);
    expect(fs.existsSync(file)).toBe(false);
    const none = await runCli(
      ['arch', 'export', ...ARCH, '--format', 'onnx', '--out', file, '--weights', path.join(cwd, 'nope')],
      { cwd },
    );
    expect(none.stderr.trim()).toMatch(/^mstf: NOT_FOUND: --weights .*nope: no trained model there/);
  });
});

describe('--run <id> [--member | --rank]: any member of a stored search', () => {
  function storedCandidates() {
    const s = RunStore.open(store);
    try {
      return {
        candidates: s.candidates(searchId).filter((c) => c.reusedFrom === null),
        selected: s.getSearch(searchId)!.selected!,
      };
    } finally {
      s.close();
    }
  }

  it('proxies score --run <id> --member <hash> prints the stored scores exactly', async () => {
    const { candidates, selected } = storedCandidates();
    const other = candidates.find((c) => c.hash !== selected.hash && c.state === 'ok')!;
    const [r, text] = await Promise.all([
      runCli(['proxies', 'score', '--run', searchId, '--member', other.hash.slice(0, 12), '--store', store, '--json'], {
        cwd,
      }),
      runCli(['proxies', 'score', '--run', searchId, '--member', other.hash.slice(0, 12), '--store', store], { cwd }),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    expect(j.hash).toBe(other.hash);
    expect(j.scores).toEqual(other.scores);
    expect(Object.keys(j.scores)).toEqual(['jacob_cov', 'synflow', 'flops']);
    expect(j.reproduced).toBe(true);
    // Human output: the recomputed values, printed in full, are the stored ones.
    for (const [id, v] of Object.entries(other.scores))
      expect(text.stdout).toMatch(
        new RegExp(`^${id}\\s+${String(v).replace('.', '\\.')}\\s+${String(v).replace('.', '\\.')}\\s+yes`, 'm'),
      );
  });

  it('without --member: the pick; --rank K: the K-th member of the Pareto front as runs show lists it', async () => {
    const s = RunStore.open(store);
    const last = s.result(searchId)!.pareto.length;
    s.close();
    const [shownRun, pickRun, rankedRun] = await Promise.all([
      runCli(['runs', 'show', searchId, '--store', store, '--json'], { cwd }),
      runCli(['arch', 'show', '--run', searchId, '--store', store, '--json'], { cwd }),
      runCli(['arch', 'show', '--run', searchId, '--rank', String(last), '--store', store, '--json'], { cwd }),
    ]);
    const [shown, pick, ranked] = [shownRun, pickRun, rankedRun].map((r) => lastJson(r.stdout));
    expect(pick.hash).toBe(shown.selected.hash);
    expect(pick.search).toMatchObject({ chosenBy: 'pick', selected: true });
    expect(ranked.hash).toBe(shown.pareto[last - 1].hash);
    expect(ranked.genotype).toBe(shown.pareto[last - 1].genotype);
    expect(ranked.search).toMatchObject({ chosenBy: 'rank', rank: last });
  });

  it('unknown id, ambiguous or unknown prefix, rank out of range: one clear line', async () => {
    const { candidates } = storedCandidates();
    const hashes = [...new Set(candidates.map((c) => c.hash))];
    const shared = [...'0123456789abcdef'].find((ch) => hashes.filter((h) => h.startsWith(ch)).length > 1)!;
    const cases: [string[], RegExp][] = [
      [
        ['arch', 'show', '--run', 'no-such-search'],
        /^mstf: [A-Z_]+: search "no-such-search" is not in the run store .*runs\.db \(mstf runs list\)$/,
      ],
      [
        ['arch', 'draw', '--run', searchId, '--member', shared],
        /^mstf: [A-Z_]+: --member [0-9a-f] is ambiguous: \d+ networks of search ".*" match \(.*\); give more characters$/,
      ],
      [
        ['proxies', 'score', '--run', searchId, '--member', 'zz'],
        /^mstf: [A-Z_]+: --member zz: no candidate of search ".*" has a hash starting with it$/,
      ],
      [
        ['arch', 'export', '--run', searchId, '--rank', '99', '--format', 'onnx', '--out', path.join(cwd, 'x.onnx')],
        /^mstf: [A-Z_]+: --rank 99: the Pareto front of search ".*" has members 1\.\.\d+$/,
      ],
      [['proxies', 'score', '--run', searchId, '--seed', '4'], /^mstf: [A-Z_]+: --seed cannot be combined with --run/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli([...args, '--store', store], { cwd })));
    for (const [i, [args, line]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr.trim(), args.join(' ')).toMatch(line);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(fs.existsSync(path.join(cwd, 'x.onnx'))).toBe(false);
  });

  it('train --run <id> --member <hash>: trains that member; the training is in the store, linked to its search', async () => {
    const { candidates, selected } = storedCandidates();
    const other = candidates.find((c) => c.hash !== selected.hash && c.state === 'ok' && !c.degenerate)!;
    const out = path.join(cwd, 'member-training');
    const t = await runCli(
      [
        'train',
        '--run',
        searchId,
        '--member',
        other.hash.slice(0, 10),
        '--epochs',
        '1',
        '--batch-size',
        '8',
        '--max-train',
        '8',
        '--max-eval',
        '8',
        '--out',
        out,
        '--store',
        store,
        '--json',
      ],
      { cwd, timeoutMs: 300_000 },
    );
    expect(t.code, t.stderr).toBe(0);
    const done = lastJson(t.stdout);
    expect(done.config.model).toMatchObject({ kind: 'genotype', genotype: other.genotype, searchId });
    const [shown, listed] = await Promise.all([
      runCli(['runs', 'show', searchId, '--store', store, '--json'], { cwd }),
      runCli(['runs', 'list', '--trainings', '--store', store], { cwd }),
    ]);
    const trainings = lastJson(shown.stdout).trainings;
    expect(trainings).toHaveLength(1);
    expect(trainings[0]).toMatchObject({
      outDir: out,
      status: 'completed',
      searchId,
      memberHash: other.hash,
      dataset: 'breastmnist',
    });
    expect(trainings[0].metrics.test.acc).toBe(done.test.acc);
    expect(listed.stdout).toMatch(
      new RegExp(`^member-training\\s+completed\\s+breastmnist\\s+${searchId}\\s+${other.hash.slice(0, 12)}`, 'm'),
    );
  });
});
