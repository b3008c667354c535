import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { pack, unpack } from 'peerjs-js-binarypack';

import { isWellFormedBinaryPack, packBinary, packUtf8 } from '../../../src/session/data/serialization/BinaryPackFraming.js';

const libraryPack = (value: any): Buffer => Buffer.from(pack(value) as ArrayBuffer);

describe('BinaryPack framing', () => {
  for (const length of [0, 1, 15, 16, 300, 65535, 65536, 70000]) {
    it(`packBinary of ${length} bytes is byte for byte what peerjs-js-binarypack packs`, () => {
      const bytes = Buffer.alloc(length, 0x5a);
      assert.deepEqual(packBinary(bytes), libraryPack(new Uint8Array(bytes)));
    });

    it(`packUtf8 of a ${length}-byte string is byte for byte what peerjs-js-binarypack packs`, () => {
      const text = 'é'.repeat(length >> 1) + 'x'.repeat(length & 1);
      assert.deepEqual(packUtf8(Buffer.from(text, 'utf8')), libraryPack(text));
    });
  }

  it('a string packed from its UTF-8 bytes unpacks to the same string, emoji included', () => {
    const text = 'héllo wörld 😀 — ✓';
    assert.equal(unpack(new Uint8Array(packUtf8(Buffer.from(text))).buffer as ArrayBuffer), text);
  });

  it('accepts what the library packs: scalars, strings, bytes, nested arrays and maps', () => {
    const values: unknown[] = [
      0, 127, -32, 255, 65535, 2 ** 31, -(2 ** 31), 1.5, true, false, null, '', 'x'.repeat(70000),
      new Uint8Array(20), [1, [2, [3, 'a']], { k: new Uint8Array(3) }], { a: 1, b: { c: [true, null] } },
      Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, i])),
    ];
    for (const v of values) assert.ok(isWellFormedBinaryPack(new Uint8Array(libraryPack(v))), JSON.stringify(v)?.slice(0, 40));
  });

  it('rejects truncated values and type codes BinaryPack does not have', () => {
    const whole = libraryPack({ key: 'value', list: [1, 2, 3] });
    for (let cut = 0; cut < whole.length; cut++) assert.equal(isWellFormedBinaryPack(whole.subarray(0, cut)), false, `cut at ${cut}`);
    for (const type of [0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9]) assert.equal(isWellFormedBinaryPack(Buffer.from([type])), false);
  });

  it('rejects containers that declare more elements than bytes remain, without walking them', () => {
    const hostile = [
      Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]), // array of 2^32-1
      Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff, 0x01, 0x02]), // map of 2^32-1
      Buffer.from([0xdc, 0xff, 0xff]), // array of 65535, no elements
      Buffer.from([0xdb, 0x7f, 0xff, 0xff, 0xff, 0x00]), // raw of 2 GiB
    ];
    const start = performance.now();
    for (const bytes of hostile) assert.equal(isWellFormedBinaryPack(bytes), false);
    assert.ok(performance.now() - start < 50, 'the walk is bounded by the message length');
  });
});
