import fs from 'node:fs';
import path from 'node:path';
import { MstfError } from '../../core/index.js';
import { csvRecords } from './csv.js';
import { isFile, type Layout } from './layout.js';

export type AbnormalityType = 'mass' | 'calc';
export type OfficialSplit = 'train' | 'test';

/** The four official CBIS-DDSM description files. */
export const CSV_FILES: Record<AbnormalityType, Record<OfficialSplit, string>> = {
  mass: { train: 'mass_case_description_train_set.csv', test: 'mass_case_description_test_set.csv' },
  calc: { train: 'calc_case_description_train_set.csv', test: 'calc_case_description_test_set.csv' },
};

const REQUIRED_COLUMNS = [
  'patient_id',
  'left or right breast',
  'image view',
  'abnormality id',
  'abnormality type',
  'pathology',
  'image file path',
  'ROI mask file path',
];

export interface Abnormality {
  id: string;
  type: AbnormalityType;
  pathology: 'MALIGNANT' | 'BENIGN' | 'BENIGN_WITHOUT_CALLBACK';
  roiMaskPath: string;
  croppedPath: string;
  /** The CSV row it came from ("<file> row <n>"), for error lines. */
  where: string;
}

/** One full mammogram (one DICOM) with all abnormalities annotated on it. */
export interface CbisImage {
  /** The image's folder name, e.g. "Mass-Training_P_00001_LEFT_CC"; unique per image. */
  key: string;
  patientId: string;
  breast: string;
  view: string;
  density: string;
  type: AbnormalityType;
  split: OfficialSplit;
  imagePath: string;
  abnormalities: Abnormality[];
  /** The CSV row that first named the image ("<file> row <n>"), for error lines. */
  where: string;
  /** 1 if any abnormality on the image is MALIGNANT, else 0 (BENIGN, BENIGN_WITHOUT_CALLBACK). */
  label: 0 | 1;
}

/** CSV paths use '/', sometimes '\', and sometimes end with a stray newline or quote. */
export function cleanCsvPath(p: string): string {
  return p
    .replace(/["\r\n]/g, '')
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\/+/, '');
}

/** The first path component: in CBIS-DDSM, the folder that holds one series (one image). */
export function firstComponent(p: string): string {
  return cleanCsvPath(p).split('/')[0]!;
}

/** Find a description CSV in the layout's CSV folders (root, root/csv, root/CBIS-DDSM, root/manifest-*...). */
export function findCsv(layout: Layout, name: string): string | undefined {
  return layout.csvDirs.map((dir) => path.join(dir, name)).find(isFile);
}

/**
 * Read the description CSVs of the chosen abnormality types for one official split and group their
 * rows (one per abnormality) into images.
 */
export function readCases(layout: Layout, types: AbnormalityType[], split: OfficialSplit): CbisImage[] {
  const images = new Map<string, CbisImage>();
  for (const type of types) {
    const name = CSV_FILES[type][split];
    const file = findCsv(layout, name);
    if (!file) {
      throw new MstfError(
        'DATA_NOT_FOUND',
        `cbis-ddsm: ${name} is not in ${layout.root} (nor its csv/, CBIS-DDSM/ or manifest-*/ folders): download CBIS-DDSM (images and the description CSVs) from TCIA, https://www.cancerimagingarchive.net/collection/cbis-ddsm/, and set the dataset's root (option "root" or env MSTF_CBIS_DDSM_ROOT)`,
      );
    }
    const records = csvRecords(fs.readFileSync(file, 'utf8'), file, REQUIRED_COLUMNS);
    records.forEach((r, i) => {
      const where = `${file} row ${i + 2}`;
      const pathology = r.pathology!.toUpperCase();
      if (pathology !== 'MALIGNANT' && pathology !== 'BENIGN' && pathology !== 'BENIGN_WITHOUT_CALLBACK') {
        throw new MstfError(
          'DATA_CORRUPT',
          `${where}: pathology "${r.pathology}" is not MALIGNANT, BENIGN or BENIGN_WITHOUT_CALLBACK`,
        );
      }
      const imagePath = cleanCsvPath(r.image_file_path!);
      if (!imagePath) throw new MstfError('DATA_CORRUPT', `${where}: empty image file path`);
      const key = firstComponent(imagePath);
      let img = images.get(key);
      if (!img) {
        img = {
          key,
          patientId: r.patient_id!,
          breast: r.left_or_right_breast!,
          view: r.image_view!,
          density: r.breast_density ?? '',
          type,
          split,
          imagePath,
          abnormalities: [],
          where,
          label: 0,
        };
        images.set(key, img);
      }
      img.abnormalities.push({
        id: r.abnormality_id!,
        type,
        pathology,
        roiMaskPath: cleanCsvPath(r.roi_mask_file_path!),
        croppedPath: cleanCsvPath(r.cropped_image_file_path ?? ''),
        where,
      });
      if (pathology === 'MALIGNANT') img.label = 1;
    });
  }
  // A stable order (CSV order differs between releases): by key.
  return [...images.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Image counts read from the CSVs: unique images (first path folder) per abnormality type and split. */
export interface CsvCounts {
  train: number;
  test: number;
  mass: Record<OfficialSplit, number>;
  calc: Record<OfficialSplit, number>;
  /** Films (patient, breast, view, split) listed in both the mass and the calc CSVs: two samples under `both`. */
  filmsInMassAndCalc: number;
  /** Patients with images in both the official train and test splits. */
  patientsInBothSplits: number;
}

/** Count what the four CSVs describe (all four must be present). */
export function countCases(layout: Layout): CsvCounts {
  const by = {
    mass: { train: [] as CbisImage[], test: [] as CbisImage[] },
    calc: { train: [] as CbisImage[], test: [] as CbisImage[] },
  };
  for (const type of ['mass', 'calc'] as const)
    for (const split of ['train', 'test'] as const) by[type][split] = readCases(layout, [type], split);
  const film = (im: CbisImage) => `${im.split}|${im.patientId}|${im.breast}|${im.view}`;
  const massFilms = new Set([...by.mass.train, ...by.mass.test].map(film));
  const calcFilms = new Set([...by.calc.train, ...by.calc.test].map(film));
  const trainPatients = new Set([...by.mass.train, ...by.calc.train].map((im) => im.patientId));
  const testPatients = new Set([...by.mass.test, ...by.calc.test].map((im) => im.patientId));
  return {
    train: by.mass.train.length + by.calc.train.length,
    test: by.mass.test.length + by.calc.test.length,
    mass: { train: by.mass.train.length, test: by.mass.test.length },
    calc: { train: by.calc.train.length, test: by.calc.test.length },
    filmsInMassAndCalc: [...massFilms].filter((f) => calcFilms.has(f)).length,
    patientsInBothSplits: [...trainPatients].filter((p) => testPatients.has(p)).length,
  };
}
