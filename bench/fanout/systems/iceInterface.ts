/**
 * The one interface Janus may gather ICE candidates on.
 *
 * Janus 1.1 skips every interface flagged IFF_LOOPBACK when it lists addresses for libnice, whatever
 * ice_enforce_list says, and libnice left to itself skips them too: with only `lo` up (the
 * loopback-only network namespace the benchmark runs in) gathering fails, and in a normal namespace
 * Janus offers the machine's own addresses. So:
 * - in a namespace that has a non-loopback IPv4 interface, Janus is held to the first one (its
 *   address is local to this machine, so packets to it never leave it);
 * - in a namespace with nothing but loopback, a veth pair is added whose one end holds
 *   127.0.0.1/32 (the kernel allows a loopback address on another device; packets to it are
 *   delivered through `lo` like any 127.0.0.1 traffic), and Janus is held to that end: its
 *   candidates are 127.0.0.1. This needs CAP_NET_ADMIN in the namespace, which
 *   `unshare --net --map-root-user` gives. The pair is deleted by release().
 * The veth driver is used because this machine's kernel has no dummy interfaces.
 */
import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

export interface IceInterface {
  name: string;
  address: string;
  release(): void;
}

export function iceInterface(): IceInterface {
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return { name, address: v4.address, release: () => {} };
  }
  const name = `jb${process.pid}a`;
  const ip = (...args: string[]): void => void execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `jb${process.pid}b`);
    ip('addr', 'add', '127.0.0.1/32', 'dev', name);
    ip('link', 'set', name, 'up');
    ip('link', 'set', `jb${process.pid}b`, 'up');
  } catch (e) {
    throw new Error(`only loopback here, and no veth pair for Janus's ICE could be added (needs CAP_NET_ADMIN): ${(e as Error).message}`);
  }
  return {
    name,
    address: '127.0.0.1',
    release: () => {
      try {
        ip('link', 'del', name); // takes its peer with it
      } catch {
        // Already gone (the namespace may be going away too).
      }
    },
  };
}
