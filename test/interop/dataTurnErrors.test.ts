// A TURN server that refuses a DataConnection's credentials (coturn on loopback with a static
// long-term user, the gateway configured with the wrong password, ice_transport_policy relay so
// libwebrtc gathers until the relay's answer instead of stopping once a host pair works):
// libwebrtc's icecandidateerror becomes one SkyWay ERROR event per connection naming the server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { Coturn } from '../helpers/coturn.js';
import { createPeer, openDataPort, UdpEndpoint } from '../helpers/dataPath.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/** The next event of a data connection, as "EVENT" or "ERROR(message)". */
async function nextEvent(base: string, id: string): Promise<string> {
  const res = await call(base, 'GET', `/data/connections/${id}/events`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.event === 'ERROR' ? `ERROR(${res.body.error_message})` : res.body.event;
}

describe('DataConnections and a TURN server that refuses the credentials', () => {
  let coturn: Coturn;
  let gateway: Gateway;
  let base: string;
  before(async () => {
    coturn = await Coturn.start({ users: [{ username: 'gw', password: 'right' }] });
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      iceServers: [parseIceServerUrl(coturn.url('udp')) as IceServerUrl],
      turnAuth: { kind: 'static', username: 'gw', credential: 'wrong' },
      iceTransportPolicy: 'relay',
      // Short long polls: the test shows that no second ERROR comes.
      eventTimeoutMs: 2000,
    }));
  });
  after(async () => {
    await gateway?.stop();
    await coturn?.stop();
  });

  it("libwebrtc's 401 (reported per local address) is one ERROR event per connection naming the server", async () => {
    const a = await createPeer(base, 'dc-turn-refused-a');
    const b = await createPeer(base, 'dc-turn-refused-b');
    const port = await openDataPort(base);
    const udp = await UdpEndpoint.open();
    try {
      const created = await call(base, 'POST', '/data/connections', {
        peer_id: a.id,
        token: a.token,
        target_id: b.id,
        params: { data_id: port.data_id },
        redirect_params: { ip_v4: '127.0.0.1', port: udp.port },
      });
      assert.equal(created.status, 202, JSON.stringify(created.body));
      const caller = created.body.params.data_connection_id as string;
      const incoming = await call(base, 'GET', `/peers/${b.id}/events?token=${b.token}`);
      assert.equal(incoming.body?.event, 'CONNECTION', JSON.stringify(incoming.body));
      const callee = incoming.body.data_params.data_connection_id as string;

      const expected = `ERROR(TURN server ${coturn.url('udp')} refused the credentials: 401 Unauthorized)`;
      for (const id of [caller, callee]) assert.equal(await nextEvent(base, id), expected, id);
      // Each side's libwebrtc tried from each of its local IPv4 addresses and was refused each
      // time (it reports each refusal); each connection said so once: no second ERROR follows.
      await waitFor(() => (coturn.log().match(/user gw credentials are incorrect/g)?.length ?? 0) >= 2, 5000, 'coturn refusing both sides');
      await new Promise((r) => setTimeout(r, 1000));
      for (const id of [caller, callee]) {
        const res = await call(base, 'GET', `/data/connections/${id}/events`);
        assert.equal(res.status, 408, `${id}: ${JSON.stringify(res.body)}`);
      }
      assert.equal((await call(base, 'DELETE', `/data/connections/${caller}`)).status, 204);
    } finally {
      udp.close();
    }
  });
});
