import { Flags } from '@oclif/core';
import { MstfCommand } from '../base.js';
import { MstfError } from '../../core/errors.js';
import { createContext } from '../../mcp-server/context.js';
import { createMcpServer } from '../../mcp-server/server.js';
import { keepStdoutForProtocol, serveStdio } from '../../mcp-server/transports/stdio.js';
import { serveHttp } from '../../mcp-server/transports/http.js';

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
  };

  async run(): Promise<void> {
    const stdio = this.flags.http === undefined;
    // Before anything can print: in stdio mode stdout carries protocol messages only.
    if (stdio) keepStdoutForProtocol();
    const log = (line: string) => process.stderr.write(`mstf mcp: ${line}\n`);
    const kernel = await this.kernel();
    const ctx = createContext({ kernel, extraPlugins: this.flags.plugin ?? [], log });
    const make = () => createMcpServer(ctx, { version: this.config.version });

    if (stdio) {
      log(`serving on stdio (workspace ${ctx.settings.cwd}, store ${ctx.settings.storePath})`);
      await serveStdio(make());
      return;
    }

    let handle;
    try {
      handle = await serveHttp(make, { port: this.flags.http!, log });
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
