// Runs a test or benchmark program in a network namespace of its own with nothing but loopback,
// so no traffic it makes can leave the machine and no interface it adds outlives it (the namespace
// ends with the last process in it). Plain JavaScript: test/run.js, which Node runs without tsx,
// uses it as well as the TypeScript benches (types in ownNetworkNamespace.d.ts).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';

/**
 * Outside (env[marker] unset): runs this same program (node, its options, its arguments) again
 * inside `unshare <flags>`, trying each set of `unshareFlags` in turn, and exits with its status
 * (never returns). Inside (env[marker] = '1'): brings `lo` up and says where it runs.
 * Where no namespace can be made: with `fallback` the run goes on here and env[marker] says so
 * (children inherit it and do not try again); without, it exits 1 with the reason.
 * `ownProcessGroup`: the inner run gets a process group of its own and this process forwards
 * SIGINT, SIGTERM and SIGHUP to it once; otherwise it stays in the terminal's group (which signals
 * it directly) and this process only waits. Either way setpriv --pdeathsig kills the inner run if
 * this process dies without passing a signal on.
 * @param {{ marker: string, unshareFlags: string[][], fallback?: boolean, ownProcessGroup?: boolean }} options
 * @returns {Promise<string>}
 */
export async function runInOwnNetworkNamespace({ marker, unshareFlags, fallback = false, ownProcessGroup = false }) {
  const mark = process.env[marker];
  if (mark === '1') {
    execFileSync('ip', ['link', 'set', 'lo', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return 'a network namespace of its own (loopback only)';
  }
  if (mark) return mark;
  for (const flags of unshareFlags) {
    if (spawnSync('unshare', [...flags, 'true'], { stdio: 'ignore' }).status !== 0) continue;
    const inner = spawn('setpriv', ['--pdeathsig', 'KILL', 'unshare', ...flags, '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, [marker]: '1' },
      detached: ownProcessGroup,
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => (ownProcessGroup ? inner.kill(signal) : undefined));
    const [code, signal] = await once(inner, 'exit');
    process.exit(code ?? (signal ? 128 : 1));
  }
  const reason = `unshare ${unshareFlags.map((f) => f.join(' ')).join(' or ')} is not permitted here (unshare from util-linux)`;
  if (!fallback) {
    console.error(`cannot create a network namespace: ${reason}`);
    process.exit(1);
  }
  process.env[marker] = `the default network namespace (${reason})`;
  return process.env[marker];
}
