import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { RawTurnServer } from '../../src/native/addon.js';
import { NativeEngine } from '../../src/native/NativeEngine.js';
import { Coturn } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { exchangeMedia, isConnected, relayOf, relayOnlyPair, turnFailures } from '../helpers/transportPair.js';

// Relayed candidates in the native media transport: the gateway side has relayOnly and a real
// coturn on loopback; ICE, DTLS, SRTP and consent all run through the allocation.

describe('relayed candidates through coturn', () => {
  let turn: Coturn;
  let server: RawTurnServer;
  const engine = new NativeEngine();
  before(async () => {
    turn = await Coturn.start({ users: [{ username: 'gw', password: 'secret' }] });
    server = { ip: turn.ip, port: turn.port, transport: 'udp', host: 'localhost', username: 'gw', credential: 'secret', url: turn.url('udp') };
  });
  after(async () => {
    engine.close();
    await turn.stop();
  });

  it('connects over the relay (selected local candidate: relay, naming the server) and carries SRTP both ways', async () => {
    const [gw, peer] = relayOnlyPair(engine, engine, [server]);
    try {
      await waitFor(() => isConnected(gw) && isConnected(peer), 10_000, 'both transports connected through the relay');
      const relayCandidate = gw.events.find((e) => e.kind === 'local-candidate')?.candidate;
      assert.equal(relayCandidate?.type, 'relay');
      assert.equal(relayCandidate?.url, turn.url('udp'));
      assert.equal(relayCandidate?.relatedIp, '0.0.0.0', 'relayOnly keeps the mapped address private');
      assert.ok(gw.events.some((e) => e.kind === 'gathering-complete'));
      const stats = gw.transport.stats();
      assert.equal(stats.selectedLocal?.type, 'relay');
      assert.equal(stats.selectedLocal?.url, turn.url('udp'));
      assert.equal(stats.selectedLocal?.port, relayCandidate?.port);
      assert.equal(peer.transport.stats().selectedRemote?.port, relayCandidate?.port, 'the peer talks to the relayed address');

      // Media both ways: ports feed each side, the other side redirects what it decrypts.
      const { fromA: fromGw } = await exchangeMedia({ engine, watched: gw }, { engine, watched: peer }, 100, 0);
      const after = gw.transport.stats();
      assert.equal(after.rtpSent, 100);
      assert.equal(after.rtpReceived, 100);
      assert.equal(after.rtpBytesSent, fromGw.reduce((n, p) => n + p.length, 0));
      const relay = relayOf(after);
      assert.equal(relay.url, turn.url('udp'));
      assert.equal(relay.state, 'allocated');
      assert.equal(relay.channelBinds, 1, 'the selected pair got a channel');
      assert.ok(relay.channelDataSent >= 100, `media left as ChannelData (${relay.channelDataSent})`);
      assert.ok(relay.channelDataReceived >= 100, `media came as ChannelData (${relay.channelDataReceived})`);
      assert.ok(relay.permissions >= 1);
      assert.equal(after.droppedNotRelayed, 0);

      // Closing deallocates: coturn logs a Refresh with lifetime 0 for the gateway's user.
      gw.transport.close();
      await turn.waitForLog(/username=<gw>, lifetime=0/);
    } finally {
      gw.transport.close();
      peer.transport.close();
    }
  });

  it('reports each TURN server it cannot use, and gathers nothing then', async () => {
    const bad = { ...server, credential: 'wrong', url: `${turn.url('udp')}#bad` };
    const v6 = { ...server, ip: '::1', url: `turn:[::1]:${turn.port}` };
    const [gw, peer] = relayOnlyPair(engine, engine, [bad, v6]);
    try {
      await waitFor(() => gw.events.some((e) => e.kind === 'gathering-complete'), 5000, 'gathering ends');
      const failures = turnFailures(gw);
      assert.equal(failures.length, 2, JSON.stringify(failures));
      assert.ok(failures.includes(`${v6.url} no local address of its address family`), JSON.stringify(failures));
      assert.ok(failures.some((t) => t.startsWith(`${bad.url} 401 `)), JSON.stringify(failures));
      assert.equal(gw.events.filter((e) => e.kind === 'local-candidate').length, 0);
      assert.equal(gw.transport.stats().turn?.[0]?.requests, 2, 'no retry storm');
    } finally {
      gw.transport.close();
      peer.transport.close();
    }
  });
});
