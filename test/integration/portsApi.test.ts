import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { Gateway } from '../../src/Gateway.js';
import { threadCount, threadExists, waitFor } from '../helpers/proc.js';
import { assertSkywayError } from '../helpers/skywayError.js';
import { GatewayProcess } from '../support/gatewayProcess.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';
import { bindableByAnotherProcess, sendDatagrams } from '../helpers/udp.js';

const BLAST = fileURLToPath(new URL('../../bench/lib/blast.cjs', import.meta.url));
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

describe('port resources over REST', () => {
  let gateway: Gateway;
  let base: string;
  let logs: LogCapture;
  before(async () => {
    ({ gateway, base, logs } = await startTestGateway({ advertisedIpV4: '192.0.2.10' }));
  });
  after(() => gateway.stop());

  const families = [
    { path: '/media', body: { is_video: true }, idField: 'media_id', prefix: 'vi', create: 'MEDIA_CREATE', del: 'MEDIA_DELETE' },
    { path: '/media', body: { is_video: false }, idField: 'media_id', prefix: 'au', create: 'MEDIA_CREATE', del: 'MEDIA_DELETE' },
    { path: '/media/rtcp', body: {}, idField: 'rtcp_id', prefix: 'rc', create: 'RTCP_CREATE', del: 'RTCP_DELETE' },
    { path: '/data', body: {}, idField: 'data_id', prefix: 'da', create: 'DATA_CREATE', del: 'DATA_DELETE' },
  ] as const;

  for (const f of families) {
    describe(`${f.path} (${f.prefix}-)`, () => {
      it('POST opens a bound port and answers 201 with its id, port and the advertised ip_v4', async () => {
        const res = await call(base, 'POST', f.path, f.body);
        assert.equal(res.status, 201);
        assert.match(res.body[f.idField], new RegExp(`^${f.prefix}-${UUID}$`));
        assert.equal(res.body.ip_v4, '192.0.2.10');
        assert.ok(res.body.port >= gateway.config.portMin && res.body.port <= gateway.config.portMax);
        assert.deepEqual(Object.keys(res.body).sort(), [f.idField, 'ip_v4', 'port'].sort());
        assert.equal(await bindableByAnotherProcess(res.body.port), false, 'the gateway holds the port');
      });

      it('counts a datagram sent to the port and shows it in status', async () => {
        const { body } = await call(base, 'POST', f.path, f.body);
        const id = body[f.idField];
        await sendDatagrams(body.port, [Buffer.from('hello gateway'), Buffer.alloc(1000)]);
        let status: any;
        await waitFor(async () => {
          status = (await call(base, 'GET', `${f.path}/${id}/status`)).body;
          return status.packets === 2;
        }, 2000, 'datagrams in status');
        assert.equal(status.packets, 2);
        assert.equal(status.bytes, 13 + 1000);
        assert.equal(status[f.idField], id);
        assert.equal(status.port, body.port);
        assert.match(status.last_source, /^127\.0\.0\.1:\d+$/);
        assert.equal(status.dropped_oversize, 0);
        assert.equal(status.kernel_drops, 0);
        assert.ok(logs.records.some((r) => r['msg'] === 'port receives datagrams' && r['id'] === id), 'the first sender is logged');
      });

      it('DELETE answers 204 and really releases the port; a second DELETE is 404', async () => {
        const { body } = await call(base, 'POST', f.path, f.body);
        const del = await call(base, 'DELETE', `${f.path}/${body[f.idField]}`);
        assert.equal(del.status, 204);
        assert.equal(del.body, undefined);
        assert.equal(await bindableByAnotherProcess(body.port), true, 'another process can bind it');
        const again = await call(base, 'DELETE', `${f.path}/${body[f.idField]}`);
        assert.equal(again.status, 404);
        assertSkywayError(again.body, f.del, f.idField);
        assert.equal((await call(base, 'GET', `${f.path}/${body[f.idField]}/status`)).status, 404);
      });

      it('answers 404 for an unknown id and 405 for a wrong method', async () => {
        const unknown = await call(base, 'DELETE', `${f.path}/${f.prefix}-00000000-0000-4000-8000-000000000000`);
        assert.equal(unknown.status, 404);
        assertSkywayError(unknown.body, f.del);
        for (const method of ['GET', 'PUT', 'DELETE']) {
          const res = await call(base, method, f.path);
          assert.equal(res.status, 405, `${method} ${f.path}`);
          assert.equal(res.headers.get('allow'), 'POST');
          assertSkywayError(res.body, f.create, 'method');
        }
        const onId = await call(base, 'POST', `${f.path}/some-id`, {});
        assert.equal(onId.status, 405);
        assert.equal(onId.headers.get('allow'), 'DELETE');
      });
    });
  }

  it('shows datagrams the kernel dropped before the port could read them as kernel_drops', async () => {
    // Ports are read by the native I/O thread, which keeps up with any sender on this machine: a
    // gateway process stopped with SIGSTOP reads nothing while a child sends it 24 MB, far more
    // than any socket receive buffer holds, so the kernel must drop some.
    const stopped = new GatewayProcess(['--api-port', '0', '--signaling-port', '0', '--port-min', '24000', '--port-max', '24999']);
    try {
      const api = await stopped.apiUrl();
      const { body } = await call(api, 'POST', '/data', {});
      const count = 20000;
      stopped.child.kill('SIGSTOP');
      const child = spawnSync(process.execPath, [BLAST, String(body.port), String(count), '1200'], { timeout: 30_000 });
      stopped.child.kill('SIGCONT');
      assert.equal(child.status, 0, String(child.stderr));
      let status: any;
      await waitFor(async () => {
        status = (await call(api, 'GET', `/data/${body.data_id}/status`)).body;
        return status.packets + status.kernel_drops === count;
      }, 5000, 'every datagram either read or counted as dropped by the kernel');
      assert.ok(status.kernel_drops > 0, `kernel_drops ${status.kernel_drops}`);
      assert.ok(status.packets > 0);
      assert.equal(status.bytes, status.packets * 1200);
    } finally {
      stopped.child.kill('SIGCONT');
      await stopped.stop();
    }
  });

  it('accepts a missing body, an empty body and a body without content type where the spec asks for {}', async () => {
    for (const path of ['/media/rtcp', '/data']) {
      assert.equal((await call(base, 'POST', path)).status, 201, `${path} without body`);
      assert.equal((await call(base, 'POST', path, '')).status, 201, `${path} with empty body`);
      assert.equal((await call(base, 'POST', path, '{}')).status, 201, `${path} with {} and no content type`);
      assert.equal((await call(base, 'POST', path, { unused: 1 })).status, 201, `${path} with extra fields`);
    }
    const media = await call(base, 'POST', '/media', '{"is_video":true}', { 'content-type': 'text/plain' });
    assert.equal(media.status, 201);
  });

  const badMediaBodies: [string, unknown, string][] = [
    ['a missing body', undefined, 'is_video'],
    ['an empty object', {}, 'is_video'],
    ['is_video of the wrong type', { is_video: 'yes' }, 'is_video'],
    ['is_video null', { is_video: null }, 'is_video'],
    ['a JSON array', [true], 'body'],
    ['malformed JSON', '{"is_video": tru', 'body'],
    ['a JSON string', '"text"', 'body'],
  ];
  for (const [what, body, field] of badMediaBodies) {
    it(`POST /media with ${what} is a 400 in the SkyWay shape naming ${field}`, async () => {
      const res = await call(base, 'POST', '/media', body);
      assert.equal(res.status, 400);
      assertSkywayError(res.body, 'MEDIA_CREATE', field);
    });
  }

  it('says which field is missing in the words of the spec', async () => {
    const res = await call(base, 'POST', '/media', {});
    assert.deepEqual(res.body.params.errors, [{ field: 'is_video', message: 'is_video field is not specified' }]);
  });

  it('rejects a body that is not an object on the {} endpoints too', async () => {
    const res = await call(base, 'POST', '/data', '[1,2]');
    assert.equal(res.status, 400);
    assertSkywayError(res.body, 'DATA_CREATE', 'body');
  });

  it('refuses an oversized body with 413 in the SkyWay shape', async () => {
    const res = await call(base, 'POST', '/media', { is_video: true, pad: 'x'.repeat(100_000) });
    assert.equal(res.status, 413);
    assertSkywayError(res.body, 'MEDIA_CREATE', 'body');
  });

  it('does not accept an id of another kind on a path', async () => {
    const rtcp = (await call(base, 'POST', '/media/rtcp')).body;
    const res = await call(base, 'DELETE', `/media/${rtcp.rtcp_id}`);
    assert.equal(res.status, 404);
    assertSkywayError(res.body, 'MEDIA_DELETE', 'media_id');
    assert.equal((await call(base, 'DELETE', `/media/rtcp/${rtcp.rtcp_id}`)).status, 204);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await call(base, 'GET', '/no/such/thing');
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assertSkywayError(res.body, 'UNKNOWN', 'path');
  });

  it('never hands out one port twice, also to concurrent requests of every kind', async () => {
    const requests = Array.from({ length: 24 }, (_, i) => {
      const f = families[i % families.length]!;
      return call(base, 'POST', f.path, f.body);
    });
    const responses = await Promise.all(requests);
    assert.ok(responses.every((r) => r.status === 201));
    const ports = responses.map((r) => r.body.port);
    const open = gateway.ports.list().map((p) => p.port);
    assert.equal(new Set(ports).size, ports.length);
    assert.equal(new Set(open).size, open.length);
  });
});

