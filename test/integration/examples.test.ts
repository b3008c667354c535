import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import type { Gateway } from '../../src/Gateway.js';
import { startTestGateway } from '../helpers/testGateway.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

describe('examples', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => ({ gateway, base } = await startTestGateway()));
  after(() => gateway.stop());

  it('ports.mjs walks through the port endpoints and sees its datagram arrive', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(examples, 'ports.mjs'), base]);
    assert.match(stdout, /POST \/media -> 201 \{"media_id":"vi-/);
    assert.match(stdout, /GET \/media\/vi-[^ ]+\/status -> 200 .*"packets":1,"bytes":13/);
    assert.match(stdout, /POST \/media -> 400 .*"field":"is_video"/);
    assert.equal(stdout.match(/DELETE .* -> 204/g)?.length, 3);
    assert.equal(gateway.ports.size, 0, 'the example released everything it opened');
  });
});
