import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, openDataPort, waitForEvent } from '../helpers/dataPath.js';
import { mediaEvents, peerEvent } from '../helpers/media.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

/** The keys of a JSON object's top level, in order, repeats included (JSON.parse keeps only the last). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (c === '"') {
      const start = i;
      for (i++; json[i] !== '"'; i++) if (json[i] === '\\') i++;
      let j = i + 1;
      while (json[j] === ' ') j++;
      if (depth === 1 && json[j] === ':') keys.push(JSON.parse(json.slice(start, i + 1)) as string);
    }
  }
  return keys;
}

const repeatedKeys = (line: string): string[] => {
  const keys = topLevelKeys(line);
  return keys.filter((k, i) => keys.indexOf(k) !== i);
};

describe('log lines', () => {
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  before(async () => {
    ({ gateway, base, logs } = await startTestGateway({ logLevel: 'debug' }));
  });
  after(() => gateway.stop());

  it('the key scanner sees a repeated key that JSON.parse would hide', () => {
    assert.deepEqual(repeatedKeys('{"level":"info","peer":"a","x":{"peer":1},"peer":"a","msg":"m \\" \\"peer\\":"}'), ['peer']);
    assert.deepEqual(repeatedKeys('{"a":1,"b":[{"a":2}]}'), []);
  });

  it('never repeat a key, through peers, data and media connections opening and closing', async () => {
    const a = await createPeer(base, 'logkeys-a');
    const b = await createPeer(base, 'logkeys-b');

    const port = await openDataPort(base);
    const data = await call(base, 'POST', '/data/connections', {
      peer_id: a.id,
      token: a.token,
      target_id: b.id,
      params: { data_id: port.data_id },
    });
    assert.equal(data.status, 202, JSON.stringify(data.body));
    await waitForEvent(base, data.body.params.data_connection_id, 'OPEN');

    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const media = await call(base, 'POST', '/media/connections', {
      peer_id: a.id,
      token: a.token,
      target_id: b.id,
      constraints: { video: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id } },
    });
    assert.equal(media.status, 202, JSON.stringify(media.body));
    const incoming = (await peerEvent(b, 'CALL')).call_params.media_connection_id;
    const answer = await call(base, 'POST', `/media/connections/${incoming}/answer`, { constraints: { video: false, videoReceiveEnabled: true, audio: false } });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    await mediaEvents(base, incoming, 'STREAM');

    assert.equal((await call(base, 'DELETE', `/media/connections/${media.body.params.media_connection_id}`)).status, 204);
    assert.equal((await call(base, 'DELETE', `/peers/${a.id}?token=${a.token}`)).status, 204);
    assert.equal((await call(base, 'DELETE', `/peers/${b.id}?token=${b.token}`)).status, 204);
    await new Promise((r) => setTimeout(r, 300));

    const peerLines = logs.lines.filter((l) => l.includes('"logkeys-a"'));
    assert.ok(peerLines.some((l) => l.includes('peer open on the signaling server')), 'the peer logged its OPEN');
    const repeated = logs.lines.map((line) => ({ line, repeated: repeatedKeys(line) })).filter((l) => l.repeated.length > 0);
    assert.deepEqual(repeated, []);
  });
});
