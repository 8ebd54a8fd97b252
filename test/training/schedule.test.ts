import { describe, expect, it } from 'vitest';
import { learningRateAt, milestones } from '../../core/training/schedule.js';

describe('official MedMNIST learning-rate schedule', () => {
  it('100 epochs: 1e-3 for epochs 0-49, 1e-4 for 50-74, 1e-5 for 75-99', () => {
    expect(milestones(100)).toEqual([50, 75]);
    expect(learningRateAt(0, 100, 1e-3)).toBeCloseTo(1e-3, 15);
    expect(learningRateAt(49, 100, 1e-3)).toBeCloseTo(1e-3, 15);
    expect(learningRateAt(50, 100, 1e-3)).toBeCloseTo(1e-4, 15);
    expect(learningRateAt(74, 100, 1e-3)).toBeCloseTo(1e-4, 15);
    expect(learningRateAt(75, 100, 1e-3)).toBeCloseTo(1e-5, 15);
    expect(learningRateAt(99, 100, 1e-3)).toBeCloseTo(1e-5, 15);
  });

  it('10 epochs: milestones ceil(5) = 5 and ceil(7.5) = 8', () => {
    expect(milestones(10)).toEqual([5, 8]);
    const lrs = Array.from({ length: 10 }, (_, e) => learningRateAt(e, 10, 1));
    // epochs 0-4: 1, 5-7: 0.1, 8-9: 0.01
    const expected = [1, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01];
    lrs.forEach((lr, i) => {
      expect(lr).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('1 epoch trains at the base rate (milestones [1, 1]); 2 epochs: [1, 2]', () => {
    expect(milestones(1)).toEqual([1, 1]);
    expect(learningRateAt(0, 1, 1)).toBe(1);
    expect(milestones(2)).toEqual([1, 2]);
    expect(learningRateAt(1, 2, 1)).toBeCloseTo(0.1, 12);
  });
});
