// The iptables rules that make a NAT namespace behave as one kind of NAT (RFC 4787 terms).
// Each rule is the argument list after `iptables-legacy -w 5`.

export type NatKind =
  /** Address-and-port-dependent mapping: MASQUERADE --random-fully gives each new destination its own external port. */
  | 'symmetric'
  /** Endpoint-independent mapping (MASQUERADE keeps the port) and address-and-port-dependent filtering. */
  | 'port-restricted-cone'
  /** A public IP that stands for the private host: DNAT in, SNAT out, every port reachable. */
  | 'one-to-one';

export const NAT_KINDS: readonly NatKind[] = ['symmetric', 'port-restricted-cone', 'one-to-one'];

export interface NatSides {
  /** The interface towards the private LAN and towards the internet bridge. */
  lan: string;
  wan: string;
  privateSubnet: string;
  /** The one private host (the gateway or the peer). */
  privateIp: string;
  /** The NAT's public address (for one-to-one, the host's public IP). */
  publicIp: string;
}

/** The rules of `kind`; with `blockUdp`, no UDP leaves the LAN (a TCP-only firewall). */
export function natRules(kind: NatKind, s: NatSides, blockUdp = false): string[][] {
  const rules: string[][] = [];
  if (blockUdp) rules.push(['-A', 'FORWARD', '-i', s.lan, '-p', 'udp', '-j', 'DROP']);
  rules.push(
    ['-A', 'FORWARD', '-i', s.lan, '-o', s.wan, '-j', 'ACCEPT'],
    // Filtering: from outside only what answers a flow the inside opened (the 5-tuple conntrack saw).
    ['-A', 'FORWARD', '-i', s.wan, '-o', s.lan, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
  );
  if (kind === 'one-to-one') rules.push(['-A', 'FORWARD', '-i', s.wan, '-o', s.lan, '-d', s.privateIp, '-j', 'ACCEPT']);
  rules.push(
    ['-P', 'FORWARD', 'DROP'],
    // An unsolicited datagram to the NAT's own address is dropped before conntrack confirms an
    // entry for it; an entry left behind would make the inside's later flow to that sender take
    // another external port, breaking the endpoint-independent mapping hole punching relies on.
    ['-A', 'INPUT', '-i', s.wan, '-j', 'DROP'],
  );
  switch (kind) {
    case 'symmetric':
      rules.push(['-t', 'nat', '-A', 'POSTROUTING', '-o', s.wan, '-s', s.privateSubnet, '-j', 'MASQUERADE', '--random-fully']);
      break;
    case 'port-restricted-cone':
      rules.push(['-t', 'nat', '-A', 'POSTROUTING', '-o', s.wan, '-s', s.privateSubnet, '-j', 'MASQUERADE']);
      break;
    case 'one-to-one':
      rules.push(
        ['-t', 'nat', '-A', 'PREROUTING', '-i', s.wan, '-d', s.publicIp, '-j', 'DNAT', '--to-destination', s.privateIp],
        ['-t', 'nat', '-A', 'POSTROUTING', '-o', s.wan, '-s', s.privateIp, '-j', 'SNAT', '--to-source', s.publicIp],
      );
      break;
  }
  return rules;
}

/** A TCP port forward (public:port to the private host's same port), e.g. for signaling and test pages. */
export function tcpForwardRules(s: NatSides, port: number): string[][] {
  const p = String(port);
  return [
    ['-t', 'nat', '-I', 'PREROUTING', '1', '-i', s.wan, '-d', s.publicIp, '-p', 'tcp', '--dport', p, '-j', 'DNAT', '--to-destination', s.privateIp],
    ['-I', 'FORWARD', '1', '-i', s.wan, '-o', s.lan, '-d', s.privateIp, '-p', 'tcp', '--dport', p, '-j', 'ACCEPT'],
  ];
}
