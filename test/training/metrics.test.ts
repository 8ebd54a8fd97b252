import { describe, expect, it } from 'vitest';
import { evaluateScores, getACC, getAUC, probabilities, rocAuc } from '../../core/training/metrics.js';

// Every expected value below is computed by hand in the comments (pair counting for AUC: over all
// positive-negative pairs, 1 if the positive scores higher, 1/2 if equal, 0 otherwise; divided by P*N).

describe('rocAuc (Mann-Whitney, ties 1/2)', () => {
  it('counts pairs, ties as one half', () => {
    // labels  1    0    1    0    1
    // scores .9   .4   .4   .1   .3
    // positives {.9, .4, .3}, negatives {.4, .1}: P = 3, N = 2, 6 pairs
    // .9 > .4, .9 > .1 -> 2;  .4 = .4 -> 0.5, .4 > .1 -> 1;  .3 < .4 -> 0, .3 > .1 -> 1
    // sum = 2 + 1.5 + 1 = 4.5; AUC = 4.5 / 6 = 0.75
    expect(rocAuc([1, 0, 1, 0, 1], [0.9, 0.4, 0.4, 0.1, 0.3])).toBeCloseTo(0.75, 12);
  });

  it('is 1/2 when every score is equal and NaN when one class is missing', () => {
    // 2 positives x 2 negatives, all tied: 4 * 0.5 / 4 = 0.5
    expect(rocAuc([1, 0, 1, 0], [0.2, 0.2, 0.2, 0.2])).toBe(0.5);
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });

  it('is 0 for a perfectly inverted ranking', () => {
    expect(rocAuc([1, 1, 0], [0.1, 0.2, 0.9])).toBe(0);
  });
});

describe('binary-class (softmax[:, 1])', () => {
  // 6 examples, scores are [p0, p1] rows
  // label: 1    0    1    0    0    1
  // p1:   .8   .6   .5   .5   .2   .55
  const table = {
    n: 6,
    k: 2,
    scores: [0.2, 0.8, 0.4, 0.6, 0.5, 0.5, 0.5, 0.5, 0.8, 0.2, 0.45, 0.55],
    labels: [1, 0, 1, 0, 0, 1],
  };

  it('AUC on the positive-class column', () => {
    // positives p1 = {.8, .5, .55}, negatives p1 = {.6, .5, .2}: 9 pairs
    // .8: beats .6 .5 .2 -> 3
    // .5: < .6 -> 0, = .5 -> .5, > .2 -> 1  => 1.5
    // .55: < .6 -> 0, > .5 -> 1, > .2 -> 1  => 2
    // sum 6.5 / 9
    expect(getAUC('binary-class', table).auc).toBeCloseTo(6.5 / 9, 12);
  });

  it('ACC with p1 > 0.5 strictly (0.5 predicts class 0)', () => {
    // predictions: .8->1 ok, .6->1 wrong, .5->0 wrong (label 1), .5->0 ok, .2->0 ok, .55->1 ok => 4/6
    expect(getACC('binary-class', table)).toBeCloseTo(4 / 6, 12);
  });
});

describe('multi-class (one-vs-rest mean, argmax)', () => {
  // 5 examples, 3 classes
  // i  label  scores
  // 0  0      .7 .2 .1
  // 1  1      .3 .3 .4
  // 2  2      .1 .3 .6
  // 3  1      .2 .5 .3
  // 4  0      .4 .4 .2
  const table = {
    n: 5,
    k: 3,
    scores: [0.7, 0.2, 0.1, 0.3, 0.3, 0.4, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.4, 0.4, 0.2],
    labels: [0, 1, 2, 1, 0],
  };

  it('AUC is the unweighted mean of the per-class one-vs-rest AUCs', () => {
    // class 0: pos {.7, .4}, neg {.3, .1, .2}: .7 beats all 3, .4 beats all 3 -> 6/6 = 1
    // class 1: pos {.3, .5}, neg {.2, .3, .4}: .3: >.2 1, =.3 .5, <.4 0 -> 1.5; .5: 3 -> 4.5/6 = .75
    // class 2: pos {.6}, neg {.1, .4, .3, .2}: 4/4 = 1
    // mean (1 + .75 + 1) / 3 = 2.75 / 3
    expect(getAUC('multi-class', table).auc).toBeCloseTo(2.75 / 3, 12);
  });

  it('ACC by argmax, ties to the first maximum', () => {
    // argmax: 0 ok, 2 (label 1) wrong, 2 ok, 1 ok, row 4 .4 = .4 -> first = 0 ok => 4/5
    expect(getACC('multi-class', table)).toBeCloseTo(0.8, 12);
  });
});

