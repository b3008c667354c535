// A TURN server that refuses a MediaConnection's credentials (coturn on loopback with a static
// long-term user, the gateway configured with the wrong password): the connection raises one
// SkyWay ERROR event naming the server and its answer, goes on over its host candidates, and the
// server sees a bounded number of attempts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { Coturn } from '../helpers/coturn.js';
import { createPeer } from '../helpers/dataPath.js';
import { mediaEvents, placeVideoCall } from '../helpers/media.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

describe('MediaConnections and a TURN server that refuses the credentials', () => {
  let coturn: Coturn;
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  before(async () => {
    coturn = await Coturn.start({ users: [{ username: 'gw', password: 'right' }] });
    ({ gateway, base, logs } = await startTestGateway({
      logLevel: 'warn',
      // Two local addresses of one family: two allocations on the one server, both refused.
      mediaBindAddresses: ['127.0.0.1', '127.0.0.2'],
      iceServers: [parseIceServerUrl(coturn.url('udp')) as IceServerUrl],
      turnAuth: { kind: 'static', username: 'gw', credential: 'wrong' },
      iceTransportPolicy: 'all',
    }));
  });
  after(async () => {
    await gateway?.stop();
    await coturn?.stop();
  });

  it('one ERROR event per connection names the server and its 401; the call still connects over host candidates', async () => {
    const a = await createPeer(base, 'turn-refused-caller');
    const b = await createPeer(base, 'turn-refused-callee');
    const { outgoing, incoming } = await placeVideoCall(base, a, b);
    const expected = `ERROR(TURN server ${coturn.url('udp')} refused the credentials: 401 Unauthorized)`;
    try {
      for (const id of [outgoing, incoming]) {
        // The refusal and the call over host candidates race: the ERROR may come before or after STREAM.
        const seen = await mediaEvents(base, id, 'STREAM');
        if (!seen.some((e) => e.startsWith('ERROR'))) seen.push(...(await mediaEvents(base, id, 'ERROR')));
        assert.deepEqual(seen.filter((e) => e.startsWith('ERROR')), [expected], `${id}: ${seen.join(', ')}`);
        assert.ok(seen.includes('READY'), seen.join(', '));
      }
      // Both relays of each connection failed (4 in all), yet each connection said so once: when
      // the callee hangs up, the caller's next event is CLOSE, no second ERROR.
      await waitFor(() => logs.records.filter((r) => r['msg'] === 'TURN server unusable for this media connection').length >= 4, 5000, 'four refused relays logged');
      const status = (await call(base, 'GET', `/media/connections/${outgoing}/status`)).body;
      assert.equal(status.open, true);
      assert.equal(status.selected_candidate_pair.local.type, 'host');
      assert.equal((await call(base, 'DELETE', `/media/connections/${incoming}`)).status, 204);
      assert.deepEqual(await mediaEvents(base, outgoing, 'CLOSE', 1), ['CLOSE']);
      // Each allocation: a 401 to the unauthenticated Allocate (the challenge), one to the
      // authenticated retry, nothing more.
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(coturn.log().match(/user gw credentials are incorrect/g)?.length, 4, 'one authenticated try per allocation');
      assert.equal(coturn.log().match(/error 401/g)?.length, 8);
    } finally {
      await call(base, 'DELETE', `/media/connections/${outgoing}`);
    }
  });
});
