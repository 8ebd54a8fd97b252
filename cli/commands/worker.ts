import os from 'node:os';
import { Flags } from '@oclif/core';
import { MstfCommand } from '../base.js';
import { builtinPlugins } from '../../plugins/index.js';
import { runWorker } from '../../plugins/executor-bullmq/worker.js';

export default class WorkerCommand extends MstfCommand<typeof WorkerCommand> {
  static override description =
    'Evaluate candidates of searches started with --executor bullmq: take jobs from Redis until SIGINT / SIGTERM ' +
    '(the jobs in hand are finished first; a second signal exits at once and another worker takes them). ' +
    'Needs the same mstf version and plugins as the search, and its dataset in --data-dir.';
  static override examples = [
    '<%= config.bin %> worker --redis redis://127.0.0.1:6379',
    '<%= config.bin %> worker --redis redis://queue.lab:6379 --concurrency 8 --data-dir /data/medmnist',
  ];
  static override flags = {
    redis: Flags.string({ description: 'Redis URL, e.g. redis://HOST:6379', required: true }),
    concurrency: Flags.integer({
      description: 'candidates evaluated at once, one worker thread each (default: available cores)',
      min: 1,
    }),
    'lock-duration': Flags.integer({
      description:
        "ms a job stays locked without renewal: a killed worker's job goes to another worker after about this long",
      default: 30_000,
      min: 1_000,
    }),
  };

  async run(): Promise<void> {
    const kernel = await this.kernel();
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await runWorker({
        redis: this.flags.redis,
        concurrency: this.flags.concurrency ?? os.availableParallelism(),
        lockDurationMs: this.flags['lock-duration'],
        boot: {
          cwd: kernel.settings.cwd,
          config: kernel.boot.config,
          extraPlugins: kernel.boot.extraPlugins,
          dataDir: kernel.settings.dataDir,
          ...(kernel.settings.backend ? { backend: kernel.settings.backend } : {}),
          ...(kernel.settings.engine ? { engine: kernel.settings.engine } : {}),
        },
        builtins: builtinPlugins,
        log: (line) => process.stderr.write(`${line}\n`),
        signal: controller.signal,
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }
}
