import fs from 'node:fs';
import dicomParser from 'dicom-parser';
import { MstfError } from '../../core/index.js';

/** Transfer syntaxes whose pixel data is stored uncompressed, little endian. */
const NATIVE_LE: Record<string, string> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
};

const KNOWN_UNSUPPORTED: Record<string, string> = {
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** A decoded grayscale image: 8-bit, windowed to the image's own min..max, MONOCHROME1 inverted. */
export interface GrayImage {
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

function corrupt(file: string, reason: string): MstfError {
  return new MstfError('DATA_CORRUPT', `${file}: ${reason}`);
}

function parse(file: string, bytes: Uint8Array): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes);
  } catch (e) {
    const msg =
      typeof e === 'string' ? e : ((e as { exception?: string }).exception ?? (e as Error).message ?? String(e));
    throw corrupt(file, `not a readable DICOM file (${String(msg).split('\n')[0]})`);
  }
}

function readFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new MstfError('DATA_NOT_FOUND', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Rows x columns from the header, without touching the pixels. */
export function dicomDimensions(file: string): { rows: number; cols: number } {
  const ds = parse(file, readFile(file));
  return { rows: ds.uint16('x00280010') ?? 0, cols: ds.uint16('x00280011') ?? 0 };
}

/**
 * Decode an uncompressed little-endian grayscale DICOM (8 or 16 bits allocated, MONOCHROME1/2) with
 * dicom-parser, then map it to 8 bits: window to the pixel min..max, invert MONOCHROME1 so that bright
 * always means dense. Compressed transfer syntaxes are refused with a line naming the file.
 */
export function decodeDicom(file: string): GrayImage {
  const bytes = readFile(file);
  const ds = parse(file, bytes);
  const ts = ds.string('x00020010')?.replace(/\0/g, '').trim();
  if (ts !== undefined && !(ts in NATIVE_LE)) {
    const name = KNOWN_UNSUPPORTED[ts] ?? 'unknown transfer syntax';
    throw corrupt(
      file,
      `compressed or unsupported DICOM transfer syntax ${ts} (${name}); mstf reads uncompressed little-endian DICOM only (convert with e.g. \`gdcmconv --raw\` or \`dcmdjpeg\`)`,
    );
  }
  const pixelEl = ds.elements.x7fe00010;
  if (!pixelEl) throw corrupt(file, 'no pixel data (7FE0,0010)');
  if (pixelEl.encapsulatedPixelData) throw corrupt(file, 'encapsulated (compressed) pixel data is not supported');
  const rows = ds.uint16('x00280010') ?? 0;
  const cols = ds.uint16('x00280011') ?? 0;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const signed = (ds.uint16('x00280103') ?? 0) === 1;
  const samples = ds.uint16('x00280002') ?? 1;
  const photometric = (ds.string('x00280004') ?? 'MONOCHROME2').trim();
  if (rows < 1 || cols < 1) throw corrupt(file, `bad image size ${rows}x${cols}`);
  if (samples !== 1 || (photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')) {
    throw corrupt(file, `not a grayscale image (${samples} samples per pixel, ${photometric})`);
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16)
    throw corrupt(file, `${bitsAllocated} bits allocated (8 or 16 are read)`);
  const need = (rows * cols * bitsAllocated) / 8;
  if (pixelEl.length < need || pixelEl.dataOffset + need > bytes.length) {
    throw corrupt(
      file,
      `truncated pixel data (${Math.min(pixelEl.length, bytes.length - pixelEl.dataOffset)} bytes, ${rows}x${cols}x${bitsAllocated / 8} needs ${need})`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + pixelEl.dataOffset, need);
  const storedMask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const shift = 32 - bitsStored;
  const value =
    bitsAllocated === 8
      ? signed
        ? (i: number) => view.getInt8(i)
        : (i: number) => view.getUint8(i) & storedMask
      : signed
        ? (i: number) => (view.getInt16(i * 2, true) << shift) >> shift
        : (i: number) => view.getUint16(i * 2, true) & storedMask;
  return windowTo8Bit(rows, cols, value, photometric === 'MONOCHROME1');
}

/** Map n = rows x cols values to 8 bits: window to their min..max (all 0 when flat), invert when asked. */
export function windowTo8Bit(rows: number, cols: number, value: (i: number) => number, invert: boolean): GrayImage {
  const n = rows * cols;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = value(i);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const pixels = new Uint8Array(n);
  if (max > min) {
    const scale = 255 / (max - min);
    for (let i = 0; i < n; i++) {
      const g = Math.round((value(i) - min) * scale);
      pixels[i] = invert ? 255 - g : g;
    }
  }
  return { rows, cols, pixels };
}
