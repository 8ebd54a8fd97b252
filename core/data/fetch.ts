import fs from 'node:fs';
import type { DataLocation, Dataset } from '../contracts/dataset.js';
import { MstfError } from '../errors.js';
import { downloadFile, type DownloadProgress } from './download.js';
import { md5File } from './md5.js';
import { hasStorage } from './storage.js';

export interface FetchResult {
  id: string;
  size: number;
  path: string;
  bytes: number;
  md5: string;
  /** True when a file with the right checksum was already there (nothing downloaded). */
  alreadyPresent: boolean;
}

/**
 * Download a dataset's file for one image size into the data directory (see downloadFile for the
 * atomic, checksum-verified write). A file already in place with the right MD5 is kept unless `force`.
 */
export async function fetchDataset(
  ds: Dataset,
  loc: DataLocation,
  opts: { size: number; force?: boolean; onProgress?: (p: DownloadProgress) => void; timeoutMs?: number },
): Promise<FetchResult> {
  const { size } = opts;
  if (!hasStorage(ds))
    throw new MstfError('INVALID_ARGUMENT', `${ds.id} cannot be downloaded by mstf (its plugin offers no download)`);
  // A dataset obtained by hand says so whatever the size asked for.
  const probe = ds.remote(ds.info.sizes[0]!);
  if ('manual' in probe)
    throw new MstfError('INVALID_ARGUMENT', `${ds.id} cannot be downloaded by mstf: ${probe.manual}`);
  if (!ds.info.sizes.includes(size)) {
    throw new MstfError(
      'INVALID_ARGUMENT',
      `${ds.id} has no ${size}x${size} version (sizes: ${ds.info.sizes.join(', ')})`,
    );
  }
  const remote = ds.remote(size);
  if ('manual' in remote)
    throw new MstfError('INVALID_ARGUMENT', `${ds.id} cannot be downloaded by mstf: ${remote.manual}`);
  const dest = ds.fetchPath(loc, size);
  if (!opts.force && fs.existsSync(dest)) {
    const md5 = await md5File(dest);
    if (md5 === remote.md5) {
      return { id: ds.id, size, path: dest, bytes: fs.statSync(dest).size, md5, alreadyPresent: true };
    }
    // A damaged file: download again (the rename replaces it only once the new copy checks out).
  }
  const r = await downloadFile({
    url: remote.url,
    dest,
    md5: remote.md5,
    label: `${ds.id} (${size}x${size})`,
    onProgress: opts.onProgress,
    timeoutMs: opts.timeoutMs,
  });
  return { id: ds.id, size, path: r.path, bytes: r.bytes, md5: r.md5, alreadyPresent: false };
}
