import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { ConnectedClient } from '../../../src/signaling/server/ConnectedClient.js';
import { UnsentBytesBudget } from '../../../src/signaling/server/UnsentBytesBudget.js';

/** A stand-in with only what the budget reads: an id and its socket's unsent bytes. */
const client = (id: string, bufferedAmount = 0) => ({ id, socket: { bufferedAmount } }) as unknown as ConnectedClient & { socket: { bufferedAmount: number } };

describe('UnsentBytesBudget', () => {
  it('drops nobody while the total fits', () => {
    const dropped: string[] = [];
    const budget = new UnsentBytesBudget(1000, (c) => dropped.push(c.id));
    assert.equal(budget.check([client('a', 400), client('b', 500)], 0), 900);
    assert.deepEqual(dropped, []);
  });

  it('over the total, drops the clients stuck longest first, until it fits; draining ones are not stuck', () => {
    const dropped: string[] = [];
    const budget = new UnsentBytesBudget(1000, (c) => dropped.push(c.id));
    const stopped = client('stopped', 300);
    const busy = client('busy', 300);
    const late = client('late', 0);
    const all = [late, busy, stopped];
    budget.check(all, 0);
    // 100 ms later: stopped still holds the same, busy drained some and got more, late starts holding.
    stopped.socket.bufferedAmount = 400;
    busy.socket.bufferedAmount = 250;
    late.socket.bufferedAmount = 300;
    budget.check(all, 100);
    // 200 ms: everyone holds more; the total passes 1000.
    stopped.socket.bufferedAmount = 500;
    busy.socket.bufferedAmount = 450;
    late.socket.bufferedAmount = 400;
    const total = budget.check(all, 200);
    assert.deepEqual(dropped, ['stopped']);
    assert.equal(total, 850);
  });
});
