import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MstfError } from '../errors.js';
import { removeStaleTemps } from '../util/temp.js';

export interface DownloadProgress {
  received: number;
  /** From Content-Length; undefined when the server does not say. */
  total?: number;
  /** Average since the start. */
  bytesPerSec: number;
  done: boolean;
}

export interface DownloadOptions {
  url: string;
  /** Final path; written only once the whole file is here and its checksum matches. */
  dest: string;
  /** Expected MD5 (hex). */
  md5?: string;
  /** Name used in error lines (default: the file name of dest). */
  label?: string;
  /** No bytes for this long -> fail (default 30 s). */
  timeoutMs?: number;
  maxRedirects?: number;
  onProgress?: (p: DownloadProgress) => void;
  /** Minimum time between progress calls (default 200 ms); the final call always happens. */
  progressIntervalMs?: number;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  md5: string;
}

/**
 * Download `url` to `dest` atomically: the bytes go to a temporary file in the same directory while the
 * MD5 is computed on the fly; the file is renamed into place only when the length matches Content-Length
 * and the checksum matches. Any failure (HTTP error status, no network, timeout, early close, checksum
 * mismatch, Ctrl-C) removes the temporary file and throws one clear MstfError line.
 */
export async function downloadFile(o: DownloadOptions): Promise<DownloadResult> {
  const label = o.label ?? path.basename(o.dest);
  const timeoutMs = o.timeoutMs ?? 30_000;
  fs.mkdirSync(path.dirname(o.dest), { recursive: true });
  removeStaleTemps(o.dest, '.part-'); // left by a download that was killed (SIGKILL cannot be caught)
  const tmp = `${o.dest}.part-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const removeTmp = () => {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
  };
  // Ctrl-C / kill while downloading: remove the partial file, then die of the same signal.
  const onSignal = (signal: NodeJS.Signals) => {
    removeTmp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const state = { timedOut: false, host: '' };
  let received = 0;
  let total: number | undefined;
  try {
    const res = await get(o.url, o.maxRedirects ?? 5, timeoutMs, state, label);
    const len = res.headers['content-length'];
    total = len !== undefined && /^\d+$/.test(len) ? Number(len) : undefined;
    const hash = crypto.createHash('md5');
    const start = Date.now();
    let lastReport = 0;
    const interval = o.progressIntervalMs ?? 200;
    const report = (done: boolean) => {
      const secs = Math.max((Date.now() - start) / 1000, 1e-3);
      o.onProgress?.({ received, total, bytesPerSec: received / secs, done });
    };
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        received += chunk.length;
        const now = Date.now();
        if (o.onProgress && now - lastReport >= interval) {
          lastReport = now;
          report(false);
        }
        cb(null, chunk);
      },
    });
    try {
      await pipeline(res, counter, fs.createWriteStream(tmp, { flags: 'wx' }));
    } catch (e) {
      if (state.timedOut)
        throw fail(
          label,
          `no data from ${state.host} for ${Math.round(timeoutMs / 1000)} s (received ${mb(received)} MB)`,
        );
      if (total !== undefined && received < total) throw truncated(label, received, total);
      throw fail(label, `connection to ${state.host} broke after ${mb(received)} MB (${errCode(e)})`);
    }
    if (total !== undefined && received !== total) throw truncated(label, received, total);
    const md5 = hash.digest('hex');
    if (o.md5 && md5 !== o.md5.toLowerCase()) {
      throw new MstfError(
        'CHECKSUM_MISMATCH',
        `${label}: checksum mismatch (md5 ${md5}, expected ${o.md5.toLowerCase()}); the download was discarded`,
      );
    }
    report(true);
    fs.renameSync(tmp, o.dest);
    return { path: o.dest, bytes: received, md5 };
  } catch (e) {
    removeTmp();
    if (e instanceof MstfError) throw e;
    throw fail(label, errCode(e));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** GET with redirects; resolves with a 2xx response, rejects with one clear line otherwise. */
function get(
  url: string,
  redirectsLeft: number,
  timeoutMs: number,
  state: { timedOut: boolean; host: string },
  label: string,
): Promise<http.IncomingMessage> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.reject(fail(label, `bad URL ${JSON.stringify(url)}`));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return Promise.reject(fail(label, `unsupported URL scheme ${parsed.protocol} in ${url}`));
  }
  state.host = parsed.host;
  const lib = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.get(
      parsed,
      { headers: { 'user-agent': 'mstf-nas (https://www.npmjs.com/package/mstf-nas)' } },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          if (redirectsLeft <= 0) return reject(fail(label, `too many redirects from ${url}`));
          const next = new URL(res.headers.location, parsed).href;
          return resolve(get(next, redirectsLeft - 1, timeoutMs, state, label));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return reject(fail(label, `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} from ${url}`));
        }
        resolve(res);
      },
    );
    req.setTimeout(timeoutMs, () => {
      state.timedOut = true;
      req.destroy(new Error('ETIMEDOUT'));
    });
    req.on('error', (e) => {
      if (state.timedOut) reject(fail(label, `no response from ${parsed.host} for ${Math.round(timeoutMs / 1000)} s`));
      else reject(fail(label, networkReason(e, parsed)));
    });
  });
}

function networkReason(e: unknown, url: URL): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host ${url.hostname} (${code}); is the network up?`;
    case 'ECONNREFUSED':
      return `connection refused by ${url.host}`;
    case 'ECONNRESET':
      return `connection reset by ${url.host}`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `network unreachable for ${url.host} (${code})`;
    default:
      return `cannot reach ${url.host} (${code ?? (e as Error).message})`;
  }
}

function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? err?.message ?? String(e);
}

function fail(label: string, reason: string): MstfError {
  return new MstfError('DOWNLOAD_FAILED', `${label}: download failed: ${reason}`);
}

function truncated(label: string, received: number, total: number): MstfError {
  return fail(label, `truncated (got ${received} of ${total} bytes; the connection closed early)`);
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** One line of a progress bar: `name  45% [#####.....]  92.1/205.6 MB  12.3 MB/s`. */
export function formatProgress(name: string, p: DownloadProgress, width = 24): string {
  const speed = `${mb(p.bytesPerSec)} MB/s`;
  if (p.total === undefined || p.total === 0) return `${name}  ${mb(p.received)} MB  ${speed}`;
  const frac = Math.min(1, p.received / p.total);
  const filled = Math.round(frac * width);
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  return `${name}  ${pct} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]  ${mb(p.received)}/${mb(p.total)} MB  ${speed}`;
}
