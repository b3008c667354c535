import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import { Coturn, mintTurnRestCredentials } from '../helpers/coturn.js';
import { TurnClientDriver, UdpPeer } from '../helpers/turnClientDriver.js';

// The sans-IO TurnClient (native/core/turn) against a real coturn on loopback: the client's
// bytes cross real UDP and TCP sockets, a plain UDP socket plays the peer behind the relay.

const STUN_SEND_INDICATION = 0x0016;
const STUN_DATA_INDICATION = 0x0017;

const isSendIndicationWith = (b: Buffer, payload: Buffer): boolean =>
  b.length >= 20 && b.readUInt16BE(0) === STUN_SEND_INDICATION && b.includes(payload);
const isChannelDataWith = (b: Buffer, channel: number, payload: Buffer): boolean =>
  b.length >= 4 + payload.length && b.readUInt16BE(0) === channel && b.readUInt16BE(2) === payload.length && b.subarray(4, 4 + payload.length).equals(payload);

async function udpBindable(port: number): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise<boolean>((resolve) => {
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/** Permission, a Send/Data indication each way, channel bind, a ChannelData each way. */
async function exchangeThroughRelay(driver: TurnClientDriver, relayed: string, peer: UdpPeer, tcp: boolean): Promise<void> {
  const { client } = driver;
  assert.ok(client.createPermission(0, '127.0.0.1', peer.port));
  driver.client.handleTimeout(0); // nothing due: proves a stray timeout is harmless
  driver.pump();
  await driver.waitFor('the permission', () => client.stats().permissions === 1);

  const toPeer = Buffer.from('via a Send indication');
  assert.equal(client.send('127.0.0.1', peer.port, toPeer), true);
  driver.pump();
  await driver.waitFor('the peer to get the indication payload', () => peer.received.length === 1);
  assert.deepEqual(peer.received[0]!.data, toPeer);
  assert.equal(`${peer.received[0]!.ip}:${peer.received[0]!.port}`, relayed, 'the peer sees the relayed address');
  assert.ok(driver.toServer.some((b) => isSendIndicationWith(b, toPeer)), 'a Send indication carried it to the server');

  const fromPeer = Buffer.from('back as a Data indication');
  peer.send(fromPeer, relayed);
  await driver.waitFor('the Data indication', () => driver.received.length === 1);
  assert.deepEqual(driver.received[0], { ip: '127.0.0.1', port: peer.port, data: fromPeer });
  if (!tcp) assert.ok(driver.fromServer.some((b) => b.readUInt16BE(0) === STUN_DATA_INDICATION && b.includes(fromPeer)));
  assert.equal(client.stats().sendIndications, 1);
  assert.equal(client.stats().dataIndications, 1);
  assert.equal(client.channelFor('127.0.0.1', peer.port), null, 'no channel yet');

  assert.ok(client.bindChannel(0, '127.0.0.1', peer.port));
  driver.pump();
  await driver.waitFor('the channel', () => client.stats().channelBinds === 1);
  const channel = client.channelFor('127.0.0.1', peer.port);
  assert.equal(channel, 0x4000);

  // Odd lengths: over TCP each ChannelData is padded to 4 bytes both ways (RFC 8656 section 12.5).
  const toPeer2 = Buffer.from('via ChannelData!!');
  assert.equal(client.send('127.0.0.1', peer.port, toPeer2), true);
  driver.pump();
  await driver.waitFor('the peer to get the ChannelData payload', () => peer.received.length === 2);
  assert.deepEqual(peer.received[1]!.data, toPeer2);
  const wire = driver.toServer.find((b) => isChannelDataWith(b, 0x4000, toPeer2));
  assert.ok(wire, 'ChannelData with channel 0x4000 carried it');
  assert.equal(wire.length, tcp ? 24 : 4 + toPeer2.length, tcp ? 'padded to 4 on TCP' : 'not padded on UDP');

  const fromPeer2 = Buffer.from('back as ChannelData');
  peer.send(fromPeer2, relayed);
  await driver.waitFor('the ChannelData', () => driver.received.length === 2);
  assert.deepEqual(driver.received[1], { ip: '127.0.0.1', port: peer.port, data: fromPeer2 });
  if (!tcp) assert.ok(driver.fromServer.some((b) => isChannelDataWith(b, 0x4000, fromPeer2)), 'the server used the channel');
  const s = client.stats();
  assert.equal(s.channelDataSent, 1);
  assert.equal(s.channelDataReceived, 1);
  assert.equal(s.sendIndications, 1, 'no more indications once the channel is bound');
  assert.equal(s.dataIndications, 1);
  assert.equal(s.malformed, 0);
}

describe('TurnClient against coturn with static long-term credentials', () => {
  let turn: Coturn;
  before(async () => {
    turn = await Coturn.start({ users: [{ username: 'alice', password: 'wonderland' }] });
  });
  after(() => turn.stop());

  it('allocates over UDP after the 401 challenge and reports the relayed and mapped addresses', async () => {
    const driver = await TurnClientDriver.open({ server: turn, username: 'alice', credential: 'wonderland' });
    try {
      driver.start();
      const allocated = await driver.allocated();
      const [ip, port] = allocated.relayed.split(':');
      assert.equal(ip, '127.0.0.1');
      assert.ok(Number(port) >= turn.relayPorts.min && Number(port) <= turn.relayPorts.max, `relayed port ${port} is coturn's`);
      assert.equal(allocated.mapped, `127.0.0.1:${driver.localPort}`);
      assert.ok(allocated.lifetime > 0 && allocated.lifetime <= 3600);
      const s = driver.client.stats();
      assert.equal(s.requests, 2, 'one unauthenticated Allocate, one with credentials');
      assert.equal(s.authRetries, 1);
      assert.equal(driver.client.state(), 'allocated');
    } finally {
      await driver.close();
    }
  });

  it('exchanges datagrams with a UDP peer through the relay: Send/Data indications first, ChannelData once bound', async () => {
    const driver = await TurnClientDriver.open({ server: turn, username: 'alice', credential: 'wonderland' });
    const peer = await UdpPeer.open();
    try {
      driver.start();
      const { relayed } = await driver.allocated();
      await exchangeThroughRelay(driver, relayed, peer, false);
    } finally {
      await driver.close();
      await peer.close();
    }
  });

  it('carries the same exchange over TCP, the server stream cut at random points', async () => {
    const driver = await TurnClientDriver.open({ server: turn, username: 'alice', credential: 'wonderland', transport: 'tcp', splitSeed: 7 });
    const peer = await UdpPeer.open();
    try {
      driver.start();
      const { relayed } = await driver.allocated();
      await exchangeThroughRelay(driver, relayed, peer, true);
      assert.equal(driver.client.stats().retransmits, 0, 'no retransmission over TCP');
    } finally {
      await driver.close();
      await peer.close();
    }
  });

  it('a wrong password fails with 401 naming the server, after exactly one authenticated try', async () => {
    const driver = await TurnClientDriver.open({ server: turn, username: 'alice', credential: 'not-the-password' });
    try {
      driver.start();
      await driver.waitFor('the failure', () => driver.events.some((e) => e.kind === 'failed'));
      const failed = driver.events.find((e) => e.kind === 'failed');
      assert.ok(failed && failed.kind === 'failed');
      assert.equal(failed.code, 401);
      assert.match(failed.text, new RegExp(`^turn:127\\.0\\.0\\.1:${turn.port} 401 `));
      // Nothing more goes out afterwards: no retry storm.
      await new Promise((r) => setTimeout(r, 1200));
      driver.pump();
      assert.equal(driver.toServer.length, 2);
      assert.equal(driver.client.stats().requests, 2);
      assert.equal(driver.client.state(), 'failed');
      assert.equal(driver.client.nextTimeout(), null);
    } finally {
      await driver.close();
    }
  });

  it('close() deallocates with a Refresh of LIFETIME 0: coturn logs it and frees the relayed port', async () => {
    const driver = await TurnClientDriver.open({ server: turn, username: 'alice', credential: 'wonderland' });
    try {
      driver.start();
      const { relayed } = await driver.allocated();
      const relayedPort = Number(relayed.split(':')[1]);
      assert.equal(await udpBindable(relayedPort), false, 'coturn holds the relayed port while allocated');
      // A second allocation on the same 5-tuple while the first exists: 437 Allocation Mismatch.
      const intruder = driver.newClient();
      driver.addSibling(intruder);
      intruder.start(0);
      driver.pump();
      await driver.waitFor('437', () => intruder.state() === 'failed');
      const mismatch = intruder.takeEvents().find((e) => e.kind === 'failed');
      assert.ok(mismatch && mismatch.kind === 'failed');
      assert.equal(mismatch.code, 437);
      assert.equal(driver.client.state(), 'allocated', 'the intruder did not disturb the allocation');

      driver.client.close(0);
      driver.pump();
      await driver.waitFor('the deallocation answer', () => driver.events.some((e) => e.kind === 'closed'));
      const dealloc = driver.toServer.at(-1)!;
      assert.equal(dealloc.readUInt16BE(0), 0x0004, 'a Refresh request');
      assert.ok(dealloc.includes(Buffer.from([0x00, 0x0d, 0x00, 0x04, 0, 0, 0, 0])), 'with LIFETIME 0');
      await turn.waitForLog(/refreshed, realm=<gateway\.test>, username=<alice>, lifetime=0/);
      const deadline = Date.now() + 3000;
      while (!(await udpBindable(relayedPort)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await udpBindable(relayedPort), true, 'coturn released the relayed port');
      assert.equal(driver.client.nextTimeout(), null);
    } finally {
      await driver.close();
    }
  });
});

describe('TurnClient against coturn with TURN REST API credentials', () => {
  const secret = 'north-wind';
  let turn: Coturn;
  before(async () => {
    turn = await Coturn.start({ authSecret: secret });
  });
  after(() => turn.stop());

  it('allocates with a minted username and password and relays to a peer', async () => {
    const credentials = mintTurnRestCredentials(secret, 'gateway', 600);
    assert.match(credentials.username, /^\d+:gateway$/);
    const driver = await TurnClientDriver.open({ server: turn, ...credentials });
    const peer = await UdpPeer.open();
    try {
      driver.start();
      const { relayed } = await driver.allocated();
      assert.ok(driver.client.createPermission(0, '127.0.0.1', peer.port));
      driver.pump();
      await driver.waitFor('the permission', () => driver.client.stats().permissions === 1);
      driver.client.send('127.0.0.1', peer.port, Buffer.from('rest'));
      driver.pump();
      await driver.waitFor('the peer', () => peer.received.length === 1);
      assert.equal(peer.received[0]!.data.toString(), 'rest');
      assert.equal(`${peer.received[0]!.ip}:${peer.received[0]!.port}`, relayed);
    } finally {
      await driver.close();
      await peer.close();
    }
  });

  it('expired REST credentials fail with 401', async () => {
    const credentials = mintTurnRestCredentials(secret, 'gateway', -60);
    const driver = await TurnClientDriver.open({ server: turn, ...credentials });
    try {
      driver.start();
      await driver.waitFor('the failure', () => driver.events.some((e) => e.kind === 'failed'));
      const failed = driver.events.find((e) => e.kind === 'failed');
      assert.ok(failed?.kind === 'failed' && failed.code === 401, JSON.stringify(failed));
    } finally {
      await driver.close();
    }
  });
});

describe('TurnClient against coturn with short clocks', () => {
  let turn: Coturn;
  before(async () => {
    turn = await Coturn.start({
      users: [{ username: 'u', password: 'p' }],
      maxAllocateLifetimeSeconds: 4,
      staleNonceSeconds: 2,
      permissionLifetimeSeconds: 4,
      channelLifetimeSeconds: 5,
    });
  });
  after(() => turn.stop());

  it('refreshes the allocation, permission and channel past 2.5 lifetimes, following stale nonces; data still flows', async () => {
    const driver = await TurnClientDriver.open({
      server: turn,
      username: 'u',
      credential: 'p',
      // No lifetime configured: each Refresh asks for the default 600 s explicitly, which coturn
      // caps at its maximum (4 s here). One without LIFETIME (or asking less than 600 s) gets 600 s,
      // past that maximum, and there would be a single refresh in the 10 s below.
      timings: { permissionRefreshUs: 2_000_000, channelRefreshUs: 2_500_000 },
    });
    const peer = await UdpPeer.open();
    try {
      driver.start();
      const { relayed, lifetime } = await driver.allocated();
      assert.equal(lifetime, 4, 'coturn granted its maximum');
      assert.ok(driver.client.bindChannel(0, '127.0.0.1', peer.port));
      driver.pump();
      await driver.waitFor('the channel', () => driver.client.stats().channelBinds === 1);
      await new Promise((r) => setTimeout(r, 10_000));
      const s = driver.client.stats();
      assert.equal(driver.client.state(), 'allocated', JSON.stringify(driver.events));
      assert.ok(s.refreshes >= 3, `allocation refreshed ${s.refreshes} times; ${JSON.stringify(s)}\n${turn.log().split("\n").filter((l) => /lifetime|438|REFRESH/.test(l)).join("\n")}`);
      assert.ok(s.permissions >= 3, `permission refreshed: ${s.permissions}`);
      assert.ok(s.channelBinds >= 3, `channel refreshed: ${s.channelBinds}`);
      assert.ok(s.staleNonceRetries >= 1, `stale nonces followed: ${s.staleNonceRetries}`);
      assert.equal(s.errors, 0);
      assert.ok(turn.log().includes('438'), 'coturn did send 438 Stale Nonce');

      driver.client.send('127.0.0.1', peer.port, Buffer.from('still here'));
      driver.pump();
      peer.send(Buffer.from('me too'), relayed);
      await driver.waitFor('data both ways', () => peer.received.length === 1 && driver.received.length === 1);
      assert.equal(peer.received[0]!.data.toString(), 'still here');
      assert.equal(driver.received[0]!.data.toString(), 'me too');
      assert.equal(driver.client.stats().channelDataSent, 1);
    } finally {
      await driver.close();
      await peer.close();
    }
  });
});
