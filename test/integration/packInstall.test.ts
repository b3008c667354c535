// The production installs the README promises: a clone installed without devDependencies, and the
// package (what `npm pack` and `npm publish` make) installed into an empty folder. Each runs npm
// for real with --prefer-offline: the clone's install finds every locked package in the cache the
// repository's own install filled; the tarball's dependencies are resolved afresh, as a user's
// would be, so package metadata not yet cached is read from the registry.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { GatewayProcess } from '../support/gatewayProcess.js';
import { call } from '../helpers/testGateway.js';

const root = join(import.meta.dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const PREBUILD = join('prebuilds', 'linux-x64', 'webrtc-gateway.node');
const run = promisify(execFile);

/**
 * The environment of a user's shell: none of the npm_* variables `npm test` sets (npm_config_local_prefix
 * would point a nested npm at this repository) but the cache and the registry, and no
 * node_modules/.bin of this repository on PATH (its tsc and node-gyp are devDependencies a
 * production install does not have).
 */
const userEnv = (): Record<string, string | undefined> => {
  const env: Record<string, string | undefined> = { INIT_CWD: undefined };
  for (const name of Object.keys(process.env)) if (/^npm_(?!config_(cache|registry)$)/i.test(name)) env[name] = undefined;
  env.PATH = (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules/.bin')).join(delimiter);
  return env;
};
const npm = (args: string[], cwd: string, timeoutMs: number) =>
  run('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund'], { cwd, timeout: timeoutMs, env: { ...process.env, ...userEnv() } });

const portRange = (): string[] => {
  const start = 42000 + (process.pid % 300) * 20;
  return ['--port-min', String(start), '--port-max', String(start + 19)];
};

/** The files a process and its children have mapped: which addon file the gateway loaded, whether it
 * runs in the process itself or in npm's child (npm start). */
function mappedFiles(pid: number): Set<string> {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  const files = [pid, ...children].flatMap((p) => readFileSync(`/proc/${p}/maps`, 'utf8').split('\n').map((line) => line.split(/\s+/).slice(5).join(' ')));
  return new Set(files.filter(Boolean));
}

/** This work tree as a clean clone of it would have it: tracked files and new ones git does not ignore. */
function checkoutFiles(): string[] | undefined {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
    return out.split('\0').filter((f) => f && existsSync(join(root, f)));
  } catch {
    return undefined;
  }
}

