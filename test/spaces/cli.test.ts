/**
 * `mstf arch show|draw` end to end through the built CLI (dist/, built by `npm test`'s pretest or
 * `npx tsc -p .`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { allElements, parseXml } from './xml.js';

const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const MSTF_G = '1,0,6,1,6,2,6,2,3,1,3,3,3,1,0,0,7,0,2,1,1,2,1,1,4,3,0,1,1,0,1,1,0,2,7,3,2,2,5,4,5,4';
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'mstf-arch-'));
const mstf = (...args: string[]) => runCli(args, { cwd });

afterAll(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('mstf arch show', () => {
  it('--json for an NB201 cell string: {space, genotype, hash, flops, params} with the benchmark count', async () => {
    const r = await mstf('arch', 'show', '--space', 'nb201', '--genotype', BEST, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const d = JSON.parse(lines[0]!);
    expect(d.space).toBe('nb201');
    expect(d.genotype).toBe(BEST);
    expect(d.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.params).toBe(802426); // NAS-Bench-201 params_M = 0.802426
    expect(typeof d.flops).toBe('number');
    expect(d.flops).toBeGreaterThan(0);
  });

  it('--json for mstf with --blocks 1 --input 8x8x1 --classes 2 and an all-identity cell: counts by hand', async () => {
    // See test/spaces/mstf.test.ts: 786 parameters, 29728 MACs.
    const r = await mstf(
      'arch',
      'show',
      '--space',
      'mstf',
      '--genotype',
      '6,0,6,1,6,2,6,3,6,4,0,0,0,0',
      '--blocks',
      '1',
      '--input',
      '8x8x1',
      '--classes',
      '2',
      '--json',
    );
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({
      space: 'mstf',
      genotype: '6,0,6,1,6,2,6,3,6,4,0,0,0,0',
      params: 786,
      flops: 29728,
      degenerate: false,
    });
  });

  it('table output lists layers and totals', async () => {
    const r = await mstf('arch', 'show', '--space', 'mstf', '--genotype', MSTF_G, '--channels', '16');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NODE\s+OP\s+LABEL\s+GROUP\s+OUT\s+MACS\s+PARAMS/);
    expect(r.stdout).toMatch(/b1_normal_n1_dw1\s+depthwise\s+sep 5x5\s+b1\/normal\/n1\s+28x28x16/);
    expect(r.stdout).toMatch(/^params\s+\d+/m);
    expect(r.stdout).toMatch(/^FLOPs\s+\d+ MACs/m);
  });

  it('a bad genotype fails with one line naming the gene, exit code 1', async () => {
    const bad = MSTF_G.replace(/^1,0,6,1,6,2,6,2/, '1,0,6,1,6,2,6,9');
    const r = await mstf('arch', 'show', '--space', 'mstf', '--genotype', bad, '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'mstf: INVALID_GENOTYPE: gene 7 (block 1 normal node 4 input) = 9 is out of range 0..3',
    );
  });
});

describe('mstf arch draw', () => {
  it('--out writes a well-formed SVG with one group per cell', async () => {
    const out = path.join(cwd, 'arch.svg');
    const r = await mstf('arch', 'draw', '--space', 'mstf', '--genotype', MSTF_G, '--out', out);
    expect(r.code).toBe(0);
    const root = parseXml(fs.readFileSync(out, 'utf8'));
    expect(root.name).toBe('svg');
    expect(allElements(root).filter((e) => e.name === 'g' && e.attrs.class === 'cell')).toHaveLength(6);
  });

  it('an unwritable --out fails with one line and leaves nothing behind', async () => {
    const out = path.join(cwd, 'no-such-dir', 'arch.svg');
    const r = await mstf('arch', 'draw', '--space', 'nb201', '--genotype', BEST, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mstf: [A-Z_]+: --out .*cannot write/);
    expect(fs.existsSync(path.dirname(out))).toBe(false);
  });
});
