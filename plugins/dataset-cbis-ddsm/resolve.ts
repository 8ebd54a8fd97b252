import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../../core/errors.js';
import { firstComponent } from './cases.js';
import { dicomDimensions } from './dicom.js';

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every .dcm file under dir (recursive), sorted. */
function dicomFilesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.toLowerCase().endsWith('.dcm'))
    .map((f) => path.join(dir, f))
    .filter(isFile)
    .sort();
}

/**
 * Where a CSV path lives under the root. The CSVs name paths like
 * "Mass-Training_P_00001_LEFT_CC/1.3.6.../1.3.6.../000000.dcm", but TCIA's downloader writes
 * "CBIS-DDSM/Mass-Training_P_00001_LEFT_CC/<date>-DDSM-<n>/1.000000-full mammogram images-<n>/1-1.dcm".
 * So: the exact path (under root or root/CBIS-DDSM), else the DICOM files under the folder named by the
 * path's first component.
 */
export function candidateDicoms(root: string, csvPath: string): string[] {
  for (const base of [root, path.join(root, 'CBIS-DDSM')]) {
    const exact = path.join(base, csvPath);
    if (isFile(exact)) return [exact];
  }
  const first = firstComponent(csvPath);
  for (const base of [root, path.join(root, 'CBIS-DDSM')]) {
    const dir = path.join(base, first);
    if (isDir(dir)) return dicomFilesUnder(dir);
  }
  return [];
}

/** The full mammogram of a CSV row. */
export function resolveImage(root: string, csvPath: string): string {
  const found = candidateDicoms(root, csvPath);
  if (found.length === 0) throw notFound(root, csvPath);
  if (found.length > 1) {
    throw new MstfError('DATA_CORRUPT', `cbis-ddsm: ${firstComponent(csvPath)} holds ${found.length} DICOM files, expected one full mammogram`);
  }
  return found[0]!;
}

/**
 * The ROI mask of a CSV row. In CBIS-DDSM the mask and the cropped lesion share one folder and the CSVs
 * sometimes swap their names, so the mask is taken as the DICOM with the most pixels in the row's ROI
 * folder (the mask has the full mammogram's size, the crop is a small patch).
 */
export function resolveMask(root: string, csvPath: string): string {
  const first = firstComponent(csvPath);
  let found: string[] = [];
  for (const base of [root, path.join(root, 'CBIS-DDSM')]) {
    const dir = path.join(base, first);
    if (isDir(dir)) {
      found = dicomFilesUnder(dir);
      break;
    }
  }
  if (found.length === 0) found = candidateDicoms(root, csvPath);
  if (found.length === 0) throw notFound(root, csvPath);
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

function notFound(root: string, csvPath: string): MstfError {
  return new MstfError('DATA_NOT_FOUND', `cbis-ddsm: no DICOM for ${csvPath} under ${root} (looked for the path and for the folder ${firstComponent(csvPath)})`);
}
