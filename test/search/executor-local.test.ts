import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { localExecutor } from '../../plugins/executor-local/index.js';
import { MstfError } from '../../core/errors.js';
import { resolveSearchConfig } from '../../core/search/config.js';
import { evaluationSpec, resolveSetup } from '../../core/search/setup.js';
import { Rng } from '../../core/util/rng.js';
import { bootWith, tempWorkspace } from './helpers.js';

/** A data-free spec (params + flops): the executor's behaviour, not the indicators, is under test. */
async function setupSpec() {
  const kernel = await bootWith(tempWorkspace());
  const setup = resolveSetup(
    kernel,
    resolveSearchConfig({ indicators: ['params', 'flops'], objective: 'pair', channels: 8 }),
  );
  const rng = new Rng(3);
  const genotypes = Array.from({ length: 4 }, () => setup.space.format(setup.space.sample(rng)));
  return { kernel, spec: evaluationSpec(setup, kernel, undefined), genotypes, setup };
}

describe('executor local', () => {
  it('evaluates in request order and reports each row before starting the next', async () => {
    const { kernel, spec, genotypes, setup } = await setupSpec();
    const session = await localExecutor.open(spec, { searchId: 't', kernel });
    const order: number[] = [];
    const requests = genotypes.map((genotype, i) => ({ index: 10 + i, genotype }));
    const rows = await session.evaluate(requests, { onResult: (_row, r) => void order.push(r.index) });
    expect(order).toEqual([10, 11, 12, 13]);
    expect(rows.map((r) => r.genotype)).toEqual(genotypes);
    // params: the parameter count of the decoded network, as the IR cost model counts it.
    expect(rows[0]!.scores.params).toBe(rows[0]!.params);
    expect(rows[0]!.hash).toBe(setup.space.hash(setup.space.parse(genotypes[0]!)));
    expect(path.isAbsolute(spec.boot.cwd)).toBe(true);
  });

  it('stops between candidates once aborted: the one in flight is reported, no other starts', async () => {
    const { kernel, spec, genotypes } = await setupSpec();
    const session = await localExecutor.open(spec, { searchId: 't', kernel });
    const controller = new AbortController();
    const reported: number[] = [];
    let err: unknown;
    try {
      await session.evaluate(
        genotypes.map((genotype, index) => ({ index, genotype })),
        {
          signal: controller.signal,
          onResult: (_row, r) => {
            reported.push(r.index);
            if (r.index === 1) controller.abort();
          },
        },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MstfError);
    expect((err as MstfError).code).toBe('CANCELLED');
    expect(reported).toEqual([0, 1]);
  });
});
