import { describe, expect, it } from 'vitest';
import { batches, sampleBatch } from '../../core/data/batch.js';
import { Rng } from '../../core/util/rng.js';
import type { DatasetInfo, SplitData } from '../../core/contracts/dataset.js';

// 10 examples of 2x1x1 (two pixels); example i has pixels (i, 100+i) and label i % 3.
const N = 10;
const data: SplitData = {
  images: Uint8Array.from({ length: N * 2 }, (_, k) => (k % 2 === 0 ? k / 2 : 100 + (k - 1) / 2)),
  shape: [N, 2, 1, 1],
  labels: Int32Array.from({ length: N }, (_, i) => i % 3),
  labelWidth: 1,
};
const info = { task: 'multi-class', classes: 3 } as DatasetInfo;
const ds = { info, normalise: (u: Uint8Array) => Float32Array.from(u, (v) => v / 127.5 - 1) };

function exampleIds(x: Float32Array): number[] {
  const ids: number[] = [];
  for (let k = 0; k < x.length; k += 2) ids.push(Math.round((x[k]! + 1) * 127.5));
  return ids;
}

describe('sampleBatch', () => {
  it('draws distinct examples, keeps pixels and labels together, normalises', () => {
    const b = sampleBatch(data, 6, new Rng(1), ds);
    expect(b.shape).toEqual([6, 2, 1, 1]);
    const ids = exampleIds(b.x);
    expect(new Set(ids).size).toBe(6);
    for (let k = 0; k < 6; k++) {
      expect(Math.round((b.x[2 * k + 1]! + 1) * 127.5)).toBe(100 + ids[k]!);
      expect(b.labels[k]).toBe(ids[k]! % 3);
    }
    expect(b.task).toBe('multi-class');
    expect(b.classes).toBe(3);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = exampleIds(sampleBatch(data, 5, new Rng(7), ds).x);
    const b = exampleIds(sampleBatch(data, 5, new Rng(7), ds).x);
    const c = exampleIds(sampleBatch(data, 5, new Rng(8), ds).x);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('n >= N gives the whole split once; n < 1 is refused', () => {
    const ids = exampleIds(sampleBatch(data, 50, new Rng(3), ds).x).sort((p, q) => p - q);
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => sampleBatch(data, 0, new Rng(3), ds)).toThrow(/positive integer/);
  });

  it('each example is drawn with probability n/N (uniform)', () => {
    const hits = new Array<number>(N).fill(0);
    const rng = new Rng(11);
    const trials = 4000;
    for (let t = 0; t < trials; t++) for (const i of exampleIds(sampleBatch(data, 3, rng, ds).x)) hits[i]!++;
    for (const h of hits) expect(Math.abs(h / trials - 0.3)).toBeLessThan(0.03);
  });
});

describe('batches', () => {
  it('one epoch covers every example once, last batch smaller; dropLast drops it', () => {
    const all = [...batches(data, 4, ds, { rng: new Rng(2) })];
    expect(all.map((b) => b.shape[0])).toEqual([4, 4, 2]);
    const ids = all.flatMap((b) => exampleIds(b.x));
    expect([...ids].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ids).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // shuffled
    expect([...batches(data, 4, ds, { dropLast: true })].map((b) => b.shape[0])).toEqual([4, 4]);
    // Without rng: in order.
    expect([...batches(data, 10, ds)].flatMap((b) => exampleIds(b.x))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a shared rng gives a new order each epoch', () => {
    const rng = new Rng(5);
    const e1 = [...batches(data, 10, ds, { rng })].flatMap((b) => exampleIds(b.x));
    const e2 = [...batches(data, 10, ds, { rng })].flatMap((b) => exampleIds(b.x));
    expect(e1).not.toEqual(e2);
  });
});
