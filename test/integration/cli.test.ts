import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { BIN, GatewayProcess } from '../support/gatewayProcess.js';
import { call } from '../helpers/testGateway.js';
import { waitFor } from '../helpers/proc.js';
import { RawPeer } from '../helpers/signaling.js';
import { bindableByAnotherProcess } from '../helpers/udp.js';

const run = promisify(execFile);
const portRange = (): string[] => {
  const start = 40000 + (process.pid % 300) * 20;
  return ['--port-min', String(start), '--port-max', String(start + 19)];
};

describe('webrtc-gateway command', () => {
  const started: GatewayProcess[] = [];
  const start = (args: string[], env?: Record<string, string>): GatewayProcess => {
    const gw = new GatewayProcess(args, env);
    started.push(gw);
    return gw;
  };
  after(() => started.forEach((gw) => gw.child.kill('SIGKILL')));

  it('prints help listing its settings and exits 0', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);
    assert.match(stdout, /Usage: webrtc-gateway/);
    assert.match(stdout, /--api-port N/);
    assert.match(stdout, /--log-level VALUE/);
    assert.match(stdout, /--config FILE/);
    // Pinned: the settings table is generated into --help; a refactor of it must not change a byte.
    assert.equal(stdout, readFileSync(new URL('../fixtures/help.txt', import.meta.url), 'utf8'));
  });

  it('exits 2 with a clear message for an unknown flag or an invalid value', async () => {
    await assert.rejects(run(process.execPath, [BIN, '--frobnicate']), (e: any) => e.code === 2 && /unknown option --frobnicate\nTry --help/.test(e.stderr));
    await assert.rejects(
      run(process.execPath, [BIN, '--log-level', 'chatty']),
      (e: any) => e.code === 2 && /--log-level = "chatty": must be one of/.test(e.stderr),
    );
  });

  it('starts with the embedded defaults on 127.0.0.1:8000, answers, and exits 0 on SIGTERM', async () => {
    const gw = start(portRange());
    const api = await gw.apiUrl();
    assert.equal(api, 'http://127.0.0.1:8000');
    const res = await call(api, 'POST', '/media', { is_video: true });
    assert.equal(res.status, 201);
    assert.equal(await bindableByAnotherProcess(res.body.port), false, 'the process holds the port');
    // The embedded signaling server is up at its PeerJS defaults.
    assert.equal((await fetch('http://127.0.0.1:9000/peerjs/id')).status, 200);
    const peer = await call(api, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'cli-peer' });
    assert.equal(peer.status, 201);
    const data = await call(api, 'POST', '/data', {});
    gw.child.kill('SIGTERM');
    const { code } = await gw.exit(5000);
    assert.equal(code, 0);
    assert.ok(gw.logs.some((l) => l.msg === 'gateway stopped'));
    assert.equal(await bindableByAnotherProcess(res.body.port), true, 'media port released');
    assert.equal(await bindableByAnotherProcess(data.body.port), true, 'data port released');
  });

  it('stops gracefully on SIGINT too', async () => {
    const gw = start(['--api-port', '0', ...portRange()]);
    await gw.apiUrl();
    gw.child.kill('SIGINT');
    assert.equal((await gw.exit(5000)).code, 0);
  });

  it('takes api_port and log_level from a config file, and flags override it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-cli-'));
    const file = join(dir, 'config.toml');
    // An occupied port proves the file's api_port is used: the gateway must fail to listen on it.
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as { port: number }).port;
    writeFileSync(file, `[general]\napi_port = ${taken}\nlog_level = "debug"\n`);
    try {
      const failing = start(['--config', file, ...portRange()]);
      assert.equal((await failing.exit(5000)).code, 1, 'exit 1 when the API port is taken');
      assert.ok(failing.logs.some((l) => l.level === 'error' && /could not start/.test(l.msg) && /EADDRINUSE/.test(JSON.stringify(l.err))));

      const gw = start(['--config', file, '--api-port', '0', ...portRange()]);
      const api = await gw.apiUrl();
      assert.notEqual(api, `http://127.0.0.1:${taken}`);
      assert.ok(gw.logs.some((l) => l.level === 'debug'), 'log_level from the file applies');
      gw.child.kill('SIGTERM');
      assert.equal((await gw.exit(5000)).code, 0);

      // Quiet, it logs no address: on a port of our choosing, SIGTERM once it answers (before,
      // a loaded machine may not have installed the handler yet).
      const apiPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      });
      const quiet = start(['--config', file, '--api-port', String(apiPort), '--log-level', 'warn', ...portRange()]);
      await waitFor(async () => (await call(`http://127.0.0.1:${apiPort}`, 'GET', '/peers').catch(() => undefined)) !== undefined, 10000, 'the quiet gateway answering');
      quiet.child.kill('SIGTERM');
      assert.equal((await quiet.exit(5000)).code, 0);
      assert.equal(quiet.logs.filter((l) => l.level === 'debug' || l.level === 'info').length, 0, '--log-level overrides the file');
    } finally {
      blocker.close();
    }
  });

  it('runs only the signaling server with `webrtc-gateway signaling`', async () => {
    const gw = start(['signaling', '--signaling-port', '0', ...portRange()]);
    await waitFor(() => gw.logs.some((l) => l.msg === 'signaling server listening'), 10000, 'listening');
    const url = gw.logs.find((l) => l.msg === 'signaling server listening')!.url as string;
    const client = await RawPeer.connect(url.replace(/peerjs$/, ''), { id: 'solo', token: 't', key: 'peerjs' });
    assert.deepEqual(await client.waitFor((m) => m.type === 'OPEN'), { type: 'OPEN' });
    client.close();
    assert.equal(gw.logs.some((l) => l.msg === 'REST API listening'), false, 'no REST API in this mode');
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
  });

  it('takes settings from the environment', async () => {
    const gw = start(portRange(), { WEBRTC_GATEWAY_API_PORT: '0', WEBRTC_GATEWAY_ADVERTISED_IP_V4: '198.51.100.7' });
    const api = await gw.apiUrl();
    assert.notEqual(api, 'http://127.0.0.1:8000');
    const res = await call(api, 'POST', '/media/rtcp', {});
    assert.equal(res.body.ip_v4, '198.51.100.7');
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
  });

  it('never logs the API token or the signaling secret, even at debug level, and logs its descriptor limit', async () => {
    const token = 'secret-api-token-0123456789';
    const gw = start(['--api-port', '0', '--signaling-port', '0', '--log-level', 'debug', '--api-token', token, '--signaling-secret', 'hush-hush-secret', ...portRange()]);
    const api = await gw.apiUrl();
    assert.equal((await call(api, 'POST', '/data', {})).status, 401);
    assert.equal((await call(api, 'POST', '/data', {}, { authorization: `Bearer ${token}` })).status, 201);
    const limit = gw.logs.find((l) => l.msg === 'open file descriptor limit');
    assert.ok(limit && limit.limit > 0 && limit.reserve > 0, 'the descriptor limit is logged');
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
    const everything = JSON.stringify(gw.logs) + gw.stderr;
    assert.ok(gw.logs.some((l) => l.msg === 'configuration'), 'the configuration was logged');
    assert.equal(everything.includes(token), false, 'api token in the log');
    assert.equal(everything.includes('hush-hush-secret'), false, 'signaling secret in the log');
  });

  it('never logs the TURN secret or a static TURN password; refuses a TURN server without credentials (exit 2)', async () => {
    const gw = start(['--api-port', '0', '--signaling-port', '0', '--log-level', 'debug', '--ice-servers', 'stun:127.0.0.1,turn:127.0.0.1?transport=tcp', ...portRange()], {
      WEBRTC_GATEWAY_TURN_SECRET: 'turn-secret-shh-0451',
    });
    await gw.apiUrl();
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
    const config = gw.logs.find((l) => l.msg === 'configuration')!.config;
    assert.deepEqual(config.turnAuth, { kind: 'secret', secret: '[redacted]', lifetimeSeconds: 86400 });
    assert.deepEqual(gw.logs.find((l) => l.msg === 'ICE servers')?.iceServers, ['stun:127.0.0.1:3478', 'turn:127.0.0.1:3478?transport=tcp']);
    assert.equal((JSON.stringify(gw.logs) + gw.stderr).includes('turn-secret-shh-0451'), false, 'TURN secret in the log');

    const withStatic = start(['--api-port', '0', '--signaling-port', '0', '--log-level', 'debug', '--ice-servers', 'turn:127.0.0.1', ...portRange()], {
      WEBRTC_GATEWAY_TURN_USERNAME: 'alice',
      WEBRTC_GATEWAY_TURN_CREDENTIAL: 'static-pw-7781',
    });
    await withStatic.apiUrl();
    withStatic.child.kill('SIGTERM');
    assert.equal((await withStatic.exit(5000)).code, 0);
    assert.deepEqual(withStatic.logs.find((l) => l.msg === 'configuration')!.config.turnAuth, { kind: 'static', username: 'alice', credential: '[redacted]' });
    assert.equal((JSON.stringify(withStatic.logs) + withStatic.stderr).includes('static-pw-7781'), false, 'TURN password in the log');

    await assert.rejects(
      run(process.execPath, [BIN, '--ice-servers', 'turn:127.0.0.1']),
      (e: any) => e.code === 2 && /no TURN credentials are set: set turn_secret/.test(e.stderr),
    );
  });

  it('takes boolean flags bare: --demo-page serves the demo, --no-media-nack turns NACK off', async () => {
    const gw = start(['--api-port', '0', '--signaling-port', '0', '--demo-page', '--no-media-nack', '--log-level', 'debug', ...portRange()]);
    const api = await gw.apiUrl();
    assert.equal((await fetch(`${api}/demo/`)).status, 200);
    const config = gw.logs.find((l) => l.msg === 'configuration')!.config;
    assert.equal(config.demoPage, true);
    assert.equal(config.mediaNack, false);
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
  });

  it('reads ./config.toml when no --config is given, and says which file it used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wg-cwd-'));
    writeFileSync(join(dir, 'config.toml'), '[general]\napi_port = 0\nsignaling_port = 0\nlog_level = "debug"\n');
    const gw = new GatewayProcess(portRange(), {}, { cwd: dir });
    started.push(gw);
    const api = await gw.apiUrl();
    assert.notEqual(api, 'http://127.0.0.1:8000', 'api_port came from ./config.toml');
    assert.equal(gw.logs.find((l) => l.msg === 'configuration file read')?.file, join(dir, 'config.toml'));
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(5000)).code, 0);
  });
});
