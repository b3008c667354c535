import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { nativeTurnFailureCause, turnFailureMessage } from '../../../src/session/ice/turnFailureMessage.js';

describe('turnFailureMessage: the ERROR event of a TURN server a connection cannot use', () => {
  const url = 'turn:203.0.113.1:3478?transport=udp';

  it('401 says the credentials were refused', () => {
    assert.equal(turnFailureMessage(url, 401, 'Unauthorized'), `TURN server ${url} refused the credentials: 401 Unauthorized`);
  });

  it('another STUN error code says the allocation was refused', () => {
    assert.equal(turnFailureMessage(url, 486, 'Allocation Quota Reached'), `TURN server ${url} refused the allocation: 486 Allocation Quota Reached`);
  });

  it('no code (no answer, a connection or certificate failure) or libwebrtc\'s 701 says it is unusable and why', () => {
    const turns = 'turns:203.0.113.1:5349?transport=tcp';
    assert.equal(turnFailureMessage(turns, 0, 'TLS handshake with 203.0.113.1 failed: certificate verify failed'), `TURN server ${turns} is unusable: TLS handshake with 203.0.113.1 failed: certificate verify failed`);
    assert.equal(turnFailureMessage(url, 701, ''), `TURN server ${url} is unusable: no reason given`);
  });

  it('takes the cause out of a native turn-failed text after the URL and the code', () => {
    assert.equal(nativeTurnFailureCause(`${url} 401 Unauthorized`, url, 401), 'Unauthorized');
    assert.equal(nativeTurnFailureCause(`${url} no answer`, url, 0), 'no answer');
    assert.equal(nativeTurnFailureCause('something else', url, 0), 'something else');
  });
});
