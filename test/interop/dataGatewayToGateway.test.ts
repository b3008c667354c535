import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, openDataPath, openDataPort, UdpEndpoint, waitForEvent, type DataEnd } from '../helpers/dataPath.js';
import { GatewayProcess } from '../support/gatewayProcess.js';
import { fdCount, threadCount, waitFor } from '../helpers/proc.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/** Sends each datagram in at one end and expects exactly it out of the other. */
async function roundTrip(from: DataEnd, to: DataEnd, datagrams: Buffer[]): Promise<void> {
  for (const d of datagrams) {
    await from.send(d);
    assert.deepEqual(await to.udp.next(), d);
  }
}

describe('DataConnections between two peers of one gateway', () => {
  let gateway: Gateway;
  let base: string;
  let n = 0;
  const peer = () => createPeer(base, `peer${++n}`);
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
  });
  after(async () => {
    await gateway.stop();
  });

  const cases: { serialization: string; datagrams: Buffer[] }[] = [
    { serialization: 'NONE', datagrams: [Buffer.from([0, 1, 2, 0xff]), Buffer.from('text'), Buffer.alloc(0), Buffer.alloc(60000, 7)] },
    { serialization: 'BINARY', datagrams: [Buffer.from([0, 1, 2, 0xff]), Buffer.from('text'), Buffer.alloc(0), Buffer.alloc(60000, 9)] },
    { serialization: 'BINARY_UTF8', datagrams: [Buffer.from('grüße 😀'), Buffer.from('é'.repeat(25000))] },
    { serialization: 'JSON', datagrams: [Buffer.from('{"a":1,"b":[true,null]}'), Buffer.from('"text"'), Buffer.from(JSON.stringify({ big: 'x'.repeat(50000) }))] },
  ];
  for (const { serialization, datagrams } of cases) {
    it(`carries ${serialization} datagrams both ways, byte for byte, large ones included`, async () => {
      const { caller, callee } = await openDataPath(await peer(), await peer(), { serialization });
      await roundTrip(caller, callee, datagrams);
      await roundTrip(callee, caller, datagrams);
      const status = await call(base, 'GET', `/data/connections/${caller.connectionId}/status`);
      assert.equal(status.body.serialization, serialization);
      assert.equal(status.body.stats.sent_messages, datagrams.length);
      assert.equal(status.body.stats.received_messages, datagrams.length);
      assert.equal(status.body.stats.sent_bytes, datagrams.reduce((s, d) => s + d.length, 0));
      assert.equal(status.body.stats.dropped_total, 0);
    });
  }

  it('reports the SkyWay status fields, ours beside them', async () => {
    const a = await peer();
    const b = await peer();
    const { caller, callee } = await openDataPath(a, b, { serialization: 'JSON', metadata: 'hello', dcInit: { ordered: false, maxRetransmits: 0 } });
    const out = (await call(base, 'GET', `/data/connections/${caller.connectionId}/status`)).body;
    assert.equal(out.remote_id, b.id);
    assert.equal(out.open, true);
    assert.equal(out.type, 'DATA');
    assert.equal(out.reliable, false);
    assert.equal(out.metadata, 'hello');
    assert.equal(out.serialization, 'JSON');
    assert.equal(typeof out.buffersize, 'number');
    assert.match(out.label, /^dc_[0-9a-f]+$/);
    assert.deepEqual(out.feed_params, { data_id: caller.dataPort.data_id });
    assert.deepEqual(out.redirect_params, { ip_v4: '127.0.0.1', port: caller.udp.port });
    // The pair libwebrtc selected (no STUN or TURN configured: host candidates), as media reports it too.
    const pair = out.selected_candidate_pair;
    assert.equal(pair.local.type, 'host');
    assert.equal(pair.local.protocol, 'udp');
    assert.ok(pair.local.port > 0 && pair.remote.port > 0);
    assert.equal(pair.local.url, undefined, 'a host candidate has no TURN server');
    // The answering side learns label, metadata, serialization and reliability from the OFFER.
    const inc = (await call(base, 'GET', `/data/connections/${callee.connectionId}/status`)).body;
    assert.equal(inc.remote_id, a.id);
    assert.equal(inc.label, out.label);
    assert.equal(inc.metadata, 'hello');
    assert.equal(inc.serialization, 'JSON');
    assert.equal(inc.reliable, false);
    assert.equal(inc.selected_candidate_pair.local.port, pair.remote.port, "one side's local candidate is the other's remote");
    await roundTrip(caller, callee, [Buffer.from('[1,2,3]')]);
  });

  it('opens a pre-negotiated channel (dcInit negotiated + id) between two gateways', async () => {
    const { caller, callee } = await openDataPath(await peer(), await peer(), { serialization: 'NONE', dcInit: { negotiated: true, id: 7, ordered: true } });
    await roundTrip(caller, callee, [Buffer.from('negotiated')]);
    await roundTrip(callee, caller, [Buffer.from('back')]);
  });

  it('feeds one data port into three connections: every datagram reaches all three', async () => {
    const hub = await peer();
    const shared = await openDataPort(base);
    const receivers: UdpEndpoint[] = [];
    for (let i = 0; i < 3; i++) {
      const { caller, callee } = await openDataPath(hub, await peer(), { serialization: 'BINARY' });
      const put = await call(base, 'PUT', `/data/connections/${caller.connectionId}`, { feed_params: { data_id: shared.data_id } });
      assert.deepEqual(put.body, { command_type: 'DATA_CONNECTION_PUT', data_id: shared.data_id });
      receivers.push(callee.udp);
    }
    const sender = await UdpEndpoint.open();
    for (const text of ['one', 'two', 'three']) await sender.send(shared.port, text);
    for (const r of receivers) {
      assert.deepEqual([(await r.next()).toString(), (await r.next()).toString(), (await r.next()).toString()], ['one', 'two', 'three']);
    }
    const del = await call(base, 'DELETE', `/data/${shared.data_id}`);
    assert.equal(del.status, 403);
    assert.match(del.body.params.errors[0].message, /feeds dc-/);
    sender.close();
  });

  it('keeps a data port in use when DELETE /data asks to close it, and it goes on working', async () => {
    const { caller, callee } = await openDataPath(await peer(), await peer(), { serialization: 'NONE' });
    const res = await call(base, 'DELETE', `/data/${caller.dataPort.data_id}`);
    assert.equal(res.status, 403);
    assert.equal(res.body.command_type, 'DATA_DELETE');
    assert.equal(await bindableByAnotherProcess(caller.dataPort.port), false);
    await roundTrip(caller, callee, [Buffer.from('still here')]);
  });

  for (const side of ['caller', 'callee'] as const) {
    it(`closes on DELETE from the ${side}: the other side gets CLOSE, both free the data ports only they used`, async () => {
      const path = await openDataPath(await peer(), await peer(), { serialization: 'BINARY' });
      const [closer, other] = side === 'caller' ? [path.caller, path.callee] : [path.callee, path.caller];
      assert.equal((await call(base, 'DELETE', `/data/connections/${closer.connectionId}`)).status, 204);
      assert.equal((await call(base, 'GET', `/data/connections/${closer.connectionId}/status`)).status, 404);
      const events = await waitForEvent(base, other.connectionId, 'CLOSE');
      assert.equal(events.at(-1).event, 'CLOSE');
      const status = await call(base, 'GET', `/data/connections/${other.connectionId}/status`);
      assert.equal(status.body.open, false);
      // After its last event a closed connection's long-poll answers 404.
      assert.equal((await call(base, 'GET', `/data/connections/${other.connectionId}/events`)).status, 404);
      for (const end of [closer, other]) {
        await waitFor(async () => (await call(base, 'GET', `/data/${end.dataPort.data_id}/status`)).status === 404, 2000, 'data port freed');
        assert.equal(await bindableByAnotherProcess(end.dataPort.port), true);
      }
      assert.equal((await call(base, 'PUT', `/data/connections/${other.connectionId}`, { redirect_params: { ip_v4: '127.0.0.1', port: 9 } })).status, 404);
    });
  }

  it('closes the connections of a peer that is deleted, and the remote side sees CLOSE', async () => {
    const a = await peer();
    const { callee } = await openDataPath(a, await peer(), { serialization: 'NONE' });
    assert.equal((await call(base, 'DELETE', `/peers/${a.id}?token=${a.token}`)).status, 204);
    await waitForEvent(base, callee.connectionId, 'CLOSE');
  });

  it('closes the connections to a remote that sends LEAVE', async () => {
    const a = await peer();
    const b = await peer();
    const { caller } = await openDataPath(a, b, { serialization: 'NONE' });
    // What a PeerJS client sends when it leaves: LEAVE to each peer it was connected to.
    gateway.peers.get(b.id, b.token).signal({ type: 'LEAVE', dst: a.id, payload: undefined });
    await waitForEvent(base, caller.connectionId, 'CLOSE');
  });

  it('drops datagrams that are not JSON under JSON, counts them and says so once in an ERROR event', async () => {
    const { caller, callee } = await openDataPath(await peer(), await peer(), { serialization: 'JSON' });
    await caller.send('not json');
    await caller.send('{"broken":');
    await caller.send('{"fine":true}');
    assert.equal((await callee.udp.next()).toString(), '{"fine":true}');
    const status = (await call(base, 'GET', `/data/connections/${caller.connectionId}/status`)).body;
    assert.deepEqual(status.stats.dropped, { to_remote: { invalid_json: 2 }, from_remote: {} });
    const event = (await call(base, 'GET', `/data/connections/${caller.connectionId}/events`)).body;
    assert.equal(event.event, 'ERROR');
    assert.match(event.error_message, /invalid_json/);
  });

  it('drops datagrams that are not UTF-8 under BINARY_UTF8', async () => {
    const { caller, callee } = await openDataPath(await peer(), await peer(), { serialization: 'BINARY_UTF8' });
    await caller.send(Buffer.from([0xff, 0xfe, 0x00]));
    await caller.send('ok');
    assert.equal((await callee.udp.next()).toString(), 'ok');
    const status = (await call(base, 'GET', `/data/connections/${caller.connectionId}/status`)).body;
    assert.deepEqual(status.stats.dropped.to_remote, { invalid_utf8: 1 });
  });

  it('counts messages that arrive before a redirect address is set', async () => {
    const a = await peer();
    const b = await peer();
    const aPort = await openDataPort(base);
    const created = await call(base, 'POST', '/data/connections', { peer_id: a.id, token: a.token, target_id: b.id, params: { data_id: aPort.data_id } });
    const incoming = (await call(base, 'GET', `/peers/${b.id}/events?token=${b.token}`)).body.data_params.data_connection_id;
    await waitForEvent(base, created.body.params.data_connection_id, 'OPEN');
    await waitForEvent(base, incoming, 'OPEN');
    const udp = await UdpEndpoint.open();
    await udp.send(aPort.port, 'lost');
    await waitFor(async () => (await call(base, 'GET', `/data/connections/${incoming}/status`)).body.stats.dropped_total === 1, 3000, 'drop counted');
    const status = (await call(base, 'GET', `/data/connections/${incoming}/status`)).body;
    assert.deepEqual(status.stats.dropped.from_remote, { no_redirect: 1 });
    assert.equal(status.redirect_params, null);
    udp.close();
  });

  it('raises ERROR peer-unavailable and CLOSE when the target is not on the signaling server', async () => {
    const a = await peer();
    const port = await openDataPort(base);
    const res = await call(base, 'POST', '/data/connections', { peer_id: a.id, token: a.token, target_id: 'nobody-here', params: { data_id: port.data_id } });
    assert.equal(res.status, 202);
    const id = res.body.params.data_connection_id;
    const events = await waitForEvent(base, id, 'CLOSE');
    assert.deepEqual(events.map((e) => e.event), ['ERROR', 'CLOSE']);
    assert.match(events[0].error_message, /^peer-unavailable/);
    assert.equal((await call(base, 'GET', `/data/${port.data_id}/status`)).status, 404);
  });

  it('frees every transport, thread and socket of deleted connections', async () => {
    const a = await peer();
    const b = await peer();
    const cycle = async (label: string) => {
      const { caller, callee } = await openDataPath(a, b, { serialization: 'NONE' });
      await roundTrip(caller, callee, [Buffer.from(label)]);
      assert.equal((await call(base, 'DELETE', `/data/connections/${caller.connectionId}`)).status, 204);
      await waitForEvent(base, callee.connectionId, 'CLOSE');
      assert.equal((await call(base, 'DELETE', `/data/connections/${callee.connectionId}`)).status, 204);
      caller.udp.close();
      callee.udp.close();
    };
    // A native transport frees its sockets when it closes: nothing to wait for but the check below.
    await cycle('warm-up');
    const before = { fds: fdCount(), threads: threadCount() };
    for (let i = 0; i < 5; i++) await cycle(`round ${i}`);
    await waitFor(() => fdCount() <= before.fds && threadCount() <= before.threads, 3000, `fds and threads back to ${JSON.stringify(before)}`);
  });
});

