import { constants as bufferConstants } from 'node:buffer';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  z,
  type DataLocation,
  type Dataset,
  type DatasetInfo,
  type Split,
  type SplitData,
  MstfError,
  zodLine,
  Rng,
  resizeImage,
  type DatasetStorage,
  type LocalFile,
  stripUndefined,
  writeFileAtomic,
} from '../../core/index.js';
import {
  CSV_FILES,
  countCases,
  findCsv,
  readCases,
  type Abnormality,
  type AbnormalityType,
  type CbisImage,
} from './cases.js';
import { detectLayout } from './layout.js';
import { openSource, type ImageSource } from './source.js';

export const cbisOptionsSchema = z.object({
  /** Folder with the description CSVs and the DICOM tree or the Kaggle csv/ + jpeg/ folders (default: env MSTF_CBIS_DDSM_ROOT, else <data dir>/cbis-ddsm). */
  root: z.string().optional(),
  /** Square image size: 224 for search (paper), 800 for evaluation (paper). */
  size: z.number().int().min(8).max(2048).default(224),
  abnormality: z.enum(['mass', 'calc', 'both']).default('both'),
  /** Fraction of the training patients held out as the val split. */
  valFraction: z.number().min(0).max(0.5).default(0.1),
  /** Seed of the train/val patient split. */
  seed: z.number().int().default(0),
});
export type CbisOptions = z.infer<typeof cbisOptionsSchema>;
export type CbisLoadOptions = Partial<CbisOptions> & { onProgress?: (done: number, total: number) => void };

const NORMALISED = Float32Array.from({ length: 256 }, (_, v) => (v / 255 - 0.5) / 0.5);

export const ROOT_ENV = 'MSTF_CBIS_DDSM_ROOT';

/** The split sizes the paper states (Sec. IV-A); the official CSVs list 2,458 unique training images. */
export const PAPER_SPLITS = { train: 2489, test: 645 } as const;

/** The paper's lesion-size subsets (Sec. IV-D, Table VI): proportion of lesion area in the image. */
export type LesionSize = 'large' | 'medium' | 'small';

/** large > 0.01, medium 0.001..0.01 (both ends included), small < 0.001. */
export function lesionSizeOf(proportion: number): LesionSize {
  if (proportion > 0.01) return 'large';
  if (proportion >= 0.001) return 'medium';
  return 'small';
}

/** A CBIS-DDSM split: SplitData plus, per image, its id, abnormality type and lesion proportion. */
export interface CbisSplitData extends SplitData {
  ids: string[];
  patientIds: string[];
  types: AbnormalityType[];
  /** Largest ROI-mask area / mask area over the image's abnormalities. */
  lesionProportion: Float64Array;
  lesionSize: LesionSize[];
}

const LABELS = ['benign', 'malignant'];

/**
 * CBIS-DDSM (Lee et al. 2017) as a binary task, malignant vs benign, one label per full mammogram.
 * Images are decoded from DICOM, mapped to 8-bit grayscale, resized to size x size and cached under
 * <data dir>/cbis-ddsm-cache so later loads never decode DICOM again.
 */
export class CbisDdsmDataset implements Dataset<CbisOptions>, DatasetStorage {
  readonly kind = 'dataset' as const;
  readonly id = 'cbis-ddsm';
  readonly description =
    'CBIS-DDSM mammography, malignant vs benign (TCIA DICOMs or the Kaggle JPEG release, with the official CSVs)';
  readonly optionsSchema = cbisOptionsSchema;
  readonly info: DatasetInfo = {
    id: 'cbis-ddsm',
    task: 'binary-class',
    classes: 2,
    labelNames: LABELS,
    channels: 1,
    // Unique full mammograms in the official CSVs (mass 1,231 + calc 1,227; 361 + 284); the paper says 2,489
    // train (PAPER_SPLITS). val is carved out of train at load time (valFraction of its patients).
    splits: { train: 2458, val: 0, test: 645 },
    sizes: [224, 800],
    description: this.description,
    license: 'CC BY 3.0 (TCIA)',
  };

  rootOf(loc: DataLocation, opts: CbisLoadOptions = {}): string {
    return path.resolve(opts.root ?? process.env[ROOT_ENV] ?? path.join(loc.dataDir, 'cbis-ddsm'));
  }

  cacheDir(loc: DataLocation): string {
    return path.join(loc.dataDir, 'cbis-ddsm-cache');
  }

  locate(loc: DataLocation, size: number): LocalFile | undefined {
    const root = this.rootOf(loc);
    const layout = detectLayout(root);
    const csv = findCsv(layout, CSV_FILES.mass.train) ?? findCsv(layout, CSV_FILES.calc.train);
    return csv ? { size, path: root, embedded: false } : undefined;
  }

