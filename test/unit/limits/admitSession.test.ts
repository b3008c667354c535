import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GatewayError } from '../../../src/errors/GatewayError.js';
import { createLogger } from '../../../src/log/createLogger.js';
import { ConnectionAdmission, type ConnectionCounts } from '../../../src/session/limits/ConnectionAdmission.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../../src/session/limits/ConnectionLimits.js';
import { DescriptorBudget } from '../../../src/session/limits/DescriptorBudget.js';

/** A table of `live` connections of which `pending` are not open yet, owned by no peer. */
const table = (live: () => number, pending: () => number = () => 0): ConnectionCounts => ({ live, liveOf: () => 0, pending, pendingIncomingOf: () => 0 });

describe('ConnectionAdmission.admitSession (WHIP and WHEP sessions)', () => {
  it('counts every table toward max_connections: a session past it is LIMIT_REACHED (503)', () => {
    const admission = new ConnectionAdmission({ ...DEFAULT_CONNECTION_LIMITS, maxConnections: 3 }, undefined, createLogger('silent'));
    let media = 1;
    let wish = 1;
    admission.track(table(() => media), 4);
    admission.track(table(() => wish), 4);
    admission.admitSession(4, 'sdp');
    wish = 2;
    assert.throws(
      () => admission.admitSession(4, 'sdp'),
      (e: unknown) => e instanceof GatewayError && e.code === 'LIMIT_REACHED' && e.status === 503 && /max_connections \(3\)/.test(e.message),
    );
    media = 0;
    admission.admitSession(4, 'sdp');
  });

  it('refuses a session the descriptor budget cannot afford, counting sessions not yet open as holding theirs', () => {
    const budget = new DescriptorBudget({ limit: 1024, reserve: 128, countOpen: () => 880, now: () => 0 });
    const admission = new ConnectionAdmission(DEFAULT_CONNECTION_LIMITS, budget, createLogger('silent'));
    let pending = 0;
    admission.track(table(() => pending, () => pending), 8);
    admission.admitSession(8, 'sdp'); // 880 + 8 <= 896
    pending = 1;
    assert.throws(() => admission.admitSession(8, 'sdp'), (e: unknown) => e instanceof GatewayError && e.code === 'LIMIT_REACHED' && /open files/.test(e.message));
  });
});
