import fs from 'node:fs';
import jpeg from 'jpeg-js';
import { MstfError } from '../../core/index.js';
import { windowTo8Bit, type GrayImage } from './dicom.js';

/**
 * Decode a JPEG of the Kaggle release with jpeg-js (pure JS, baseline and progressive) to 8-bit gray, then
 * window it to its min..max exactly as a DICOM is, so both layouts give the same samples. The release's
 * files are single-component; a colour JPEG is reduced to its BT.601 luma.
 */
export function decodeJpeg(file: string): GrayImage {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new MstfError('DATA_NOT_FOUND', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let img: { width: number; height: number; data: Uint8Array };
  try {
    // A mammogram is about 3000x4600; the library's default 100 MP / 512 MB limits hold it.
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  } catch (e) {
    throw new MstfError(
      'DATA_CORRUPT',
      `${file}: not a readable JPEG file (${String((e as Error).message ?? e).split('\n')[0]})`,
    );
  }
  const n = img.width * img.height;
  const components = n > 0 ? img.data.length / n : 0;
  let gray: Uint8Array;
  if (components === 1) gray = img.data;
  else if (components === 3 || components === 4) {
    gray = new Uint8Array(n);
    const d = img.data;
    for (let i = 0; i < n; i++)
      gray[i] = Math.round(
        0.299 * d[i * components]! + 0.587 * d[i * components + 1]! + 0.114 * d[i * components + 2]!,
      );
  } else throw new MstfError('DATA_CORRUPT', `${file}: JPEG with ${components} components per pixel (1 or 3 are read)`);
  return windowTo8Bit(img.height, img.width, (i) => gray[i]!, false);
}
