// The native PeerJS serializations (native/core/datachannel/PeerJsCodec) against the TypeScript ones
// (src/session/data/serialization), which are the reference: the same inputs through both, in the
// same order (chunk ids and partial messages are state), must give the same results. A native
// 'to-js' result is what the engine hands to TypeScript: decoded there as BinarySerialization does,
// it must give what the TypeScript codec gave for the original message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { pack } from 'peerjs-js-binarypack';

import type { DropReason } from '../../../src/session/data/DropReason.js';
import { BinarySerialization } from '../../../src/session/data/serialization/BinarySerialization.js';
import { createSerialization } from '../../../src/session/data/serialization/createSerialization.js';
import type { DataSerialization, DecodedMessage, SerializationName } from '../../../src/session/data/serialization/DataSerialization.js';
import { loadTestAddon, type RawDecodedMessage } from '../../helpers/native/testAddon.js';

const { sansio } = loadTestAddon();
const NAMES: SerializationName[] = ['NONE', 'JSON', 'BINARY', 'BINARY_UTF8'];

/** A deterministic generator (mulberry32), so a failure names a reproducible input. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));
  const codePoint = (): number => {
    const range = int(4);
    const cp = range === 0 ? int(0x80) : range === 1 ? 0x80 + int(0x780) : range === 2 ? 0x800 + int(0xf800) : 0x10000 + int(0x100000);
    return cp >= 0xd800 && cp <= 0xdfff ? 0x41 : cp;
  };
  const text = (n: number): string => String.fromCodePoint(...Array.from({ length: n }, codePoint));
  return { next, int, bytes, text };
}

const arrayBuffer = (b: Uint8Array): ArrayBuffer => new Uint8Array(b).buffer as ArrayBuffer;
const packed = (value: unknown): Buffer => Buffer.from(pack(value as never) as ArrayBuffer);

type Reference = { kind: 'datagram'; datagram: Buffer } | { kind: 'close' } | { kind: 'partial'; evicted: number } | { kind: 'drop'; reason: DropReason };

/** The TypeScript result, comparable with assert.deepEqual. */
function reference(d: DecodedMessage): Reference {
  if (d.kind === 'datagram') return { kind: 'datagram', datagram: Buffer.from(d.datagram) };
  return d;
}

/** The native result as the gateway would end up with it: 'to-js' decoded by TypeScript. */
function nativeResult(r: RawDecodedMessage, name: SerializationName): Reference {
  switch (r.kind) {
    case 'to-js': {
      assert.ok(name === 'BINARY' || name === 'BINARY_UTF8', `to-js under ${name}`);
      const slow = new BinarySerialization(name as 'BINARY').decode(arrayBuffer(r.packed));
      // Never a chunk (the native codec reassembles them); a close only through JavaScript's object model.
      assert.notEqual(slow.kind, 'partial', 'to-js bytes decode to a chunk in TypeScript');
      return reference(slow);
    }
    case 'datagram': return { kind: 'datagram', datagram: r.datagram };
    case 'partial': return { kind: 'partial', evicted: r.evicted };
    case 'drop': return { kind: 'drop', reason: r.reason };
    case 'close': return { kind: 'close' };
  }
}

/** One connection's codecs, both sides of the comparison. */
class Pair {
  readonly ts: DataSerialization;
  readonly native: InstanceType<typeof sansio.PeerJsCodec>;
  counts = { encoded: 0, decoded: 0, toJs: 0, chunked: 0 };
  constructor(readonly name: SerializationName) {
    this.ts = createSerialization(name);
    this.native = new sansio.PeerJsCodec(name);
  }

  encode(datagram: Buffer, what: string): void {
    const expected = this.ts.encode(datagram);
    const actual = this.native.encode(datagram);
    if (typeof expected === 'string') assert.equal(actual, expected, `${this.name} encode ${what}`);
    else {
      assert.ok(Array.isArray(actual), `${this.name} encode ${what}: native refused with ${String(actual)}`);
      assert.equal(actual.length, expected.length, `${this.name} encode ${what}: messages`);
      for (let k = 0; k < expected.length; k++) assert.ok(actual[k]!.equals(expected[k]!), `${this.name} encode ${what}: message ${k}`);
      if (expected.length > 1) this.counts.chunked++;
    }
    this.counts.encoded++;
  }

