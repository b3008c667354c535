/**
 * BinaryPack, the msgpack dialect of peerjs-js-binarypack 2.x that PeerJS's "binary"
 * serialization uses. A datagram becomes one of two values, framed here without building an
 * object per datagram; everything else goes through the library (see BinarySerialization).
 *
 *   raw bytes: 0xa0|n (n <= 15), 0xda + uint16 n, 0xdb + uint32 n, then the bytes
 *   string:    0xb0|n (n <= 15), 0xd8 + uint16 n, 0xd9 + uint32 n, then the UTF-8 bytes
 */
export function packBinary(bytes: Uint8Array): Buffer {
  return frame(0xa0, 0xda, 0xdb, bytes);
}

/** A string value, given as its UTF-8 bytes (the caller has checked they are UTF-8). */
export function packUtf8(utf8: Uint8Array): Buffer {
  return frame(0xb0, 0xd8, 0xd9, utf8);
}

function frame(fixType: number, type16: number, type32: number, body: Uint8Array): Buffer {
  const n = body.length;
  const header = n <= 0x0f ? 1 : n <= 0xffff ? 3 : 5;
  const out = Buffer.allocUnsafe(header + n);
  if (header === 1) out[0] = fixType | n;
  else if (header === 3) {
    out[0] = type16;
    out.writeUInt16BE(n, 1);
  } else {
    out[0] = type32;
    out.writeUInt32BE(n, 1);
  }
  out.set(body, header);
  return out;
}

/** Bytes each BinaryPack type code occupies after itself, for fixed-size types. */
const FIXED_SIZE: Record<number, number> = {
  0xc0: 0, 0xc1: 0, 0xc2: 0, 0xc3: 0, 0xd4: 0, 0xd5: 0, 0xd6: 0, 0xd7: 0,
  0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8,
};

/**
 * Whether `bytes` hold one complete BinaryPack value. The library's unpacker trusts declared
 * lengths (an array header claiming 2^32 elements would keep it busy for hours), so every
 * received message is walked here first: each declared value must have at least one byte left,
 * which bounds this walk by the message length.
 */
export function isWellFormedBinaryPack(bytes: Uint8Array): boolean {
  const length = bytes.length;
  let i = 0;
  let pending = 1;
  while (pending > 0) {
    if (pending > length - i) return false;
    const type = bytes[i++]!;
    pending--;
    if (type < 0x80 || type >= 0xe0) continue; // fixints
    let skip: number;
    if (type <= 0x8f) {
      pending += 2 * (type & 0x0f); // fixmap: keys and values
      continue;
    } else if (type <= 0x9f) {
      pending += type & 0x0f; // fixarray
      continue;
    } else if (type <= 0xbf) {
      skip = type & 0x0f; // fixraw, fixstring
    } else if (type in FIXED_SIZE) {
      skip = FIXED_SIZE[type]!;
    } else if (type === 0xd8 || type === 0xda || type === 0xdc || type === 0xde) {
      if (i + 2 > length) return false;
      const n = (bytes[i]! << 8) | bytes[i + 1]!;
      i += 2;
      if (type === 0xdc) pending += n;
      else if (type === 0xde) pending += 2 * n;
      skip = type === 0xd8 || type === 0xda ? n : 0;
    } else if (type === 0xd9 || type === 0xdb || type === 0xdd || type === 0xdf) {
      if (i + 4 > length) return false;
      const n = ((bytes[i]! << 24) >>> 0) + ((bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!);
      i += 4;
      if (type === 0xdd) pending += n;
      else if (type === 0xdf) pending += 2 * n;
      skip = type === 0xd9 || type === 0xdb ? n : 0;
    } else {
      return false; // 0xc4..0xc9: not BinaryPack
    }
    i += skip;
    if (i > length) return false;
  }
  return true;
}
