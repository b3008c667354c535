// A MediaConnection between two peers of one gateway under ice_transport_policy = relay, through a
// real coturn on loopback taking credentials minted from turn_secret: both native transports
// allocate, signal only relay candidates, and the user's RTP crosses the relay byte for byte.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Coturn } from '../helpers/coturn.js';
import { createPeer, UdpEndpoint } from '../helpers/dataPath.js';
import { mediaEvents, placeVideoCall } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { allocatedFor, startRelayGateway, type RelayGateway } from '../helpers/relayGateway.js';
import { call } from '../helpers/testGateway.js';
import { rtpPacket } from '../helpers/TransportSimulation.js';
import { sendDatagrams } from '../helpers/udp.js';

const SECRET = 'media-relay-secret';

describe('MediaConnections through TURN (coturn, turn_secret, ice_transport_policy = relay)', () => {
  let relay: RelayGateway;
  let coturn: Coturn;
  let base: string;
  before(async () => {
    relay = await startRelayGateway(SECRET);
    ({ coturn, base } = relay);
  });
  after(async () => {
    await relay?.stop();
  });

  it("carries the caller's RTP to the callee's redirect over relayed candidates only, and both statuses name the TURN server", async () => {
    const a = await createPeer(base, 'relay-caller');
    const b = await createPeer(base, 'relay-callee');
    const redirect = await UdpEndpoint.open();
    const { outgoing, incoming, mediaPort } = await placeVideoCall(base, a, b, redirect.port);
    try {
      assert.deepEqual(await mediaEvents(base, incoming, 'STREAM'), ['READY', 'STREAM']);
      // Each side allocated with a credential minted for its own peer id.
      for (const peer of [a, b]) await coturn.waitForLog(allocatedFor(peer.id));

      const status = async (id: string) => (await call(base, 'GET', `/media/connections/${id}/status`)).body;
      await waitFor(async () => (await status(outgoing)).selected_candidate_pair !== null, 10000, 'a selected pair on the caller');
      for (const id of [outgoing, incoming]) {
        const pair = (await status(id)).selected_candidate_pair;
        assert.equal(pair.local.type, 'relay', JSON.stringify(pair));
        assert.equal(pair.local.url, relay.turnUrl, JSON.stringify(pair));
        assert.equal(pair.local.relay_protocol, 'udp', JSON.stringify(pair));
        assert.ok(pair.local.port >= coturn.relayPorts.min && pair.local.port <= coturn.relayPorts.max, JSON.stringify(pair));
        // The other side offered only its relay address too.
        assert.ok(pair.remote.port >= coturn.relayPorts.min && pair.remote.port <= coturn.relayPorts.max, JSON.stringify(pair));
      }

      const sent = Array.from({ length: 100 }, (_, i) => rtpPacket(0x1234, 1000 + i, i * 3000, 96, Buffer.alloc(900, i)));
      for (let i = 0; i < sent.length; i += 10) {
        await sendDatagrams(mediaPort, sent.slice(i, i + 10));
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(() => redirect.received >= 100, 10000, 'the 100 packets at the callee redirect');
      const received = await redirect.drain(0);
      // The gateway sends its own SSRC and numbering; the payloads arrive unchanged and in order.
      assert.deepEqual(
        received.map((p) => p.subarray(12)),
        sent.map((p) => p.subarray(12)),
      );
    } finally {
      redirect.close();
      await call(base, 'DELETE', `/media/connections/${outgoing}`);
    }
    // Closing the call deallocates both allocations (a Refresh with LIFETIME 0).
    for (const peer of [a, b]) await coturn.waitForLog(new RegExp(`username=<\\d+:${peer.id}>, lifetime=0`), 10000);
  });
});
