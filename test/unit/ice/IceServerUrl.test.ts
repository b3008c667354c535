import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { iceServerUrlAt, parseIceServerUrl, type IceServerUrl } from '../../../src/session/ice/IceServerUrl.js';

function parsed(text: string): IceServerUrl {
  const url = parseIceServerUrl(text);
  if (typeof url === 'string') throw new Error(`${text}: ${url}`);
  return url;
}

describe('parseIceServerUrl (RFC 7064 stun:, RFC 7065 turn:/turns:)', () => {
  const good: [string, Omit<IceServerUrl, 'text'>, string][] = [
    ['stun:stun.example.com', { scheme: 'stun', host: 'stun.example.com', port: 3478, transport: 'udp' }, 'stun:stun.example.com:3478'],
    ['stun:192.0.2.1:19302', { scheme: 'stun', host: '192.0.2.1', port: 19302, transport: 'udp' }, 'stun:192.0.2.1:19302'],
    ['turn:turn.example.com', { scheme: 'turn', host: 'turn.example.com', port: 3478, transport: 'udp' }, 'turn:turn.example.com:3478?transport=udp'],
    ['turn:turn.example.com:80?transport=tcp', { scheme: 'turn', host: 'turn.example.com', port: 80, transport: 'tcp' }, 'turn:turn.example.com:80?transport=tcp'],
    ['turn:192.0.2.7?transport=udp', { scheme: 'turn', host: '192.0.2.7', port: 3478, transport: 'udp' }, 'turn:192.0.2.7:3478?transport=udp'],
    ['turns:turn.example.com', { scheme: 'turns', host: 'turn.example.com', port: 5349, transport: 'tls' }, 'turns:turn.example.com:5349?transport=tcp'],
    ['turns:turn.example.com:443?transport=tcp', { scheme: 'turns', host: 'turn.example.com', port: 443, transport: 'tls' }, 'turns:turn.example.com:443?transport=tcp'],
    ['turn:[::1]', { scheme: 'turn', host: '::1', port: 3478, transport: 'udp' }, 'turn:[::1]:3478?transport=udp'],
    ['turn:[2001:db8::7]:3479?transport=tcp', { scheme: 'turn', host: '2001:db8::7', port: 3479, transport: 'tcp' }, 'turn:[2001:db8::7]:3479?transport=tcp'],
    ['stun:[::1]:1', { scheme: 'stun', host: '::1', port: 1, transport: 'udp' }, 'stun:[::1]:1'],
    ['  TURN:Turn.Example.COM:3478?Transport=TCP ', { scheme: 'turn', host: 'turn.example.com', port: 3478, transport: 'tcp' }, 'turn:turn.example.com:3478?transport=tcp'],
    ['stun:localhost:65535', { scheme: 'stun', host: 'localhost', port: 65535, transport: 'udp' }, 'stun:localhost:65535'],
  ];
  for (const [text, fields, normalized] of good) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parsed(text), { ...fields, text: normalized });
    });
  }

  const bad: [string, RegExp][] = [
    ['stun.example.com:3478', /must start with stun:, turn: or turns:/],
    ['http:example.com', /scheme http: is not/],
    ['stuns:stun.example.com', /stuns: .* is not supported/],
    ['turn://turn.example.com', /takes no "\/\/"/],
    ['turn:user:pass@turn.example.com', /takes no user name/],
    ['turn:turn.example.com/path', /no path/],
    ['stun:stun.example.com?transport=udp', /stun: takes no query/],
    ['turn:turn.example.com?transport=sctp', /only query is \?transport=udp or \?transport=tcp/],
    ['turn:turn.example.com?foo=bar', /only query/],
    ['turns:turn.example.com?transport=udp', /DTLS.*not supported/],
    ['turn:::1', /IPv6 address in brackets/],
    ['turn:2001:db8::1:3478', /IPv6 address in brackets/],
    ['turn:[::1', /unclosed "\["/],
    ['turn:[not-v6]:3478', /is not an IPv6 address/],
    ['turn:[::1]3478', /not :port/],
    ['turn:', /names no host/],
    ['turn::3478', /names no host/],
    ['turn:host:0', /port "0" is not from 1 to 65535/],
    ['turn:host:65536', /port "65536"/],
    ['turn:host:', /port ""/],
    ['turn:host:12ab', /port "12ab"/],
    ['turn:256.1.1.1', /neither an IPv4 address nor a host name/],
    ['turn:under_score.example.com', /neither an IPv4 address nor a host name/],
    ['turn:-lead.example.com', /neither/],
  ];
  for (const [text, reason] of bad) {
    it(`refuses ${JSON.stringify(text)} with the reason`, () => {
      const result = parseIceServerUrl(text);
      assert.equal(typeof result, 'string', `parsed as ${JSON.stringify(result)}`);
      assert.match(result as string, reason);
    });
  }

  it('writes the same server at a resolved address, brackets for IPv6, query kept', () => {
    assert.equal(iceServerUrlAt(parsed('turn:turn.example.com?transport=tcp'), '192.0.2.9'), 'turn:192.0.2.9:3478?transport=tcp');
    assert.equal(iceServerUrlAt(parsed('turn:turn.example.com'), '2001:db8::9'), 'turn:[2001:db8::9]:3478?transport=udp');
    assert.equal(iceServerUrlAt(parsed('stun:stun.example.com:19302'), '2001:db8::9'), 'stun:[2001:db8::9]:19302');
  });
});
