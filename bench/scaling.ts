/**
 * `npm run bench -- scaling [genotypes] [max-workers]`: candidates per second of the executors on the same
 * genotypes (cpu preset: C0 16, batch 32, jacob_cov + synflow on BreastMNIST), and the speed-up over `local`:
 * local, pool with 1..N threads, bullmq with 1..N `mstf worker` processes on a redis-server started here.
 * Each run first evaluates one warm-up round (thread start, backend init), which is not counted. Needs dist/
 * (npm run build) and, for bullmq, redis-server on PATH.
 */
import 'reflect-metadata';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bootKernel, resolveSettings } from '../core/kernel/index.js';
import { resolveSearchConfig } from '../core/search/config.js';
import { evaluationSpec, loadSearchBatch, resolveSetup } from '../core/search/setup.js';
import { packageRoot } from '../core/data/locations.js';
import type { Executor, ExecutorOpenOptions } from '../core/contracts/executor.js';
import type { EvaluationRequest } from '../core/evaluation/spec.js';
import { Rng } from '../core/util/rng.js';
import { builtinPlugins } from '../plugins/index.js';

const count = Number(process.argv[3] ?? 32);
const maxWorkers = Number(process.argv[4] ?? os.availableParallelism());
const kernel = await bootKernel({ settings: resolveSettings(), builtins: builtinPlugins });
const setup = resolveSetup(kernel, resolveSearchConfig({ preset: 'cpu' }));
const batch = await loadSearchBatch(kernel, setup);
const rng = new Rng(2024);
const genotypes = Array.from({ length: count }, () => setup.space.format(setup.space.sample(rng)));
const requests: EvaluationRequest[] = genotypes.map((genotype, index) => ({ index, genotype }));
const executor = (id: string) => kernel.registry('executor').get(id) as Executor;

/** Candidates per second after a warm-up round of `warm` genotypes; checks every executor gives the local scores. */
let reference: string | undefined;
async function measure(id: string, opts: Partial<ExecutorOpenOptions>, warm: number): Promise<number> {
  const ex = executor(id);
  const spec = evaluationSpec(setup, kernel, ex.batchAs === 'arrays' ? batch : 'dataset');
  const session = await ex.open(spec, { searchId: `bench-${process.pid}-${id}-${opts.workers ?? 1}`, kernel, ...opts });
  try {
    const wrng = new Rng(7);
    const warmup = Array.from({ length: warm }, (_, index) => ({
      index,
      genotype: setup.space.format(setup.space.sample(wrng)),
    }));
    await session.evaluate(warmup, {});
    const t0 = performance.now();
    const rows = await session.evaluate(requests, {});
    const s = (performance.now() - t0) / 1000;
    const scores = JSON.stringify(rows.map((r) => r.scores));
    reference ??= scores;
    if (scores !== reference) throw new Error(`${id}: scores differ from local`);
    return count / s;
  } finally {
    await session.close({ finished: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const rows: { executor: string; workers: number; perSecond: number }[] = [];
const report = (executorId: string, workers: number, perSecond: number) => {
  rows.push({ executor: executorId, workers, perSecond });
  const speedup = perSecond / rows[0]!.perSecond;
  console.log(
    `${executorId.padEnd(6)} ${String(workers).padStart(2)} worker(s): ${perSecond.toFixed(3)} candidates/s, x${speedup.toFixed(2)} over local`,
  );
};

console.log(
  `${count} genotypes, cpu preset (C0 ${setup.config.channels}, batch ${setup.config.batchSize}, ${setup.scoreIds.join(' + ')}), ${os.availableParallelism()} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
);
report('local', 1, await measure('local', {}, 1));
for (let n = 1; n <= maxWorkers; n++) report('pool', n, await measure('pool', { workers: n }, n));

if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
  console.log('bullmq: skipped, redis-server is not installed (apt-get install -y redis-server)');
} else {
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  try {
    for (let n = 1; n <= maxWorkers; n++) {
      const workers: ChildProcess[] = [];
      for (let i = 0; i < n; i++) {
        workers.push(
          spawn(
            process.execPath,
            [path.join(packageRoot(), 'bin', 'run.js'), 'worker', '--redis', url, '--concurrency', '1'],
            {
              stdio: 'ignore',
              env: process.env,
            },
          ),
        );
      }
      try {
        report('bullmq', n, await measure('bullmq', { redis: url }, n));
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
      }
    }
  } finally {
    redis.kill('SIGTERM');
  }
}
console.log(
  `load average at the end ${os.loadavg()[0]!.toFixed(1)} (other processes share these cores: compare ratios within one run)`,
);
