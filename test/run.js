#!/usr/bin/env node
// Runs the test suites with Node's test runner (TypeScript through tsx).
//   node test/run.js                 unit + integration (what `npm test` runs)
//   node test/run.js e2e             the end-to-end suite (needs the Debian packages .ci/run installs)
//   node test/run.js FILE...         only these files
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const suites = { default: ['test/unit', 'test/integration'], e2e: ['test/e2e'] };

function testFiles(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .flatMap((name) => {
      const path = join(abs, name);
      if (statSync(path).isDirectory()) return testFiles(relative(root, path));
      return name.endsWith('.test.ts') ? [relative(root, path)] : [];
    })
    .sort();
}

const args = process.argv.slice(2);
const files = args.length === 0 ? suites.default.flatMap(testFiles)
  : args.length === 1 && args[0] in suites ? suites[args[0]].flatMap(testFiles)
  : args;
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
