import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { JsonSerialization } from '../../../src/session/data/serialization/JsonSerialization.js';
import { RawSerialization } from '../../../src/session/data/serialization/RawSerialization.js';

const bytes = (text: string): ArrayBuffer => new TextEncoder().encode(text).buffer as ArrayBuffer;

describe('JSON serialization (PeerJS "json")', () => {
  it('sends a datagram of JSON text unchanged, as the bytes the stock client decodes and parses', () => {
    const datagram = Buffer.from('{"temp":21.5,"unit":"°C","tags":["a"]}');
    const [message] = new JsonSerialization().encode(datagram) as Buffer[];
    assert.equal(message, datagram);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(message)), { temp: 21.5, unit: '°C', tags: ['a'] });
  });

  it('accepts any JSON text: strings, numbers, arrays, null', () => {
    for (const text of ['"hi"', '42', '[1,2]', 'null', ' true ']) assert.ok(Array.isArray(new JsonSerialization().encode(Buffer.from(text))));
  });

  it('drops datagrams that are not JSON text, or not UTF-8', () => {
    const s = new JsonSerialization();
    assert.equal(s.encode(Buffer.from('{"unclosed":')), 'invalid_json');
    assert.equal(s.encode(Buffer.from('hello')), 'invalid_json');
    assert.equal(s.encode(Buffer.alloc(0)), 'invalid_json');
    assert.equal(s.encode(Buffer.from([0x22, 0xff, 0x22])), 'invalid_utf8');
  });

  it('turns a received message into a datagram with exactly its JSON text', () => {
    const text = JSON.stringify({ hello: 'wörld', n: [1, 2, 3] });
    assert.deepEqual(new JsonSerialization().decode(bytes(text)), { kind: 'datagram', datagram: Buffer.from(text) });
    assert.deepEqual(new JsonSerialization().decode('"as text"'), { kind: 'datagram', datagram: Buffer.from('"as text"') });
  });

  it('recognises the in-band close message and drops what is not JSON', () => {
    const s = new JsonSerialization();
    assert.deepEqual(s.decode(bytes('{"__peerData":{"type":"close"}}')), { kind: 'close' });
    assert.deepEqual(s.decode(bytes('not json')), { kind: 'drop', reason: 'invalid_json' });
    assert.deepEqual(s.decode(new Uint8Array([0xff, 0xfe]).buffer as ArrayBuffer), { kind: 'drop', reason: 'invalid_utf8' });
  });
});

describe('NONE serialization (PeerJS "raw")', () => {
  it('sends datagrams as they are and turns binary and text messages into their bytes', () => {
    const s = new RawSerialization();
    const datagram = Buffer.from([0, 0xff, 0x10]);
    assert.deepEqual(s.encode(datagram), [datagram]);
    assert.deepEqual(s.decode(new Uint8Array([5, 6]).buffer as ArrayBuffer), { kind: 'datagram', datagram: Buffer.from([5, 6]) });
    assert.deepEqual(s.decode('tëxt'), { kind: 'datagram', datagram: Buffer.from('tëxt', 'utf8') });
  });

  it('drops a message larger than one datagram', () => {
    assert.deepEqual(new RawSerialization().decode(new ArrayBuffer(65508)), { kind: 'drop', reason: 'too_large' });
  });
});
