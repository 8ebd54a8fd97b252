import { Flags } from '@oclif/core';
import { MstfCommand } from '../base.js';
import { MstfError, oneLine } from '../../core/errors.js';
import { PRESETS } from '../../core/search/config.js';
import { SearchService, type RunOptions } from '../../core/search/service.js';
import type { SearchEvent, SearchSummary } from '../../core/search/events.js';
import { ProgressTracker, formatDuration, formatResult } from '../../core/search/render.js';

/** --executor, --workers, --redis: where candidates are evaluated (the results do not depend on it). */
export const executorFlags = {
  executor: Flags.string({
    description:
      'where candidates are evaluated: pool (worker threads, default), local (this thread, one at a time), bullmq (mstf worker processes via Redis)',
    default: 'pool',
  }),
  workers: Flags.integer({ description: 'pool: worker threads (default: available cores; 1 = one at a time)', min: 1 }),
  redis: Flags.string({
    description: 'bullmq: Redis URL, e.g. redis://127.0.0.1:6379 (start `mstf worker --redis <url>` on each machine)',
  }),
};

export function executorRun(f: { executor?: string; workers?: number; redis?: string }): RunOptions['executor'] {
  if (f.redis !== undefined && f.executor !== 'bullmq')
    throw new MstfError('INVALID_ARGUMENT', '--redis is for --executor bullmq');
  if (f.executor === 'bullmq' && f.redis === undefined)
    throw new MstfError('INVALID_ARGUMENT', '--executor bullmq needs --redis redis://HOST:PORT');
  return {
    ...(f.executor !== undefined ? { id: f.executor } : {}),
    ...(f.workers !== undefined ? { workers: f.workers } : {}),
    ...(f.redis !== undefined ? { redis: f.redis } : {}),
  };
}

