import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';

const { sansio } = loadTestAddon();

// A STUN message (RFC 8489 section 5) of the given type with an optional USERNAME; the demux
// needs no MESSAGE-INTEGRITY (the transport checks it).
function stun(type: number, transactionId: Buffer, username?: string): Buffer {
  const attrs: Buffer[] = [];
  if (username !== undefined) {
    const value = Buffer.from(username);
    const header = Buffer.alloc(4);
    header.writeUInt16BE(0x0006, 0);
    header.writeUInt16BE(value.length, 2);
    attrs.push(header, value, Buffer.alloc((4 - (value.length % 4)) % 4));
  }
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(body.length, 2);
  head.writeUInt32BE(0x2112a442, 4);
  transactionId.copy(head, 8);
  return Buffer.concat([head, body]);
}
const request = (username: string, id = randomBytes(12)) => stun(0x0001, id, username);
const success = (id: Buffer) => stun(0x0101, id);
const errorResponse = (id: Buffer) => stun(0x0111, id);
const srtp = Buffer.from([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 9, 9, 9, 9]);
const dtls = Buffer.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

describe('SharedSocketDemux (many ICE agents on one UDP socket)', () => {
  it('routes a Binding request by the receiver ufrag before the colon (RFC 8445 section 7.2.2)', () => {
    const d = new sansio.SharedSocketDemux();
    assert.equal(d.addOwner(1, 'aaaa1111'), true);
    assert.equal(d.addOwner(2, 'bbbb2222'), true);
    assert.equal(d.route('127.0.0.1', 5000, request('bbbb2222:remote1'), 0), 2);
    assert.equal(d.route('127.0.0.1', 5000, request('aaaa1111:remote1'), 0), 1, 'the same source address, the other owner');
    assert.equal(d.route('127.0.0.1', 5000, request('cccc3333:remote1'), 0), null);
    assert.equal(d.route('127.0.0.1', 5000, request('bbbb2222'), 0), 2, 'a USERNAME without a colon is the ufrag');
    assert.deepEqual([d.stats().byUfrag, d.stats().unknown], [3, 1]);
  });

  it('refuses a ufrag or an owner that is already there', () => {
    const d = new sansio.SharedSocketDemux();
    assert.equal(d.addOwner(1, 'same'), true);
    assert.equal(d.addOwner(2, 'same'), false);
    assert.equal(d.addOwner(1, 'other'), false);
    assert.equal(d.route('127.0.0.1', 5000, request('same:x'), 0), 1);
  });

  it('sends nothing but STUN requests to an owner before its address is proven', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    assert.equal(d.route('10.0.0.1', 4000, srtp, 0), null);
    assert.equal(d.route('10.0.0.1', 4000, dtls, 0), null);
    // The owner's request out proves nothing about who is behind the address.
    d.onSend(1, '10.0.0.1', 4000, request('remote:aaaa1111'), 0);
    assert.equal(d.route('10.0.0.1', 4000, srtp, 0), null);
    assert.equal(d.stats().unknown, 3);
  });

  it('learns an address from a success response the owner sends, then routes DTLS and SRTP from it', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    d.addOwner(2, 'bbbb2222');
    const id = randomBytes(12);
    assert.equal(d.route('10.0.0.2', 4002, request('bbbb2222:r', id), 0), 2);
    d.onSend(2, '10.0.0.2', 4002, success(id), 0);
    assert.equal(d.route('10.0.0.2', 4002, dtls, 0), 2);
    assert.equal(d.route('10.0.0.2', 4002, srtp, 0), 2);
    assert.equal(d.route('10.0.0.2', 4003, srtp, 0), null, 'another port is another address');
    // An error response (say 401 to an unauthenticated request) proves nothing.
    d.onSend(1, '10.0.0.9', 4009, errorResponse(randomBytes(12)), 0);
    assert.equal(d.route('10.0.0.9', 4009, srtp, 0), null);
    assert.equal(d.stats().byAddress, 2);
  });

  it('routes a response by the transaction ID of the request its owner sent, and that success proves the address', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    d.addOwner(2, 'bbbb2222');
    const id1 = randomBytes(12);
    const id2 = randomBytes(12);
    // Both ask the same server (a STUN server, say): only the transaction tells them apart.
    d.onSend(1, '192.0.2.1', 3478, request('x:y', id1), 1_000);
    d.onSend(2, '192.0.2.1', 3478, request('x:y', id2), 1_000);
    assert.equal(d.route('192.0.2.1', 3478, success(id2), 2_000), 2);
    assert.equal(d.route('192.0.2.1', 3478, errorResponse(id1), 2_000), 1);
    assert.equal(d.route('192.0.2.1', 3478, success(id1), 2_000), 2, 'answered once: a second response goes by address');
    assert.equal(d.route('192.0.2.1', 3478, srtp, 2_000), 2, 'the success response proved the address for owner 2');
    assert.equal(d.stats().byTransaction, 2);
  });

  it('forgets a request after 40 s (RFC 8489 section 6.2.1), and bounds what unanswered requests keep', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    const id = randomBytes(12);
    d.onSend(1, '192.0.2.1', 3478, request('x:y', id), 0);
    assert.equal(d.stats().pendingTransactions, 1);
    assert.equal(d.route('192.0.2.1', 3478, success(id), 40_000_001), null);
    assert.equal(d.stats().pendingTransactions, 0);
    for (let i = 0; i < 70_000; i++) d.onSend(1, '192.0.2.1', 3478, request('x:y'), 1);
    assert.equal(d.stats().pendingTransactions, 65_536);
  });

  it('a second owner proving the same address takes it over, and the takeover is counted', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    d.addOwner(2, 'bbbb2222');
    d.onSend(1, '10.0.0.3', 4003, success(randomBytes(12)), 0);
    assert.equal(d.route('10.0.0.3', 4003, srtp, 0), 1);
    d.onSend(2, '10.0.0.3', 4003, success(randomBytes(12)), 0);
    assert.equal(d.route('10.0.0.3', 4003, srtp, 0), 2);
    assert.equal(d.stats().addressTakeovers, 1);
    d.removeOwner(1);
    assert.equal(d.route('10.0.0.3', 4003, srtp, 0), 2, "removing the old owner leaves the new owner's address");
  });

  it('removing an owner frees its ufrag and its addresses', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    d.onSend(1, '10.0.0.4', 4004, success(randomBytes(12)), 0);
    d.onSend(1, '::1', 4004, success(randomBytes(12)), 0);
    assert.deepEqual([d.stats().owners, d.stats().addresses], [1, 2]);
    d.removeOwner(1);
    assert.deepEqual([d.stats().owners, d.stats().addresses], [0, 0]);
    assert.equal(d.route('10.0.0.4', 4004, srtp, 0), null);
    assert.equal(d.route('::1', 4004, srtp, 0), null);
    assert.equal(d.route('127.0.0.1', 1, request('aaaa1111:r'), 0), null);
    assert.equal(d.addOwner(3, 'aaaa1111'), true, 'the ufrag is free again');
  });

  it('drops truncated or malformed datagrams without routing them', () => {
    const d = new sansio.SharedSocketDemux();
    d.addOwner(1, 'aaaa1111');
    const good = request('aaaa1111:r');
    assert.equal(d.route('127.0.0.1', 1, good.subarray(0, 25), 0), null);
    assert.equal(d.route('127.0.0.1', 1, Buffer.alloc(0), 0), null);
    assert.equal(d.route('127.0.0.1', 1, Buffer.from([0, 1, 0, 0]), 0), null);
    d.onSend(1, '127.0.0.1', 1, Buffer.alloc(0), 0);
    d.onSend(1, '127.0.0.1', 1, success(randomBytes(12)).subarray(0, 19), 0);
    assert.equal(d.stats().addresses, 0);
  });
});
