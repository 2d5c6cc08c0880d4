import { buffer } from 'node:stream/consumers';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';

export interface Member {
  name: string;
  /** Left out for a folder. */
  data?: Buffer | string;
  /** Deflate (default) or store. */
  compress?: boolean;
}

/** A ZIP of the members, as yazl writes it (the way most tools do). Names ending in / are folders. */
export async function zipOf(members: readonly Member[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const member of members) {
    if (member.name.endsWith('/')) zip.addEmptyDirectory(member.name);
    else zip.addBuffer(Buffer.from(member.data ?? ''), member.name, { compress: member.compress ?? true });
  }
  zip.end();
  return buffer(zip.outputStream);
}

/** Where a member's stored (compressed) bytes lie in the archive. */
export async function memberData(zip: Buffer, name: string): Promise<{ start: number; length: number }> {
  const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  for await (const entry of archive.eachEntry()) {
    if (entry.fileName !== name) continue;
    const header = entry.relativeOffsetOfLocalHeader;
    const start = header + 30 + zip.readUInt16LE(header + 26) + zip.readUInt16LE(header + 28);
    return { start, length: entry.compressedSize };
  }
  throw new Error(`no member ${name}`);
}

/** A member as written by hand: its stored bytes and what the directory says about them. */
export interface RawMember {
  name: string;
  data: Buffer;
  /** 8 (deflate, the default) or 0 (stored). */
  method?: 0 | 8;
  crc: number;
  declaredSize: number;
}

/** A deflated member holding `text`, with its true CRC-32 and size. */
export function deflatedMember(name: string, text: string): RawMember {
  const bytes = Buffer.from(text);
  return { name, data: deflateRawSync(bytes), crc: crc32(bytes), declaredSize: bytes.length };
}

/**
 * A member of `mebibytes` MiB of zeros, built without holding them: one MiB of zeros deflated with a full
 * flush (a self-contained, non-final run of blocks) is repeated, then a final empty block ends the
 * stream. `declaredSize` is what the directory claims (the truth by default). Its CRC-32 is left 0: the
 * size limits stop such a member before its end.
 */
export function zerosMember(
  name: string,
  mebibytes: number,
  declaredSize = mebibytes * 1024 * 1024,
): RawMember {
  const block = deflateRawSync(Buffer.alloc(1024 * 1024), { finishFlush: constants.Z_FULL_FLUSH });
  const end = deflateRawSync(Buffer.alloc(0));
  return { name, data: Buffer.concat([...Array<Buffer>(mebibytes).fill(block), end]), crc: 0, declaredSize };
}

/** A ZIP (no Zip64) of members written by hand. */
export function rawZip(members: readonly RawMember[]): Buffer {
  const parts: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name);
    const sizes = (header: Buffer, at: number) => {
      header.writeUInt32LE(member.crc >>> 0, at);
      header.writeUInt32LE(member.data.length, at + 4);
      header.writeUInt32LE(member.declaredSize, at + 8);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed to extract
    local.writeUInt16LE(member.method ?? 8, 8); // compression method
    sizes(local, 14);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(member.method ?? 8, 10);
    sizes(central, 16);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    parts.push(local, name, member.data);
    directory.push(central, name);
    offset += local.length + name.length + member.data.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const endRecord = Buffer.alloc(22);
  endRecord.writeUInt32LE(0x06054b50, 0);
  endRecord.writeUInt16LE(members.length, 8);
  endRecord.writeUInt16LE(members.length, 10);
  endRecord.writeUInt32LE(directoryBytes.length, 12);
  endRecord.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directoryBytes, endRecord]);
}
