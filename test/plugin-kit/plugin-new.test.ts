import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlugin } from '../../cli/plugin-new.js';
import type { Dataset, SplitData } from '../../core/contracts/dataset.js';
import { encodeNpy } from '../../core/data/npy.js';
import { MstfError } from '../../core/errors.js';
import { scoreGenotype } from '../../core/indicators/score-genotype.js';
import { definePlugin } from '../../core/kernel/plugin.js';
import { bootTestKernel } from '../../testing/index.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

/**
 * The plugin kit end to end, as an author outside the repository uses it: `mstf plugin new` creates a package,
 * `npm install` links mstf-nas (offline: the file: dependency is a symlink, nothing is downloaded), the package's
 * own `npm test` passes, and `mstf extensions list` / `mstf proxies score` load it with --plugin. The score is
 * checked against the same quantity computed here through tensor ops on the same seed's network.
 */

const GENOTYPE = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const parent = tempDir('mstf-plugin-kit-');
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe('mstf plugin new (end to end, outside the repository)', () => {
  const dir = path.join(parent, 'mstf-plugin-demo');

  it('creates the indicator template, which installs offline, passes its own tests and is listed and scored', async () => {
    expect(path.relative(repoRoot, parent).startsWith('..')).toBe(true);
    const created = await runCli(['plugin', 'new', 'mstf-plugin-demo', '--kind', 'indicator', '--dir', parent]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'index.js', 'package.json', 'test']);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'mstf-plugin-demo',
      type: 'module',
      scripts: { test: 'node --test' },
      devDependencies: { 'mstf-nas': `file:${repoRoot}` },
    });
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
    const source = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    expect(source).toContain("from 'mstf-nas'");
    expect(source).not.toMatch(/__[A-Z_]+__/);

    // --ignore-scripts: a file: dependency would otherwise run mstf-nas's `prepare` (a full build) in this repo.
    const install = await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], dir);
    expect(install.code, install.stderr).toBe(0);
    const link = path.join(dir, 'node_modules', 'mstf-nas');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(repoRoot));

    const ownTests = await run('npm', ['test'], dir);
    expect(ownTests.code, ownTests.stdout + ownTests.stderr).toBe(0);
    expect(ownTests.stdout).toMatch(/# pass 3\b/);
    expect(ownTests.stdout).toMatch(/# fail 0\b/);

    const listed = await runCli(['extensions', 'list', '--plugin', dir, '--kind', 'indicator', '--json'], {
      cwd: parent,
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ kind: 'indicator', id: 'demo', plugin: 'mstf-plugin-demo', version: '0.1.0' }),
    );

    const scored = await runCli(
      [
        ...['proxies', 'score', '--plugin', dir, '--backend', 'cpu', '--space', 'nb201', '--genotype', GENOTYPE],
        ...['--channels', '4', '--seed', '3', '--indicators', 'demo', '--json'],
      ],
      { cwd: parent },
    );
    expect(scored.code, scored.stderr).toBe(0);
    const result = JSON.parse(scored.stdout) as { scores: Record<string, number>; details: Record<string, any> };
    const score = result.scores.demo!;

    // Independently: the same network (nb201, C = 4, seed 3) compiled here, sum |w| by tensor ops in float32.
    const kernel = await bootTestKernel([], { backend: 'cpu' });
    const space = kernel.registry('searchSpace').get('nb201');
    const instance = space.create(space.defaultContext!, space.optionsSchema!.parse({ channels: 4 }));
    const net = kernel
      .registry('engine')
      .get('tfjs')
      .compile(instance.decode(instance.parse(GENOTYPE)), { seed: 3 });
    let l1 = 0;
    let weights = 0;
    for (const p of net.paramInfo) {
      if (p.role !== 'weight' || !p.trainable) continue;
      const w = net.params.get(p.name)!;
      l1 += tf.tidy(() => tf.sum(tf.abs(w)).dataSync()[0]!);
      weights += w.size;
    }
    net.dispose();
    expect(result.details.demo.weights).toBe(weights);
    expect(Math.abs(score - Math.log(l1))).toBeLessThan(1e-5);
    expect(score).toBe(Math.log(result.details.demo.l1));
  });

  it('refuses an existing directory with one line, writing nothing', async () => {
    const before = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    fs.writeFileSync(path.join(dir, 'index.js'), `${before}// edited\n`);
    const again = await runCli(['plugin', 'new', 'mstf-plugin-demo', '--kind', 'indicator', '--dir', parent]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `mstf: INVALID_ARGUMENT: ${dir} already exists: choose another name or --dir (nothing was written)\n`,
    );
    expect(fs.readFileSync(path.join(dir, 'index.js'), 'utf8')).toBe(`${before}// edited\n`);
  });

  it('the searchSpace, objective and optimizer templates install and pass their own tests', async () => {
    for (const [name, kind, id] of [
      ['mstf-plugin-chain', 'searchSpace', 'chain'],
      ['mstf-plugin-pool-rank', 'objective', 'pool_rank'],
      ['mstf-plugin-mutation', 'optimizer', 'mutation'],
    ] as const) {
      const r = createPlugin({ name, kind, dir: parent, cwd: os.tmpdir() });
      expect(r).toMatchObject({ id, dir: path.join(parent, name) });
      const install = await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], r.dir);
      expect(install.code, install.stderr).toBe(0);
      const ownTests = await run('npm', ['test'], r.dir);
      expect(ownTests.code, `${kind}: ${ownTests.stdout}${ownTests.stderr}`).toBe(0);
      expect(ownTests.stdout).toMatch(/# pass 3\b/);
    }
  });

  it('the dataset template reads an image folder: own tests pass, `datasets info` and a data indicator use it', async () => {
    const created = await runCli(['plugin', 'new', 'mstf-plugin-my-images', '--kind', 'dataset', '--dir', parent]);
    expect(created.code, created.stderr).toBe(0);
    const pdir = path.join(parent, 'mstf-plugin-my-images');
    const install = await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], pdir);
    expect(install.code, install.stderr).toBe(0);
    const ownTests = await run('npm', ['test'], pdir);
    expect(ownTests.code, ownTests.stdout + ownTests.stderr).toBe(0);
    expect(ownTests.stdout).toMatch(/# pass 6\b/);
    expect(ownTests.stdout).toMatch(/# fail 0\b/);

    // A user's image folder (the template's declared facts: classes normal/abnormal, 1 channel, 28x28 default,
    // 8/4/4 images): image i of a split has pixel j = (37 j (i + 1) + 11 i) mod 256 and class i mod 2.
    const classes = ['normal', 'abnormal'];
    const counts = { train: 8, val: 4, test: 4 } as const;
    const pixelsOf = (i: number) => Uint8Array.from({ length: 28 * 28 }, (_, j) => (37 * j * (i + 1) + 11 * i) % 256);
    const dataDir = path.join(parent, 'my-data');
    for (const [split, n] of Object.entries(counts)) {
      for (let i = 0; i < n; i++) {
        const d = path.join(dataDir, 'my_images', split, classes[i % 2]!);
        fs.mkdirSync(d, { recursive: true });
        fs.writeFileSync(path.join(d, `img${i}.npy`), encodeNpy('u1', [28, 28], pixelsOf(i)));
      }
    }
    const common = ['--plugin', pdir, '--data-dir', dataDir];

    const listed = await runCli(['extensions', 'list', ...common, '--kind', 'dataset', '--json'], { cwd: parent });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toContainEqual(
      expect.objectContaining({ kind: 'dataset', id: 'my_images', plugin: 'mstf-plugin-my-images' }),
    );
    const info = await runCli(['datasets', 'info', 'my_images', ...common, '--json'], { cwd: parent });
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({
      id: 'my_images',
      task: 'binary-class',
      classes: 2,
      labelNames: classes,
      channels: 1,
      splits: counts,
      sizes: [28, 64],
      files: [{ size: 28, local: { path: path.join(dataDir, 'my_images') } }, { size: 64 }],
    });

    const scored = await runCli(
      [
        ...['proxies', 'score', ...common, '--backend', 'cpu', '--space', 'nb201', '--genotype', GENOTYPE],
        ...['--channels', '4', '--dataset', 'my_images', '--indicators', 'jacob_cov', '--batch-size', '8', '--json'],
      ],
      { cwd: parent },
    );
    expect(scored.code, scored.stderr).toBe(0);
    const result = JSON.parse(scored.stdout) as { scores: Record<string, number>; inputShape: number[] };
    expect(result.inputShape).toEqual([28, 28, 1]);
    const score = result.scores.jacob_cov!;
    expect(Number.isFinite(score)).toBe(true);

    // Independently: the same train split written out by hand (class 0's images, then class 1's, in file-name
    // order) as an in-memory dataset, normalised by (v/255 - 0.5)/0.5, scored in this process: the same score.
    const order = [0, 2, 4, 6, 1, 3, 5, 7];
    const train: SplitData = {
      images: Uint8Array.from(order.flatMap((i) => [...pixelsOf(i)])),
      shape: [8, 28, 28, 1],
      labels: Int32Array.from(order.map((i) => i % 2)),
      labelWidth: 1,
    };
    const reference: Dataset = {
      kind: 'dataset',
      id: 'ref_images',
      description: 'the same images by hand',
      info: {
        id: 'ref_images',
        task: 'binary-class',
        classes: 2,
        labelNames: classes,
        channels: 1,
        splits: counts,
        sizes: [28],
        description: '',
      },
      isPresent: () => true,
      load: async () => train,
      normalise: (u8) => Float32Array.from(u8, (v) => (v / 255 - 0.5) / 0.5),
    };
    const refPlugin = definePlugin({
      name: 'ref-images',
      version: '0.0.0',
      apiVersion: '^1.0.0',
      provides: { dataset: ['ref_images'] },
      register: (ctx) => ctx.add('dataset', reference),
    });
    const kernel = await bootTestKernel(refPlugin, { backend: 'cpu' });
    try {
      const ref = await scoreGenotype(kernel, {
        space: 'nb201',
        genotype: GENOTYPE,
        dataset: 'ref_images',
        indicators: 'jacob_cov',
        batchSize: 8,
        seed: 0,
        spaceOptions: { channels: 4 },
      });
      expect(Math.abs(ref.scores.jacob_cov! - score)).toBeLessThan(1e-6 * Math.max(1, Math.abs(score)));
    } finally {
      kernel.dispose();
    }
  });

  it('unsupported kinds are refused naming the supported ones; --mstf-spec and --id are used', () => {
    const other = path.join(parent, 'mstf-plugin-opt');
    for (const kind of ['engine', 'executor']) {
      expect(() => createPlugin({ name: 'mstf-plugin-opt', kind, dir: parent, cwd: parent })).toThrow(
        new MstfError(
          'INVALID_ARGUMENT',
          `--kind ${kind}: no template for this kind (write it from its contract, docs/plugins.md); supported: indicator, searchSpace, objective, optimizer, dataset`,
        ),
      );
    }
    expect(() => createPlugin({ name: 'mstf-plugin-opt', kind: 'datasets', dir: parent, cwd: parent })).toThrow(
      new MstfError(
        'INVALID_ARGUMENT',
        '--kind datasets: not an extension kind; supported: indicator, searchSpace, objective, optimizer, dataset',
      ),
    );
    expect(fs.existsSync(other)).toBe(false);
    expect(() => createPlugin({ name: 'Bad Name', kind: 'indicator', cwd: parent })).toThrow(/not a valid npm/);

    const scoped = createPlugin({ name: '@me/mstf-plugin-l1-norm', kind: 'indicator', dir: parent, cwd: parent });
    expect(scoped).toMatchObject({ dir: path.join(parent, 'mstf-plugin-l1-norm'), id: 'l1_norm' });
    const x = createPlugin({
      name: 'mstf-plugin-x',
      kind: 'indicator',
      dir: '.',
      cwd: parent,
      mstfSpec: '^0.1.0',
      id: 'my_score',
    });
    const pkg = JSON.parse(fs.readFileSync(path.join(x.dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies).toEqual({ 'mstf-nas': '^0.1.0' });
    expect(pkg.peerDependencies).toEqual({ 'mstf-nas': '^0.1.0' });
    expect(fs.readFileSync(path.join(x.dir, 'index.js'), 'utf8')).toContain("id: 'my_score'");
  });
});
