import { readFileSync } from 'node:fs';

/** What a shared object asks of the dynamic linker, read from its ELF64 dynamic sections. */
export interface DynamicInfo {
  /** The CPU it is built for (e_machine): "x86-64", "aarch64", or the number for any other. */
  machine: string;
  /** DT_NEEDED entries: the libraries it links. */
  needed: string[];
  /** Dynamic symbols it imports (undefined in the object, resolved at load time). */
  imports: string[];
  /** Symbol versions it requires, by library (SHT_GNU_verneed): "libc.so.6" -> ["GLIBC_2.17", ...]. */
  versions: Record<string, string[]>;
}

const SHT_DYNAMIC = 6;
const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NEEDED = 1n;
const MACHINES: Record<number, string> = { 62: 'x86-64', 183: 'aarch64' };

/** Reads a little-endian ELF64 file of any architecture; needs no binutils on the machine. */
export function readDynamicInfo(path: string): DynamicInfo {
  const b = readFileSync(path);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2 || b[5] !== 1) throw new Error(`${path} is not a little-endian ELF64 file`);
  const eMachine = b.readUInt16LE(0x12);
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
      info: b.readUInt32LE(o + 0x2c),
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
  const versions: Record<string, string[]> = {};
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
    } else if (s.type === SHT_GNU_VERNEED) {
      // sh_info Elf64_Verneed entries (one per library), each with vn_cnt Elf64_Vernaux entries
      // (one per version); both chained by byte offsets (vn_next, vna_next).
      let need = s.offset;
      for (let i = 0; i < s.info; i++) {
        const file = str(s.link, b.readUInt32LE(need + 4));
        const list = (versions[file] ??= []);
        let aux = need + b.readUInt32LE(need + 8);
        for (let j = b.readUInt16LE(need + 2); j > 0; j--) {
          list.push(str(s.link, b.readUInt32LE(aux + 8)));
          aux += b.readUInt32LE(aux + 12);
        }
        need += b.readUInt32LE(need + 12);
      }
    }
  }
  return { machine: MACHINES[eMachine] ?? String(eMachine), needed, imports, versions };
}

/**
 * The versions among `versions` of the same family as `limit` (the part before the last "_",
 * e.g. GLIBC in GLIBC_2.34) that are newer than it, compared number by number.
 */
export function newerThan(versions: Iterable<string>, limit: string): string[] {
  const cut = limit.lastIndexOf('_');
  const family = limit.slice(0, cut + 1);
  const numbers = (v: string): number[] => v.slice(cut + 1).split('.').map(Number);
  const max = numbers(limit);
  const isNewer = (n: number[]): boolean => {
    for (let i = 0; i < Math.max(n.length, max.length); i++) if ((n[i] ?? 0) !== (max[i] ?? 0)) return (n[i] ?? 0) > (max[i] ?? 0);
    return false;
  };
  return [...versions].filter((v) => v.startsWith(family) && isNewer(numbers(v)));
}