describe('ordinal-regression (treated as multi-class, as the official evaluator)', () => {
  // 4 examples, 3 grades
  // i label scores
  // 0 0     .5 .3 .2
  // 1 1     .2 .5 .3
  // 2 2     .1 .6 .3
  // 3 2     .3 .3 .4
  const table = {
    n: 4,
    k: 3,
    scores: [0.5, 0.3, 0.2, 0.2, 0.5, 0.3, 0.1, 0.6, 0.3, 0.3, 0.3, 0.4],
    labels: [0, 1, 2, 2],
  };

  it('AUC and ACC by hand', () => {
    // class 0: pos {.5}, neg {.2, .1, .3} -> 3/3 = 1
    // class 1: pos {.5}, neg {.3, .6, .3} -> 1 + 0 + 1 = 2/3
    // class 2: pos {.3, .4}, neg {.2, .3}: .3: >.2 1, =.3 .5 -> 1.5; .4: 2 -> 3.5/4 = .875
    // mean = (1 + 2/3 + .875) / 3
    const m = evaluateScores('ordinal-regression', table);
    expect(m.auc).toBeCloseTo((1 + 2 / 3 + 0.875) / 3, 12);
    // argmax: 0 ok, 1 ok, 1 (label 2) wrong, 2 ok -> 3/4
    expect(m.acc).toBeCloseTo(0.75, 12);
    expect(m.undefinedAuc).toBeUndefined();
  });
});

describe('multi-label (per-label sigmoid AUC mean, per-label accuracy mean)', () => {
  // 4 examples, 2 labels; labels rows [l0, l1], scores rows [s0, s1]
  // i  labels  scores
  // 0  1 0     .9 .5
  // 1  0 1     .3 .7
  // 2  1 1     .5 .6
  // 3  0 0     .5 .2
  const table = {
    n: 4,
    k: 2,
    scores: [0.9, 0.5, 0.3, 0.7, 0.5, 0.6, 0.5, 0.2],
    labels: [1, 0, 0, 1, 1, 1, 0, 0],
  };

  it('AUC', () => {
    // label 0: pos {.9, .5}, neg {.3, .5}: .9 -> 2; .5: >.3 1, =.5 .5 -> 1.5; 3.5/4 = .875
    // label 1: pos {.7, .6}, neg {.5, .2}: 4/4 = 1
    // mean .9375
    expect(getAUC('multi-label', table).auc).toBeCloseTo(0.9375, 12);
  });

  it('ACC = mean over labels of the per-label accuracy of score > 0.5', () => {
    // label 0 predictions (>.5): 1, 0, 0, 0 vs 1, 0, 1, 0 -> 3/4
    // label 1 predictions: 0, 1, 1, 0 vs 0, 1, 1, 0 -> 4/4
    // mean (0.75 + 1) / 2 = 0.875
    expect(getACC('multi-label', table)).toBeCloseTo(0.875, 12);
  });

  it('a label with a single value is left out of the AUC mean and reported', () => {
    // label 1 all zeros -> undefined; label 0 as above: .875
    const t = { ...table, labels: [1, 0, 0, 0, 1, 0, 0, 0] };
    const m = evaluateScores('multi-label', t);
    expect(m.auc).toBeCloseTo(0.875, 12);
    expect(m.undefinedAuc).toEqual([1]);
  });
});

describe('probabilities', () => {
  it('softmax rows sum to 1; sigmoid for multi-label', () => {
    // softmax([0, ln 3]) = [1/4, 3/4]; sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4
    const p = probabilities('binary-class', new Float32Array([0, Math.log(3)]), 1, 2);
    expect(p[0]).toBeCloseTo(0.25, 6);
    expect(p[1]).toBeCloseTo(0.75, 6);
    const s = probabilities('multi-label', new Float32Array([0, Math.log(3)]), 1, 2);
    expect(s[0]).toBeCloseTo(0.5, 6);
    expect(s[1]).toBeCloseTo(0.75, 6);
  });
});

describe('input checks', () => {
  it('rejects a table whose sizes disagree', () => {
    expect(() => getACC('binary-class', { n: 2, k: 2, scores: [0.1, 0.9], labels: [0, 1] })).toThrow(
      /expected 2x2 scores/,
    );
  });
});
