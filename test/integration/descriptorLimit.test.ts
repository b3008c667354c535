import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';

import { GatewayProcess } from '../support/gatewayProcess.js';
import { RawPeer } from '../helpers/signaling.js';
import { call } from '../helpers/testGateway.js';

const portRange = (): string[] => {
  const start = 41000 + (process.pid % 300) * 20;
  return ['--port-min', String(start), '--port-max', String(start + 19)];
};
const openFiles = (pid: number): number => readdirSync(`/proc/${pid}/fd`).length;
const limits = (pid: number): string => readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'))!;

describe('a gateway near its descriptor limit', () => {
  const started: GatewayProcess[] = [];
  after(() => started.forEach((gw) => gw.child.kill('SIGKILL')));

  it('raises the soft limit to the hard one at start', async () => {
    const gw = new GatewayProcess(['--api-port', '0', '--signaling-port', '0', ...portRange()], {}, { wrapper: ['prlimit', '--nofile=256:4096'] });
    started.push(gw);
    await gw.apiUrl();
    assert.match(limits(gw.child.pid!), /^Max open files\s+4096\s+4096/);
    assert.equal(gw.logs.find((l) => l.msg === 'open file descriptor limit')?.limit, 4096);
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
  });

  it('refuses calls with a clear 503 before the descriptors run out, and keeps answering', async () => {
    // 300 descriptors, 128 of them kept in reserve: room for a few dozen calls' sockets.
    const gw = new GatewayProcess(['--api-port', '0', '--signaling-port', '0', '--media-bind-addresses', '127.0.0.1', ...portRange()], {}, { wrapper: ['prlimit', '--nofile=300:300'] });
    started.push(gw);
    const api = await gw.apiUrl();
    const pid = gw.child.pid!;
    const signaling = gw.logs.find((l) => l.msg === 'signaling server listening')!.url as string;
    const callee = await RawPeer.connect(signaling.replace(/peerjs$/, ''), { id: 'callee', token: 'c', key: 'peerjs' });
    await callee.waitFor((m) => m.type === 'OPEN');
    const peer = (await call(api, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'caller' })).body.params;
    const video = (await call(api, 'POST', '/media', { is_video: true })).body;
    let placed = 0;
    let refusal: any;
    for (let i = 0; i < 300 && !refusal; i++) {
      const res = await call(api, 'POST', '/media/connections', {
        peer_id: 'caller',
        token: peer.token,
        target_id: 'callee',
        constraints: { video: true, videoReceiveEnabled: false, audio: false, video_params: { codec: 'VP8', media_id: video.media_id } },
      });
      if (res.status === 202) placed++;
      else refusal = res;
      assert.ok(openFiles(pid) < 300 - 64, `descriptors ${openFiles(pid)}`);
    }
    assert.ok(placed >= 10, `${placed} calls placed before the refusal`);
    assert.equal(refusal?.status, 503, JSON.stringify(refusal?.body));
    assert.equal(refusal.body.command_type, 'MEDIA_CONNECTION_CREATE');
    assert.match(refusal.body.params.errors[0].message, /limit of 300 open files/);
    // Still serving: REST requests, a new port, a status.
    assert.equal((await call(api, 'GET', `/peers/caller/status?token=${peer.token}`)).status, 200);
    const port = await call(api, 'POST', '/data', {});
    assert.equal(port.status, 201);
    callee.close();
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(10000)).code, 0);
  });
});
