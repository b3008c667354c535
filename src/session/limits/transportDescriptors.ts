import { isIPv6 } from 'node:net';

import type { TurnServerSpec } from '../../native/NativeTypes.js';

export interface TransportDescriptorPlan {
  /** The media bind addresses a transport has a host candidate on. */
  readonly bindAddresses: readonly string[];
  /** media_shared_port: the host candidates share one socket per address, opened once for all. */
  readonly sharedPort: boolean;
  /** The TURN servers each transport allocates on. */
  readonly turnServers?: readonly Pick<TurnServerSpec, 'ip' | 'transport'>[];
}

/**
 * The descriptors one native media transport opens (native/binding/EngineWrap.cpp
 * createTransport): a UDP socket per bind address, none with a shared port; with TURN servers, a
 * TCP connection per TCP/TLS server and bind address of its family, and, on a shared port, a UDP
 * socket per bind address that has a UDP server of its family (its allocations need a 5-tuple
 * of their own). One more for the slack of a DTLS retry.
 */
export function transportDescriptors(plan: TransportDescriptorPlan): number {
  const family = (ip: string): 4 | 6 => (isIPv6(ip) ? 6 : 4);
  let count = plan.sharedPort ? 0 : plan.bindAddresses.length;
  for (const address of plan.bindAddresses) {
    const servers = (plan.turnServers ?? []).filter((s) => family(s.ip) === family(address));
    count += servers.filter((s) => s.transport !== 'udp').length;
    if (plan.sharedPort && servers.some((s) => s.transport === 'udp')) count += 1;
  }
  return count + 1;
}
