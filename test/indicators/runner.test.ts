import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../plugins/engine-tfjs/tf.js';
import { ensureBackend } from '../../plugins/engine-tfjs/backend.js';
import { compileNetwork } from '../../plugins/engine-tfjs/compile.js';
import { bootKernel, resolveSettings } from '../../core/kernel/index.js';
import { scoreArchitecture } from '../../core/indicators/runner.js';
import { parseIndicatorList, selectIndicators } from '../../core/indicators/select.js';
import { networkCost } from '../../core/ir/cost.js';
import type { Indicator } from '../../core/contracts/indicator.js';
import indicatorsPlugin, { indicators } from '../../plugins/indicators/index.js';
import { smallConvNet } from './nets.js';
import { randomBatch } from './reference.js';
import { tfjsEngine } from '../../plugins/engine-tfjs/index.js';

beforeAll(async () => {
  await ensureBackend('cpu');
});

const ir = smallConvNet();
const batch = randomBatch(6, [8, 8, 2], 3, 21);

describe('scoreArchitecture', () => {
  it('runs every built-in indicator: finite scores, no leaked tensors, deterministic for a seed', async () => {
    const before = tf.memory().numTensors;
    const a = await scoreArchitecture({ engine: tfjsEngine, ir, indicators, batch, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    for (const ind of indicators) {
      const d = a.details[ind.id]!;
      expect(d.error, ind.id).toBeUndefined();
      expect(d.leakedTensors, ind.id).toBeUndefined();
      expect(d.finite, ind.id).toBe(true);
      expect(d.ms).toBeGreaterThanOrEqual(0);
    }
    expect(a.scores.params).toBe(networkCost(ir).params);
    expect(a.scores.flops).toBe(networkCost(ir).flops);
    const b = await scoreArchitecture({ engine: tfjsEngine, ir, indicators, batch, seed: 5 });
    expect(b.scores).toEqual(a.scores);
  });

  it('records a NaN score as non-finite and an exception as an error; the others still run', async () => {
    const nan: Indicator = {
      kind: 'indicator',
      id: 'nan',
      description: '',
      needs: { data: false, labels: false, backward: false },
      score: () => ({ score: NaN }),
    };
    const boom: Indicator = {
      kind: 'indicator',
      id: 'boom',
      description: '',
      needs: { data: false, labels: false, backward: false },
      score: (ctx) => {
        void ctx.net; // compiles the network, then fails
        throw new Error('kaput');
      },
    };
    const params = indicators.find((i) => i.id === 'params')!;
    const before = tf.memory().numTensors;
    const r = await scoreArchitecture({ engine: tfjsEngine, ir, indicators: [nan, boom, params], seed: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.scores.nan).toBeNaN();
    expect(r.details.nan).toMatchObject({ finite: false, value: 'NaN' });
    expect(r.scores.boom).toBeNull();
    expect(r.details.boom).toMatchObject({ finite: false, error: 'Error: kaput' });
    expect(r.details.boom!.leakedTensors).toBeUndefined();
    expect(r.scores.params).toBe(networkCost(ir).params);
  });

  it('an indicator that reads data without a batch is an error row, not a crash', async () => {
    const gradNorm = indicators.find((i) => i.id === 'grad_norm')!;
    const r = await scoreArchitecture({ engine: tfjsEngine, ir, indicators: [gradNorm], seed: 0 });
    expect(r.scores.grad_norm).toBeNull();
    expect(r.details.grad_norm!.error).toMatch(/reads data/);
  });

  it('a leaking indicator is flagged with the number of tensors it left', async () => {
    let left: tf.Tensor | undefined;
    const leaky: Indicator = {
      kind: 'indicator',
      id: 'leaky',
      description: '',
      needs: { data: false, labels: false, backward: false },
      score: () => {
        left = tf.ones([2]); // not disposed by the indicator
        return { score: 1 };
      },
    };
    const r = await scoreArchitecture({ engine: tfjsEngine, ir, indicators: [leaky], seed: 0 });
    expect(r.details.leaky!.leakedTensors).toBe(1);
    left?.dispose();
  });

  it('does not compile the network for flops and params only', async () => {
    let compiled = 0;
    const compile = (x: typeof ir, o: { seed: number }) => {
      compiled++;
      return compileNetwork(x, o);
    };
    const engine = { ...tfjsEngine, compile };
    const ids = ['flops', 'params'];
    await scoreArchitecture({ engine, ir, indicators: indicators.filter((i) => ids.includes(i.id)), seed: 0 });
    expect(compiled).toBe(0);
    await scoreArchitecture({
      engine,
      ir,
      indicators: indicators.filter((i) => i.id === 'synflow' || i.id === 'params'),
      seed: 0,
    });
    expect(compiled).toBe(1);
  });
});

describe('@mstf/indicators plugin and selection', () => {
  it('registers the nine indicators; lists resolve with clear errors', async () => {
    const kernel = await bootKernel({ settings: resolveSettings({}), builtins: [indicatorsPlugin], config: {} });
    expect(kernel.registry('indicator').ids().sort()).toEqual([
      'fisher',
      'flops',
      'grad_norm',
      'grasp',
      'jacob_cov',
      'jacob_cov_v1',
      'params',
      'snip',
      'synflow',
    ]);
    const sel = selectIndicators(kernel, 'synflow, params');
    expect(sel.indicators.map((i) => i.id)).toEqual(['synflow', 'params']);
    expect(sel.optionsById.synflow).toEqual({ rescale: true });
    expect(() => parseIndicatorList('synflow,nope', ['synflow'])).toThrow(
      /unknown indicator "nope" \(known: synflow, or all\)/,
    );
    expect(parseIndicatorList('all', ['a', 'b'])).toEqual(['a', 'b']);
  });
});
