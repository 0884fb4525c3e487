import "server-only";
import zlib from "node:zlib";
import { readRangeSync } from "../../scan";

// A zip central-directory reader for torch.save archives. torch writes members stored
// (uncompressed) and 64-byte aligned, so a tensor's bytes are read straight from the file at an
// offset: nothing is decompressed or loaded whole. Zip64 is handled (archives over 4 GB).

export interface ZipMember {
  name: string;
  /** Absolute offset of the member's data in the file. */
  dataOffset: number;
  compressedSize: number;
  size: number;
  /** 0 = stored, 8 = deflate. */
  method: number;
}

export class ZipError extends Error {}

const EOCD_SIG = 0x06054b50;
const EOCD64_LOC_SIG = 0x07064b50;
const EOCD64_SIG = 0x06064b50;
const CDH_SIG = 0x02014b50;
const LFH_SIG = 0x04034b50;

/** True when the file starts with a zip local header (what torch.save writes by default). */
export function isZip(fd: number): boolean {
  const b = readRangeSync(fd, 0, 4);
  return b.length === 4 && b.readUInt32LE(0) === LFH_SIG;
}

export function readZipDirectory(fd: number, fileSize: number): Map<string, ZipMember> {
  // The end-of-central-directory record sits in the last 22 + 65535 bytes (its comment).
  const tailLen = Math.min(fileSize, 22 + 65535 + 20);
  const tail = readRangeSync(fd, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("no zip end-of-central-directory record: the file is truncated or not a zip archive");
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && eocd >= 20 && tail.readUInt32LE(eocd - 20) === EOCD64_LOC_SIG) {
    const eocd64At = Number(tail.readBigUInt64LE(eocd - 20 + 8));
    const rec = readRangeSync(fd, eocd64At, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== EOCD64_SIG) throw new ZipError("bad zip64 end-of-central-directory record");
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > fileSize) throw new ZipError("the zip central directory points past the end of the file (truncated?)");
  const cd = readRangeSync(fd, cdOffset, cdSize);
  const members = new Map<string, ZipMember>();
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CDH_SIG) throw new ZipError("corrupt zip central directory");
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
    // Zip64 extra field: the 64-bit values appear in order, only for fields that overflowed.
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) { size = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (localOffset === 0xffffffff) { localOffset = Number(cd.readBigUInt64LE(q)); q += 8; }
      }
      e += 4 + len;
    }
    p = eEnd + commentLen;
    const lfh = readRangeSync(fd, localOffset, 30);
    if (lfh.length < 30 || lfh.readUInt32LE(0) !== LFH_SIG) throw new ZipError(`zip member ${name}: bad local header`);
    const dataOffset = localOffset + 30 + lfh.readUInt16LE(26) + lfh.readUInt16LE(28);
    if (dataOffset + compressedSize > fileSize) throw new ZipError(`zip member ${name} ends past the end of the file (truncated)`);
    members.set(name, { name, dataOffset, compressedSize, size, method });
  }
  return members;
}

/** Bytes [start, start+len) of a member's uncompressed data. */
export function readMember(fd: number, m: ZipMember, start = 0, len = m.size - start): Buffer {
  if (start < 0 || start + len > m.size) throw new ZipError(`read past the end of zip member ${m.name}`);
  if (m.method === 0) return readRangeSync(fd, m.dataOffset + start, len);
  if (m.method === 8) return zlib.inflateRawSync(readRangeSync(fd, m.dataOffset, m.compressedSize)).subarray(start, start + len);
  throw new ZipError(`zip member ${m.name} uses compression method ${m.method}, which is not supported`);
}