export default class Search extends MstfCommand<typeof Search> {
  static override description =
    'Search an architecture: NSGA-II over the search space with training-free indicators (MSTF-NAS). ' +
    'With no flags: the embedded BreastMNIST, jacob_cov + synflow, the cpu preset (minutes on a laptop).';
  static override examples = [
    '<%= config.bin %> search',
    '<%= config.bin %> search --dataset pneumoniamnist --generations 10 --seed 1',
    '<%= config.bin %> search --preset paper --json > search.jsonl',
  ];
  static override flags = {
    dataset: Flags.string({ description: 'dataset id (mstf datasets list)', default: 'breastmnist' }),
    space: Flags.string({ description: 'search space id', default: 'mstf' }),
    indicators: Flags.string({
      description: 'comma-separated indicator ids (p1,p2 of Eq. 5)',
      default: 'jacob_cov,synflow',
    }),
    objective: Flags.string({ description: 'objective builder id', default: 'mstf-eq5' }),
    optimizer: Flags.string({ description: 'optimizer id', default: 'nsga2' }),
    ...executorFlags,
    population: Flags.integer({
      description: `population size (cpu ${PRESETS.cpu.population}, paper ${PRESETS.paper.population})`,
      min: 1,
    }),
    offspring: Flags.integer({
      description: `offspring per generation (cpu ${PRESETS.cpu.offspring}, paper ${PRESETS.paper.offspring})`,
      min: 1,
    }),
    generations: Flags.integer({
      description: `generations, the initial population counting as generation 0 (cpu ${PRESETS.cpu.generations}, paper ${PRESETS.paper.generations})`,
      min: 1,
    }),
    channels: Flags.integer({
      description: `initial channels C0 (cpu ${PRESETS.cpu.channels}, paper ${PRESETS.paper.channels})`,
      min: 1,
    }),
    blocks: Flags.integer({ description: 'blocks (default: the search space default, 3 for mstf)', min: 1 }),
    'batch-size': Flags.integer({
      description: `images in the one fixed indicator batch (cpu ${PRESETS.cpu.batchSize}, paper ${PRESETS.paper.batchSize})`,
      min: 1,
    }),
    size: Flags.integer({ description: 'image size (default: the dataset smallest size)', min: 1 }),
    seed: Flags.integer({
      description: 'search seed: optimizer, indicator batch, network initialisation',
      default: 0,
      min: 0,
    }),
    preset: Flags.string({
      description: 'budget preset: cpu (minutes) or paper (the paper settings)',
      options: ['cpu', 'paper'],
      default: 'cpu',
    }),
    json: Flags.boolean({
      description: 'JSON lines on stdout: progress events, then {searchId, status, selected, pareto}',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const executor = executorRun(f);
    const service = (await this.kernel()).resolve(SearchService);
    try {
      const id = service.create({
        dataset: f.dataset,
        space: f.space,
        indicators: f.indicators
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        objective: f.objective,
        optimizer: f.optimizer,
        executor: f.executor,
        seed: f.seed,
        preset: f.preset,
        ...(f.population !== undefined ? { population: f.population } : {}),
        ...(f.offspring !== undefined ? { offspring: f.offspring } : {}),
        ...(f.generations !== undefined ? { generations: f.generations } : {}),
        ...(f.channels !== undefined ? { channels: f.channels } : {}),
        ...(f.blocks !== undefined ? { blocks: f.blocks } : {}),
        ...(f['batch-size'] !== undefined ? { batchSize: f['batch-size'] } : {}),
        ...(f.size !== undefined ? { size: f.size } : {}),
        ...(this.flags['data-dir'] !== undefined ? { dataDir: this.settings.dataDir } : {}),
      });
      await runSearchInForeground(service, id, f.json, (s) => this.log(s), executor);
    } finally {
      service.close();
    }
    exitIfCancelled();
  }
}

/**
 * A cancelled search is stored and closed; worker threads may still be inside a candidate that was dropped
 * (a wasm kernel call is not interruptible and would hold the process for its duration), so exit now.
 */
export function exitIfCancelled(): void {
  if (process.exitCode === 130) process.exit(130);
}

/**
 * Run (or resume) a search in this process with progress on stderr (a bar on a TTY) or JSON lines on
 * stdout; SIGINT / SIGTERM cancel it cleanly (a second signal exits at once). Shared by `mstf search`
 * and `mstf runs resume`.
 */
export async function runSearchInForeground(
  service: SearchService,
  id: string,
  json: boolean,
  log: (line: string) => void,
  executor?: RunOptions['executor'],
): Promise<SearchSummary> {
  const record = service.store.requireSearch(id);
  const tracker = new ProgressTracker(record, record.config.indicators);
  const tty = !json && process.stderr.isTTY === true;
  const started = performance.now();
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write(
      `${tty ? '\n' : ''}${sig}: stopping; candidates in flight are dropped, \`mstf runs resume ${id}\` continues (again to quit now)\n`,
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (!json) {
    const c = record.config;
    process.stderr.write(
      `search ${id}: ${c.dataset}, space ${c.space} (C0=${c.channels}), ${c.indicators.join(' + ')}, ${c.optimizer} ` +
        `population ${c.population}, offspring ${c.offspring}, ${c.generations} generations (${record.total} candidates), seed ${c.seed}\n`,
    );
  }
  const onEvent = (e: SearchEvent) => {
    if (json) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.type === 'candidate') {
      tracker.onCandidate(e);
      if (tty) process.stderr.write(`\r\x1b[2K${tracker.line()}`);
    } else if (e.type === 'generation') {
      tracker.onGeneration(e);
      const line = `generation ${e.generation + 1} of ${e.generations} done: ${e.evaluated}/${e.total} candidates, front ${e.front}, ETA ${formatDuration(e.etaSeconds)}`;
      process.stderr.write(tty ? `\r\x1b[2K${line}\n${tracker.line()}` : `${line}\n`);
    } else if (tty) {
      process.stderr.write('\r\x1b[2K');
    }
  };
  try {
    const summary = await service.run(id, {
      signal: controller.signal,
      onEvent,
      ...(executor ? { executor } : {}),
      log: (line) => process.stderr.write(`${tty ? '\r\x1b[2K' : ''}${line}\n`),
    });
    if (json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      let description: string | undefined;
      if (summary.selected) {
        try {
          description = service.architecture(id).summary;
        } catch (e) {
          description = `(no description: ${oneLine(e)})`;
        }
      }
      log(formatResult(summary, description, (performance.now() - started) / 1000));
    }
    if (summary.status === 'cancelled') process.exitCode = 130;
    return summary;
  } finally {
    if (tty) process.stderr.write('\r\x1b[2K');
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
