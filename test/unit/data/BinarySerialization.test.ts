import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { pack, unpack } from 'peerjs-js-binarypack';

import { BinarySerialization } from '../../../src/session/data/serialization/BinarySerialization.js';
import { CHUNK_SIZE } from '../../../src/session/data/serialization/ChunkReassembler.js';
import type { DecodedMessage } from '../../../src/session/data/serialization/DataSerialization.js';

const asArrayBuffer = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer as ArrayBuffer;
const packed = (value: any): ArrayBuffer => pack(value) as ArrayBuffer;

/** What the stock client does with received messages (peerjs 1.5 BinaryPack connection). */
function stockReceive(messages: Buffer[]): unknown[] {
  const delivered: unknown[] = [];
  const partial = new Map<number, { parts: Uint8Array[]; count: number; total: number }>();
  for (const m of messages) {
    const value = unpack(asArrayBuffer(m)) as { __peerData?: number; n: number; total: number; data: ArrayBuffer };
    if (value && typeof value === 'object' && typeof value.__peerData === 'number') {
      const entry = partial.get(value.__peerData) ?? { parts: [], count: 0, total: value.total };
      entry.parts[value.n] = new Uint8Array(value.data);
      entry.count++;
      partial.set(value.__peerData, entry);
      if (entry.count === entry.total) delivered.push(unpack(asArrayBuffer(Buffer.concat(entry.parts))));
      continue;
    }
    delivered.push(value);
  }
  return delivered;
}

/** The chunks the stock client sends for a value (its BinaryPack `_sendChunks`). */
function stockChunks(value: any, id: number): ArrayBuffer[] {
  const blob = new Uint8Array(packed(value));
  const total = Math.ceil(blob.length / CHUNK_SIZE);
  return Array.from({ length: total }, (_, n) => packed({ __peerData: id, n, data: blob.slice(n * CHUNK_SIZE, (n + 1) * CHUNK_SIZE).buffer, total }));
}

const datagramOf = (d: DecodedMessage): Buffer => {
  assert.equal(d.kind, 'datagram', JSON.stringify(d));
  return (d as { datagram: Buffer }).datagram;
};

