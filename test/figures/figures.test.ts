/**
 * Figures: hypervolume per generation on a hand-computed case, learning-rate steps of the MedMNIST
 * schedule, PNG output of `mstf arch draw` (resvg at 2x the SVG size) and its one-line error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hypervolumeByGeneration } from '../../core/search/report.js';
import { lrSteps } from '../../core/figures/training-curves.js';
import { svgToPng } from '../../core/figures/render.js';
import { runCli, tempDir } from '../helpers/cli.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('hypervolume per generation', () => {
  it('scales objectives over all generations and uses the reference point 1.1 (hand-computed)', () => {
    const member = (F: number[], violation = 0) => ({ c: {} as never, violation, F });
    const hv = hypervolumeByGeneration([
      // Front {(0, 1), (1, 0)}: two 1.1 x 0.1 strips overlapping in a 0.1 x 0.1 corner = 0.21.
      { generation: 0, members: [member([0, 1]), member([1, 0])] },
      // Front {(0, 0)} dominates (1, 1): the whole 1.1 x 1.1 square = 1.21.
      { generation: 1, members: [member([0, 0]), member([1, 1])] },
      // Raw objectives on another scale (x in [0, 2], y in [0, 4] over all generations) give the same
      // as generation 0 once scaled; an infeasible point adds nothing.
      { generation: 2, members: [member([0, 4]), member([2, 0]), member([0, 0], 1)] },
    ]);
    expect(hv.map((h) => h.generation)).toEqual([0, 1, 2]);
    // Scale of generation 2 also rescales 0 and 1 (global min-max): x / 2, y / 4.
    // g0: (0, 0.25), (0.5, 0): 1.1 x 0.85 + 0.6 x 0.25 = 0.935 + 0.15 = 1.085.
    // g1: (0, 0) -> 1.21. g2: (0, 1), (1, 0) -> 0.21 (the infeasible (0, 0) is not on the front).
    expect(hv[0]!.hypervolume).toBeCloseTo(1.085, 12);
    expect(hv[1]!.hypervolume).toBeCloseTo(1.21, 12);
    expect(hv[2]!.hypervolume).toBeCloseTo(0.21, 12);
  });
});

describe('training curves', () => {
  it('marks the epochs where MultiStepLR([0.5 E, 0.75 E]) steps (E = 8: epochs 5 and 7, 1-based)', () => {
    const lr = [1e-3, 1e-3, 1e-3, 1e-3, 1e-4, 1e-4, 1e-5, 1e-5];
    const history = lr.map((v, epoch) => ({
      epoch,
      lr: v,
      trainLoss: 1,
      val: { loss: 1, acc: 0.5, auc: 0.5 },
      seconds: 1,
    }));
    expect(lrSteps(history).map((s) => [s.epoch, s.lr, s.label])).toEqual([
      [5, 1e-4, 'lr 1e-4'],
      [7, 1e-5, 'lr 1e-5'],
    ]);
  });
});

describe('PNG output', () => {
  it('svgToPng renders at twice the SVG size', () => {
    const png = svgToPng(
      '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20"><rect width="30" height="20" fill="red"/></svg>',
    );
    expect(pngSize(png)).toEqual({ width: 60, height: 40 });
  });

  it('mstf arch draw --out x.png writes a PNG of the drawing; --format png without --out is one clear line', async () => {
    const ws = tempDir('mstf-figures-');
    dirs.push(ws);
    const g = '1,0,6,1,6,2,6,2,3,1,3,3,3,1,0,0,7,0,2,1,1,2,1,1,4,3,0,1,1,0,1,1,0,2,7,3,2,2,5,4,5,4';
    const svgRun = await runCli(['arch', 'draw', '--space', 'mstf', '--genotype', g, '--out', path.join(ws, 'a.svg')], {
      cwd: ws,
    });
    expect(svgRun.code, svgRun.stderr).toBe(0);
    const svg = fs.readFileSync(path.join(ws, 'a.svg'), 'utf8');
    const [, w, h] = svg.match(/<svg[^>]* width="(\d+)" height="(\d+)"/)!;
    const pngRun = await runCli(
      ['arch', 'draw', '--space', 'mstf', '--genotype', g, '--out', path.join(ws, 'a.png'), '--json'],
      { cwd: ws },
    );
    expect(pngRun.code, pngRun.stderr).toBe(0);
    expect(JSON.parse(pngRun.stdout)).toMatchObject({ format: 'png' });
    expect(pngSize(fs.readFileSync(path.join(ws, 'a.png')))).toEqual({ width: 2 * Number(w), height: 2 * Number(h) });
    const bad = await runCli(['arch', 'draw', '--space', 'mstf', '--genotype', g, '--format', 'png'], { cwd: ws });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--format png needs --out/);
  });
});
