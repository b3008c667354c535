import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import type { Gateway } from '../../src/Gateway.js';
import { waitFor } from '../helpers/proc.js';
import { startTestGateway } from '../helpers/testGateway.js';

const examples = join(import.meta.dirname, '..', '..', 'examples');

describe('examples with DataConnections', () => {
  let gateway: Gateway;
  let base: string;
  before(async () => ({ gateway, base } = await startTestGateway({ logLevel: 'warn' })));
  after(() => gateway.stop());

  it('data.mjs carries a datagram each way and releases everything', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(examples, 'data.mjs'), base]);
    assert.match(stdout, /POST \/data\/connections -> 202 \{"command_type":"PEERS_CONNECT","params":\{"data_connection_id":"dc-/);
    assert.match(stdout, /viewer's program received \{"temp":21.5\}/);
    assert.match(stdout, /device's program received \{"command":"report"\}/);
    assert.match(stdout, /GET \/data\/connections\/dc-[^ ]+\/events -> 200 \{"event":"CLOSE"\}/);
    await waitFor(() => gateway.ports.size === 0 && gateway.peers.size === 0, 3000, 'everything released');
  });
});
