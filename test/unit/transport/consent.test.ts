import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TransportSimulation, isConnected } from '../../helpers/TransportSimulation.js';

describe('consent freshness (RFC 7675)', () => {
  it('keeps a quiet but healthy session alive with periodic consent checks', async () => {
    const sim = new TransportSimulation({ latencyUs: 5_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.connect(a, 'client', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 1_000_000));
    await sim.runUntil(() => false, 120_000_000);
    for (const p of [a, b]) {
      assert.ok(!p.events.some((e) => e.kind === 'failed'), `${p.name} stayed up for two minutes`);
      const stats = p.transport.stats();
      // One request every 4 to 6 s.
      assert.ok((stats.consentRequestsSent as number) >= 20 && (stats.consentRequestsSent as number) <= 31, `${stats.consentRequestsSent} consent requests`);
      assert.equal(stats.consentResponses, stats.consentRequestsSent);
    }
  });

  it('fails the session 30 s after the peer stops answering', async () => {
    const sim = new TransportSimulation({ latencyUs: 5_000, jitterUs: 0, loss: 0 }, 1);
    const a = sim.addPeer('a', { role: 'controlling' }, { ip: '10.0.0.1', port: 5000 }, 1);
    const b = sim.addPeer('b', { role: 'controlled' }, { ip: '10.0.0.2', port: 6000 }, 2);
    sim.connect(a, 'server', b);
    assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b), 1_000_000));
    await sim.runUntil(() => false, 10_000_000);
    // The path from b to a breaks: a no longer hears answers to its consent requests.
    const cut = sim.now;
    sim.setLink(b, a, false);
    assert.ok(await sim.runUntil(() => a.events.some((e) => e.kind === 'failed'), 60_000_000));
    const failed = a.events.find((e) => e.kind === 'failed')!;
    assert.equal(failed.text, 'ICE consent expired');
    // The last consent answered was at most one interval (6 s) before the cut.
    const after = (failed.at - cut) / 1e6;
    assert.ok(after >= 24 && after <= 30.5, `failed ${after.toFixed(2)} s after the cut`);
    assert.ok(a.events.some((e) => e.kind === 'ice-state' && e.text === 'failed'));
  });
});
