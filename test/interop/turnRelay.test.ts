import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import type { PeerIceConfiguration } from '../../src/session/ice/IceConfiguration.js';
import { createPeer, openDataPath, openDataPort, UdpEndpoint, waitForEvent, type DataEnd, type RestPeer } from '../helpers/dataPath.js';
import type { Coturn } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { allocatedFor, startRelayGateway, type RelayGateway } from '../helpers/relayGateway.js';
import { call } from '../helpers/testGateway.js';

const SECRET = 'interop-turn-secret-77';

/** Every candidate libwebrtc gathers with `config`, until the end of candidates (10 s at most). */
async function gather(config: PeerIceConfiguration['rtc']): Promise<string[]> {
  const pc = new wrtc.RTCPeerConnection(config);
  const candidates: string[] = [];
  try {
    const done = new Promise<void>((resolve) => {
      pc.onicecandidate = ({ candidate }: RTCPeerConnectionIceEvent) => {
        if (!candidate?.candidate) resolve();
        else candidates.push(candidate.candidate);
      };
    });
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`gathering did not end in 10 s: ${candidates.join(' | ')}`)), 10_000))]);
  } finally {
    pc.onicecandidate = null;
    pc.close();
  }
  return candidates;
}

async function roundTrip(from: DataEnd, to: DataEnd, datagrams: Buffer[]): Promise<void> {
  for (const d of datagrams) {
    await from.send(d);
    assert.deepEqual(await to.udp.next(), d);
  }
}

describe('TURN on loopback (coturn, use-auth-secret): minted credentials and DataConnections through the relay', () => {
  let relay: RelayGateway;
  let coturn: Coturn;
  let base: string;
  let n = 0;
  before(async () => {
    relay = await startRelayGateway(SECRET);
    ({ coturn, base } = relay);
  });
  after(async () => {
    await relay?.stop();
  });

  it('GET /peers/{id}/ice_servers credentials get a relay candidate from coturn (libwebrtc, relay policy); a wrong password gets none', async () => {
    const peer = await createPeer(base, `turn-probe-${++n}`);
    const res = await call(base, 'GET', `/peers/${peer.id}/ice_servers?token=${peer.token}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.ice_transport_policy, 'relay');
    const iceServers = res.body.ice_servers;
    const good = await gather({ iceServers, iceTransportPolicy: 'relay' });
    assert.ok(good.length > 0, `no candidate: ${coturn.log().slice(-1500)}`);
    for (const c of good) assert.match(c, / 127\.0\.0\.1 \d+ typ relay /, 'only relay candidates, on the coturn relay address');
    const bad = await gather({ iceServers: [{ ...iceServers[0], credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }], iceTransportPolicy: 'relay' });
    assert.deepEqual(bad, [], 'coturn refuses a password not made from its secret');
    await coturn.waitForLog(allocatedFor(peer.id));
  });

  it('carries datagrams both ways between two gateway peers with ice_transport_policy relay; the status shows relay pairs', async () => {
    const a = await createPeer(base, `relay-a-${++n}`);
    const b = await createPeer(base, `relay-b-${n}`);
    const { caller, callee } = await openDataPath(a, b, { serialization: 'NONE' });
    const datagrams = [Buffer.from('through the relay'), Buffer.alloc(1200, 0xab), Buffer.from([0, 1, 2, 3])];
    await roundTrip(caller, callee, datagrams);
    await roundTrip(callee, caller, datagrams);
    // coturn took each side's minted credentials (its own check of the HMAC).
    for (const peer of [a, b]) await coturn.waitForLog(allocatedFor(peer.id));
    for (const end of [caller, callee]) {
      // A check through the relay can arrive before the trickled candidate naming its source:
      // the remote is peer-reflexive until that candidate comes (bounded wait, then the asserts say what was seen).
      let status: any;
      await waitFor(async () => {
        status = (await call(base, 'GET', `/data/connections/${end.connectionId}/status`)).body;
        return status.selected_candidate_pair?.remote?.type === 'relay';
      }, 5000).catch(() => {});
      const pair = status.selected_candidate_pair;
      assert.ok(pair, `a selected pair: ${JSON.stringify(status)}`);
      assert.equal(pair.local.type, 'relay');
      assert.equal(pair.local.address, '127.0.0.1');
      assert.equal(pair.local.protocol, 'udp');
      assert.ok(pair.local.port > 0);
      assert.equal(pair.local.relay_protocol, 'udp');
      assert.equal(pair.local.url, relay.turnUrl);
      // The remote is a relay of the other side: both sides allocated on coturn.
      assert.equal(pair.remote.type, 'relay');
      assert.equal(pair.remote.address, '127.0.0.1');
      assert.equal(status.stats.received_messages, datagrams.length);
    }
  });

  it('a turn: false peer under the relay policy cannot connect: ERROR saying why, then CLOSE; the gateway goes on', async () => {
    const created = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: `no-turn-${++n}`, turn: false });
    assert.equal(created.status, 201);
    const noTurn: RestPeer = { base, id: `no-turn-${n}`, token: created.body.params.token };
    await call(base, 'GET', `/peers/${noTurn.id}/events?token=${noTurn.token}`); // OPEN
    const other = await createPeer(base, `with-turn-${n}`);

    // Outgoing: it gathers nothing, so no OFFER leaves and the connection ends at once.
    const port = await openDataPort(base);
    const res = await call(base, 'POST', '/data/connections', { peer_id: noTurn.id, token: noTurn.token, target_id: other.id, params: { data_id: port.data_id } });
    assert.equal(res.status, 202);
    const outgoing = res.body.params.data_connection_id;
    const events = await waitForEvent(base, outgoing, 'CLOSE');
    assert.deepEqual(
      events.map((e) => e.event),
      ['ERROR', 'CLOSE'],
    );
    assert.match(events[0].error_message, /ice_transport_policy is relay and this peer has no TURN server \(it was created with turn: false\)/);
    const status = (await call(base, 'GET', `/data/connections/${outgoing}/status`)).body;
    assert.equal(status.state, 'closed');
    assert.equal(status.selected_candidate_pair, null);

    // Incoming: the turn: false peer is offered a connection; its side ends the same way.
    const udp = await UdpEndpoint.open();
    const offered = await call(base, 'POST', '/data/connections', {
      peer_id: other.id,
      token: other.token,
      target_id: noTurn.id,
      redirect_params: { ip_v4: '127.0.0.1', port: udp.port },
    });
    assert.equal(offered.status, 202);
    const incoming = await call(base, 'GET', `/peers/${noTurn.id}/events?token=${noTurn.token}`);
    assert.equal(incoming.body.event, 'CONNECTION');
    const incomingEvents = await waitForEvent(base, incoming.body.data_params.data_connection_id, 'CLOSE');
    assert.match(incomingEvents[0].error_message, /this peer has no TURN server/);
    udp.close();
    await call(base, 'DELETE', `/data/connections/${offered.body.params.data_connection_id}`);

    // The gateway is unharmed: a relay path still opens and carries data.
    const { caller, callee } = await openDataPath(await createPeer(base, `after-a-${n}`), await createPeer(base, `after-b-${n}`), { serialization: 'NONE' });
    await roundTrip(caller, callee, [Buffer.from('still relaying')]);
  });
});
