import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TransportSimulation, isConnected, type Peer } from '../../helpers/TransportSimulation.js';

describe('ICE role conflict (RFC 8445 section 7.3.1.1)', () => {
  for (const role of ['controlling', 'controlled'] as const) {
    it(`resolves when both agents start ${role}`, async () => {
      const sim = new TransportSimulation({ latencyUs: 10_000, jitterUs: 0, loss: 0 }, 3);
      const a = sim.addPeer('a', { role }, { ip: '10.0.0.1', port: 5000 }, 101);
      const b = sim.addPeer('b', { role }, { ip: '10.0.0.2', port: 6000 }, 202);
      sim.connect(a, 'client', b);
      const completed = (p: Peer) => p.transport.stats().iceState === 'completed';
      assert.ok(await sim.runUntil(() => isConnected(a) && isConnected(b) && completed(a) && completed(b), 5_000_000), 'both connected');
      const roles = [a.transport.stats().iceRole, b.transport.stats().iceRole].sort();
      assert.deepEqual(roles, ['controlled', 'controlling'], 'one side switched');
      const conflicts = (a.transport.stats().roleConflicts as number) + (b.transport.stats().roleConflicts as number);
      assert.ok(conflicts >= 1, 'a conflict was detected and resolved');
      for (const p of [a, b]) assert.equal(p.transport.stats().iceState, 'completed');
    });
  }
});
