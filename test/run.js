#!/usr/bin/env node
// Runs the test suites with Node's test runner (TypeScript through tsx).
//   node test/run.js            unit, integration and interop (what `npm test` runs)
//   node test/run.js e2e        the end-to-end suite (needs the Debian packages .ci/run installs)
//   node test/run.js impairment tests under packet loss and delay (veth + NFQUEUE; docs/TESTING.md)
//   node test/run.js nat        NAT traversal: namespaces with iptables NATs and coturn (docs/TESTING.md)
//   node test/run.js FILE...    only these files
//
// Files under test/interop/ drive libwebrtc through @roamhq/wrtc, which crashes while Node tears
// its environment down at a natural exit (an upstream bug, node-webrtc#636). Those files run with
// --test-force-exit so the crash cannot fail a passing run; every other file must exit by itself,
// which is how leaked handles show up.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { runInOwnNetworkNamespace } from './support/ownNetworkNamespace.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const suites = { default: ['test/unit', 'test/integration', 'test/interop'], e2e: ['test/e2e'], impairment: ['test/impairment'], nat: ['test/nat'] };

function testFiles(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [dir];
  return readdirSync(abs)
    .flatMap((name) => {
      const path = join(abs, name);
      if (statSync(path).isDirectory()) return testFiles(relative(root, path));
      return name.endsWith('.test.ts') ? [relative(root, path)] : [];
    })
    .sort();
}

const args = process.argv.slice(2);

// The e2e, impairment and NAT suites drive real browsers, RTP tools and servers; they run in a
// network namespace of their own with nothing but a loopback interface, so no test traffic can
// leave the machine (the impairment and NAT suites add their veth pairs and namespaces inside it).
const isolatedSuites = ['e2e', 'impairment', 'nat'];
const needsNamespace = (a) => isolatedSuites.includes(a) || /^test\/(e2e|impairment|nat)(\/|$)/.test(a);
if (args.some(needsNamespace)) {
  // Never returns outside; inside (WG_E2E_ISOLATED=1, which tests check) lo is up.
  await runInOwnNetworkNamespace({ marker: 'WG_E2E_ISOLATED', unshareFlags: [['--net', '--map-root-user']] });
}
const files =
  args.length === 0 ? suites.default.flatMap(testFiles)
  : args.length === 1 && args[0] in suites ? suites[args[0]].flatMap(testFiles)
  : args.flatMap(testFiles);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}

// NAT suite files each build the same topology in the test process's namespace (it is the
// gateway's LAN), so they run one at a time. They need no force-exit: the gateway's
// DataConnections run on its native transport, and the harness runs libwebrtc only in child
// processes.
const isNat = (f) => f.startsWith('test/nat/');
const needsForceExit = (f) => f.startsWith('test/interop/') || f.startsWith('test/e2e/');
const groups = [
  { files: files.filter((f) => !needsForceExit(f) && !isNat(f)), concurrency: 2, forceExit: false },
  { files: files.filter(needsForceExit), concurrency: 2, forceExit: true },
  { files: files.filter(isNat), concurrency: 1, forceExit: false },
];
let status = 0;
for (const group of groups) {
  if (group.files.length === 0) continue;
  const flags = ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${group.concurrency}`, '--test-timeout=120000'];
  if (group.forceExit) flags.push('--test-force-exit');
  const result = spawnSync(process.execPath, [...flags, ...group.files], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
