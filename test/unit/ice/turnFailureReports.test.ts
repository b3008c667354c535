import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { TurnFailureReports } from '../../../src/session/ice/TurnFailureReports.js';

describe('TurnFailureReports: one ERROR per TURN server', () => {
  it('gives the message for a server\'s first failure only, and keeps every message in order', () => {
    const reports = new TurnFailureReports();
    const a = 'turn:192.0.2.1:3478?transport=udp';
    const b = 'turns:turn.example.com:5349?transport=tcp';
    assert.equal(reports.firstReport(a, 401, 'Unauthorized'), `TURN server ${a} refused the credentials: 401 Unauthorized`);
    assert.equal(reports.firstReport(a, 401, 'Unauthorized'), undefined);
    assert.equal(reports.firstReport(a, 0, 'no answer'), undefined, 'another failure of the same server is not reported again');
    assert.equal(reports.firstReport(b, 0, 'TLS handshake failed'), `TURN server ${b} is unusable: TLS handshake failed`);
    assert.deepEqual(reports.messages, [`TURN server ${a} refused the credentials: 401 Unauthorized`, `TURN server ${b} is unusable: TLS handshake failed`]);
  });
});
