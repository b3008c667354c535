import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PendingMessages } from '../../../src/signaling/server/PendingMessages.js';

const limits = { messagesPerDestination: 3, messages: 5, bytesPerDestination: 100, bytes: 150 };
const text = (bytes: number): Buffer => Buffer.alloc(bytes, 0x61);

describe('PendingMessages', () => {
  it('refuses past the bytes per destination, and counts only what it kept', () => {
    const q = new PendingMessages(5000, limits);
    assert.equal(q.add('b', 'a', text(60), 0), true);
    assert.equal(q.add('b', 'a', text(41), 0), false, '101 bytes for one destination');
    assert.equal(q.add('b', 'a', text(40), 0), true, 'exactly 100 fits');
    assert.deepEqual([q.size, q.bytes], [2, 100]);
  });

  it('refuses past the total bytes, and past either count', () => {
    const q = new PendingMessages(5000, limits);
    assert.equal(q.add('b', 'a', text(100), 0), true);
    assert.equal(q.add('c', 'a', text(51), 0), false, '151 bytes in total');
    assert.equal(q.add('c', 'a', text(10), 0), true);
    for (let i = 0; i < 2; i++) assert.equal(q.add('c', 'a', text(1), 0), true);
    assert.equal(q.add('c', 'a', text(1), 0), false, 'a fourth message for one destination');
    assert.equal(q.add('d', 'a', text(1), 0), true);
    assert.equal(q.add('e', 'a', text(1), 0), false, 'a sixth message in total');
  });

  it('gives its bytes back when a destination takes its messages or they expire', () => {
    const q = new PendingMessages(5000, limits);
    q.add('b', 'a', text(100), 0);
    q.add('c', 'x', text(50), 1000);
    assert.deepEqual(q.take('b').map((t) => t.length), [100]);
    assert.deepEqual([q.size, q.bytes], [1, 50]);
    assert.deepEqual(q.expire(6000), [{ src: 'x', dst: 'c' }]);
    assert.deepEqual([q.size, q.bytes], [0, 0]);
    assert.equal(q.add('d', 'a', text(100), 6000), true, 'room again');
  });
});
