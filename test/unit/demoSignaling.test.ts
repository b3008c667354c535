import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { demoSignalingFor } from '../../src/api/routes/demoRoutes.js';

describe('the demo page signaling options (demoSignalingFor)', () => {
  const o = { key: 'peerjs', anyHost: false, iceServers: [] };

  it('takes host, port, path and scheme from the signaling URL, and passes the ICE servers on', () => {
    const iceServers = [{ urls: ['stun:192.0.2.1:3478', 'stun:[2001:db8::1]:3478'] }, { urls: ['turn:turn.example.com:3478?transport=udp'], username: '1:demo', credential: 'c' }];
    assert.deepEqual(demoSignalingFor('wss://peers.example.com/app/', { ...o, iceServers }), {
      host: 'peers.example.com',
      port: 443,
      path: '/app/',
      secure: true,
      key: 'peerjs',
      iceServers,
    });
  });

  it('keeps the brackets of an IPv6 host, which peerjs puts into ws://host:port as it is', () => {
    const s = demoSignalingFor('ws://[::1]:9000/', o);
    assert.equal(s.host, '[::1]');
    assert.doesNotThrow(() => new URL(`ws://${s.host}:${s.port}${s.path}peerjs`));
  });

  it("leaves the host to the page when the server listens on every address", () => {
    assert.equal(demoSignalingFor('ws://127.0.0.1:9000/', { ...o, anyHost: true }).host, undefined);
  });
});
