import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { oneLineRpcError } from './rpc-errors.js';

/**
 * In stdio mode stdout is the protocol channel: any stray console.log (a library greeting, a debug line)
 * would corrupt it. Everything console prints goes to stderr instead; the transport writes to
 * process.stdout directly.
 */
export function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
}

/** JSON-RPC 2.0 error codes the transport answers itself. */
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;

/** Bytes of an oversized line kept to find its id (the SDK client writes `"id"` last, others first). */
const KEEP = 256;

/**
 * Newline-delimited JSON-RPC over stdin/stdout, like the SDK's StdioServerTransport, but a bad line never ends
 * the session: a line that is not JSON gets -32700, one that is not a JSON-RPC message -32600, and one over
 * `maxMessageBytes` is dropped while it streams in (never buffered whole) and answered with -32600 naming the
 * limit. The SDK's transport closes the connection on an 11 MB line and the server exits 0 with the client
 * still waiting.
 */
export class LimitedStdioTransport implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (error: Error) => void;
  onclose?: () => void;

  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes of the current line seen so far while it is being dropped (undefined: not dropping). */
  private dropping?: { bytes: number; head: string; tail: Buffer };
  private started = false;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly stdin: NodeJS.ReadableStream = process.stdin,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {}

  private readonly onData = (chunk: Buffer) => {
    try {
      this.consume(chunk);
    } catch (e) {
      this.onerror?.(e as Error);
    }
  };
  private readonly onStdinError = (e: Error) => this.onerror?.(e);

  async start(): Promise<void> {
    if (this.started) throw new Error('LimitedStdioTransport already started');
    this.started = true;
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onStdinError);
  }

  private consume(chunk: Buffer): void {
    let rest = chunk;
    while (rest.length > 0) {
      const nl = rest.indexOf(0x0a);
      const part = nl === -1 ? rest : rest.subarray(0, nl);
      if (this.dropping) {
        this.dropping.bytes += part.length;
        this.dropping.tail = Buffer.concat([this.dropping.tail, part]).subarray(-KEEP);
      } else if (this.size + part.length > this.maxMessageBytes) {
        const head = Buffer.concat([...this.chunks, part.subarray(0, KEEP)])
          .subarray(0, KEEP)
          .toString('utf8');
        this.dropping = { bytes: this.size + part.length, head, tail: Buffer.from(part.subarray(-KEEP)) };
        this.chunks = [];
        this.size = 0;
      } else {
        this.chunks.push(Buffer.from(part));
        this.size += part.length;
      }
      if (nl === -1) break;
      this.endOfLine();
      rest = rest.subarray(nl + 1);
    }
  }

  private endOfLine(): void {
    if (this.dropping) {
      const { bytes, head, tail } = this.dropping;
      this.dropping = undefined;
      const id = idOf(head, tail.toString('utf8'));
      void this.reply(
        id,
        INVALID_REQUEST,
        `message of ${bytes} bytes is over the limit of ${this.maxMessageBytes} bytes (mstf mcp --max-message-bytes)`,
      );
      return;
    }
    const line = Buffer.concat(this.chunks).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.size = 0;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      void this.reply(null, PARSE_ERROR, 'Parse error: the message is not valid JSON');
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(json);
    if (!parsed.success) {
      const id = json && typeof json === 'object' && 'id' in json ? validId((json as { id: unknown }).id) : null;
      void this.reply(id, INVALID_REQUEST, 'Invalid Request: not a JSON-RPC 2.0 message');
      return;
    }
    this.onmessage?.(parsed.data);
  }

  private reply(id: string | number | null, code: number, message: string): Promise<void> {
    return this.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } })}\n`);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(oneLineRpcError(message))}\n`);
  }

  private write(text: string): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(text)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onStdinError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.chunks = [];
    this.dropping = undefined;
    this.onclose?.();
  }
}

function validId(v: unknown): string | number | null {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : null;
}

/** The request id of a message known only by its first and last bytes: `{"jsonrpc":"2.0","id":7,...` or `...,"id":7}`. */
export function idOf(head: string, tail: string): string | number | null {
  const value = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
  const m =
    new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${value}`).exec(head) ??
    new RegExp(String.raw`[,{]\s*"id"\s*:\s*${value}\s*\}\s*$`).exec(tail);
  if (!m) return null;
  try {
    return validId(JSON.parse(m[1]!));
  } catch {
    return null;
  }
}

/** Serve one client over stdin/stdout until it disconnects (stdin closes). */
export async function serveStdio(
  server: McpServer,
  opts: { maxMessageBytes: number; log?: (line: string) => void },
): Promise<void> {
  const transport = new LimitedStdioTransport(opts.maxMessageBytes);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
}
