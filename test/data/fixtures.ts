/**
 * Test-only writers for the formats the data layer reads: a minimal zip (stored or deflate members, any
 * order), minimal DICOM Part 10 files, and a small CBIS-DDSM tree (CSVs + DICOMs in the TCIA layout).
 * They are written from the format specifications, independently of the readers under test.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import jpeg from 'jpeg-js';

/** `zip64`: write the central directory the zip64 way (saturated 32-bit fields, 0x0001 extra, zip64 EOCD + locator). */
export function writeZip(
  members: { name: string; data: Uint8Array; method: 0 | 8 }[],
  opts: { zip64?: boolean } = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const body = m.method === 8 ? zlib.deflateRawSync(m.data) : Buffer.from(m.data);
    const name = Buffer.from(m.name, 'utf8');
    const crc = zlib.crc32(m.data) >>> 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(m.method, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(m.data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(45, 4);
    ch.writeUInt16LE(45, 6);
    ch.writeUInt16LE(m.method, 10);
    ch.writeUInt32LE(crc, 16);
    const sat = 0xffffffff;
    ch.writeUInt32LE(opts.zip64 ? sat : body.length, 20);
    ch.writeUInt32LE(opts.zip64 ? sat : m.data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(opts.zip64 ? sat : offset, 42);
    if (opts.zip64) {
      // Extra 0x0001: uncompressed, compressed, local header offset (the order the spec fixes).
      const extra = Buffer.alloc(4 + 24);
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(m.data.length), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
      ch.writeUInt16LE(extra.length, 30);
      centrals.push(ch, name, extra);
    } else centrals.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  if (!opts.zip64) {
    eocd.writeUInt16LE(members.length, 8);
    eocd.writeUInt16LE(members.length, 10);
    eocd.writeUInt32LE(cd.length, 12);
    eocd.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, cd, eocd]);
  }
  eocd.writeUInt16LE(0xffff, 8);
  eocd.writeUInt16LE(0xffff, 10);
  eocd.writeUInt32LE(0xffffffff, 12);
  eocd.writeUInt32LE(0xffffffff, 16);
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(members.length), 24);
  rec.writeBigUInt64LE(BigInt(members.length), 32);
  rec.writeBigUInt64LE(BigInt(cd.length), 40);
  rec.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([...locals, cd, rec, locator, eocd]);
}

/** A .npy v1.0/v2.0 file with a hand-written header. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: ArrayBufferView,
  opts: { version?: 1 | 2; fortran?: boolean } = {},
): Buffer {
  const version = opts.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  header += `${' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

// ---------------------------------------------------------------- DICOM

function el(group: number, element: number, vr: string, value: Buffer): Buffer {
  let v = value;
  if (v.length % 2 === 1) v = Buffer.concat([v, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]);
  const long = ['OB', 'OW', 'OF', 'SQ', 'UT', 'UN'].includes(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(element, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(v.length, 8);
  else h.writeUInt16LE(v.length, 6);
  return Buffer.concat([h, v]);
}
const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const str = (s: string) => Buffer.from(s, 'latin1');

export interface DicomSpec {
  rows: number;
  cols: number;
  bits: 8 | 16;
  pixels: ArrayLike<number>;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  transferSyntax?: string;
  /** Write the dataset Implicit VR Little Endian (1.2.840.10008.1.2), as TCIA's CBIS-DDSM files are. */
  implicit?: boolean;
}

