import path from 'node:path';
import { MstfError } from '../errors.js';
import { ZipReader } from './zip.js';
import { parseNpy, type NpyArray } from './npy.js';

/**
 * A numpy .npz archive (numpy.savez / savez_compressed): a zip of `<name>.npy` members, in any order.
 * Members are parsed on demand, so reading `train_images` does not inflate the test split.
 */
export class NpzFile {
  private constructor(
    readonly file: string,
    private readonly zip: ZipReader,
  ) {}

  static open(file: string): NpzFile {
    return new NpzFile(file, ZipReader.open(file));
  }

  /** Array names (member names without the .npy suffix). */
  keys(): string[] {
    return [...this.zip.entries.keys()].filter((n) => n.endsWith('.npy')).map((n) => n.slice(0, -4));
  }

  has(key: string): boolean {
    return this.zip.entries.has(`${key}.npy`);
  }

  get(key: string): NpyArray {
    if (!this.has(key)) {
      throw new MstfError(
        'DATA_CORRUPT',
        `${this.file}: no array "${key}" (arrays: ${this.keys().join(', ') || 'none'})`,
      );
    }
    const bytes = this.zip.read(`${key}.npy`);
    return parseNpy(bytes, `${this.file} [${key}]`);
  }

  close(): void {
    this.zip.close();
  }
}

/** Read the named arrays (all of them when `keys` is omitted) and close the file. */
export function readNpz(file: string, keys?: string[]): Record<string, NpyArray> {
  const npz = NpzFile.open(path.resolve(file));
  try {
    const out: Record<string, NpyArray> = {};
    for (const k of keys ?? npz.keys()) out[k] = npz.get(k);
    return out;
  } finally {
    npz.close();
  }
}