describe('DataConnections across two gateway processes', () => {
  let gateway: Gateway;
  let base: string;
  let remote: GatewayProcess;
  let remoteBase: string;
  const range = 22000 + (process.pid % 300) * 20;
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn', dataBufferLimitBytes: 16 * 1024 }));
    const signalingUrl = `ws://127.0.0.1:${gateway.signaling!.address.port}/`;
    remote = new GatewayProcess([
      '--api-port', '0', '--embedded-signaling', 'false', '--signaling-url', signalingUrl,
      '--port-min', String(range), '--port-max', String(range + 19),
    ]);
    remoteBase = await remote.apiUrl();
  });
  after(async () => {
    // The last test stops it; if a test failed first, nothing may be left running.
    if (remote.child.exitCode === null && remote.child.signalCode === null) remote.child.kill('SIGKILL');
    await gateway.stop();
  });

  for (const serialization of ['BINARY', 'JSON']) {
    it(`carries ${serialization} datagrams both ways between the processes`, async () => {
      const here = await createPeer(base, `here-${serialization}`);
      const there = await createPeer(remoteBase, `there-${serialization}`);
      const datagrams = serialization === 'JSON' ? [Buffer.from('{"n":1}'), Buffer.from(JSON.stringify('y'.repeat(40000)))] : [Buffer.from([1, 2, 3]), Buffer.alloc(50000, 3)];
      const { caller, callee } = await openDataPath(there, here, { serialization });
      await roundTrip(caller, callee, datagrams);
      await roundTrip(callee, caller, datagrams);
      assert.equal((await call(remoteBase, 'DELETE', `/data/connections/${caller.connectionId}`)).status, 204);
      await waitForEvent(base, callee.connectionId, 'CLOSE');
    });
  }

  it('drops and counts datagrams while the remote stalls, keeps the queue bounded, and loses none it let in', async () => {
    const here = await createPeer(base, 'flood-here');
    const there = await createPeer(remoteBase, 'flood-there');
    const { caller, callee } = await openDataPath(here, there, { serialization: 'NONE' });
    const statusOf = async () => (await call(base, 'GET', `/data/connections/${caller.connectionId}/status`)).body;
    // A stopped remote acknowledges nothing: SCTP's own 2 MiB send buffer fills, then the channel's queue.
    remote.child.kill('SIGSTOP');
    const blob = Buffer.alloc(8000, 1);
    let sent = 0;
    let first: any;
    while (sent < 2000) {
      await caller.send(blob);
      sent++;
      if (sent % 50 === 0 && (first = await statusOf()).stats.dropped.to_remote.buffer_full) break;
    }
    remote.child.kill('SIGCONT');
    assert.ok(first.stats.dropped.to_remote.buffer_full > 0, `no drop after ${sent} datagrams`);
    assert.ok(first.buffersize <= 16 * 1024 + blob.length, `queue ${first.buffersize} within the limit plus one message`);
    await waitFor(async () => (await statusOf()).stats.congested === false, 15000, 'congestion over');
    const arrived = (await call(base, 'GET', `/data/${caller.dataPort.data_id}/status`)).body.packets;
    await waitFor(async () => {
      const s = await statusOf();
      return s.stats.sent_messages + s.stats.dropped_total === arrived;
    }, 5000, 'every datagram that arrived was sent or counted');
    const { stats } = await statusOf();
    await waitFor(() => callee.udp.received >= stats.sent_messages, 20000, `${stats.sent_messages} datagrams delivered`).catch((e: Error) => {
      throw new Error(`${e.message}; ${callee.udp.received} were`);
    });
    assert.equal((await callee.udp.drain(200)).length, stats.sent_messages, 'every datagram let in was delivered, no more');
    await roundTrip(caller, callee, [Buffer.from('after the stall')]);
  });

  it('stops cleanly on SIGTERM with DataConnections open (exit code 0, libwebrtc loaded)', async () => {
    const here = await createPeer(base, 'last-here');
    const there = await createPeer(remoteBase, 'last-there');
    const { caller, callee } = await openDataPath(there, here, { serialization: 'NONE' });
    await roundTrip(caller, callee, [Buffer.from('bye')]);
    remote.child.kill('SIGTERM');
    assert.deepEqual(await remote.exit(), { code: 0, signal: null });
    await waitForEvent(base, callee.connectionId, 'CLOSE');
  });
});
