import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { iceServerLinks } from '../../../src/api/iceServerLinks.js';

describe('iceServerLinks (RFC 9725 section 4.6)', () => {
  it('one Link per URL; TURN with username, credential and credential-type', () => {
    const links = iceServerLinks([
      { urls: ['stun:127.0.0.1:3478'] },
      { urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp'], username: '1700000000:wi-1', credential: 'a+b/c=' },
    ]);
    assert.deepEqual(links, [
      '<stun:127.0.0.1:3478>; rel="ice-server"',
      '<turn:127.0.0.1:3478?transport=udp>; rel="ice-server"; username="1700000000:wi-1"; credential="a+b/c="; credential-type="password"',
      '<turn:127.0.0.1:3478?transport=tcp>; rel="ice-server"; username="1700000000:wi-1"; credential="a+b/c="; credential-type="password"',
    ]);
  });

  it('escapes quotes and backslashes in credentials (RFC 8288 quoted-string)', () => {
    assert.deepEqual(iceServerLinks([{ urls: 'turn:h', username: 'u"1', credential: 'p\\2' }]), [
      '<turn:h>; rel="ice-server"; username="u\\"1"; credential="p\\\\2"; credential-type="password"',
    ]);
  });

  it('no servers, no links', () => {
    assert.deepEqual(iceServerLinks([]), []);
  });
});