describe('production install', () => {
  const temp: string[] = [];
  const started: GatewayProcess[] = [];
  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temp.push(dir);
    return dir;
  };
  after(async () => {
    // SIGTERM first: npm start passes it on to the gateway, a SIGKILL to npm would orphan it.
    for (const gw of started) {
      if (gw.child.exitCode !== null || gw.child.signalCode !== null) continue;
      gw.child.kill('SIGTERM');
      await gw.exit(5000).catch(() => {});
    }
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a gateway, asks the REST API for a video port and a peer, checks the addon it loaded. */
  async function startAndCall(gateway: string[], packageDir: string): Promise<GatewayProcess> {
    const gw = new GatewayProcess(['--api-port', '0', '--signaling-port', '0', ...portRange()], { ...userEnv(), PREBUILDS_ONLY: '1' }, { gateway });
    started.push(gw);
    const api = await gw.apiUrl(20000);
    const media = await call(api, 'POST', '/media', { is_video: true });
    assert.equal(media.status, 201);
    assert.equal(typeof media.body.port, 'number');
    const peer = await call(api, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'pack-install' });
    assert.equal(peer.status, 201);
    assert.ok(mappedFiles(gw.child.pid!).has(join(packageDir, PREBUILD)), "the addon is the package's prebuild");
    assert.ok(!existsSync(join(packageDir, 'build')), 'nothing was compiled');
    return gw;
  }

  const files = checkoutFiles();
  it('a clean clone installs with --omit=dev, compiling dist/ without devDependencies, and npm start serves the API', { skip: files ? false : 'not a git work tree', timeout: 240_000 }, async () => {
    const clone = tempDir('wg-clone-');
    for (const file of files!) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(root, file), join(clone, file));
    }
    await npm(['install', '--omit=dev'], clone, 180_000);
    assert.ok(existsSync(join(clone, 'dist', 'cli', 'main.js')), 'prepare compiled dist/');
    assert.ok(!existsSync(join(clone, 'node_modules', 'typescript')), 'no devDependency was installed');

    const gw = await startAndCall(['npm', '--prefix', clone, 'start', '--'], clone);
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(10000)).code, 0);
    assert.ok(gw.logs.some((l) => l.msg === 'gateway stopped'));
  });

  it('the packed tarball installs into an empty folder with --omit=dev and npx webrtc-gateway runs from its dist/ and prebuild', { timeout: 180_000 }, async () => {
    // dist/ as `npm test` compiled it; --ignore-scripts, because `prepare` would compile dist/ again
    // under the gateways other test files are running from it.
    assert.ok(existsSync(join(root, 'dist', 'cli', 'main.js')), 'dist/ is compiled (npm run compile)');
    const packDir = tempDir('wg-pack-');
    const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', packDir], root, 60_000);
    const [pack] = JSON.parse(stdout) as { filename: string; unpackedSize: number; files: { path: string }[] }[];
    const shipped = new Set(pack!.files.map((f) => f.path));
    // What node-gyp-build compiles when no prebuild matches: binding.gyp and the core it includes.
    const gyp = readFileSync(join(root, 'binding.gyp'), 'utf8');
    const core = readFileSync(join(root, 'native', 'core.gypi'), 'utf8');
    const sources = [
      ...[...gyp.matchAll(/"(native\/[^"]+\.cpp)"/g)].map((m) => m[1]!),
      ...[...core.matchAll(/"((core|io)\/[^"]+\.cpp)"/g)].map((m) => `native/${m[1]!}`),
    ];
    assert.ok(sources.length > 50);
    for (const file of ['package.json', 'bin/webrtc-gateway.js', 'dist/cli/main.js', 'dist/index.d.ts', PREBUILD, 'binding.gyp', 'native/core.gypi', 'examples/demo/index.html', ...sources]) {
      assert.ok(shipped.has(file), `${file} is shipped`);
    }
    // Nothing of the tests: no test addon (native/testing: sans-IO wrappers, benchmarks, C++ tests, its prebuild).
    for (const path of shipped) assert.doesNotMatch(path, /^(src|test|bench|tools|build|node_modules|native\/fuzz|native\/testing|\.ci)\//, `${path} is not shipped`);
    // Today 4.2 MB, 2.5 of it the two prebuilds (x64, arm64): a bound that catches a build tree or a corpus.
    assert.ok(pack!.unpackedSize < 5_500_000, `unpacked size ${pack!.unpackedSize}`);

    // An empty folder. npm 11 leaves the package's install script (node-gyp-build) unrun, as no
    // allowScripts approves it: the prebuild must load without it.
    const app = tempDir('wg-app-');
    // A package.json of its own, or npm would take the first parent folder that has one for the project.
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    await npm(['install', '--omit=dev', join(packDir, pack!.filename)], app, 120_000);
    const installed = join(app, 'node_modules', 'webrtc-gateway');
    const npx = await run('npx', ['--no', '--', 'webrtc-gateway', '--version'], { cwd: app, timeout: 30_000, env: { ...process.env, ...userEnv() } });
    assert.equal(npx.stdout.trim(), version);

    // What npx runs, started directly so that SIGTERM reaches it rather than npx.
    const gw = await startAndCall([join(app, 'node_modules', '.bin', 'webrtc-gateway')], installed);
    gw.child.kill('SIGTERM');
    assert.equal((await gw.exit(10000)).code, 0);
  });
});
