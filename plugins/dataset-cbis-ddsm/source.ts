import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../../core/index.js';
import { cleanCsvPath, firstComponent, type Abnormality, type CbisImage } from './cases.js';
import { csvRecords } from './csv.js';
import { decodeDicom, dicomDimensions, type GrayImage } from './dicom.js';
import { decodeJpeg } from './jpeg.js';
import { isDir, isFile, type Layout } from './layout.js';

/** Where the files of CSV rows are, and how to decode them; one per layout. */
export interface ImageSource {
  readonly layout: Layout;
  /** The full mammogram of an image's CSV row(s). */
  imageFile(im: CbisImage): string;
  /**
   * The files that may be the ROI mask of an abnormality (none -> throws); the mask is the one with the most
   * pixels (it has the mammogram's size, the cropped lesion is a small patch).
   */
  maskCandidates(a: Abnormality): string[];
  maskFile(a: Abnormality): string;
  decode(file: string): GrayImage;
}

export function openSource(layout: Layout): ImageSource {
  return layout.kind === 'kaggle-jpeg' ? new KaggleSource(layout) : new DicomSource(layout);
}

// ---------------------------------------------------------------- NBIA / TCIA DICOM tree

/** Every .dcm file under dir (recursive), sorted. */
function dicomFilesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.toLowerCase().endsWith('.dcm'))
    .map((f) => path.join(dir, f))
    .filter(isFile)
    .sort();
}

/**
 * The CSVs name paths like "Mass-Training_P_00001_LEFT_CC/1.3.6.../1.3.6.../000000.dcm", but the NBIA Data
 * Retriever writes "<dest>/manifest-<id>/CBIS-DDSM/Mass-Training_P_00001_LEFT_CC/<date>-DDSM-NA-<n>/
 * 1.000000-full mammogram images-<n>/1-1.dcm". So: the exact path under a base, else the DICOMs under the
 * folder named by the path's first component (bases: root, root/CBIS-DDSM, root/manifest-*\/CBIS-DDSM).
 */
class DicomSource implements ImageSource {
  constructor(readonly layout: Layout) {}

  private candidates(csvPath: string): string[] {
    for (const base of this.layout.dicomBases) {
      const exact = path.join(base, csvPath);
      if (isFile(exact)) return [exact];
    }
    const first = firstComponent(csvPath);
    for (const base of this.layout.dicomBases) {
      const dir = path.join(base, first);
      if (isDir(dir)) return dicomFilesUnder(dir);
    }
    return [];
  }

  private notFound(where: string, csvPath: string): MstfError {
    return new MstfError(
      'DATA_NOT_FOUND',
      `cbis-ddsm: ${where}: no DICOM for ${csvPath} under ${this.layout.root} (looked for the path and for the folder ${firstComponent(csvPath)} in ${this.layout.dicomBases.join(', ')})`,
    );
  }

  imageFile(im: CbisImage): string {
    const found = this.candidates(im.imagePath);
    if (found.length === 0) throw this.notFound(im.where, im.imagePath);
    if (found.length > 1) {
      throw new MstfError(
        'DATA_CORRUPT',
        `cbis-ddsm: ${im.where}: ${im.key} holds ${found.length} DICOM files, expected one full mammogram`,
      );
    }
    return found[0]!;
  }

  maskCandidates(a: Abnormality): string[] {
    // All DICOMs of the ROI folder, even when the row's exact path exists: the CSVs sometimes swap the mask
    // and crop names. Newer downloads split the folder into "ROI mask images" and "cropped images" series:
    // then only the former.
    let found: string[] = [];
    for (const base of this.layout.dicomBases) {
      const dir = path.join(base, firstComponent(a.roiMaskPath));
      if (isDir(dir)) {
        found = dicomFilesUnder(dir);
        break;
      }
    }
    if (found.length === 0) found = this.candidates(a.roiMaskPath);
    if (found.length === 0) throw this.notFound(a.where, a.roiMaskPath);
    const masks = found.filter((f) => /ROI mask images/i.test(path.dirname(f)));
    return masks.length > 0 ? masks : found;
  }

  maskFile(a: Abnormality): string {
    const found = this.maskCandidates(a);
    if (found.length === 1) return found[0]!;
    let best = found[0]!;
    let bestPixels = -1;
    for (const f of found) {
      const { rows, cols } = dicomDimensions(f);
      if (rows * cols > bestPixels) {
        best = f;
        bestPixels = rows * cols;
      }
    }
    return best;
  }

