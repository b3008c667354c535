import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GatewayError } from '../../../src/errors/GatewayError.js';
import { loadAddon } from '../../../src/native/addon.js';
import { NativeEngine } from '../../../src/native/NativeEngine.js';
import { callNative, gatewayErrorFromNative, nativeErrorCode } from '../../../src/native/nativeError.js';

const thrown = (code: string, message = `native ${code}`): Error => Object.assign(new Error(message), { code });

describe('native error codes become GatewayErrors in one place', () => {
  const expected: [string, string, number][] = [
    ['ERR_ENGINE_CLOSED', 'ENGINE_UNAVAILABLE', 503],
    ['ERR_ENGINE_START', 'ENGINE_UNAVAILABLE', 503],
    ['ERR_UNKNOWN_TRANSPORT', 'NOT_FOUND', 404],
    ['ERR_INVALID_ARG', 'INVALID_PARAMETER', 400],
    ['ERR_INVALID_ADDRESS', 'INVALID_PARAMETER', 400],
    ['ERR_SHARED_SOCKET_EXISTS', 'RESOURCE_IN_USE', 403],
    ['EMFILE', 'LIMIT_REACHED', 503],
    ['ENFILE', 'LIMIT_REACHED', 503],
    ['ENOBUFS', 'LIMIT_REACHED', 503],
    ['ENOMEM', 'LIMIT_REACHED', 503],
  ];
  for (const [native, code, status] of expected) {
    it(`${native} is ${code} (${status}), keeping the native code as its cause`, () => {
      const error = gatewayErrorFromNative(thrown(native));
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, code);
      assert.equal(error.status, status);
      assert.equal(nativeErrorCode(error), native);
      assert.equal(error.errors.length, 1);
    });
  }

  it('names the transport that is gone without its handle', () => {
    const error = gatewayErrorFromNative(thrown('ERR_UNKNOWN_TRANSPORT', 'no transport with handle 7'));
    assert.deepEqual(error?.errors, [{ field: '', message: "the connection's transport has closed" }]);
  });

  it('leaves an errno or TLS context of the configuration, an unknown code and a code-less error unexpected (undefined: logged, 500)', () => {
    for (const e of [thrown('EADDRNOTAVAIL'), thrown('ERR_TLS_CONTEXT'), thrown('ERR_SOMETHING_NEW'), thrown('toString'), new Error('plain'), 'a string']) {
      assert.equal(gatewayErrorFromNative(e), undefined, String(e));
      assert.throws(() => callNative(() => { throw e; }), (caught: unknown) => caught === e);
    }
  });

  it('maps what the real addon throws: a closed raw engine and a bad argument', () => {
    const { Engine } = loadAddon();
    const raw = new Engine({ onEvents: () => undefined });
    raw.close();
    assert.throws(
      () => callNative(() => raw.transportStats(1)),
      (e: unknown) => e instanceof GatewayError && e.code === 'ENGINE_UNAVAILABLE' && nativeErrorCode(e) === 'ERR_ENGINE_CLOSED',
    );
    const engine = new NativeEngine();
    try {
      assert.throws(() => engine.openUdpPort('127.0.0.1', 70000), (e: unknown) => e instanceof GatewayError && e.code === 'INVALID_PARAMETER');
      assert.throws(() => engine.openUdpPort('localhost', 0), (e: unknown) => e instanceof GatewayError && e.status === 400 && nativeErrorCode(e) === 'ERR_INVALID_ADDRESS');
    } finally {
      engine.close();
    }
  });
});