  decode(message: Uint8Array | string, what: string): void {
    const binary = typeof message !== 'string';
    const expected = reference(this.ts.decode(binary ? arrayBuffer(message) : message));
    const raw = this.native.decode(binary ? message : Buffer.from(message, 'utf8'), binary);
    if (raw.kind === 'to-js') this.counts.toJs++;
    assert.deepEqual(nativeResult(raw, this.name), expected, `${this.name} decode ${what}`);
    this.counts.decoded++;
  }
}

// Datagrams: sizes around every header and chunk boundary, random bytes, UTF-8 and not, JSON and not.
function datagrams(): { what: string; bytes: Buffer }[] {
  const r = random(20);
  const out: { what: string; bytes: Buffer }[] = [];
  const sizes = [0, 1, 15, 16, 255, 256, 65535 - 5, 65507, 65527];
  for (let n = 16290; n <= 16310; n++) sizes.push(n);
  for (const n of sizes) {
    out.push({ what: `${n} random bytes`, bytes: r.bytes(n) });
    out.push({ what: `${n} ASCII bytes`, bytes: Buffer.alloc(n, 0x61) });
  }
  for (let i = 0; i < 300; i++) out.push({ what: `random ${i}`, bytes: r.bytes(r.int(i < 280 ? 64 : 40000)) });
  for (let i = 0; i < 300; i++) out.push({ what: `UTF-8 ${i}`, bytes: Buffer.from(r.text(r.int(i < 280 ? 40 : 20000)), 'utf8') });
  const invalid = ['c0af', 'c1bf', 'e080af', 'eda080', 'edbfbf', 'f08f8080', 'f4908080', 'f5808080', 'ff', '80', 'c3', 'e282', 'f09f98', 'c328', 'efbbbf'];
  for (const h of invalid) {
    out.push({ what: `bytes ${h}`, bytes: Buffer.from(h, 'hex') });
    out.push({ what: `"…${h}…"`, bytes: Buffer.concat([Buffer.from('"a'), Buffer.from(h, 'hex'), Buffer.from('b"')]) });
  }
  for (let i = 0; i < 200; i++) {
    const text = Buffer.from(r.text(20), 'utf8');
    text[r.int(text.length)] = r.int(256);
    out.push({ what: `UTF-8 with a byte changed ${i}`, bytes: text });
  }
  const json = ['{"temp":21.5,"unit":"°C","tags":["a"]}', '"hi"', '42', '-0', '-1.5e-7', '1E+2', '[]', '{}', 'null', 'true', 'false', ' \t\r\n[ 1 , {"a" : [ ] } ]\n',
    '"\\u00e9\\ud83d\\ude00\\ud800\\"\\\\\\/\\b\\f\\n\\r\\t"', '\ufeff{"bom":1}', '{"a":1,"a":2}', '{"__peerData":{"type":"close"}}', '"\u2028\u2029"',
    '[' .repeat(3000) + ']'.repeat(3000), JSON.stringify({ deep: [[[[{ x: 'y'.repeat(30000) }]]]] })];
  const notJson = ['', ' ', 'hello', '{"unclosed":', '[1,]', '{"a":1,}', '01', '1.', '.5', '+1', '-', '1e', '0x10', "'x'", '"a" "b"', '{a:1}', '"tab\there"', '"\\x"',
    '"\\u12g4"', 'nul', 'True', 'NaN', 'Infinity', '[1 2]', '{"a" 1}', '\ufeff', '\ufeff\ufeff1', '\u000b1', '\u00a01', '[', ']', '{"a":1}}', '"\u0001"', '[' .repeat(3000)];
  for (const t of [...json, ...notJson]) out.push({ what: JSON.stringify(t.slice(0, 40)), bytes: Buffer.from(t, 'utf8') });
  for (let i = 0; i < 200; i++) {
    const value = randomValue(r, 4);
    const text = JSON.stringify(value, null, r.int(3)) ?? 'null';
    out.push({ what: `JSON.stringify ${i}`, bytes: Buffer.from(text, 'utf8') });
    if (text.length > 1) out.push({ what: `JSON.stringify ${i} cut`, bytes: Buffer.from(text.slice(0, r.int(text.length)), 'utf8') });
  }
  return out;
}

