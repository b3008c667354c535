import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { GatewayError, httpStatusOf, type GatewayErrorCode } from '../../src/errors/GatewayError.js';

describe('GatewayError', () => {
  it('maps each code to one HTTP status', () => {
    const expected: Record<GatewayErrorCode, number> = {
      INVALID_PARAMETER: 400,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      ORIGIN_NOT_ALLOWED: 403,
      RESOURCE_IN_USE: 403,
      NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405,
      CONFLICT: 409,
      UNSUPPORTED_MEDIA_TYPE: 415,
      UNPROCESSABLE: 422,
      REQUEST_TIMEOUT: 408,
      PRECONDITION_FAILED: 412,
      PRECONDITION_REQUIRED: 428,
      PAYLOAD_TOO_LARGE: 413,
      MISDIRECTED_HOST: 421,
      LIMIT_REACHED: 503,
      SIGNALING_UNAVAILABLE: 503,
      PORT_RANGE_EXHAUSTED: 503,
      ENGINE_UNAVAILABLE: 503,
    GATHERING_FAILED: 503,
      INTERNAL: 500,
    };
    for (const [code, status] of Object.entries(expected)) {
      assert.equal(httpStatusOf(code as GatewayErrorCode), status, code);
      assert.equal(new GatewayError(code as GatewayErrorCode, 'x').status, status);
    }
  });

  it('keeps every field error and joins them into the message', () => {
    const e = new GatewayError('INVALID_PARAMETER', [
      { field: 'a', message: 'bad' },
      { field: 'b', message: 'worse' },
    ]);
    assert.equal(e.code, 'INVALID_PARAMETER');
    assert.equal(e.errors.length, 2);
    assert.equal(e.message, 'a: bad; b: worse');
  });

  it('names the id in not-found errors', () => {
    const e = GatewayError.notFound('media_id', 'vi-x');
    assert.equal(e.status, 404);
    assert.deepEqual(e.errors, [{ field: 'media_id', message: 'media_id "vi-x" does not exist' }]);
  });
});
