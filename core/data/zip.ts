import fs from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import zlib from 'node:zlib';
import { MstfError } from '../errors.js';

/** One member of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate (the only two methods numpy's savez/savez_compressed write). */
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

/**
 * A zip archive read through a file descriptor: only the central directory is read up front and each
 * member is read (and inflated) when asked for, so loading one split of a large .npz reads only that
 * split's bytes. Zip64 archives (members over 4 GiB, numpy's allowZip64) are understood.
 */
export class ZipReader {
  readonly entries: Map<string, ZipEntry>;
  private fd: number;
  private readonly fileSize: number;

  private constructor(
    readonly file: string,
    fd: number,
    fileSize: number,
  ) {
    this.fd = fd;
    this.fileSize = fileSize;
    this.entries = new Map();
    try {
      for (const e of this.readCentralDirectory()) this.entries.set(e.name, e);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  static open(file: string): ZipReader {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new MstfError('DATA_NOT_FOUND', `${file}: no such file`);
      throw new MstfError('DATA_CORRUPT', `${file}: cannot open (${code ?? String(e)})`);
    }
    const size = fs.fstatSync(fd).size;
    return new ZipReader(file, fd, size);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }

  /** The uncompressed bytes of one member, CRC-checked. */
  read(name: string): Buffer {
    const e = this.entries.get(name);
    if (!e) throw this.corrupt(`no member "${name}"`);
    const local = this.readAt(e.localHeaderOffset, 30, `local header of "${name}"`);
    if (local.readUInt32LE(0) !== LOCAL_SIG) throw this.corrupt(`bad local header of "${name}"`);
    const dataStart = e.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (e.compressedSize > MAX_BUFFER || e.uncompressedSize > MAX_BUFFER) {
      throw new MstfError(
        'DATA_CORRUPT',
        `${this.file}: member "${name}" is ${(e.uncompressedSize / 2 ** 30).toFixed(1)} GiB, more than one in-memory buffer can hold`,
      );
    }
    const raw = this.readAt(dataStart, e.compressedSize, `data of "${name}"`);
    let out: Buffer;
    if (e.method === 0) out = raw;
    else if (e.method === 8) {
      try {
        out = zlib.inflateRawSync(raw);
      } catch (err) {
        throw this.corrupt(`member "${name}" does not inflate (${(err as Error).message})`);
      }
    } else
      throw this.corrupt(`member "${name}" uses compression method ${e.method} (only stored and deflate are read)`);
    if (out.length !== e.uncompressedSize) {
      throw this.corrupt(`member "${name}" has ${out.length} bytes, the directory says ${e.uncompressedSize}`);
    }
    if (zlib.crc32(out) >>> 0 !== e.crc32 >>> 0) throw this.corrupt(`member "${name}" fails its CRC check`);
    return out;
  }

  private corrupt(reason: string): MstfError {
    return new MstfError('DATA_CORRUPT', `${this.file}: ${reason}`);
  }

  private readAt(position: number, length: number, what: string): Buffer {
    if (position < 0 || position + length > this.fileSize) {
      throw this.corrupt(`truncated (${what} runs past the end of the file)`);
    }
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, position + done);
      if (n === 0) throw this.corrupt(`truncated (${what})`);
      done += n;
    }
    return buf;
  }

  private readCentralDirectory(): ZipEntry[] {
    if (this.fileSize < 22) throw this.corrupt('not a zip archive (too short)');
    // The end-of-central-directory record sits in the last 22 + up to 65535 (comment) bytes.
    const tailLen = Math.min(this.fileSize, 22 + 0xffff);
    const tailStart = this.fileSize - tailLen;
    const tail = this.readAt(tailStart, tailLen, 'end of central directory');
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw this.corrupt('not a zip archive or truncated (no end-of-central-directory record)');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // Zip64: a locator right before the EOCD points to the zip64 EOCD record.
      const locPos = tailStart + eocd - 20;
      const loc = this.readAt(locPos, 20, 'zip64 locator');
      if (loc.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) throw this.corrupt('zip64 locator missing');
      const recPos = Number(loc.readBigUInt64LE(8));
      const rec = this.readAt(recPos, 56, 'zip64 end of central directory');
      if (rec.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw this.corrupt('bad zip64 end-of-central-directory record');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = this.readAt(cdOffset, cdSize, 'central directory');
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw this.corrupt('bad central directory entry');
      const method = cd.readUInt16LE(p + 10);
      const crc32 = cd.readUInt32LE(p + 16);
      let compressedSize = cd.readUInt32LE(p + 20);
      let uncompressedSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localHeaderOffset = cd.readUInt32LE(p + 42);
      if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw this.corrupt('bad central directory entry');
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      // Zip64 extended information: 64-bit values for the fields saturated at 0xffffffff, in this order.
      let q = p + 46 + nameLen;
      const extraEnd = q + extraLen;
      while (q + 4 <= extraEnd) {
        const id = cd.readUInt16LE(q);
        const size = cd.readUInt16LE(q + 2);
        if (id === 0x0001) {
          let r = q + 4;
          if (uncompressedSize === 0xffffffff) {
            uncompressedSize = Number(cd.readBigUInt64LE(r));
            r += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(r));
            r += 8;
          }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = Number(cd.readBigUInt64LE(r));
        }
        q += 4 + size;
      }
      entries.push({ name, method, crc32, compressedSize, uncompressedSize, localHeaderOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  }
}

/** Largest single Buffer this Node can allocate. */
const MAX_BUFFER = bufferConstants.MAX_LENGTH;
