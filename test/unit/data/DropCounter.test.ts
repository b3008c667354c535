import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DropCounter } from '../../../src/session/data/DropCounter.js';
import { createLogger } from '../../../src/log/createLogger.js';

describe('DropCounter', () => {
  it('counts every drop but reports each kind at most once per interval', () => {
    let now = 0;
    const reports: string[] = [];
    const counter = new DropCounter(createLogger('silent'), (d, r, n) => reports.push(`${d}:${r}:${n}`), 1000, () => now);
    for (let i = 0; i < 500; i++) counter.add('to_remote', 'buffer_full');
    counter.add('from_remote', 'invalid_json');
    now = 1500;
    counter.add('to_remote', 'buffer_full');
    assert.deepEqual(reports, ['to_remote:buffer_full:1', 'from_remote:invalid_json:1', 'to_remote:buffer_full:501']);
    assert.equal(counter.total, 502);
    assert.deepEqual(counter.snapshot(), { to_remote: { buffer_full: 501 }, from_remote: { invalid_json: 1 } });
  });
});
