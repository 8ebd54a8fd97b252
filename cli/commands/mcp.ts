import { Flags } from '@oclif/core';
import { MstfCommand } from '../base.js';
import { MstfError } from '../../core/errors.js';
import { createContext } from '../../mcp-server/context.js';
import { createMcpServer } from '../../mcp-server/server.js';
import { keepStdoutForProtocol, serveStdio } from '../../mcp-server/transports/stdio.js';
import { serveHttp } from '../../mcp-server/transports/http.js';
import { defaultLimits, resolveLimits, type McpLimits } from '../../mcp-server/limits.js';
import { readConfig } from '../../core/kernel/loader.js';

const defaults = defaultLimits();
const limitFlag = (description: string, def: number) =>
  Flags.integer({ description: `${description} (default ${def})`, min: 1, helpGroup: 'LIMITS' });

export default class Mcp extends MstfCommand<typeof Mcp> {
  static override description =
    'Run the MCP server: AI assistants launch, watch and compare searches (stdio by default; Streamable HTTP on 127.0.0.1 with --http)';
  static override examples = [
    '<%= config.bin %> mcp',
    '<%= config.bin %> mcp --data-dir ~/medmnist --store .mstf/mstf.db',
    '<%= config.bin %> mcp --http 8765',
  ];
  static override flags = {
    http: Flags.integer({
      description: 'serve Streamable HTTP at http://127.0.0.1:<port>/mcp instead of stdio (0: any free port)',
      min: 0,
      max: 65535,
    }),
    'max-jobs': limitFlag('searches and trainings this server may run at once', defaults.maxJobs),
    'max-candidates': limitFlag('candidates one search may evaluate', defaults.maxCandidates),
    'max-channels': limitFlag('initial channels C0 of a search or training', defaults.maxChannels),
    'max-batch-size': limitFlag('batch size of a search or training', defaults.maxBatchSize),
    'max-epochs': limitFlag('epochs of a training', defaults.maxEpochs),
    'max-memory': limitFlag('estimated memory one search or training may need, MiB', defaults.maxMemoryMiB),
    'max-message-bytes': Flags.integer({
      description: `largest JSON-RPC message, bytes (default ${defaults.maxMessageBytes})`,
      min: 1024,
      helpGroup: 'LIMITS',
    }),
    'max-sessions': limitFlag('Streamable HTTP sessions open at once', defaults.maxSessions),
    'session-idle-timeout': Flags.custom<number>({
      description: `close an HTTP session idle this long, seconds (default ${defaults.sessionIdleSeconds})`,
      helpGroup: 'LIMITS',
      parse: async (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0)
          throw new MstfError('INVALID_ARGUMENT', `--session-idle-timeout: expected seconds > 0, got "${v}"`);
        return n;
      },
    })(),
  };

  async run(): Promise<void> {
    const stdio = this.flags.http === undefined;
    // Before anything can print: in stdio mode stdout carries protocol messages only.
    if (stdio) keepStdoutForProtocol();
    const log = (line: string) => process.stderr.write(`mstf mcp: ${line}\n`);
    const kernel = await this.kernel();
    const f = this.flags;
    const fromFlags: Partial<McpLimits> = {
      maxJobs: f['max-jobs'],
      maxCandidates: f['max-candidates'],
      maxChannels: f['max-channels'],
      maxBatchSize: f['max-batch-size'],
      maxEpochs: f['max-epochs'],
      maxMemoryMiB: f['max-memory'],
      maxMessageBytes: f['max-message-bytes'],
      maxSessions: f['max-sessions'],
      sessionIdleSeconds: f['session-idle-timeout'],
    };
    const limits = resolveLimits(readConfig(kernel.settings.cwd).mcp, fromFlags);
    const ctx = createContext({ kernel, extraPlugins: this.flags.plugin ?? [], log, limits });
    const make = () => createMcpServer(ctx, { version: this.config.version });

    if (stdio) {
      log(`serving on stdio (workspace ${ctx.settings.cwd}, store ${ctx.settings.storePath})`);
      await serveStdio(make(), { maxMessageBytes: limits.maxMessageBytes, log });
      return;
    }

    let handle: Awaited<ReturnType<typeof serveHttp>>;
    try {
      handle = await serveHttp(make, { port: this.flags.http!, log, limits });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new MstfError(
        'INVALID_ARGUMENT',
        code === 'EADDRINUSE'
          ? `--http ${this.flags.http}: port already in use on 127.0.0.1`
          : `--http ${this.flags.http}: cannot listen (${(e as Error).message})`,
      );
    }
    // The URL line is what scripts (and the tests) read to learn the port chosen for --http 0.
    log(`listening on ${handle.url} (workspace ${ctx.settings.cwd}, store ${ctx.settings.storePath})`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await handle.close();
    log('stopped');
  }
}