  remote(): { manual: string } {
    return {
      manual:
        'download it from TCIA with the NBIA Data Retriever (https://www.cancerimagingarchive.net/collection/cbis-ddsm/), with the four *_case_description_*.csv files, or the Kaggle JPEG release (csv/ + jpeg/), then set the root option or MSTF_CBIS_DDSM_ROOT',
    };
  }

  fetchPath(loc: DataLocation): string {
    return this.rootOf(loc);
  }

  /**
   * Static facts plus, when the data is here: the layout found, the image counts the CSVs give, how many
   * images of each split resolve to a file, and the first row that does not (existence only, nothing decoded).
   */
  details(loc?: DataLocation): Record<string, unknown> {
    return { ...this.staticDetails(), ...(loc ? this.localDetails(loc) : {}) };
  }

  private localDetails(loc: DataLocation): Record<string, unknown> {
    const root = this.rootOf(loc);
    const layout = detectLayout(root);
    const out: Record<string, unknown> = { root, layout: layout.kind };
    try {
      const c = countCases(layout);
      out.csvSplits = { train: c.train, test: c.test, mass: c.mass, calc: c.calc };
      out.filmsInMassAndCalc = c.filmsInMassAndCalc;
      out.patientsInBothSplits = c.patientsInBothSplits;
    } catch (e) {
      out.csvSplits = null;
      out.csvProblem = (e as Error).message;
      return out;
    }
    let source: ImageSource;
    try {
      source = openSource(layout);
    } catch (e) {
      out.csvProblem = (e as Error).message;
      return out;
    }
    const resolvable: Record<string, number> = {};
    let firstMissing: string | null = null;
    for (const split of ['train', 'test'] as const) {
      let ok = 0;
      for (const im of readCases(layout, ['mass', 'calc'], split)) {
        try {
          source.imageFile(im);
          for (const a of im.abnormalities) source.maskCandidates(a);
          ok++;
        } catch (e) {
          firstMissing ??= (e as Error).message;
        }
      }
      resolvable[split] = ok;
    }
    out.resolvable = resolvable;
    out.firstMissing = firstMissing;
    return out;
  }

  private staticDetails(): Record<string, unknown> {
    return {
      labels: {
        '0': 'benign (BENIGN, BENIGN_WITHOUT_CALLBACK)',
        '1': 'malignant (any abnormality on the image MALIGNANT)',
      },
      csvFiles: [...Object.values(CSV_FILES.mass), ...Object.values(CSV_FILES.calc)],
      lesionSizes: 'large > 0.01, medium 0.001..0.01, small < 0.001 (largest ROI mask area / image area)',
      val: 'valFraction (default 0.1) of the training patients, seeded',
      layouts:
        'nbia-dicom (TCIA DICOMs under <root>, <root>/CBIS-DDSM or <root>/manifest-*/CBIS-DDSM) or kaggle-jpeg (<root>/csv with dicom_info.csv, <root>/jpeg)',
      paperSplits: PAPER_SPLITS,
      citation:
        'Lee et al., "A curated mammography data set for use in computer-aided detection and diagnosis research", Scientific Data 4:170177 (2017)',
    };
  }

  isPresent(loc: DataLocation): boolean {
    return this.locate(loc, 224) !== undefined;
  }

  normalise(images: Uint8Array): Float32Array {
    // Same recipe as MedMNIST (x/255 - 0.5) / 0.5, so both datasets feed networks in [-1, 1].
    const out = new Float32Array(images.length);
    for (let i = 0; i < images.length; i++) out[i] = NORMALISED[images[i]!]!;
    return out;
  }

