#!/usr/bin/env node
// Compiles src/ into dist/: `npm run compile`, and the `prepare` script, which npm runs on
// `npm install` and `npm ci` in a clone and before `npm pack` and `npm publish`. dist/ is emptied
// first, so nothing compiled from a since deleted source is ever packed.
//
// TypeScript stays a devDependency: the package ships dist/, so its users never compile and should
// not download a 23 MB compiler. A clone installed with `npm install --omit=dev` has no TypeScript
// either; there the version package-lock.json pins is installed with `npm ci` into a temporary
// folder (from npm's cache when it is there, checked against the lockfile's integrity) and run from
// it. The type packages the compile reads are dependencies (the shipped .d.ts files import them),
// so they are installed already.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Runs a command to its end; its exit status, 1 when it could not start or died of a signal. */
function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.error) process.stderr.write(`${command}: ${result.error.message}\n`);
  return result.status ?? 1;
}

/** npm itself: the one running this script (npm_execpath), else the one on PATH. */
function npm(args, cwd) {
  const cli = process.env.npm_execpath;
  return cli?.endsWith('npm-cli.js') ? run(process.execPath, [cli, ...args], cwd) : run('npm', args, cwd);
}

function installedTsc() {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/**
 * Installs the TypeScript that package-lock.json pins into `dir`, as the one locked dependency of
 * a package of its own; its tsc, or undefined when npm failed.
 */
function installLockedTypeScript(dir) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const { dev, ...entry } = lock.packages?.['node_modules/typescript'] ?? {};
  if (!entry.version) throw new Error('package-lock.json does not lock typescript');
  const name = 'webrtc-gateway-compiler';
  const dependencies = { typescript: entry.version };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, dependencies }));
  const packages = { '': { name, dependencies }, 'node_modules/typescript': entry };
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name, lockfileVersion: 3, requires: true, packages }));
  const status = npm(['ci', '--prefix', dir, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  return status === 0 ? join(dir, 'node_modules', 'typescript', 'bin', 'tsc') : undefined;
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
let tsc = installedTsc();
let scratch;
if (!tsc) {
  scratch = mkdtempSync(join(tmpdir(), 'webrtc-gateway-tsc-'));
  process.stderr.write('typescript is not installed (npm install --omit=dev): compiling with the locked version, installed for this once\n');
  tsc = installLockedTypeScript(scratch);
}
const status = tsc ? run(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], root) : 1;
if (scratch) rmSync(scratch, { recursive: true, force: true });
process.exit(status);
