import type { DataLocation, Dataset } from '../contracts/dataset.js';

/** A file a dataset can download. */
export interface RemoteFile {
  /** Image size (square) the file holds. */
  size: number;
  fileName: string;
  url: string;
  md5: string;
}

/** Where a dataset's files for one size were found. */
export interface LocalFile {
  size: number;
  path: string;
  /** True when it is the copy shipped inside the mstf package. */
  embedded: boolean;
}

/**
 * What a dataset may offer beyond the Dataset contract so `mstf datasets list/info/fetch` can show
 * where its files are and download them. Datasets without it are listed but cannot be fetched.
 */
export interface DatasetStorage {
  /** Where the file(s) for `size` are found locally, or undefined. */
  locate(loc: DataLocation, size: number): LocalFile | undefined;
  /** The download for `size`, or a sentence telling the user how to get the data by hand. */
  remote(size: number): RemoteFile | { manual: string };
  /** Where `fetch` stores the file for `size`. */
  fetchPath(loc: DataLocation, size: number): string;
  /** Extra facts for `datasets info` (label meanings, sources, citation...; what is found at `loc`). */
  details?(loc?: DataLocation): Record<string, unknown>;
}

export type StoredDataset = Dataset & DatasetStorage;

export function hasStorage(ds: Dataset): ds is StoredDataset {
  const s = ds as Partial<DatasetStorage>;
  return typeof s.locate === 'function' && typeof s.remote === 'function' && typeof s.fetchPath === 'function';
}
