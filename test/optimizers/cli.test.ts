import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

describe('mstf validate optimizer (end to end)', () => {
  it('prints one JSON summary on stdout and JSON progress lines on stderr', async () => {
    const r = await runCli(
      [
        'validate',
        'optimizer',
        '--problem',
        'zdt2',
        '--population',
        '20',
        '--generations',
        '6',
        '--seed',
        '3',
        '--json',
      ],
      {
        cwd: tempDir(),
      },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(Object.keys(out)).toEqual([
      'problem',
      'population',
      'generations',
      'seed',
      'hypervolume',
      'trueHypervolume',
      'ratio',
      'igd',
    ]);
    expect(out).toMatchObject({ problem: 'zdt2', population: 20, generations: 6, seed: 3 });
    expect((out.trueHypervolume as number).toFixed(4)).toBe('0.5433'); // 0.1 + 1/3 + 0.11
    expect(out.ratio as number).toBeCloseTo((out.hypervolume as number) / (out.trueHypervolume as number), 12);
    expect(out.igd as number).toBeGreaterThan(0);
    const progress = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { generation: number });
    expect(progress[0]!.generation).toBe(0);
    expect(progress[progress.length - 1]!.generation).toBe(6);
  });

  it('names an unknown optimizer in one line', async () => {
    const r = await runCli(['validate', 'optimizer', '--problem', 'zdt1', '--optimizer', 'cmaes'], { cwd: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^mstf: UNKNOWN_EXTENSION: unknown optimizer "cmaes" \(known: [^\n]*nsga2, random[^\n]*\)$/,
    );
  });
});
