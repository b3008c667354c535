import { pack, unpack } from 'peerjs-js-binarypack';

import type { DropReason } from '../DropReason.js';
import { packBinary, packUtf8, isWellFormedBinaryPack } from './BinaryPackFraming.js';
import { CHUNK_SIZE, ChunkReassembler } from './ChunkReassembler.js';
import type { DataSerialization, DecodedMessage } from './DataSerialization.js';
import { MAX_DATAGRAM_BYTES } from './DataSerialization.js';
import { decodeUtf8 } from './utf8.js';

/** Reassembled messages may exceed one datagram a little (BinaryPack headers, JSON text). */
const MAX_REASSEMBLED_BYTES = 2 * MAX_DATAGRAM_BYTES;

/**
 * BINARY and BINARY_UTF8 (PeerJS "binary" and "binary-utf8", one and the same BinaryPack
 * serializer in peerjs 1.5). Outgoing, a BINARY datagram is packed as bytes (the browser gets an
 * ArrayBuffer) and a BINARY_UTF8 datagram as a string (it must be UTF-8); packed messages over
 * 16300 bytes are split into PeerJS chunks. Incoming, chunks are reassembled and the value maps
 * to datagram bytes: a string to its UTF-8, bytes as they are, anything else to its JSON text.
 */
export class BinarySerialization implements DataSerialization {
  private readonly reassembler = new ChunkReassembler(MAX_REASSEMBLED_BYTES);
  /** PeerJS numbers chunked messages per connection from 1. */
  private nextChunkedId = 1;

  constructor(readonly name: 'BINARY' | 'BINARY_UTF8') {}

  encode(datagram: Buffer): Buffer[] | DropReason {
    let packed: Buffer;
    if (this.name === 'BINARY') packed = packBinary(datagram);
    else {
      if (decodeUtf8(datagram) === undefined) return 'invalid_utf8';
      packed = packUtf8(datagram);
    }
    return packed.length > CHUNK_SIZE ? this.chunk(packed) : [packed];
  }

  decode(message: ArrayBuffer | string): DecodedMessage {
    // The stock client only sends binary messages here; text from another sender is its string.
    if (typeof message === 'string') return toDatagram(message);
    const value = unpackSafely(new Uint8Array(message));
    if (value === undefined) return { kind: 'drop', reason: 'malformed' };
    const peerData = peerDataOf(value);
    if (peerData === undefined) return toDatagram(value);
    if (isClose(peerData)) return { kind: 'close' };
    const chunk = chunkOf(value, peerData);
    if (!chunk) return { kind: 'drop', reason: 'malformed' };
    const result = this.reassembler.add(chunk);
    if (result.kind !== 'complete') return result;
    const whole = unpackSafely(result.packed);
    // A chunk of a chunk is not something PeerJS makes.
    if (whole === undefined || peerDataOf(whole) !== undefined) return { kind: 'drop', reason: 'malformed' };
    return toDatagram(whole);
  }

  private chunk(packed: Buffer): Buffer[] {
    const id = this.nextChunkedId++;
    const total = Math.ceil(packed.length / CHUNK_SIZE);
    const chunks: Buffer[] = [];
    for (let n = 0; n < total; n++) {
      const data = packed.subarray(n * CHUNK_SIZE, Math.min(packed.length, (n + 1) * CHUNK_SIZE));
      chunks.push(Buffer.from(pack({ __peerData: id, n, data, total }) as ArrayBuffer));
    }
    return chunks;
  }
}

/** The library's unpacker, only on messages whose declared lengths hold (see BinaryPackFraming). */
function unpackSafely(bytes: Uint8Array): unknown {
  if (!isWellFormedBinaryPack(bytes)) return undefined;
  try {
    // unpack() keeps slices of the buffer it is given: hand it an ArrayBuffer of its own. (A copy made
    // as a Uint8Array: Buffer's slice() is a view, and a small Buffer lives inside Node's shared pool.)
    const own = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes.buffer : Uint8Array.prototype.slice.call(bytes).buffer;
    return unpack(own as ArrayBuffer) ?? null;
  } catch {
    return undefined;
  }
}

function peerDataOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof ArrayBuffer) return undefined;
  return (value as { __peerData?: unknown }).__peerData;
}

function isClose(peerData: unknown): boolean {
  return typeof peerData === 'object' && peerData !== null && (peerData as { type?: unknown }).type === 'close';
}

function chunkOf(value: unknown, peerData: unknown): { id: number; n: number; total: number; data: Uint8Array } | undefined {
  const { n, total, data } = value as { n?: unknown; total?: unknown; data?: unknown };
  if (typeof peerData !== 'number' || !Number.isInteger(n) || !Number.isInteger(total) || !(data instanceof ArrayBuffer)) {
    return undefined;
  }
  if ((n as number) < 0 || (n as number) >= (total as number)) return undefined;
  return { id: peerData, n: n as number, total: total as number, data: new Uint8Array(data) };
}

function toDatagram(value: unknown): DecodedMessage {
  let datagram: Buffer;
  if (typeof value === 'string') datagram = Buffer.from(value, 'utf8');
  else if (value instanceof ArrayBuffer) datagram = Buffer.from(value);
  else {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch {
      // Nesting the library could unpack but JSON.stringify cannot write (its stack runs out first).
      return { kind: 'drop', reason: 'malformed' };
    }
    datagram = Buffer.from(text ?? 'null', 'utf8');
  }
  if (datagram.length > MAX_DATAGRAM_BYTES) return { kind: 'drop', reason: 'too_large' };
  return { kind: 'datagram', datagram };
}
