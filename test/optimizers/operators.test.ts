import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/util/rng.js';
import {
  crossover,
  integerMutation,
  mutate,
  polynomialMutation,
  twoPointCuts,
} from '../../plugins/optimizer-nsga2/index.js';

const bounds = (n: number, low: number, high: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `v${i}`, low, high }));

describe('integer mutation', () => {
  it('always moves to a different in-range integer, uniformly over the other values', () => {
    const rng = new Rng(11);
    const counts = new Map<number, number>();
    const draws = 7000;
    for (let k = 0; k < draws; k++) {
      const v = integerMutation(3, 0, 7, rng);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    // Exactly the 7 other integers of [0, 7] occur (so never 3, nothing out of range, nothing fractional).
    expect([...counts.keys()].sort()).toEqual([0, 1, 2, 4, 5, 6, 7]);
    for (const c of counts.values()) expect(Math.abs(c - draws / 7)).toBeLessThan(0.15 * (draws / 7));
  });

  it('a one-value range stays put; a two-value range flips', () => {
    const rng = new Rng(1);
    expect(integerMutation(4, 4, 4, rng)).toBe(4);
    for (let k = 0; k < 20; k++) expect(integerMutation(0, 0, 1, rng)).toBe(1);
  });

  it('mutate() changes about n * prob integer genes, each within its bounds', () => {
    const rng = new Rng(5);
    const b = bounds(20, 0, 9);
    const types = new Array(20).fill('int');
    let changed = 0;
    let invalid = 0;
    const rounds = 2000;
    for (let r = 0; r < rounds; r++) {
      const x = Array.from({ length: 20 }, (_, i) => i % 10);
      const before = [...x];
      mutate(x, types, b, 1 / 20, 20, rng);
      x.forEach((v, i) => {
        if (!(Number.isInteger(v) && v >= 0 && v <= 9)) invalid++;
        if (v !== before[i]) changed++;
      });
    }
    expect(invalid).toBe(0);
    // Expected one mutated gene per vector (prob 1/n_var), and a mutated gene always changes value.
    expect(changed / rounds).toBeGreaterThan(0.9);
    expect(changed / rounds).toBeLessThan(1.1);
  });
});

describe('two-point crossover', () => {
  it('exchanges exactly one inner segment [a, b) with 0 < a < b <= n', () => {
    const rng = new Rng(2);
    const n = 14;
    const p1 = new Array(n).fill(0);
    const p2 = new Array(n).fill(1);
    const types = new Array(n).fill('int');
    const seenStarts = new Set<number>();
    const problems: string[] = [];
    for (let k = 0; k < 500; k++) {
      const [c1, c2] = crossover(p1, p2, types, bounds(n, 0, 1), 15, rng);
      if (c1.some((v, i) => v + c2[i]! !== 1)) problems.push(`children not complementary: ${c1} / ${c2}`);
      const fromP2 = c1.flatMap((v, i) => (v === 1 ? [i] : []));
      if (fromP2.length === 0) problems.push('nothing exchanged');
      else if (fromP2[0] === 0)
        problems.push(`gene 0 exchanged: ${c1}`); // cut points are inner
      else if (fromP2[fromP2.length - 1]! - fromP2[0]! + 1 !== fromP2.length) problems.push(`not contiguous: ${c1}`);
      seenStarts.add(fromP2[0]!);
    }
    expect(problems).toEqual([]);
    expect(p1.every((v) => v === 0) && p2.every((v) => v === 1)).toBe(true); // parents untouched
    expect(seenStarts.size).toBe(n - 2); // every start 1..n-2 occurs
  });

  it('cut points for short vectors', () => {
    const rng = new Rng(3);
    expect(twoPointCuts(1, rng)).toBeNull();
    expect(twoPointCuts(2, rng)).toEqual([1, 2]);
    for (let k = 0; k < 50; k++) {
      const [a, b] = twoPointCuts(3, rng)!;
      expect([a, b]).toEqual([1, 2]);
    }
  });

  it('keeps integer genes integer when mixed with real ones', () => {
    const rng = new Rng(4);
    const types = ['int', 'real', 'int', 'real', 'int'] as const;
    const b = [
      { name: 'a', low: 0, high: 5 },
      { name: 'b', low: -1, high: 1 },
      { name: 'c', low: 2, high: 3 },
      { name: 'd', low: 0, high: 10 },
      { name: 'e', low: 0, high: 7 },
    ];
    const bad: string[] = [];
    let realChanged = 0;
    for (let k = 0; k < 300; k++) {
      const [c1, c2] = crossover([0, -0.5, 2, 1.5, 7], [5, 0.75, 3, 9.25, 0], types, b, 15, rng);
      for (const c of [c1, c2]) {
        mutate(c, types, b, 0.5, 20, rng);
        c.forEach((v, i) => {
          if (v < b[i]!.low || v > b[i]!.high || (types[i] === 'int' && !Number.isInteger(v)))
            bad.push(`gene ${i} = ${v}`);
          if (types[i] === 'real' && ![-0.5, 0.75, 1.5, 9.25].includes(v)) realChanged++;
        });
      }
    }
    expect(bad).toEqual([]);
    expect(realChanged).toBeGreaterThan(300); // the real genes really vary
  });
});

describe('SBX and polynomial mutation', () => {
  it('SBX far from the bounds: about half the variables cross, children keep the parents mean', () => {
    // With bounds far away SBX's bounded spread factors of both children coincide, so the children are
    // symmetric around the parents' mean.
    const rng = new Rng(8);
    const n = 4;
    const types = new Array(n).fill('real');
    const b = bounds(n, -1e6, 1e6);
    let crossed = 0;
    let outside = 0;
    let maxMeanShift = 0;
    for (let k = 0; k < 2000; k++) {
      const p1 = [0.3, 0.4, 0.5, 0.6];
      const p2 = [0.5, 0.45, 0.9, 0.61];
      const [c1, c2] = crossover(p1, p2, types, b, 15, rng);
      for (let i = 0; i < n; i++) {
        if (c1[i] === p1[i] || c1[i] === p2[i]) continue;
        crossed++;
        maxMeanShift = Math.max(maxMeanShift, Math.abs((c1[i]! + c2[i]!) / 2 - (p1[i]! + p2[i]!) / 2));
        if (c1[i]! < Math.min(p1[i]!, p2[i]!) || c1[i]! > Math.max(p1[i]!, p2[i]!)) outside++;
      }
    }
    expect(maxMeanShift).toBeLessThan(1e-9);
    expect(crossed / (2000 * n)).toBeGreaterThan(0.45); // per-variable probability 0.5
    expect(crossed / (2000 * n)).toBeLessThan(0.55);
    // Spread factor beta > 1 (children outside the parents) has probability 1/2 for SBX; each child
    // of a pair lies outside exactly when beta > 1.
    expect(outside / crossed).toBeGreaterThan(0.45);
    expect(outside / crossed).toBeLessThan(0.55);
  });

  it('SBX near the bounds keeps children in bounds', () => {
    const rng = new Rng(10);
    const types = ['real', 'real'] as const;
    const b = bounds(2, 0, 1);
    let out = 0;
    let atBound = 0;
    for (let k = 0; k < 2000; k++) {
      const [c1, c2] = crossover([0.001, 0.2], [0.999, 0.0001], types, b, 2, rng);
      for (const v of [...c1, ...c2]) {
        if (v < 0 || v > 1) out++;
        if (v === 0 || v === 1) atBound++;
      }
    }
    expect(out).toBe(0);
    // pymoo's bounded SBX rescales the spread so that children rarely need clipping.
    expect(atBound).toBeLessThan(100);
  });

  it('polynomial mutation stays in bounds and is concentrated near the parent (eta_m = 20)', () => {
    const rng = new Rng(9);
    let near = 0;
    let out = 0;
    for (let k = 0; k < 2000; k++) {
      const v = polynomialMutation(0.5, 0, 1, 20, rng);
      if (v < 0 || v > 1) out++;
      if (Math.abs(v - 0.5) < 0.1) near++;
    }
    expect(out).toBe(0);
    // u <= 0.5: dq = (2u)^(1/21) - 1 (the boundary term is negligible at x = 0.5), so |dq| < 0.1 <=>
    // 2u > 0.9^21; symmetric for u > 0.5. P(|dq| < 0.1) = 1 - 0.9^21 ~ 0.891.
    expect(near / 2000).toBeGreaterThan(0.86);
    expect(near / 2000).toBeLessThan(0.92);
    // At a bound it can only move inwards.
    const fromLow = Array.from({ length: 200 }, () => polynomialMutation(0, 0, 1, 20, rng));
    expect(Math.min(...fromLow)).toBe(0);
    expect(Math.max(...fromLow)).toBeGreaterThan(0);
  });
});