/** Implicit VR: tag, 32-bit length, value (PS3.5 7.1.3). */
function implicitEl(group: number, element: number, value: Buffer): Buffer {
  const v = value.length % 2 === 1 ? Buffer.concat([value, Buffer.from([0x20])]) : value;
  const h = Buffer.alloc(8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(element, 2);
  h.writeUInt32LE(v.length, 4);
  return Buffer.concat([h, v]);
}

/**
 * DICOM Part 10: preamble, DICM, explicit-VR-LE meta group (always, PS3.10 7.1), then the image dataset in
 * explicit or implicit VR little endian.
 */
export function dicomBytes(s: DicomSpec): Buffer {
  const ts = s.transferSyntax ?? (s.implicit ? '1.2.840.10008.1.2' : '1.2.840.10008.1.2.1');
  const metaBody = Buffer.concat([
    el(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    el(0x0002, 0x0002, 'UI', str('1.2.840.10008.5.1.4.1.1.1.2')),
    el(0x0002, 0x0003, 'UI', str('1.2.3.4.5.6.7')),
    el(0x0002, 0x0010, 'UI', str(ts)),
  ]);
  const groupLen = Buffer.alloc(4);
  groupLen.writeUInt32LE(metaBody.length);
  const meta = Buffer.concat([el(0x0002, 0x0000, 'UL', groupLen), metaBody]);
  const n = s.rows * s.cols;
  const pix = Buffer.alloc(n * (s.bits / 8));
  for (let i = 0; i < n; i++) {
    if (s.bits === 8) pix.writeUInt8(s.pixels[i]!, i);
    else pix.writeUInt16LE(s.pixels[i]!, i * 2);
  }
  const e = (g: number, n: number, vr: string, v: Buffer) => (s.implicit ? implicitEl(g, n, v) : el(g, n, vr, v));
  const data = Buffer.concat([
    e(0x0028, 0x0002, 'US', us(1)),
    e(0x0028, 0x0004, 'CS', str(s.photometric ?? 'MONOCHROME2')),
    e(0x0028, 0x0010, 'US', us(s.rows)),
    e(0x0028, 0x0011, 'US', us(s.cols)),
    e(0x0028, 0x0100, 'US', us(s.bits)),
    e(0x0028, 0x0101, 'US', us(s.bits)),
    e(0x0028, 0x0102, 'US', us(s.bits - 1)),
    e(0x0028, 0x0103, 'US', us(0)),
    e(0x7fe0, 0x0010, s.bits === 8 ? 'OB' : 'OW', pix),
  ]);
  return Buffer.concat([Buffer.alloc(128), str('DICM'), meta, data]);
}

// ---------------------------------------------------------------- CBIS-DDSM tree

export const FULL_ROWS = 60;
export const FULL_COLS = 40;

/** A full mammogram: left half `left`, right half `right` (16-bit). */
export function halfImage(left: number, right: number): number[] {
  const px: number[] = [];
  for (let y = 0; y < FULL_ROWS; y++) for (let x = 0; x < FULL_COLS; x++) px.push(x < FULL_COLS / 2 ? left : right);
  return px;
}

/** A 0/255 mask with `count` lesion pixels (a block from the top-left, row by row). */
export function maskWith(count: number): number[] {
  const px = new Array<number>(FULL_ROWS * FULL_COLS).fill(0);
  for (let i = 0; i < count; i++) px[i] = 255;
  return px;
}

export interface FixtureAbnormality {
  pathology: 'MALIGNANT' | 'BENIGN' | 'BENIGN_WITHOUT_CALLBACK';
  lesionPixels: number;
}

export interface FixtureImage {
  type: 'mass' | 'calc';
  split: 'train' | 'test';
  patient: string; // e.g. P_00001
  breast: 'LEFT' | 'RIGHT';
  view: 'CC' | 'MLO';
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  abnormalities: FixtureAbnormality[];
  /** Put the DICOMs exactly at the CSV paths instead of the TCIA downloader layout. */
  csvLayout?: boolean;
  /** In the ROI folder, write the mask as 1-1.dcm (else the cropped patch is 1-1 and the mask 1-2). */
  maskFirst?: boolean;
}

function folderName(im: FixtureImage): string {
  const kind = im.type === 'mass' ? 'Mass' : 'Calc';
  const split = im.split === 'train' ? 'Training' : 'Test';
  return `${kind}-${split}_${im.patient}_${im.breast}_${im.view}`;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * How the files are laid out:
 * - `tcia` (default): Explicit VR DICOMs under <root>/CBIS-DDSM in the downloader's folders, the ROI mask and the
 *   cropped lesion in one series folder (as older downloads had them);
 * - `nbia`: as the NBIA Data Retriever writes today and as TCIA encodes the files: <root>/manifest-<id>/CBIS-DDSM/
 *   <case>/<date>-DDSM-NA-<n>/<series>/1-1.dcm, Implicit VR Little Endian, 16-bit MONOCHROME2 images, 8-bit 0/255
 *   masks at the image's size, and the ROI split into a "ROI mask images" and a "cropped images" series;
 * - `kaggle`: the Kaggle JPEG release: <root>/csv/ with the four CSVs, dicom_info.csv and meta.csv, the images as
 *   <root>/jpeg/<SeriesInstanceUID>/1-NNN.jpg (8-bit, encoded here with jpeg-js).
 */
export type FixtureLayout = 'tcia' | 'nbia' | 'kaggle';

export interface FixtureOptions {
  layout?: FixtureLayout;
  /** kaggle: images whose dicom_info rows carry no PatientID (so only the CSV path's series UID maps them). */
  kaggleWithoutPatientId?: string[];
  /** kaggle: case folders left out of dicom_info.csv entirely. */
  kaggleUnlisted?: string[];
}

/** One row of the official description CSVs (header order of the mass / calc files). */
export interface CsvRow {
  type: 'mass' | 'calc';
  split: 'train' | 'test';
  patient: string;
  breast: string;
  view: string;
  abnormalityId: number;
  pathology: string;
  imagePath: string;
  cropPath: string;
  maskPath: string;
}

/** The four description CSVs (official columns; mass files say "breast_density", calc files "breast density"). */
export function writeCbisCsvs(dir: string, rows: CsvRow[]): void {
  const massHeader =
    'patient_id,breast_density,left or right breast,image view,abnormality id,abnormality type,mass shape,mass margins,assessment,pathology,subtlety,image file path,cropped image file path,ROI mask file path';
  const calcHeader =
    'patient_id,breast density,left or right breast,image view,abnormality id,abnormality type,calc type,calc distribution,assessment,pathology,subtlety,image file path,cropped image file path,ROI mask file path';
  fs.mkdirSync(dir, { recursive: true });
  for (const type of ['mass', 'calc'] as const) {
    for (const split of ['train', 'test'] as const) {
      const lines = rows
        .filter((r) => r.type === type && r.split === split)
        .map((r) => {
          const common = [
            r.patient,
            '2',
            r.breast,
            r.view,
            String(r.abnormalityId),
            type === 'mass' ? 'mass' : 'calcification',
          ];
          const specific = type === 'mass' ? ['OVAL', 'CIRCUMSCRIBED'] : ['PLEOMORPHIC', 'CLUSTERED'];
          // The real CSVs end some path fields with a newline inside the quotes: keep that quirk.
          return [...common, ...specific, '4', r.pathology, '3', r.imagePath, r.cropPath, `${r.maskPath}\n`]
            .map(csvField)
            .join(',');
        });
      const header = type === 'mass' ? massHeader : calcHeader;
      fs.writeFileSync(
        path.join(dir, `${type}_case_description_${split}_set.csv`),
        `${[header, ...lines].join('\r\n')}\r\n`,
      );
    }
  }
}

const jpegMemo = new Map<string, Buffer>();

/**
 * 8-bit gray pixels -> a JPEG (jpeg-js writes 3-component YCbCr; quality 100). Memoised by content: jpeg-js
 * builds its tables on every call (about 0.1-0.5 s each), and fixtures repeat a few images many times.
 */
function jpegBytes(rows: number, cols: number, gray: ArrayLike<number>): Buffer {
  const key = `${rows}x${cols}:${Buffer.from(Uint8Array.from(gray)).toString('base64')}`;
  const hit = jpegMemo.get(key);
  if (hit) return hit;
  const rgba = Buffer.alloc(rows * cols * 4);
  for (let i = 0; i < rows * cols; i++) {
    rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = gray[i]!;
    rgba[i * 4 + 3] = 255;
  }
  const out = jpeg.encode({ width: cols, height: rows, data: rgba }, 100).data;
  jpegMemo.set(key, out);
  return out;
}

const DICOM_INFO_HEADER =
  'file_path,image_path,AccessionNumber,BitsAllocated,BitsStored,BodyPartExamined,Columns,ContentDate,ContentTime,ConversionType,HighBit,InstanceNumber,LargestImagePixelValue,Laterality,Modality,PatientBirthDate,PatientID,PatientName,PatientOrientation,PatientSex,PhotometricInterpretation,PixelRepresentation,ReferringPhysicianName,Rows,SOPClassUID,SOPInstanceUID,SamplesPerPixel,SecondaryCaptureDeviceManufacturer,SecondaryCaptureDeviceManufacturerModelName,SeriesDescription,SeriesInstanceUID,SeriesNumber,SmallestImagePixelValue,SpecificCharacterSet,StudyDate,StudyID,StudyInstanceUID,StudyTime';

/**
 * Write the CSVs and the images of `images` in the chosen layout. Full image: left half 1000, right half 3000
 * (16-bit; 0 | 255 in the 8-bit JPEGs); masks: 0/255 with the given number of lesion pixels.
 */
export function writeCbisFixture(root: string, images: FixtureImage[], opts: FixtureOptions = {}): void {
  const layout = opts.layout ?? 'tcia';
  const rows: CsvRow[] = [];
  const info: string[] = [];
  const meta: string[] = [];
  const uid = (k: string) => `1.3.6.1.4.1.9590.100.1.2.${k}`;
  let counter = 100;
  const implicit = layout === 'nbia';
  const dicomBase =
    layout === 'nbia' ? path.join(root, 'manifest-1654812109500', 'CBIS-DDSM') : path.join(root, 'CBIS-DDSM');
  const date = layout === 'nbia' ? (n: number) => `08-07-2016-DDSM-NA-${n}` : (n: number) => `07-20-2016-DDSM-${n}`;
  const infoRow = (folder: string, description: string, series: string, study: string, r: number, c: number) => {
    const file = `1-${counter++}.jpg`;
    const cells: Record<string, string> = {
      file_path: `CBIS-DDSM/dicom/${uid(String(counter++))}.dcm`,
      image_path: `CBIS-DDSM/jpeg/${series}/${file}`,
      BitsAllocated: description === 'ROI mask images' ? '8' : '16',
      Columns: String(c),
      PatientID: opts.kaggleWithoutPatientId?.includes(folder.replace(/_\d+$/, '')) ? '' : folder,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: String(r),
      SeriesDescription: description,
      SeriesInstanceUID: series,
      StudyInstanceUID: study,
      Modality: 'MG',
    };
    if (!opts.kaggleUnlisted?.includes(folder.replace(/_\d+$/, '')))
      info.push(
        DICOM_INFO_HEADER.split(',')
          .map((h) => csvField(cells[h] ?? ''))
          .join(','),
      );
    meta.push([series, study, folder, description].join(','));
    return path.join(root, 'jpeg', series, file);
  };
  const write = (file: string, data: Uint8Array) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  };
  for (const im of images) {
    const folder = folderName(im);
    const study = uid(String(counter++));
    const series = uid(String(counter++));
    const csvImagePath = `${folder}/${study}/${series}/000000.dcm`;
    const pixels = halfImage(1000, 3000);
    if (layout === 'kaggle') {
      const gray = pixels.map((v) => (v === 1000 ? 0 : 255));
      write(
        infoRow(folder, 'full mammogram images', series, study, FULL_ROWS, FULL_COLS),
        jpegBytes(FULL_ROWS, FULL_COLS, im.photometric === 'MONOCHROME1' ? gray.map((g) => 255 - g) : gray),
      );
    } else {
      const full = dicomBytes({
        rows: FULL_ROWS,
        cols: FULL_COLS,
        bits: 16,
        pixels,
        photometric: im.photometric,
        implicit,
      });
      const fullFile = im.csvLayout
        ? path.join(root, csvImagePath)
        : path.join(dicomBase, folder, date(counter), `1.000000-full mammogram images-${counter}`, '1-1.dcm');
      write(fullFile, full);
    }
    im.abnormalities.forEach((a, k) => {
      const roiFolder = `${folder}_${k + 1}`;
      const roiStudy = uid(String(counter++));
      const roiSeries = uid(String(counter++));
      const cropSeries = uid(String(counter++));
      const csvMask = `${roiFolder}/${roiStudy}/${roiSeries}/000001.dcm`;
      const csvCrop = `${roiFolder}/${roiStudy}/${roiSeries}/000000.dcm`;
      const maskPixels = maskWith(a.lesionPixels);
      const mask = dicomBytes({ rows: FULL_ROWS, cols: FULL_COLS, bits: 8, pixels: maskPixels, implicit });
      const crop = dicomBytes({ rows: 6, cols: 5, bits: 16, pixels: new Array(30).fill(2000), implicit });
      if (layout === 'kaggle') {
        write(
          infoRow(roiFolder, 'ROI mask images', roiSeries, roiStudy, FULL_ROWS, FULL_COLS),
          jpegBytes(FULL_ROWS, FULL_COLS, maskPixels),
        );
        write(
          infoRow(roiFolder, 'cropped images', cropSeries, roiStudy, 6, 5),
          jpegBytes(6, 5, new Array(30).fill(128)),
        );
      } else if (im.csvLayout) {
        write(path.join(root, csvMask), mask);
        write(path.join(root, csvCrop), crop);
      } else if (layout === 'nbia') {
        // Two series folders, one file each.
        const study = path.join(dicomBase, roiFolder, date(counter));
        write(path.join(study, `1.000000-ROI mask images-${counter}`, '1-1.dcm'), mask);
        write(path.join(study, `1.000000-cropped images-${counter + 1}`, '1-1.dcm'), crop);
      } else {
        const dir = path.join(
          dicomBase,
          roiFolder,
          `07-21-2016-DDSM-${counter}`,
          `1.000000-ROI mask images-${counter}`,
        );
        write(path.join(dir, im.maskFirst ? '1-1.dcm' : '1-2.dcm'), mask);
        write(path.join(dir, im.maskFirst ? '1-2.dcm' : '1-1.dcm'), crop);
      }
      rows.push({
        type: im.type,
        split: im.split,
        patient: im.patient,
        breast: im.breast,
        view: im.view,
        abnormalityId: k + 1,
        pathology: a.pathology,
        imagePath: csvImagePath,
        cropPath: csvCrop,
        maskPath: csvMask,
      });
    });
  }
  if (layout === 'kaggle') {
    const csvDir = path.join(root, 'csv');
    writeCbisCsvs(csvDir, rows);
    fs.writeFileSync(path.join(csvDir, 'dicom_info.csv'), `${[DICOM_INFO_HEADER, ...info].join('\n')}\n`);
    fs.writeFileSync(
      path.join(csvDir, 'meta.csv'),
      `${['SeriesInstanceUID,StudyInstanceUID,PatientID,SeriesDescription', ...meta].join('\n')}\n`,
    );
  } else writeCbisCsvs(root, rows);
}
