/**
 * The fan-out benchmark runs in a network namespace of its own with nothing but loopback: Janus
 * can gather there (systems/iceInterface.ts adds its veth), every system sees the same network,
 * and no interface outlives the run, since the namespace ends with the last process in it.
 */
import { runInOwnNetworkNamespace } from '../../test/support/ownNetworkNamespace.js';

/**
 * Outside: runs this same program again inside `unshare --net` (as root) or
 * `unshare --net --map-root-user`, and exits with its status (never returns). Inside: brings `lo`
 * up and says where it runs. Where no namespace can be made, the run goes on here and says so.
 * The inner run has its own process group: a terminal's Ctrl-C reaches it once, forwarded from here.
 */
export function enterOwnNetworkNamespace(): Promise<string> {
  return runInOwnNetworkNamespace({ marker: 'FANOUT_NETNS', unshareFlags: [['--net'], ['--net', '--map-root-user']], fallback: true, ownProcessGroup: true });
}
