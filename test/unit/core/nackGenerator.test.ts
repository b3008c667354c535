import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadTestAddon } from '../../helpers/native/testAddon.js';

const { sansio } = loadTestAddon();

type Generator = InstanceType<typeof sansio.NackGenerator>;

/** Calls collectDue every `stepUs` from `fromUs` to `toUs` inclusive; returns [time, seqs] of non-empty answers. */
function poll(g: Generator, fromUs: number, toUs: number, stepUs: number, rttUs: number): [number, number[]][] {
  const out: [number, number[]][] = [];
  for (let t = fromUs; t <= toUs; t += stepUs) {
    const due = g.collectDue(t, rttUs);
    if (due.length > 0) out.push([t, due]);
  }
  return out;
}

describe('NACK generation (RFC 4585 section 6.2.1)', () => {
  it('never NACKs a packet that arrives 5 ms late', () => {
    const g = new sansio.NackGenerator();
    // Packets every 2 ms; 5 is 5 ms late, so it arrives after 6, 7 and 8.
    const arrivals = Array.from({ length: 20 }, (_, seq) => ({ seq, at: seq * 2000 + (seq === 5 ? 5000 : 0) })).sort((a, b) => a.at - b.at);
    const nacked: number[] = [];
    let filled = 0;
    for (let t = 0, next = 0; t <= 60_000; t += 500) {
      while (next < arrivals.length && arrivals[next]!.at <= t) if (g.onPacket(arrivals[next++]!.seq, t)) filled++;
      nacked.push(...g.collectDue(t, 50_000));
    }
    assert.deepEqual(nacked, []);
    assert.equal(filled, 1, 'the late packet filled its gap');
    assert.deepEqual(g.stats(), { requested: 0, recovered: 0, reordered: 1, abandoned: 0, overflows: 0, missing: 0 });
    assert.equal(g.needsKeyframe(), false);
  });

  it('NACKs a loss once it has been missing reorderDelayUs, and says when', () => {
    const g = new sansio.NackGenerator();
    for (const seq of [1, 2, 3, 4]) g.onPacket(seq, seq * 1000);
    g.onPacket(6, 12_000);
    assert.equal(g.stats().missing, 1);
    assert.equal(g.nextDueUs(30_000), 22_000);
    assert.deepEqual(g.collectDue(21_999, 30_000), []);
    assert.deepEqual(g.collectDue(22_000, 30_000), [5]);
    assert.equal(g.nextDueUs(30_000), 52_000, 'the retry, one RTT later');
    assert.equal(g.onPacket(5, 40_000), true, 'the retransmission fills the gap');
    assert.deepEqual(g.stats(), { requested: 1, recovered: 1, reordered: 0, abandoned: 0, overflows: 0, missing: 0 });
    assert.equal(g.nextDueUs(30_000), null);
    assert.equal(g.onPacket(5, 41_000), false, 'a duplicate retransmission fills nothing');
  });

  it('spaces retries by the RTT, and by minRetryIntervalUs when the RTT is shorter', () => {
    const g = new sansio.NackGenerator({ maxAgeUs: 10_000_000 });
    g.onPacket(100, 0);
    g.onPacket(102, 0);
    assert.deepEqual(poll(g, 0, 200_000, 1000, 50_000).map(([t]) => t), [10_000, 60_000, 110_000, 160_000]);

    const fast = new sansio.NackGenerator({ maxAgeUs: 10_000_000 });
    fast.onPacket(100, 0);
    fast.onPacket(102, 0);
    assert.deepEqual(poll(fast, 0, 75_000, 1000, 5_000).map(([t]) => t), [10_000, 30_000, 50_000, 70_000]);
    assert.equal(fast.stats().requested, 4);
  });

  it('gives up after maxRetries, once, and asks for a keyframe once', () => {
    const g = new sansio.NackGenerator({ maxRetries: 3, maxAgeUs: 10_000_000 });
    g.onPacket(1, 0);
    g.onPacket(3, 0);
    const sent = poll(g, 0, 200_000, 1000, 40_000);
    assert.deepEqual(sent, [[10_000, [2]], [50_000, [2]], [90_000, [2]]]);
    assert.deepEqual(g.stats(), { requested: 3, recovered: 0, reordered: 0, abandoned: 1, overflows: 0, missing: 0 });
    assert.equal(g.needsKeyframe(), true);
    assert.equal(g.needsKeyframe(), false);
    assert.equal(g.onPacket(2, 300_000), false, 'too late: no longer missing');
  });

  it('gives up a packet missing longer than maxAgeUs', () => {
    const g = new sansio.NackGenerator({ maxAgeUs: 100_000 });
    g.onPacket(1, 0);
    g.onPacket(3, 0);
    const sent = poll(g, 0, 150_000, 1000, 30_000);
    assert.deepEqual(sent.map(([t]) => t), [10_000, 40_000, 70_000]);
    assert.equal(g.stats().abandoned, 1);
    assert.equal(g.stats().missing, 0);
    assert.equal(g.needsKeyframe(), true);
  });

  it('clears and asks for a keyframe when too much is missing at once', () => {
    const g = new sansio.NackGenerator({ maxMissing: 100 });
    g.onPacket(1, 0);
    g.onPacket(3, 0); // 2 missing
    g.onPacket(3 + 101, 1000); // 101 more: over the limit
    assert.deepEqual(g.stats(), { requested: 0, recovered: 0, reordered: 0, abandoned: 1, overflows: 1, missing: 0 });
    assert.equal(g.needsKeyframe(), true);
    assert.equal(g.needsKeyframe(), false);
    assert.deepEqual(g.collectDue(1_000_000, 0), []);
    // It carries on from the new position.
    g.onPacket(3 + 103, 2000);
    assert.deepEqual(g.collectDue(12_000, 0), [3 + 102]);
    // Exactly maxMissing at once is still tracked.
    const edge = new sansio.NackGenerator({ maxMissing: 100 });
    edge.onPacket(0, 0);
    edge.onPacket(101, 0);
    assert.equal(edge.stats().missing, 100);
    assert.equal(edge.stats().overflows, 0);
  });

  it('lists due numbers ascending across a wrap and respects the capacity', () => {
    const g = new sansio.NackGenerator();
    g.onPacket(65532, 0);
    g.onPacket(2, 0);
    assert.equal(g.stats().missing, 5);
    assert.deepEqual(g.collectDue(10_000, 0, 3), [65533, 65534, 65535]);
    assert.deepEqual(g.collectDue(10_000, 0, 3), [0, 1]);
    assert.equal(g.onPacket(65535, 11_000), true);
    assert.equal(g.onPacket(0, 11_000), true);
    assert.deepEqual(g.collectDue(30_000, 0), [65533, 65534, 1]);
    assert.equal(g.stats().recovered, 2);
  });

  it('follows a source that restarts with lower numbers', () => {
    const g = new sansio.NackGenerator();
    g.onPacket(10_000, 0);
    g.onPacket(10_002, 0); // 10001 missing
    assert.equal(g.onPacket(100, 1000), false, 'a stray old packet alone changes nothing');
    assert.equal(g.stats().missing, 1);
    g.onPacket(101, 2000); // in sequence after it: a restart
    assert.equal(g.stats().missing, 0);
    assert.equal(g.needsKeyframe(), true, 'what was missing is lost');
    g.onPacket(103, 3000);
    assert.deepEqual(g.collectDue(13_000, 0), [102]);
  });
});