/** A random JSON-able value (numbers of every BinaryPack width included). */
function randomValue(r: ReturnType<typeof random>, depth: number): unknown {
  const numbers = [0, 1, -1, 127, 128, -32, -33, 255, 256, 65535, 65536, -32768, -32769, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, -(2 ** 53), 1.5, -0.25, 1e-300, 5e-324];
  switch (depth <= 0 ? r.int(5) : r.int(7)) {
    case 0: return numbers[r.int(numbers.length)];
    case 1: return r.text(r.int(12));
    case 2: return [true, false, null][r.int(3)];
    case 3: return r.int(1000) - 500;
    case 4: return r.next();
    case 5: return Array.from({ length: r.int(4) }, () => randomValue(r, depth - 1));
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.text(r.int(6)), randomValue(r, depth - 1)]));
  }
}

describe('PeerJsCodec (native) against the TypeScript serializations', () => {
  it('encodes every datagram to the same messages, byte for byte, or drops it for the same reason', () => {
    const inputs = datagrams();
    for (const name of NAMES) {
      const pair = new Pair(name);
      for (const { what, bytes } of inputs) pair.encode(bytes, what);
      assert.equal(pair.counts.encoded, inputs.length);
      if (name === 'BINARY' || name === 'BINARY_UTF8') assert.ok(pair.counts.chunked > 20, `${name}: ${pair.counts.chunked} chunked`);
    }
  });

  it('decodes what a PeerJS sender packs (bytes, strings, maps, arrays, numbers, chunks, close) to the same result', () => {
    const r = random(21);
    for (const name of ['BINARY', 'BINARY_UTF8'] as const) {
      const pair = new Pair(name);
      const values: unknown[] = [
        new Uint8Array(0), new Uint8Array([1, 2, 3]), new Uint8Array(65507), new Uint8Array(65508), new Uint8Array(70000).buffer, '', 'héllo 😀', 'x'.repeat(65507), 'é'.repeat(32754),
        '\ud800 lone', 0, -1, 42, 1.5, -2.75, 2 ** 53, -(2 ** 63), 123.456, -1e-300, 5e-324, true, false, null, undefined, [], {}, [1, [2, [3, 'a']]],
        { a: 1, b: [true, null, 'x'] }, { __peerData: { type: 'close' } }, { x: 1, __peerData: { type: 'close', reason: 'bye' } }, { __peerData: { type: 'open' } },
        { __peerData: null }, { __peerData: undefined, a: 1 }, { __peerData: 'close' }, { __peerData: [1] }, { __peerData: new Uint8Array(1) }, { __peerData: true },
        { __peerData: 3, n: 0, total: 1, data: packed(new Uint8Array([5])) }, { __peerData: 3.5, n: 0, total: 1, data: packed('z') },
        { __peerData: -0, n: -0, total: 1, data: packed(7) }, { __peerData: 4, n: 0, total: 1, data: 'not bytes' }, { __peerData: 4, n: 1, total: 1, data: new Uint8Array(1) },
        { __peerData: 4, n: 0.5, total: 2, data: new Uint8Array(1) }, { __peerData: 4, n: 0, data: new Uint8Array(1) }, { __peerData: 4, n: 0, total: 65, data: new Uint8Array(1) },
        { __peerData: 2 ** 60, n: 0, total: 2 ** 40, data: new Uint8Array(1) }, { __peerData: 5, n: 0, total: 1, data: packed({ __peerData: 1, n: 0, total: 1, data: new Uint8Array(1) }) },
        { __peerData: 6, n: 0, total: 1, data: packed({ __peerData: { type: 'close' } }) }, { __peerData: 7, n: 0, total: 1, data: packed({ k: [1, 'two'] }) },
        Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])), { big: 'y'.repeat(70000) },
      ];
      for (let i = 0; i < 300; i++) values.push(randomValue(r, 4));
      for (const [i, value] of values.entries()) pair.decode(packed(value), `value ${i}`);

      // Chunked messages from the TypeScript encoder and from the stock client's chunking of any value,
      // delivered shuffled and interleaved, some chunks lost, some repeated.
      const sender = new BinarySerialization('BINARY');
      const chunked: Buffer[] = [];
      for (let i = 0; i < 20; i++) chunked.push(...(sender.encode(r.bytes(16298 + r.int(49000))) as Buffer[]));
      const utf8Sender = new BinarySerialization('BINARY_UTF8');
      for (let i = 0; i < 5; i++) chunked.push(...(utf8Sender.encode(Buffer.from(r.text(6000 + r.int(8000)), 'utf8')) as Buffer[]));
      for (let id = 500; id < 510; id++) {
        const whole = packed(id % 2 ? { map: r.text(9000), list: [1, 2, 'x'.repeat(20000)] } : 'ü'.repeat(8000 + id));
        const total = Math.ceil(whole.length / 16300);
        for (let n = 0; n < total; n++) chunked.push(packed({ __peerData: id, n, data: whole.subarray(n * 16300, (n + 1) * 16300), total }));
      }
      for (let i = chunked.length - 1; i > 0; i--) {
        const j = r.int(i + 1);
        [chunked[i], chunked[j]] = [chunked[j]!, chunked[i]!];
      }
      for (const [i, message] of chunked.entries()) {
        if (r.int(20) === 0) continue; // lost
        pair.decode(message, `chunk ${i}`);
        if (r.int(20) === 0) pair.decode(message, `chunk ${i} again`);
      }
      assert.ok(pair.counts.toJs > 100, `${name}: ${pair.counts.toJs} values went to JavaScript`);
    }
  });

  it('decodes truncated, mutated and garbage BinaryPack messages to the same result', () => {
    const r = random(22);
    const pair = new Pair('BINARY');
    const samples = [
      packed({ key: 'value', list: [1, 2, 3] }), packed({ __peerData: { type: 'close' } }), packed({ __peerData: 9, n: 0, total: 2, data: new Uint8Array([0xa3, 1]) }),
      packed({ __peerData: 9, n: 1, total: 2, data: new Uint8Array([2, 3]) }), packed([1.5, -7, 'ü', new Uint8Array(3), null, { a: true }]), packed('héllo'), packed(new Uint8Array(20)),
    ];
    for (const s of samples) for (let cut = 0; cut <= s.length; cut++) pair.decode(s.subarray(0, cut), `cut ${s.toString('hex')} at ${cut}`);
    for (let i = 0; i < 4000; i++) {
      const m = Buffer.from(samples[r.int(samples.length)]!);
      for (let k = 1 + r.int(3); k > 0; k--) m[r.int(m.length)] = r.int(4) === 0 ? [0xc0, 0xc1, 0xd4, 0x91, 0x81, 0xa0, 0xb0, 0xcb, 0xd3][r.int(9)]! : r.int(256);
      pair.decode(m, `mutated ${m.toString('hex')}`);
    }
    for (let i = 0; i < 2000; i++) {
      const m = r.bytes(1 + r.int(24));
      pair.decode(m, `garbage ${m.toString('hex')}`);
    }
  });

  it('follows the library on strings that are not UTF-8, unusual keys and numbers, and deep nesting', () => {
    const pair = new Pair('BINARY');
    const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ''), 'hex');
    const key = (s: string): string => Buffer.from(packed(s)).toString('hex');
    const cases = [
      'b2c0af', 'b3eda080', 'b6eda080edb080', 'b6edb080eda080', 'b185', 'b19f', 'b1a5', 'b1ff', 'b4f7bfbfbf', 'b4f48fbfbf', 'b4f490', 'b2e282', 'b3f09f98', 'b1c3',
      `81 91 ${key('__peerData')} 81 ${key('type')} ${key('close')}`, // a one-element array key names the property
      `81 9191 ${key('__peerData')} 81 ${key('type')} ${key('close')}`,
      `81 92 ${key('__peerData')} c0 81 ${key('type')} ${key('close')}`,
      `81 ba c19f c19f 70 65 65 72 44 61 74 61 81 ${key('type')} ${key('close')}`, // "__peerData" through the library's decoder of overlongs
      `81 ${key('__proto__')} 81 ${key('__peerData')} 81 ${key('type')} ${key('close')}`, // a prototype carrying the close
      `82 ${key('__peerData')} 81 ${key('type')} ${key('close')} 81 c0 01 01`, // a map as a key
      `82 ${key('__peerData')} 81 ${key('type')} ${key('close')} 81 81 ${key('toString')} 01 02`, // a key object that cannot become a string
      `82 ${key('__peerData')} 81 ${key('type')} ${key('close')} ${key('x')} b4f7bfbfbf`, // a string the library cannot decode
      `84 ${key('__peerData')} cb 3ff0000000000000 ${key('n')} ca 00000000 ${key('total')} cb 4000000000000000 ${key('data')} a1 07`,
      `84 ${key('__peerData')} cf ffffffffffffffff ${key('n')} d3 0000000000000000 ${key('total')} cf 0000000000000002 ${key('data')} a2 a3 01`,
      `84 ${key('__peerData')} d3 ffffffffffffffff ${key('n')} 00 ${key('total')} 01 ${key('data')} a1 2a`,
      `84 ${key('__peerData')} cb 7ff0000000000000 ${key('n')} 00 ${key('total')} 01 ${key('data')} a1 2a`,
      `84 ${key('__peerData')} cb 0000000000000001 ${key('n')} 00 ${key('total')} 01 ${key('data')} a1 2a`,
      `84 ${key('__peerData')} 01 ${key('n')} 00 ${key('total')} 02 ${key('data')} a0 a0`, // trailing bytes
      `85 ${key('__peerData')} 02 ${key('n')} 00 ${key('total')} 01 ${key('data')} a1 c3 ${key('n')} c0`, // the last n wins
      `81 ${key('__peerData')} c1`, `81 ${key('__peerData')} d4`, 'c1', 'd7', 'c0 ff', 'a0 c7',
      '91'.repeat(999) + 'c0', '91'.repeat(1200) + 'c0', '91'.repeat(3000) + 'c0', '91'.repeat(6000) + 'c0',
      `82 ${key('__peerData')} 81 ${key('type')} ${key('close')} ${key('deep')} ${'91'.repeat(999)} c0`,
      `82 ${key('__peerData')} 81 ${key('type')} ${key('close')} ${key('deep')} ${'91'.repeat(6000)} c0`,
    ];
    for (const c of cases) pair.decode(hex(c), c.slice(0, 80));
  });

  it('decodes text messages, JSON messages and raw messages to the same result', () => {
    const r = random(23);
    const inputs = datagrams();
    for (const name of NAMES) {
      const pair = new Pair(name);
      for (const { what, bytes } of inputs) {
        pair.decode(bytes, `binary ${what}`);
        pair.decode(bytes.toString('utf8'), `text ${what}`);
      }
      for (const t of ['{"__peerData":{"type":"close"}}', ' {"x":[],"__peerData" : {"a":{"type":1},"type":"close"}} ', '{"__peer\\u0044ata":{"type":"\\u0063lose"}}',
        '{"__peerData":{"type":"close"},"__peerData":{}}', '{"__peerData":{"type":"close","type":null}}', '{"__proto__":{"__peerData":{"type":"close"}}}',
        '[{"__peerData":{"type":"close"}}]', '{"__peerData":[{"type":"close"}]}', '\ufeff{"__peerData":{"type":"close"}}', '{"__peerData":{"type":"close"}} x']) {
        pair.decode(Buffer.from(t, 'utf8'), t);
        pair.decode(t, `text ${t}`);
      }
      for (let i = 0; i < 300; i++) pair.decode(r.bytes(r.int(30)), `random ${i}`);
      pair.decode(Buffer.alloc(65508, 0x31), '65508 digits');
      pair.decode(Buffer.alloc(65507, 0x31), '65507 digits');
    }
  });
});