describe('BINARY serialization (PeerJS "binary")', () => {
  it('packs a datagram as bytes: the stock client receives an ArrayBuffer with the same bytes', () => {
    const s = new BinarySerialization('BINARY');
    const datagram = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    const [value] = stockReceive(s.encode(datagram) as Buffer[]);
    assert.ok(value instanceof ArrayBuffer);
    assert.deepEqual(Buffer.from(value), datagram);
  });

  it('splits packed datagrams over 16300 bytes into PeerJS chunks the stock client reassembles', () => {
    const s = new BinarySerialization('BINARY');
    const datagram = Buffer.from(Array.from({ length: 60000 }, (_, i) => i % 251));
    const messages = s.encode(datagram) as Buffer[];
    assert.equal(messages.length, Math.ceil((datagram.length + 3) / CHUNK_SIZE));
    for (const m of messages) assert.ok(m.length <= CHUNK_SIZE + 64);
    const first = unpack(asArrayBuffer(messages[0]!)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), ['__peerData', 'n', 'data', 'total']);
    assert.equal(first['__peerData'], 1);
    const delivered = stockReceive(messages);
    assert.equal(delivered.length, 1);
    assert.deepEqual(Buffer.from(delivered[0] as ArrayBuffer), datagram);
    // The next chunked message gets the next id, as PeerJS numbers them.
    assert.equal((unpack(asArrayBuffer((s.encode(datagram) as Buffer[])[0]!)) as Record<string, unknown>)['__peerData'], 2);
  });

  it('keeps a packed datagram of exactly 16300 bytes in one message (PeerJS chunks only above it)', () => {
    const s = new BinarySerialization('BINARY');
    assert.equal((s.encode(Buffer.alloc(CHUNK_SIZE - 3)) as Buffer[]).length, 1);
    assert.equal((s.encode(Buffer.alloc(CHUNK_SIZE - 2)) as Buffer[]).length, 2);
  });

  it('maps what the stock client sends to datagram bytes: strings as UTF-8, bytes as they are, other values as JSON text', () => {
    const s = new BinarySerialization('BINARY');
    assert.equal(datagramOf(s.decode(packed('héllo 😀'))).toString('utf8'), 'héllo 😀');
    assert.deepEqual(datagramOf(s.decode(packed(new Uint8Array([9, 8, 7])))), Buffer.from([9, 8, 7]));
    assert.deepEqual(datagramOf(s.decode(packed(new Uint8Array([1, 2]).buffer))), Buffer.from([1, 2]));
    assert.equal(datagramOf(s.decode(packed({ a: 1, b: [true, null, 'x'] }))).toString(), '{"a":1,"b":[true,null,"x"]}');
    assert.equal(datagramOf(s.decode(packed(42))).toString(), '42');
    assert.equal(datagramOf(s.decode(packed(1.5))).toString(), '1.5');
    assert.equal(datagramOf(s.decode(packed(null))).toString(), 'null');
    assert.equal(datagramOf(s.decode(packed(false))).toString(), 'false');
  });

  it('reassembles chunked messages from the stock client, in any order and interleaved', () => {
    const s = new BinarySerialization('BINARY');
    const big = new Uint8Array(Array.from({ length: 50000 }, (_, i) => (i * 7) % 256));
    const text = 'ü'.repeat(20000);
    const a = stockChunks(big, 1);
    const b = stockChunks(text, 2);
    const order = [a[2]!, b[0]!, a[0]!, b[2]!, a[3]!, b[1]!, a[1]!];
    const results = order.map((m) => s.decode(m));
    assert.deepEqual(results.slice(0, 5).map((r) => r.kind), ['partial', 'partial', 'partial', 'partial', 'partial']);
    assert.equal(datagramOf(results[5]!).toString('utf8'), text);
    assert.deepEqual(datagramOf(results[6]!), Buffer.from(big));
  });

  it('decodes a small chunked message from its own bytes, not from the Buffer pool it was reassembled in', () => {
    const s = new BinarySerialization('BINARY');
    Buffer.from('{"unrelated":"pooled bytes"}'); // something else in Node's shared pool first
    assert.deepEqual(s.decode(packed({ __peerData: 9, n: 0, total: 2, data: new Uint8Array([0xa3, 1]) })), { kind: 'partial', evicted: 0 });
    assert.deepEqual(datagramOf(s.decode(packed({ __peerData: 9, n: 1, total: 2, data: new Uint8Array([2, 3]) }))), Buffer.from([1, 2, 3]));
  });

  it('drops, without throwing, a value nested too deep to write as JSON text', () => {
    const deep = Buffer.alloc(3001, 0x91); // [[[...null...]]], 3000 levels: unpack() copes, JSON.stringify does not
    deep[3000] = 0xc0;
    assert.deepEqual(new BinarySerialization('BINARY').decode(asArrayBuffer(deep)), { kind: 'drop', reason: 'malformed' });
  });

  it('recognises the in-band close message', () => {
    assert.deepEqual(new BinarySerialization('BINARY').decode(packed({ __peerData: { type: 'close' } })), { kind: 'close' });
  });

  it('drops malformed messages and chunks that do not fit their message, and counts stale partial messages', () => {
    const s = new BinarySerialization('BINARY');
    assert.deepEqual(s.decode(asArrayBuffer(Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]))), { kind: 'drop', reason: 'malformed' });
    assert.deepEqual(s.decode(asArrayBuffer(Buffer.from([0xc7]))), { kind: 'drop', reason: 'malformed' });
    assert.deepEqual(s.decode(packed({ __peerData: 5, n: 3, total: 2, data: new ArrayBuffer(1) })), { kind: 'drop', reason: 'malformed' });
    assert.deepEqual(s.decode(packed({ __peerData: 5, n: 0, total: 2, data: 'not bytes' })), { kind: 'drop', reason: 'malformed' });
    // Eight messages may be in progress; a ninth evicts the oldest, which is counted.
    for (let id = 100; id < 108; id++) assert.deepEqual(s.decode(packed({ __peerData: id, n: 0, total: 2, data: new ArrayBuffer(4) })), { kind: 'partial', evicted: 0 });
    assert.deepEqual(s.decode(packed({ __peerData: 108, n: 0, total: 2, data: new ArrayBuffer(4) })), { kind: 'partial', evicted: 1 });
  });

  it('refuses chunked messages larger than a datagram can carry, once per message', () => {
    const s = new BinarySerialization('BINARY');
    const chunks = stockChunks(new Uint8Array(200000), 7);
    const kinds = chunks.map((c) => s.decode(c));
    const drops = kinds.filter((k) => k.kind === 'drop');
    assert.deepEqual(drops, [{ kind: 'drop', reason: 'too_large' }]);
  });

  it('drops a single message whose value is too large for one datagram', () => {
    const s = new BinarySerialization('BINARY');
    assert.deepEqual(s.decode(packed(new Uint8Array(65508))), { kind: 'drop', reason: 'too_large' });
    assert.equal(datagramOf(s.decode(packed(new Uint8Array(65507)))).length, 65507);
  });
});

describe('BINARY_UTF8 serialization (PeerJS "binary-utf8")', () => {
  it('packs a datagram as a string: the stock client receives the text', () => {
    const s = new BinarySerialization('BINARY_UTF8');
    assert.deepEqual(stockReceive(s.encode(Buffer.from('grüße 😀')) as Buffer[]), ['grüße 😀']);
    const long = 'λ'.repeat(30000);
    assert.deepEqual(stockReceive(s.encode(Buffer.from(long)) as Buffer[]), [long]);
  });

  it('refuses datagrams that are not UTF-8', () => {
    assert.equal(new BinarySerialization('BINARY_UTF8').encode(Buffer.from([0xc3, 0x28])), 'invalid_utf8');
  });

  it('maps received values exactly as BINARY does', () => {
    const s = new BinarySerialization('BINARY_UTF8');
    assert.deepEqual(datagramOf(s.decode(packed(new Uint8Array([1, 2, 3])))), Buffer.from([1, 2, 3]));
    assert.equal(datagramOf(s.decode(packed('abc'))).toString(), 'abc');
    assert.equal(datagramOf(s.decode(packed({ x: 'y' }))).toString(), '{"x":"y"}');
  });
});
