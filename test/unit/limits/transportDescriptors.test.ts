import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { transportDescriptors } from '../../../src/session/limits/transportDescriptors.js';

describe('transportDescriptors', () => {
  it('counts a socket per bind address, none with a shared port, plus one of slack', () => {
    assert.equal(transportDescriptors({ bindAddresses: ['10.0.0.1', '::1'], sharedPort: false }), 3);
    assert.equal(transportDescriptors({ bindAddresses: ['10.0.0.1', '::1'], sharedPort: true }), 1);
  });

  it('adds a TCP connection per TCP/TLS TURN server and bind address of its family', () => {
    const turnServers = [
      { ip: '192.0.2.1', transport: 'tcp' as const },
      { ip: '192.0.2.2', transport: 'tls' as const },
      { ip: '2001:db8::1', transport: 'tls' as const },
      { ip: '192.0.2.3', transport: 'udp' as const },
    ];
    // Two IPv4 addresses: 2 stream servers each; one IPv6 address: 1. UDP uses the host sockets.
    assert.equal(transportDescriptors({ bindAddresses: ['10.0.0.1', '10.0.0.2', '::1'], sharedPort: false, turnServers }), 3 + 5 + 1);
  });

  it('on a shared port, adds one UDP socket per bind address with a UDP TURN server of its family, whatever their number', () => {
    const udp = [
      { ip: '192.0.2.1', transport: 'udp' as const },
      { ip: '192.0.2.2', transport: 'udp' as const },
    ];
    assert.equal(transportDescriptors({ bindAddresses: ['10.0.0.1', '::1'], sharedPort: true, turnServers: udp }), 1 + 1);
  });
});
