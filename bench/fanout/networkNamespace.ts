/**
 * The fan-out benchmark runs in a network namespace of its own with nothing but loopback: Janus
 * can gather there (systems/iceInterface.ts adds its veth), every system sees the same network,
 * and no interface outlives the run, since the namespace ends with the last process in it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';

const MARK = 'FANOUT_NETNS';

/**
 * Outside: runs this same program again inside `unshare --net` (as root) or
 * `unshare --net --map-root-user`, and exits with its status (never returns). Inside: brings `lo`
 * up and says where it runs. Where no namespace can be made, the run goes on here and says so.
 */
export async function enterOwnNetworkNamespace(): Promise<string> {
  const mark = process.env[MARK];
  if (mark === 'inside') {
    execFileSync('ip', ['link', 'set', 'lo', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return 'a network namespace of its own (loopback only)';
  }
  if (mark) return mark;
  for (const flags of [['--net'], ['--net', '--map-root-user']]) {
    if (spawnSync('unshare', [...flags, 'true'], { stdio: 'ignore' }).status !== 0) continue;
    // setpriv --pdeathsig: the inner run is killed if this process dies without forwarding a signal.
    // Its own process group: a terminal's Ctrl-C reaches it once, forwarded from here.
    const inner = spawn('setpriv', ['--pdeathsig', 'KILL', 'unshare', ...flags, '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, [MARK]: 'inside' },
      detached: true,
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => inner.kill(signal));
    const [code, signal] = (await once(inner, 'exit')) as [number | null, NodeJS.Signals | null];
    process.exit(code ?? (signal ? 128 : 1));
  }
  process.env[MARK] = 'the default network namespace (unshare --net is not permitted here)';
  return process.env[MARK];
}
