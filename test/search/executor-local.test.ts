import { describe, expect, it } from 'vitest';
import { localExecutor } from '../../plugins/executor-local/index.js';
import { MstfError } from '../../core/errors.js';

describe('executor local', () => {
  it('runs tasks in order, one at a time, and reports each result before starting the next', async () => {
    const log: string[] = [];
    let running = 0;
    const results = await localExecutor.run(
      [3, 1, 2],
      async (t, i) => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${i}`);
        await new Promise((r) => setTimeout(r, t));
        running--;
        return t * 10;
      },
      { onResult: (r, i) => void log.push(`result ${i}=${r}`) },
    );
    expect(results).toEqual([30, 10, 20]);
    expect(log).toEqual(['start 0', 'result 0=30', 'start 1', 'result 1=10', 'start 2', 'result 2=20']);
  });

  it('stops between tasks once aborted: the task in flight finishes and is reported, no other starts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const reported: number[] = [];
    let err: unknown;
    try {
      await localExecutor.run(
        [0, 1, 2, 3],
        async (t) => {
          started.push(t);
          if (t === 1) controller.abort();
          return t;
        },
        { signal: controller.signal, onResult: (r) => void reported.push(r) },
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MstfError);
    expect((err as MstfError).code).toBe('CANCELLED');
    expect(started).toEqual([0, 1]);
    expect(reported).toEqual([0, 1]);
  });
});
