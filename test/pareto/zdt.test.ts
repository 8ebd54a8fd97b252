import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../core/pareto/index.js';
import { ZDT_REFERENCE_POINT, zdtEvaluate, zdtProblem, zdtTrueFront } from '../../core/validation/zdt.js';
import { Rng } from '../../core/util/rng.js';

describe('ZDT problems', () => {
  it('objectives by hand', () => {
    const onFront = [0.25, ...new Array(29).fill(0)]; // g = 1
    expect(zdtEvaluate('zdt1', onFront)).toEqual([0.25, 0.5]); // 1 - sqrt(0.25)
    expect(zdtEvaluate('zdt2', onFront)).toEqual([0.25, 0.9375]); // 1 - 0.25^2
    const z3 = zdtEvaluate('zdt3', onFront); // 1 - 0.5 - 0.25 sin(2.5 pi) = 0.25
    expect(z3[1]).toBeCloseTo(0.25, 12);
    const far = [0.25, ...new Array(29).fill(1)]; // g = 1 + 9 * 29 / 29 = 10
    expect(zdtEvaluate('zdt1', far)[1]).toBeCloseTo(10 * (1 - Math.sqrt(0.025)), 12);
    expect(zdtEvaluate('zdt2', far)[1]).toBeCloseTo(10 * (1 - 0.025 ** 2), 12);
  });

  it('true-front hypervolumes at (1.1, 1.1) match the analytic and published values', () => {
    // ZDT1: integral of 1.1 - (1 - sqrt f) over [0, 1] plus the 0.1 x 1.1 strip = 0.1 + 2/3 + 0.11.
    const hv1 = hypervolume(zdtTrueFront('zdt1'), ZDT_REFERENCE_POINT);
    expect(Math.abs(hv1 - (0.1 + 2 / 3 + 0.11))).toBeLessThan(1e-5);
    // ZDT2: 0.1 + 1/3 + 0.11.
    const hv2 = hypervolume(zdtTrueFront('zdt2'), ZDT_REFERENCE_POINT);
    expect(Math.abs(hv2 - (0.1 + 1 / 3 + 0.11))).toBeLessThan(1e-5);
    // Published (rounded to 4 decimals): 0.8767, 0.5433, 1.3318.
    expect(hv1.toFixed(4)).toBe('0.8767');
    expect(hv2.toFixed(4)).toBe('0.5433');
    expect(hypervolume(zdtTrueFront('zdt3'), ZDT_REFERENCE_POINT).toFixed(4)).toBe('1.3318');
  });

  it('ZDT3 true front is disconnected and non-dominated', () => {
    const front = zdtTrueFront('zdt3', 10_001);
    // Its first piece ends near f1 = 0.0830 and the second starts near f1 = 0.1822 (Deb's regions).
    const gap = front.findIndex((p, i) => i > 0 && p[0] - front[i - 1]![0] > 0.05);
    expect(front[gap - 1]![0]).toBeCloseTo(0.083, 2);
    expect(front[gap]![0]).toBeCloseTo(0.1822, 2);
    for (let i = 1; i < front.length; i++) expect(front[i]![1]).toBeLessThan(front[i - 1]![1]);
  });

  it('the problem samples 30 reals in [0, 1]', () => {
    const p = zdtProblem('zdt1');
    const x = p.sample(new Rng(3));
    expect(x).toHaveLength(30);
    expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(p.types).toEqual(new Array(30).fill('real'));
  });
});