describe('port range exhaustion', () => {
  it('answers 503 in the SkyWay shape once every port of the range is bound, and recovers on DELETE', async () => {
    const start = 30000 + (process.pid % 300) * 10;
    const small = await startTestGateway({ portMin: start, portMax: start + 1 });
    try {
      const a = await call(small.base, 'POST', '/media', { is_video: true });
      const b = await call(small.base, 'POST', '/data', {});
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      const c = await call(small.base, 'POST', '/media/rtcp', {});
      assert.equal(c.status, 503);
      assertSkywayError(c.body, 'RTCP_CREATE', 'port');
      assert.equal((await call(small.base, 'DELETE', `/media/${a.body.media_id}`)).status, 204);
      assert.equal((await call(small.base, 'POST', '/media/rtcp', {})).status, 201);
    } finally {
      await small.gateway.stop();
    }
  });

  it('fails to start when its API port is taken, leaving no thread behind', async () => {
    const first = await startTestGateway();
    try {
      const threads = threadCount();
      await assert.rejects(startTestGateway({ apiPort: first.gateway.apiAddress.port }), (e: any) => e.code === 'EADDRINUSE');
      assert.equal(threadCount(), threads);
    } finally {
      await first.gateway.stop();
    }
  });

  it('refuses to start with an invalid range, leaving no thread behind', async () => {
    const threads = threadCount();
    await assert.rejects(startTestGateway({ portMin: 0, portMax: 10 }), RangeError);
    assert.equal(threadCount(), threads);
  });
});

describe('gateway shutdown', () => {
  it('closes every port and joins the native thread', async () => {
    const { gateway, base } = await startTestGateway();
    const ports: number[] = [];
    for (const [path, body] of [['/media', { is_video: true }], ['/media/rtcp', {}], ['/data', {}]] as const) {
      ports.push((await call(base, 'POST', path, body)).body.port);
    }
    const tid = gateway.engine.threadId;
    await gateway.stop();
    for (const p of ports) assert.equal(await bindableByAnotherProcess(p), true, `port ${p} released`);
    assert.equal(gateway.engine.isClosed, true);
    assert.equal(gateway.engine.threadId, 0);
    assert.equal(threadExists(tid), false);
    await assert.rejects(fetch(`${base}/media`), 'the API no longer listens');
  });
});
