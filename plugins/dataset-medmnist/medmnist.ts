import path from 'node:path';
import {
  z,
  type DataLocation,
  type Dataset,
  type DatasetInfo,
  type Split,
  type SplitData,
  MstfError,
  NpzFile,
  toInt32,
  type NpyArray,
  embeddedDataDir,
  firstExisting,
  type DatasetStorage,
  type LocalFile,
  type RemoteFile,
} from '../../core/index.js';
import { MEDMNIST_SIZES, fileNameFor, officialUrl, type MedMnistSize, type MedMnistSubset } from './subsets.js';

export const medmnistOptionsSchema = z.object({
  /** Image size used when a caller does not ask for one. */
  size: z.union([z.literal(28), z.literal(64), z.literal(128), z.literal(224)]).default(28),
});
export type MedMnistOptions = z.infer<typeof medmnistOptionsSchema>;

/** Environment variable that replaces the Zenodo base URL (mirrors, tests): `<base>/<file name>`. */
/** (v / 255 - 0.5) / 0.5 for every byte value v, computed once. */
const NORMALISED = Float32Array.from({ length: 256 }, (_, v) => (v / 255 - 0.5) / 0.5);

export const BASE_URL_ENV = 'MSTF_MEDMNIST_BASE_URL';

/** Folder under the data directory where `fetch` puts MedMNIST files. */
export const MEDMNIST_SUBDIR = 'medmnist';

/**
 * One MedMNIST 2D subset read from the official .npz files. Preprocessing is the official recipe
 * (ToTensor then Normalize(mean=.5, std=.5)): x / 255, then (x - 0.5) / 0.5, i.e. [-1, 1], for
 * grayscale and RGB alike.
 */
export class MedMnistDataset implements Dataset<MedMnistOptions>, DatasetStorage {
  readonly kind = 'dataset' as const;
  readonly id: string;
  readonly description: string;
  readonly info: DatasetInfo;
  readonly optionsSchema = medmnistOptionsSchema;

  constructor(readonly subset: MedMnistSubset) {
    this.id = subset.flag;
    this.description = subset.title;
    this.info = {
      id: subset.flag,
      task: subset.task,
      classes: subset.labels.length,
      labelNames: [...subset.labels],
      channels: subset.channels,
      splits: { ...subset.splits },
      sizes: [...MEDMNIST_SIZES],
      description: subset.title,
      license: subset.license,
    };
  }

  /** Candidate paths, in lookup order: <dataDir>/medmnist/, <dataDir>/ (an official medmnist root), embedded. */
  private candidates(loc: DataLocation, size: number): { path: string; embedded: boolean }[] {
    const name = fileNameFor(this.id, size);
    return [
      { path: path.join(loc.dataDir, MEDMNIST_SUBDIR, name), embedded: false },
      { path: path.join(loc.dataDir, name), embedded: false },
      { path: path.join(embeddedDataDir(), MEDMNIST_SUBDIR, name), embedded: true },
    ];
  }

  locate(loc: DataLocation, size: number): LocalFile | undefined {
    const cands = this.candidates(loc, size);
    const found = firstExisting(cands.map((c) => c.path));
    if (!found) return undefined;
    return { size, path: found, embedded: cands.find((c) => c.path === found)!.embedded };
  }

  fetchPath(loc: DataLocation, size: number): string {
    return path.join(loc.dataDir, MEDMNIST_SUBDIR, fileNameFor(this.id, size));
  }

  remote(size: number): RemoteFile {
    const md5 = this.subset.md5[size as MedMnistSize];
    if (!md5)
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${this.id} has no ${size}x${size} version (sizes: ${MEDMNIST_SIZES.join(', ')})`,
      );
    const base = process.env[BASE_URL_ENV];
    const fileName = fileNameFor(this.id, size);
    const url = base ? `${base.replace(/\/+$/, '')}/${fileName}` : officialUrl(this.id, size);
    return { size, fileName, url, md5 };
  }

  details(): Record<string, unknown> {
    return {
      labels: Object.fromEntries(this.subset.labels.map((l, i) => [String(i), l])),
      paperSplits: this.subset.paperSplits,
      source: this.subset.source,
      citation: 'Yang et al., "MedMNIST v2", Scientific Data 10:41 (2023)',
      preprocessing: 'x/255, then (x-0.5)/0.5 (official recipe)',
    };
  }

  isPresent(loc: DataLocation, size = 28): boolean {
    return this.locate(loc, size) !== undefined;
  }

  async load(split: Split, loc: DataLocation, opts: { size?: number } = {}): Promise<SplitData> {
    const size = opts.size ?? 28;
    if (!(MEDMNIST_SIZES as readonly number[]).includes(size)) {
      throw new MstfError(
        'INVALID_ARGUMENT',
        `${this.id} has no ${size}x${size} version (sizes: ${MEDMNIST_SIZES.join(', ')})`,
      );
    }
    if (split !== 'train' && split !== 'val' && split !== 'test') {
      throw new MstfError('INVALID_ARGUMENT', `unknown split "${String(split)}" (train, val, test)`);
    }
    const file = this.locate(loc, size);
    if (!file) {
      const sizeFlag = size === 28 ? '' : ` --size ${size}`;
      throw new MstfError(
        'DATA_NOT_FOUND',
        `${this.id} (${size}x${size}) is not in ${path.join(loc.dataDir, MEDMNIST_SUBDIR)}: run \`mstf datasets fetch ${this.id}${sizeFlag}\``,
      );
    }
    const npz = NpzFile.open(file.path);
    try {
      return this.toSplitData(npz.get(`${split}_images`), npz.get(`${split}_labels`), `${file.path} [${split}]`, size);
    } finally {
      npz.close();
    }
  }

  private toSplitData(images: NpyArray, labels: NpyArray, source: string, size: number): SplitData {
    const bad = (reason: string) => new MstfError('DATA_CORRUPT', `${source}: ${reason}`);
    if (images.dtype !== 'u1') throw bad(`images have dtype ${images.dtype}, expected uint8`);
    const s = images.shape;
    const channels = s.length === 3 ? 1 : s.length === 4 ? s[3]! : -1;
    if (channels !== this.info.channels || s[1] !== size || s[2] !== size) {
      throw bad(
        `images have shape (${s.join(', ')}), expected (N, ${size}, ${size}${this.info.channels === 1 ? '' : `, ${this.info.channels}`})`,
      );
    }
    const n = s[0]!;
    const labelWidth = labels.shape.length === 1 ? 1 : labels.shape.length === 2 ? labels.shape[1]! : -1;
    const expectedWidth = this.info.task === 'multi-label' ? this.info.classes : 1;
    if (labels.shape[0] !== n || labelWidth !== expectedWidth) {
      throw bad(`labels have shape (${labels.shape.join(', ')}), expected (${n}, ${expectedWidth})`);
    }
    const lab = toInt32(labels, source);
    const maxLabel = this.info.task === 'multi-label' ? 1 : this.info.classes - 1;
    for (let i = 0; i < lab.length; i++) {
      if (lab[i]! < 0 || lab[i]! > maxLabel)
        throw bad(`label ${lab[i]} at row ${Math.floor(i / labelWidth)} is outside 0..${maxLabel}`);
    }
    return { images: images.data as Uint8Array, shape: [n, size, size, channels], labels: lab, labelWidth };
  }

  normalise(images: Uint8Array): Float32Array {
    const out = new Float32Array(images.length);
    for (let i = 0; i < images.length; i++) out[i] = NORMALISED[images[i]!]!;
    return out;
  }
}
