import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SHARED_MEDMNIST } from './paths.js';

/**
 * A local HTTP server on 127.0.0.1 (random port) serving ../shared/data/medmnist, plus routes that
 * misbehave on purpose:
 *   /files/<name>            the file (200, Content-Length)
 *   /redirect/<name>         302 -> /files/<name> (Zenodo redirects too)
 *   /wrongbytes/<name>       200 with another file's bytes (checksum mismatch)
 *   /truncated/<name>        Content-Length of the whole file, then half of it and a closed socket
 *   /status/<code>/<name>    that HTTP status
 */
export async function startServer(): Promise<{ base: string; close: () => Promise<void>; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits.push(url);
    const parts = url.split('?')[0]!.split('/').filter(Boolean);
    const name = parts[parts.length - 1]!;
    const file = path.join(SHARED_MEDMNIST, name);
    const exists = fs.existsSync(file);
    const route = parts[0];
    if (route === 'status') {
      res.writeHead(Number(parts[1]), { 'content-type': 'text/plain' });
      res.end('nope');
      return;
    }
    if (!exists) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const bytes = fs.readFileSync(file);
    if (route === 'files') {
      res.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
      res.end(bytes);
    } else if (route === 'redirect') {
      res.writeHead(302, { location: `/files/${name}?download=1` });
      res.end();
    } else if (route === 'wrongbytes') {
      const other = fs.readFileSync(
        path.join(SHARED_MEDMNIST, name === 'retinamnist.npz' ? 'breastmnist.npz' : 'retinamnist.npz'),
      );
      res.writeHead(200, { 'content-length': other.length });
      res.end(other);
    } else if (route === 'truncated') {
      res.writeHead(200, { 'content-length': bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
