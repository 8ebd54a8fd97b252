import { MstfError } from '../errors.js';

/** The dtypes mstf reads from .npy files: uint8 images, integer / float labels. */
export type NpyDtype = 'u1' | 'i1' | 'b1' | 'u2' | 'i2' | 'u4' | 'i4' | 'i8' | 'u8' | 'f4' | 'f8';

export type NpyData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const ITEM_SIZE: Record<NpyDtype, number> = {
  u1: 1,
  i1: 1,
  b1: 1,
  u2: 2,
  i2: 2,
  u4: 4,
  i4: 4,
  i8: 8,
  u8: 8,
  f4: 4,
  f8: 8,
};

/**
 * Parse one .npy file (format versions 1.0, 2.0 and 3.0). Only little-endian (or byte-sized) dtypes in C
 * order are accepted; anything else is one clear DATA_CORRUPT line naming `source`.
 */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  const bad = (reason: string) => new MstfError('DATA_CORRUPT', `${source}: ${reason}`);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw bad('not a .npy array (bad magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw bad('truncated .npy header');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else throw bad(`unsupported .npy format version ${major}.${bytes[7]}`);
  if (headerStart + headerLen > bytes.length) throw bad('truncated .npy header');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw bad(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw bad('array is stored in Fortran order; save it in C order (numpy.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw bad(`bad shape (${shapeText})`);
      return n;
    });
  const dtype = parseDescr(descr);
  if (!dtype)
    throw bad(
      `dtype '${descr}' is not supported (supported: uint8, int8, bool, little-endian int16/32/64, uint16/32/64, float32/64)`,
    );

  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const byteLen = count * ITEM_SIZE[dtype];
  if (dataStart + byteLen > bytes.length) {
    throw bad(`truncated array data (${bytes.length - dataStart} bytes, shape (${shape.join(', ')}) needs ${byteLen})`);
  }
  // Copy so multi-byte views are aligned and the result does not pin the whole archive buffer.
  // (Buffer#slice is a view, so copy explicitly into a fresh ArrayBuffer.)
  const copy = new Uint8Array(byteLen);
  copy.set(bytes.subarray(dataStart, dataStart + byteLen));
  const raw = copy.buffer;
  return { dtype, shape, data: makeView(dtype, raw, count) };
}

function parseDescr(descr: string): NpyDtype | undefined {
  const m = /^([<>|=]?)([uifb])(\d+)$/.exec(descr);
  if (!m) return undefined;
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText);
  // '>' is big-endian: refused unless byte-sized (byte order is then irrelevant).
  if (order === '>' && size > 1) return undefined;
  const key = `${kind}${size}` as NpyDtype;
  return key in ITEM_SIZE ? key : undefined;
}

function makeView(dtype: NpyDtype, buf: ArrayBuffer, count: number): NpyData {
  switch (dtype) {
    case 'u1':
    case 'b1':
      return new Uint8Array(buf, 0, count);
    case 'i1':
      return new Int8Array(buf, 0, count);
    case 'u2':
      return new Uint16Array(buf, 0, count);
    case 'i2':
      return new Int16Array(buf, 0, count);
    case 'u4':
      return new Uint32Array(buf, 0, count);
    case 'i4':
      return new Int32Array(buf, 0, count);
    case 'i8':
      return new BigInt64Array(buf, 0, count);
    case 'u8':
      return new BigUint64Array(buf, 0, count);
    case 'f4':
      return new Float32Array(buf, 0, count);
    case 'f8':
      return new Float64Array(buf, 0, count);
  }
}

/** Integer labels as Int32 (float labels must hold whole numbers; int64 must fit in 32 bits). */
export function toInt32(arr: NpyArray, source: string): Int32Array {
  const out = new Int32Array(arr.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = Number(arr.data[i]!);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new MstfError('DATA_CORRUPT', `${source}: value ${v} at index ${i} is not a 32-bit integer label`);
    }
    out[i] = v;
  }
  return out;
}

/** Serialise an array as .npy v1.0 (used by tests and caches; the inverse of parseNpy). */
export function encodeNpy(dtype: NpyDtype, shape: number[], data: ArrayBufferView): Uint8Array {
  const descr = dtype === 'u1' || dtype === 'i1' || dtype === 'b1' ? `|${dtype}` : `<${dtype}`;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad so the data starts on a 64-byte boundary, header ends with '\n' (as numpy does).
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