  async load(split: Split, loc: DataLocation, opts: CbisLoadOptions = {}): Promise<CbisSplitData> {
    const parsed = cbisOptionsSchema.safeParse(stripUndefined({ ...opts, onProgress: undefined }));
    if (!parsed.success)
      throw new MstfError('INVALID_ARGUMENT', `cbis-ddsm: invalid options (${zodLine(parsed.error)})`);
    const o = parsed.data;
    if (split !== 'train' && split !== 'val' && split !== 'test') {
      throw new MstfError('INVALID_ARGUMENT', `unknown split "${String(split)}" (train, val, test)`);
    }
    const layout = detectLayout(this.rootOf(loc, o));
    const types: AbnormalityType[] = o.abnormality === 'both' ? ['mass', 'calc'] : [o.abnormality];
    let images = readCases(layout, types, split === 'test' ? 'test' : 'train');
    if (split !== 'test') {
      const val = valPatients(images, o.valFraction, o.seed);
      images = images.filter((im) => val.has(im.patientId) === (split === 'val'));
    }
    const n = images.length;
    checkSplitMemory(split, n, o.size, splitMemoryLimit());
    const per = o.size * o.size;
    const out: CbisSplitData = {
      images: new Uint8Array(n * per),
      shape: [n, o.size, o.size, 1],
      labels: new Int32Array(n),
      labelWidth: 1,
      ids: [],
      patientIds: [],
      types: [],
      lesionProportion: new Float64Array(n),
      lesionSize: [],
    };
    const cache = this.cacheDir(loc);
    const source = openSource(layout);
    for (let i = 0; i < n; i++) {
      const im = images[i]!;
      out.images.set(cachedImage(cache, source, im, o.size), i * per);
      out.labels[i] = im.label;
      out.ids.push(im.key);
      out.patientIds.push(im.patientId);
      out.types.push(im.type);
      const p = Math.max(...im.abnormalities.map((a) => cachedProportion(cache, source, a)));
      out.lesionProportion[i] = p;
      out.lesionSize.push(lesionSizeOf(p));
      opts.onProgress?.(i + 1, n);
    }
    return out;
  }
}

/**
 * A split is held as one uint8 buffer of n x size x size bytes. It must fit in one Buffer and in half of this
 * machine's memory (the network, the batches and the normalised copies need the rest).
 */
export function splitMemoryLimit(): number {
  return Math.min(bufferConstants.MAX_LENGTH, Math.floor(os.totalmem() / 2));
}

/** Largest square size whose n images fit in `limitBytes`. */
export function largestFittingSize(n: number, limitBytes: number): number {
  return n > 0 ? Math.floor(Math.sqrt(limitBytes / n)) : Infinity;
}

/** Refuse up front, before decoding anything, a split that would not fit; say the largest size that does. */
export function checkSplitMemory(split: string, n: number, size: number, limitBytes: number): void {
  if (n * size * size <= limitBytes) return;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new MstfError(
    'INVALID_ARGUMENT',
    `cbis-ddsm: the ${split} split at ${size}x${size} is ${n} images, ${gib(n * size * size)} GiB in memory, over the ${gib(limitBytes)} GiB allowed (half this machine's memory); use size ${largestFittingSize(n, limitBytes)} or less`,
  );
}

/**
 * The val patients: `fraction` of the training split's distinct patients (rounded, at least one when
 * fraction > 0 and there are two or more), drawn with a seeded shuffle of the sorted patient ids. Splitting
 * by patient keeps both views of a breast on the same side.
 */
export function valPatients(images: CbisImage[], fraction: number, seed: number): Set<string> {
  const patients = [...new Set(images.map((im) => im.patientId))].sort();
  if (fraction <= 0 || patients.length < 2) return new Set();
  const count = Math.min(patients.length - 1, Math.max(1, Math.round(fraction * patients.length)));
  return new Set(new Rng(seed).shuffle(patients).slice(0, count));
}

function safeName(key: string): string {
  // Folder names are already safe; hash anything odd so cache names stay plain.
  return /^[A-Za-z0-9._-]+$/.test(key) ? key : crypto.createHash('sha1').update(key).digest('hex');
}

function cachedImage(cacheDir: string, source: ImageSource, im: CbisImage, size: number): Uint8Array {
  const file = path.join(cacheDir, `img-${size}`, `${safeName(im.key)}.u8`);
  try {
    const buf = fs.readFileSync(file);
    if (buf.length === size * size) return buf;
  } catch {
    // not cached yet
  }
  const g = source.decode(source.imageFile(im));
  const small = resizeImage({ data: g.pixels, height: g.rows, width: g.cols, channels: 1 }, size, size).data;
  writeFileAtomic(file, small);
  return small;
}

function cachedProportion(cacheDir: string, source: ImageSource, a: Abnormality): number {
  const key = a.roiMaskPath.split('/')[0]!;
  const file = path.join(cacheDir, 'roi', `${safeName(key)}.txt`);
  try {
    const v = Number(fs.readFileSync(file, 'utf8'));
    if (Number.isFinite(v)) return v;
  } catch {
    // not cached yet
  }
  const mask = source.decode(source.maskFile(a));
  // Lesion pixels: the upper half of the mask's 8-bit range (255 in CBIS-DDSM's 0/255 masks).
  let count = 0;
  for (let i = 0; i < mask.pixels.length; i++) if (mask.pixels[i]! >= 128) count++;
  const p = count / mask.pixels.length;
  writeFileAtomic(file, String(p));
  return p;
}
