/**
 * `mstf proxies score` and `mstf validate proxies` end to end through the built CLI (dist/, built by
 * `npm test`'s pretest or `npx tsc -p .`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { readNb201Table } from '../../core/indicators/nb201-validation.js';
import { spearman } from '../../core/util/stats.js';

const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const TABLE = path.resolve(repoRoot, '../shared/data/nb201/nats_tss_accuracies.csv');

describe('mstf proxies score', () => {
  it('--json: NB201 parameter count equals the benchmark params_M; synflow is a finite log value', async () => {
    const r = await runCli([
      'proxies',
      'score',
      '--space',
      'nb201',
      '--genotype',
      BEST,
      '--indicators',
      'synflow,params',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ space: 'nb201', genotype: BEST, dataset: null, inputShape: [32, 32, 3], classes: 10 });
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.scores.params).toBe(802426); // NAS-Bench-201 row 1: params_M 0.802426
    expect(out.details.synflow.finite).toBe(true);
    expect(out.details.synflow.log10).toBeCloseTo(out.scores.synflow / Math.LN10, 10);
    expect(r.stderr).toMatch(/synflow/); // progress on stderr
  });

  it('a data indicator without --dataset is one clear error line', async () => {
    const r = await runCli([
      'proxies',
      'score',
      '--space',
      'nb201',
      '--genotype',
      BEST,
      '--indicators',
      'grad_norm,synflow',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'mstf: INVALID_ARGUMENT: indicator grad_norm reads images: give --dataset <id> (e.g. breastmnist) or choose data-free ones (synflow, flops, params)',
    );
  });

  it('an unknown indicator names the known ones', async () => {
    const r = await runCli(['proxies', 'score', '--space', 'nb201', '--genotype', BEST, '--indicators', 'synflw']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mstf: UNKNOWN_EXTENSION: unknown indicator "synflw" \(known: .*synflow.*, or all\)\n$/);
  });

  it('data indicators on an mstf network for the embedded BreastMNIST batch', async () => {
    const r = await runCli([
      'proxies',
      'score',
      '--space',
      'mstf',
      '--channels',
      '4',
      '--batch-size',
      '8',
      '--dataset',
      'breastmnist',
      '--genotype',
      '1,0,6,1,6,2,6,2,3,1,3,3,3,1,0,0,7,0,2,1,1,2,1,1,4,3,0,1,1,0,1,1,0,2,7,3,2,2,5,4,5,4',
      '--indicators',
      'jacob_cov,snip',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ dataset: 'breastmnist', batchSize: 8, inputShape: [28, 28, 1], classes: 2 });
    expect(out.details.jacob_cov.finite).toBe(true);
    expect(out.scores.snip).toBeGreaterThan(0);
  });
});

describe('mstf validate proxies', () => {
  it("params: counts match the table's params_M; correlations match a recomputation from the table", async () => {
    expect(fs.existsSync(TABLE)).toBe(true);
    const r = await runCli([
      'validate',
      'proxies',
      '--space',
      'nb201',
      '--sample',
      '40',
      '--indicators',
      'params',
      '--seed',
      '3',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sample).toBe(40);
    expect(out.dataset).toBeNull();
    const byIndex = new Map(readNb201Table(TABLE).map((row) => [row.index, row]));
    const rows = out.rows as { index: number; scores: { params: number } }[];
    // A few table rows hold a mean over differently built networks (e.g. #11178: 0.147972666...), not a
    // count: compare the rows whose params_M is a whole number of parameters.
    const whole = rows.filter(
      (x) => Math.abs(byIndex.get(x.index)!.paramsM * 1e6 - Math.round(byIndex.get(x.index)!.paramsM * 1e6)) < 1e-6,
    );
    expect(whole.length).toBeGreaterThanOrEqual(36);
    for (const row of whole) expect(row.scores.params).toBe(Math.round(byIndex.get(row.index)!.paramsM * 1e6));
    const expected = spearman(
      rows.map((x) => x.scores.params),
      rows.map((x) => byIndex.get(x.index)!.acc.cifar10),
    );
    expect(out.correlations.params.cifar10.spearman).toBeCloseTo(expected, 12);
    expect(out.correlations.params.n).toBe(40);
    expect(r.stderr).toMatch(/scored 40\/40/);
  });

  it('only nb201 can be validated; a missing table is a clear error', async () => {
    const a = await runCli(['validate', 'proxies', '--space', 'mstf', '--indicators', 'params']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^mstf: INVALID_ARGUMENT: --space mstf: only nb201 has benchmark accuracies/);
    const b = await runCli(['validate', 'proxies', '--indicators', 'params', '--table', '/nonexistent/t.csv']);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/^mstf: [A-Z_]+: NAS-Bench-201 table \/nonexistent\/t.csv: cannot read/);
  });
});
