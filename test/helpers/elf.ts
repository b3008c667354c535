import { readFileSync } from 'node:fs';

/** What a shared object asks of the dynamic linker, read from its ELF64 dynamic sections. */
export interface DynamicInfo {
  /** DT_NEEDED entries: the libraries it links. */
  needed: string[];
  /** Dynamic symbols it imports (undefined in the object, resolved at load time). */
  imports: string[];
}

const SHT_DYNAMIC = 6;
const SHT_DYNSYM = 11;
const DT_NEEDED = 1n;

/** Reads a little-endian ELF64 file; needs no binutils on the machine. */
export function readDynamicInfo(path: string): DynamicInfo {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${path} is not a little-endian ELF64 file`);
  const shoff = Number(b.readBigUInt64LE(0x28));
  const shentsize = b.readUInt16LE(0x3a);
  const shnum = b.readUInt16LE(0x3c);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const o = shoff + i * shentsize;
    return {
      type: b.readUInt32LE(o + 4),
      offset: Number(b.readBigUInt64LE(o + 0x18)),
      size: Number(b.readBigUInt64LE(o + 0x20)),
      link: b.readUInt32LE(o + 0x28),
      entsize: Number(b.readBigUInt64LE(o + 0x38)),
    };
  });
  const str = (table: number, at: number): string => {
    const s = sections[table];
    if (!s) throw new Error('bad string table index');
    const start = s.offset + at;
    return b.toString('latin1', start, b.indexOf(0, start));
  };
  const needed: string[] = [];
  const imports: string[] = [];
  for (const s of sections) {
    if (s.type === SHT_DYNAMIC) {
      for (let o = s.offset; o < s.offset + s.size; o += 16) {
        const tag = b.readBigInt64LE(o);
        if (tag === 0n) break;
        if (tag === DT_NEEDED) needed.push(str(s.link, Number(b.readBigUInt64LE(o + 8))));
      }
    } else if (s.type === SHT_DYNSYM) {
      for (let o = s.offset + s.entsize; o < s.offset + s.size; o += s.entsize) {
        const shndx = b.readUInt16LE(o + 6);
        const name = str(s.link, b.readUInt32LE(o));
        if (shndx === 0 && name) imports.push(name);
      }
    }
  }
  return { needed, imports };
}
