import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadAddon } from '../../src/native/addon.js';

describe('the shipped addon', () => {
  it('exports the engine and nothing of the test surface (that is native/testing/, the test addon)', () => {
    assert.deepEqual(Object.keys(loadAddon()).sort(), ['Engine', 'opensslVersion']);
  });
});
