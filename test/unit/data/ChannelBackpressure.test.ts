import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { ChannelBackpressure } from '../../../src/session/data/ChannelBackpressure.js';

describe('ChannelBackpressure', () => {
  it('reads the real queue only when its upper bound would pass the limit', () => {
    let reads = 0;
    const guard = new ChannelBackpressure(() => (reads++, 0), 10_000);
    for (let i = 0; i < 100; i++) assert.equal(guard.admit(1000), true);
    // 100 kB sent through a 10 kB limit with a queue that drains: one read per 10 kB.
    assert.equal(reads, 9);
  });

  it('refuses everything while congested and resumes once the queue is under half the limit', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let queued = 0;
      const guard = new ChannelBackpressure(() => queued, 10_000, 5);
      let admitted = 0;
      while (guard.admit(1000)) {
        admitted++;
        queued += 1000; // nothing drains
      }
      assert.equal(admitted, 10);
      assert.equal(guard.congested, true);
      queued = 0;
      assert.equal(guard.admit(10), false, 'no read per call while congested');
      queued = 6_000;
      mock.timers.tick(5);
      assert.equal(guard.admit(10), false, 'still above half the limit');
      queued = 4_000;
      mock.timers.tick(5);
      assert.equal(guard.congested, false);
      assert.equal(guard.admit(1000), true);
    } finally {
      mock.timers.reset();
    }
  });

  it('lets a message larger than the limit go when the queue is empty', () => {
    let queued = 0;
    const guard = new ChannelBackpressure(() => queued, 10_000);
    assert.equal(guard.admit(30_000), true);
    queued = 30_000;
    assert.equal(guard.admit(30_000), false);
    guard.stop();
  });

  it('never lets the real queue pass the limit', () => {
    let queued = 0;
    const guard = new ChannelBackpressure(() => queued, 50_000);
    for (let i = 0; i < 1000; i++) {
      if (guard.admit(700)) queued += 700;
      queued = Math.max(0, queued - 300); // drains slower than it fills
      assert.ok(queued <= 50_000);
      if (guard.congested) guard.stop();
    }
  });
});
