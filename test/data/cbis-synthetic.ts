/**
 * Synthetic CBIS-DDSM description CSVs (no images) with the official release's published sizes: unique full
 * mammograms 1,231 mass + 1,227 calc = 2,458 train and 361 + 284 = 645 test; 42 films listed in both the mass
 * and the calc CSVs; 31 patients in both official splits. Every 10th mass training image has a second
 * abnormality row (same image path), so rows outnumber images as in the real files.
 */
import { writeCbisCsvs, type CsvRow } from './fixtures.js';

/** What the CSVs below describe, by construction (the published figures). */
export const SYNTHETIC = {
  train: 2458,
  test: 645,
  mass: { train: 1231, test: 361 },
  calc: { train: 1227, test: 284 },
  filmsInMassAndCalc: 42,
  patientsInBothSplits: 31,
};

const P = (n: number) => `P_${String(n).padStart(5, '0')}`;

export function writeSyntheticCsvs(dir: string): void {
  const rows: CsvRow[] = [];
  let uid = 1000;
  const add = (
    type: 'mass' | 'calc',
    split: 'train' | 'test',
    patient: string,
    breast: string,
    view: string,
    abnormalities: number,
  ) => {
    const folder = `${type === 'mass' ? 'Mass' : 'Calc'}-${split === 'train' ? 'Training' : 'Test'}_${patient}_${breast}_${view}`;
    const imagePath = `${folder}/1.3.6.1.4.1.9590.100.1.2.${uid++}/1.3.6.1.4.1.9590.100.1.2.${uid++}/000000.dcm`;
    for (let k = 1; k <= abnormalities; k++) {
      const roi = `${folder}_${k}/1.3.6.1.4.1.9590.100.1.2.${uid++}/1.3.6.1.4.1.9590.100.1.2.${uid++}`;
      rows.push({
        type,
        split,
        patient,
        breast,
        view,
        abnormalityId: k,
        pathology: k % 2 ? 'MALIGNANT' : 'BENIGN',
        imagePath,
        cropPath: `${roi}/000000.dcm`,
        maskPath: `${roi}/000001.dcm`,
      });
    }
  };
  const view = (i: number) => (i % 2 ? 'MLO' : 'CC');
  // Mass train: patients 0..615, CC and MLO of the left breast.
  for (let i = 0; i < 1231; i++) add('mass', 'train', P(i >> 1), 'LEFT', view(i), i % 10 === 0 ? 2 : 1);
  // Calc train: the first 42 are the same films as the first 42 mass training images; the rest other patients.
  for (let j = 0; j < 1227; j++) add('calc', 'train', j < 42 ? P(j >> 1) : P(5000 + (j >> 1)), 'LEFT', view(j), 1);
  // Mass test: the first 31 from training patients 100..130 (their right breast), the rest new patients.
  for (let k = 0; k < 361; k++) add('mass', 'test', k < 31 ? P(100 + k) : P(8000 + k), 'RIGHT', 'CC', 1);
  for (let m = 0; m < 284; m++) add('calc', 'test', P(9000 + m), 'LEFT', 'CC', 1);
  writeCbisCsvs(dir, rows);
}