  decode(file: string): GrayImage {
    return decodeDicom(file);
  }
}

// ---------------------------------------------------------------- Kaggle JPEG release

interface SeriesFile {
  /** Absolute path of the JPEG. */
  file: string;
  description: string;
  seriesUid: string;
  pixels: number;
}

const DICOM_INFO_COLUMNS = ['image_path', 'PatientID', 'SeriesDescription', 'SeriesInstanceUID'];

/**
 * dicom_info.csv has one row per converted DICOM: `PatientID` is the CSV's case folder (e.g.
 * "Mass-Training_P_00001_LEFT_CC", ROI folders end in "_1", "_2"...), `SeriesDescription` is "full mammogram
 * images", "ROI mask images" or "cropped images", `image_path` is "CBIS-DDSM/jpeg/<SeriesInstanceUID>/1-NNN.jpg".
 * A CSV row maps to the JPEG of its folder's series of the right description; failing that, to the series
 * whose UID is the CSV path's third component (the TCIA path is <folder>/<study UID>/<series UID>/<file>).
 */
class KaggleSource implements ImageSource {
  private readonly byFolder = new Map<string, SeriesFile[]>();
  private readonly bySeries = new Map<string, SeriesFile[]>();
  private readonly info: string;

  constructor(readonly layout: Layout) {
    this.info = layout.dicomInfo!;
    const base = layout.root;
    const records = csvRecords(fs.readFileSync(this.info, 'utf8'), this.info, DICOM_INFO_COLUMNS);
    for (const r of records) {
      const rel = cleanCsvPath(r.image_path!);
      if (!rel) continue;
      const entry: SeriesFile = {
        file: this.locate(base, rel),
        description: r.seriesdescription!.trim().toLowerCase(),
        seriesUid: r.seriesinstanceuid!.trim(),
        pixels: Number(r.rows ?? 0) * Number(r.columns ?? 0) || 0,
      };
      const folder = r.patientid!.trim();
      (this.byFolder.get(folder) ?? this.byFolder.set(folder, []).get(folder)!).push(entry);
      (this.bySeries.get(entry.seriesUid) ?? this.bySeries.set(entry.seriesUid, []).get(entry.seriesUid)!).push(entry);
    }
  }

  /** image_path says "CBIS-DDSM/jpeg/<uid>/<file>"; the download unpacks to <base>/jpeg/<uid>/<file>. */
  private locate(base: string, rel: string): string {
    const parts = rel.split('/');
    const tries = [
      path.join(base, rel),
      path.join(base, ...parts.slice(1)),
      path.join(base, 'jpeg', ...parts.slice(-2)),
    ];
    return tries.find(isFile) ?? tries[tries.length - 1]!;
  }

  private pick(where: string, folder: string, csvPath: string, description: string): SeriesFile[] {
    let found = (this.byFolder.get(folder) ?? []).filter((e) => e.description === description);
    if (found.length === 0) {
      const uid = cleanCsvPath(csvPath).split('/')[2];
      found = uid ? (this.bySeries.get(uid) ?? []) : [];
    }
    if (found.length === 0) {
      throw new MstfError(
        'DATA_NOT_FOUND',
        `cbis-ddsm: ${where}: ${folder} has no "${description}" series in ${this.info} (nor one with the series UID of ${csvPath})`,
      );
    }
    // The largest first (masks have the mammogram's size); ties by path, so the choice is stable.
    return [...found].sort((a, b) => b.pixels - a.pixels || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }

  private existing(where: string, e: SeriesFile): string {
    if (!isFile(e.file))
      throw new MstfError(
        'DATA_NOT_FOUND',
        `cbis-ddsm: ${where}: ${e.file} (series ${e.seriesUid} in ${this.info}) does not exist`,
      );
    return e.file;
  }

  imageFile(im: CbisImage): string {
    return this.existing(im.where, this.pick(im.where, im.key, im.imagePath, 'full mammogram images')[0]!);
  }

  maskCandidates(a: Abnormality): string[] {
    return [this.maskFile(a)];
  }

  maskFile(a: Abnormality): string {
    return this.existing(
      a.where,
      this.pick(a.where, firstComponent(a.roiMaskPath), a.roiMaskPath, 'roi mask images')[0]!,
    );
  }

  decode(file: string): GrayImage {
    return decodeJpeg(file);
  }
}
