/**
 * Writes the seed corpora of the fuzz harnesses (native/fuzz/corpus/<target>/): RFC 5769 STUN
 * messages, RTP/RTCP protected with the harnesses' keys (so unprotection goes deep), and the
 * DTLS flights and ICE checks of a real simulated handshake.
 * Run: node --import tsx native/fuzz/makeSeeds.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { loadTestAddon } from '../../test/helpers/native/testAddon.js';
import { TransportSimulation, rtcpReceiverReport, rtpPacket } from '../../test/helpers/TransportSimulation.js';

const { sansio } = loadTestAddon();
const corpus = join(import.meta.dirname, 'corpus');
const write = (target: string, name: string, data: Buffer): void => {
  mkdirSync(join(corpus, target), { recursive: true });
  writeFileSync(join(corpus, target, name), data);
};
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

write('stun_message', 'rfc5769-request', hex(`00010058 2112a442 b7e7a701 bc34d686 fa87dfae 80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff 80290008 932ff9b1 51263b36 00060009 6576746a 3a683676 59202020 00080014 9aeaa70c bfd8cb56 781ef2b5
  b2d3f249 c1b571a2 80280004 e57a3bcf`));
write('stun_message', 'rfc5769-ipv6-response', hex(`0101 0048 2112a442 b7e7a701 bc34d686 fa87dfae 8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9 00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41 80280004 c8fb0b4c`));

const rtpKey = Buffer.from(Array.from({ length: 16 }, (_, i) => i + 1));
const rtpSalt = Buffer.from(Array.from({ length: 14 }, (_, i) => i + 20));
for (const profile of ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const) {
  const out = new sansio.SrtpSession({ profile, direction: 'outbound', masterKey: rtpKey, masterSalt: profile === 'AEAD_AES_128_GCM' ? rtpSalt.subarray(0, 12) : rtpSalt });
  const plain = rtpPacket(0x1234, 7, 9000, 96, Buffer.alloc(64, 0x5a));
  write('rtp_packet', `srtp-${profile}`, out.protectRtp(plain) as Buffer);
  write('rtp_packet', 'rtp-plain', plain);
  const withExtension = Buffer.concat([Buffer.from([0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0]), Buffer.alloc(20, 1)]);
  write('rtp_packet', 'rtp-extension', withExtension);
}
const rtcpKey = Buffer.alloc(16);
rtcpKey[0] = 9;
const rtcpSalt = Buffer.alloc(14);
rtcpSalt[0] = 7;
for (const profile of ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'] as const) {
  const out = new sansio.SrtpSession({ profile, direction: 'outbound', masterKey: rtcpKey, masterSalt: profile === 'AEAD_AES_128_GCM' ? rtcpSalt.subarray(0, 12) : rtcpSalt });
  write('rtcp_compound', `srtcp-${profile}`, out.protectRtcp(rtcpReceiverReport(0xabcd)) as Buffer);
}
write('rtcp_compound', 'sr-sdes', hex('80c80006 00000001 00000000 00000000 00000000 00000000 00000000 81ca0003 00000001 01046e616d650000'));

// A real handshake: every datagram either side sent, as the demux harness sees them.
const sim = new TransportSimulation({ latencyUs: 5_000, jitterUs: 0, loss: 0 }, 1);
const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
let n = 0;
sim.tap = (_from, data) => {
  const kind = data[0]! <= 3 ? 'stun' : data[0]! <= 63 ? 'dtls' : 'srtp';
  write('transport_demux', `${kind}-${n}`, Buffer.concat([Buffer.from([0]), data]));
  if (kind === 'dtls') write('transport_demux', `dtls-direct-${n}`, Buffer.concat([Buffer.from([1]), data]));
  n++;
};
sim.connect(a, 'client', b);
await sim.runUntil(() => b.events.some((e) => e.kind === 'connected'), 1_000_000);
a.transport.sendRtp(rtpPacket(1, 1, 1, 96, Buffer.alloc(100)));
await sim.runUntil(() => false, 50_000);
console.log(`wrote ${n} transport seeds`);

// peerjs_decode: [serialization][u16 flags+length][message]... (native/fuzz/peerjs_decode.cc).
{
  const { pack } = await import('peerjs-js-binarypack');
  const { BinarySerialization } = await import('../../src/session/data/serialization/BinarySerialization.js');
  const packed = (v: unknown) => Buffer.from(pack(v as never) as ArrayBuffer);
  const frame = (selector: number, messages: { bytes: Buffer; text?: boolean; grow?: boolean }[]) =>
    Buffer.concat([Buffer.from([selector]), ...messages.flatMap((m) => {
      const header = Buffer.alloc(2);
      header.writeUInt16BE((m.text ? 0x8000 : 0) | (m.grow ? 0x4000 : 0) | m.bytes.length);
      return [header, m.bytes];
    })]);
  const chunks = (new BinarySerialization('BINARY').encode(Buffer.alloc(40000, 7)) as Buffer[]).map((c) => ({ bytes: c.subarray(0, 4000) }));
  write('peerjs_decode', 'binary-values', frame(2, [
    { bytes: packed(new Uint8Array([1, 2, 3])) }, { bytes: packed('héllo') }, { bytes: packed({ a: [1, 2.5, null, true], b: { c: 'd' } }) },
    { bytes: packed({ __peerData: { type: 'close' } }) }, { bytes: packed(-5) }, { bytes: packed(2 ** 40) },
  ]));
  write('peerjs_decode', 'binary-chunks', frame(2, [
    { bytes: packed({ __peerData: 1, n: 1, data: new Uint8Array([3]), total: 2 }) },
    { bytes: packed({ __peerData: 1, n: 0, data: new Uint8Array([0xa2, 1]), total: 2 }) },
    ...chunks,
  ]));
  write('peerjs_decode', 'binary-utf8-grow', frame(3, [{ bytes: Buffer.from('grüße 😀'), grow: true }, { bytes: Buffer.from('text'), text: true }]));
  write('peerjs_decode', 'json', frame(1, [
    { bytes: Buffer.from('{"__peerData":{"type":"close"}}') }, { bytes: Buffer.from(' [1, -2.5e3, "\\u00e9", {"k": null}] ') },
    { bytes: Buffer.from('{"bad": }') },
  ]));
  write('peerjs_decode', 'none', frame(0, [{ bytes: Buffer.from([0, 1, 2]) }, { bytes: Buffer.from('x'), text: true, grow: true }]));
}
