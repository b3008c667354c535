import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GatheringQueue } from '../../../src/session/data/GatheringQueue.js';

describe('GatheringQueue', () => {
  it('gives one turn at a time, in order within a key', async () => {
    const queue = new GatheringQueue();
    const order: string[] = [];
    const turns = ['a1', 'a2', 'a3'].map(async (name) => {
      const release = await queue.acquire('a');
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${name}`);
      release();
      release(); // idempotent
    });
    await Promise.all(turns);
    assert.deepEqual(order, ['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    assert.equal(queue.length, 0);
  });

  it('rotates turns between keys, so a flood for one key delays another by one turn at most', async () => {
    const queue = new GatheringQueue();
    const order: string[] = [];
    const take = async (key: string, name: string) => {
      const release = await queue.acquire(key);
      order.push(name);
      setImmediate(release);
    };
    const all = [...Array.from({ length: 5 }, (_, i) => take('flooded', `f${i}`)), take('other', 'o0'), take('other', 'o1')];
    await Promise.all(all);
    assert.deepEqual(order, ['f0', 'f1', 'o0', 'f2', 'o1', 'f3', 'f4']);
  });

  it('ends a turn that is never released after maxTurnMs', async () => {
    const queue = new GatheringQueue(30);
    // The queue's timer does not keep a process alive; this test must.
    const alive = setTimeout(() => undefined, 1000);
    await queue.acquire('stuck');
    const started = Date.now();
    const release = await queue.acquire('next');
    assert.ok(Date.now() - started >= 25);
    release();
    clearTimeout(alive);
  });
});
