import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { metadataProblem } from '../../../src/session/limits/checkMetadata.js';

describe('metadataProblem', () => {
  const limits = { maxMetadataBytes: 1024, maxMetadataDepth: 4 };

  it('accepts absent, scalar and modest metadata', () => {
    for (const value of [undefined, null, 'text', 42, { a: [1, { b: 2 }] }]) assert.equal(metadataProblem(value, limits), undefined);
  });

  it('refuses nesting deeper than the limit, however deep, without overflowing the stack', () => {
    assert.match(metadataProblem({ a: { b: { c: { d: { e: 1 } } } } }, limits) ?? '', /deeper than 4/);
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    assert.match(metadataProblem(deep, limits) ?? '', /deeper than 4/);
  });

  it('refuses metadata longer than the limit as JSON text, multi-byte characters counted as bytes', () => {
    assert.match(metadataProblem({ text: 'x'.repeat(1100) }, limits) ?? '', /longer than 1024 bytes/);
    assert.match(metadataProblem('é'.repeat(600), limits) ?? '', /longer than 1024 bytes/);
    assert.match(metadataProblem(Array.from({ length: 5000 }, () => ({})), limits) ?? '', /longer than 1024 bytes/);
  });
});
