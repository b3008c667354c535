import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Candidate } from '../../../src/native/NativeTypes.js';
import { AnswerGathering } from '../../../src/session/ice/AnswerGathering.js';

const candidate = (type: Candidate['type'], port: number): Candidate => ({ foundation: type, component: 1, priority: 1, ip: '192.0.2.1', port, type });
const text = { text: '', detail: '' };

describe('AnswerGathering: the candidates a WHIP/WHEP answer waits for', () => {
  it('ends at gathering-complete with the initial candidates and the gathered ones, each once', async () => {
    const g = new AnswerGathering(60_000);
    g.onTransportEvent({ kind: 'local-candidate', candidate: candidate('srflx', 2), ...text });
    g.onTransportEvent({ kind: 'local-candidate', candidate: candidate('host', 1), ...text });
    g.onTransportEvent({ kind: 'local-candidate', candidate: candidate('relay', 3), ...text });
    g.onTransportEvent({ kind: 'gathering-complete', ...text });
    await g.finished;
    assert.deepEqual(g.candidatesWith([candidate('host', 1)]).map((c) => `${c.type}:${c.port}`), ['host:1', 'srflx:2', 'relay:3']);
  });

  it('ends after its wait when the transport never completes, and on finish()', async () => {
    // Its timer does not hold the process open (a request does, in the gateway): this interval does here.
    const alive = setInterval(() => {}, 1000);
    const started = Date.now();
    await new AnswerGathering(50).finished;
    clearInterval(alive);
    assert.ok(Date.now() - started >= 45);
    const g = new AnswerGathering(60_000);
    g.finish();
    await g.finished;
  });

  it('keeps at most 32 gathered candidates', () => {
    const g = new AnswerGathering(60_000);
    for (let port = 1; port <= 40; port++) g.onTransportEvent({ kind: 'local-candidate', candidate: candidate('relay', port), ...text });
    g.finish();
    assert.equal(g.candidatesWith([]).length, 32);
  });
});
