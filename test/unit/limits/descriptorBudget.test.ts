import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';

import { DescriptorBudget } from '../../../src/session/limits/DescriptorBudget.js';

describe('DescriptorBudget', () => {
  it('grants descriptors until the reserve would be touched, counting what it granted since the last count', () => {
    let open = 800;
    let now = 0;
    const budget = new DescriptorBudget({ limit: 1024, reserve: 128, countOpen: () => open, now: () => now });
    assert.equal(budget.take(64), true); // 864
    assert.equal(budget.take(32), true); // 896 = limit - reserve
    assert.equal(budget.take(1), false);
    // A later count sees descriptors closed.
    open = 500;
    now += 1000;
    assert.equal(budget.take(64), true);
    assert.equal(budget.open, 564);
  });

  it("reads this process's real limit and open descriptors by default", () => {
    const budget = new DescriptorBudget();
    assert.ok(Number.isFinite(budget.limit) && budget.limit >= 256, `limit ${budget.limit}`);
    const actual = readdirSync('/proc/self/fd').length;
    assert.ok(Math.abs(budget.open - actual) <= 2, `open ${budget.open} vs ${actual}`);
    assert.ok(budget.reserve >= 128);
  });
});
