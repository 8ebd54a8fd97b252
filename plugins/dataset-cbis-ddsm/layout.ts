import fs from 'node:fs';
import path from 'node:path';

/**
 * The two ways people have CBIS-DDSM on disk:
 * - `nbia-dicom`: TCIA's DICOMs as the NBIA Data Retriever writes them
 *   (`<dest>/manifest-<id>/CBIS-DDSM/<case>/<date>-DDSM-NA-<n>/<series>/1-1.dcm`), or at the CSV paths, plus
 *   the four description CSVs downloaded separately;
 * - `kaggle-jpeg`: the Kaggle re-release "CBIS-DDSM: Breast Cancer Image Dataset": `csv/` with the four CSVs,
 *   `dicom_info.csv` and `meta.csv`; images as `jpeg/<SeriesInstanceUID>/1-NNN.jpg`.
 */
export type LayoutKind = 'nbia-dicom' | 'kaggle-jpeg';

export interface Layout {
  kind: LayoutKind;
  root: string;
  /** Folders searched for the description CSVs, in order. */
  csvDirs: string[];
  /** nbia-dicom: folders that may hold the case folders (or the CSV paths), in order. */
  dicomBases: string[];
  /** kaggle-jpeg: the dicom_info.csv that maps case folders to JPEG series. */
  dicomInfo?: string;
}

export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `<root>/manifest-*` folders (NBIA Data Retriever downloads), sorted. */
function manifestDirs(root: string): string[] {
  try {
    return fs
      .readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name.startsWith('manifest-'))
      .map((d) => path.join(root, d.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * Which layout is under root. Kaggle when a dicom_info.csv sits in <root>/csv or <root> (the DICOM release has
 * none); otherwise the DICOM tree, searched under <root>, <root>/CBIS-DDSM and <root>/manifest-*\/CBIS-DDSM.
 */
export function detectLayout(root: string): Layout {
  const manifests = manifestDirs(root);
  const csvDirs = [
    root,
    path.join(root, 'csv'),
    path.join(root, 'CBIS-DDSM'),
    ...manifests.flatMap((m) => [m, path.join(m, 'CBIS-DDSM')]),
  ];
  const dicomInfo = [path.join(root, 'csv', 'dicom_info.csv'), path.join(root, 'dicom_info.csv')].find(isFile);
  if (dicomInfo) return { kind: 'kaggle-jpeg', root, csvDirs, dicomBases: [], dicomInfo };
  return {
    kind: 'nbia-dicom',
    root,
    csvDirs,
    dicomBases: [root, path.join(root, 'CBIS-DDSM'), ...manifests.map((m) => path.join(m, 'CBIS-DDSM'))],
  };
}
