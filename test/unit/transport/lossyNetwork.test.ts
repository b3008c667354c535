import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TransportSimulation, isConnected, rtpPacket } from '../../helpers/TransportSimulation.js';

// Quick DTLS retransmissions keep the real-time waits of this suite short.
const timings = { dtlsInitialRetransmitUs: 40_000, dtlsMaxRetransmitUs: 320_000 };

describe('two transports on a lossy, reordering network', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`connect with 20% loss and up to 30 ms of reordering (seed ${seed})`, async () => {
      const sim = new TransportSimulation({ latencyUs: 15_000, jitterUs: 30_000, loss: 0.2 }, seed);
      const a = sim.addPeer('a', { role: 'controlling', timings }, { ip: '10.0.0.1', port: 5000 }, seed * 10 + 1);
      const b = sim.addPeer('b', { role: 'controlled', timings }, { ip: '10.0.0.2', port: 6000 }, seed * 10 + 2);
      sim.connect(a, seed % 2 === 0 ? 'client' : 'server', b);
      const done = await sim.runUntil(() => isConnected(a) && isConnected(b), 20_000_000);
      assert.ok(done, `connected within 20 s of simulated time (lost ${sim.dropped} of ${sim.dropped + sim.delivered})`);
      assert.ok(sim.dropped > 0, 'the network did lose packets');

      // Media over the same network: every packet that arrives decrypts to what was sent.
      const sent = new Map<number, Buffer>();
      for (let i = 0; i < 200; i++) {
        const p = rtpPacket(0x5eed, i, i * 90, 96, Buffer.alloc(200, i));
        sent.set(i, p);
        a.transport.sendRtp(p);
      }
      await sim.runUntil(() => false, 500_000);
      const got = b.received.filter((r) => r.kind === 'rtp');
      assert.ok(got.length > 120 && got.length < 200, `${got.length} of 200 arrived through 20% loss`);
      for (const r of got) assert.deepEqual(r.data, sent.get(r.data.readUInt16BE(2)));
      assert.equal(b.transport.stats().droppedSrtpAuth, 0);
    });
  }
});
