import type { DataLocation, Dataset, DatasetInfo } from '../contracts/dataset.js';
import { hasStorage, type LocalFile } from './storage.js';

export interface DatasetSummary {
  id: string;
  task: DatasetInfo['task'];
  classes: number;
  channels: number;
  splits: DatasetInfo['splits'];
  sizes: number[];
  /** Sizes found locally, with their paths (embedded: shipped inside mstf). */
  present: LocalFile[];
}

export interface DatasetFileInfo {
  size: number;
  fileName?: string;
  url?: string;
  md5?: string;
  /** How to get it when mstf cannot download it. */
  manual?: string;
  /** Where `fetch` writes it. */
  fetchPath?: string;
  local: LocalFile | null;
}

export interface DatasetDescription extends DatasetInfo {
  files: DatasetFileInfo[];
  details: Record<string, unknown>;
}

/** One row of `mstf datasets list`. */
export function summarizeDataset(ds: Dataset, loc: DataLocation): DatasetSummary {
  const present: LocalFile[] = [];
  for (const size of ds.info.sizes) {
    if (hasStorage(ds)) {
      const f = ds.locate(loc, size);
      if (f) present.push(f);
    } else if (ds.isPresent(loc, size)) present.push({ size, path: '', embedded: false });
  }
  const { id, task, classes, channels, splits, sizes } = ds.info;
  return { id, task, classes, channels, splits, sizes, present };
}

/** Everything `mstf datasets info` shows. */
export function describeDataset(ds: Dataset, loc: DataLocation): DatasetDescription {
  const files: DatasetFileInfo[] = ds.info.sizes.map((size) => {
    if (!hasStorage(ds)) return { size, local: null };
    const remote = ds.remote(size);
    const base = { size, fetchPath: ds.fetchPath(loc, size), local: ds.locate(loc, size) ?? null };
    return 'manual' in remote
      ? { ...base, manual: remote.manual }
      : { ...base, fileName: remote.fileName, url: remote.url, md5: remote.md5 };
  });
  const details = hasStorage(ds) && ds.details ? ds.details(loc) : {};
  return { ...ds.info, files, details };
}
