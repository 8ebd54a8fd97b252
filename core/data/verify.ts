import fs from 'node:fs';
import type { DataLocation, Dataset, Split, SplitData } from '../contracts/dataset.js';
import { MstfError } from '../errors.js';
import { md5File } from './md5.js';
import { hasStorage } from './storage.js';

/** MD5 per file version (path, size, mtime): a training loads three splits of one file. */
const checked = new Map<string, string>();
/** Files already warned about in this process (one warning per file, not per split). */
const warned = new Set<string>();

/**
 * Compare a downloadable dataset's local file with the checksum of its official download. A file that differs
 * (edited, truncated and re-zipped, another release) still loads but its results are not comparable with
 * published ones: a warning on stderr, or CHECKSUM_MISMATCH under --strict-data. Datasets without a published
 * checksum (manual downloads) are not checked.
 */
export async function verifyDatasetFile(
  dataset: Dataset,
  loc: DataLocation,
  size: number,
  opts: { strict?: boolean; warn?: (line: string) => void } = {},
): Promise<void> {
  if (!hasStorage(dataset)) return;
  const file = dataset.locate(loc, size);
  if (!file) return; // load() says what is missing
  let remote: ReturnType<typeof dataset.remote>;
  try {
    remote = dataset.remote(size);
  } catch {
    return;
  }
  if (!('md5' in remote)) return;
  const stat = fs.statSync(file.path);
  const key = `${file.path}:${stat.size}:${stat.mtimeMs}`;
  let md5 = checked.get(key);
  if (md5 === undefined) {
    md5 = await md5File(file.path);
    checked.set(key, md5);
  }
  if (md5 === remote.md5) return;
  const what = `${file.path}: MD5 ${md5} differs from the official ${dataset.id} (${size}x${size}) file's ${remote.md5}`;
  if (opts.strict) {
    throw new MstfError(
      'CHECKSUM_MISMATCH',
      `${what}; refused under --strict-data (fetch it again: mstf datasets fetch ${dataset.id} --force)`,
    );
  }
  if (warned.has(key)) return;
  warned.add(key);
  (opts.warn ?? ((l) => process.stderr.write(`${l}\n`)))(
    `mstf: warning: ${what}; results may not match published ones (--strict-data refuses such files)`,
  );
}

/** A split without images would make every indicator score a zero-size batch: refuse it before any work. */
export function checkNotEmpty(dataset: Dataset, split: Split, data: SplitData, loc: DataLocation): void {
  if (data.shape[0] > 0) return;
  throw new MstfError(
    'DATA_CORRUPT',
    `${dataset.id}: the ${split} split has no images (data directory ${loc.dataDir})`,
  );
}
