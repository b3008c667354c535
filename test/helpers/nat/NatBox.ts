// One NAT: a namespace routing between a private LAN and the internet bridge, with the iptables
// rules of its kind (natRules.ts).
import { IPTABLES } from '../netns/command.js';
import type { NamespaceHolder } from '../netns/NamespaceHolder.js';
import { INTERNET_PREFIX } from './addressPlan.js';
import { natRules, tcpForwardRules, type NatKind, type NatSides } from './natRules.js';

export interface NatBoxPlan {
  kind: NatKind;
  blockUdp: boolean;
  publicIp: string;
  lan: { subnet: string; natIp: string; hostIp: string; prefix: number };
  /** Where the veth ends go: the bridge port's name in the internet namespace, the host's interface name in its namespace. */
  internet: { holder: NamespaceHolder; portName: string };
  inside: { pid: number; interfaceName: string };
}

export class NatBox {
  readonly kind: NatKind;
  readonly publicIp: string;
  readonly blockUdp: boolean;
  private readonly sides: NatSides;

  private constructor(
    /** The NAT's own namespace (exec iptables there to read counters). */
    readonly netns: NamespaceHolder,
    plan: NatBoxPlan,
  ) {
    this.kind = plan.kind;
    this.publicIp = plan.publicIp;
    this.blockUdp = plan.blockUdp;
    this.sides = { lan: 'lan', wan: 'wan', privateSubnet: plan.lan.subnet, privateIp: plan.lan.hostIp, publicIp: plan.publicIp };
  }

  /** Creates both veth pairs from inside the NAT namespace (so no name can clash there), addresses them and applies the rules. */
  static async build(netns: NamespaceHolder, plan: NatBoxPlan): Promise<NatBox> {
    const box = new NatBox(netns, plan);
    const ip = (...args: string[]) => netns.exec('ip', args);
    await ip('link', 'set', 'lo', 'up');
    await ip('link', 'add', 'wan', 'type', 'veth', 'peer', 'name', plan.internet.portName, 'netns', String(plan.internet.holder.pid));
    await ip('link', 'add', 'lan', 'type', 'veth', 'peer', 'name', plan.inside.interfaceName, 'netns', String(plan.inside.pid));
    await ip('addr', 'add', `${plan.publicIp}/${INTERNET_PREFIX}`, 'dev', 'wan');
    await ip('addr', 'add', `${plan.lan.natIp}/${plan.lan.prefix}`, 'dev', 'lan');
    await ip('link', 'set', 'wan', 'up');
    await ip('link', 'set', 'lan', 'up');
    // No default route: the internet is the bridge's subnet and nothing more. A datagram or SYN
    // for anything else (a remote peer's private address from its host candidate) gets an ICMP
    // unreachable at once, as from an internet router, so a hopeless TCP candidate pair fails in
    // milliseconds instead of after the kernel's two minutes of SYN retries.
    await netns.exec('sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    for (const rule of natRules(plan.kind, box.sides, plan.blockUdp)) await netns.exec(IPTABLES, ['-w', '5', ...rule]);
    return box;
  }

  /** Lets TCP to publicIp:port through to the private host's same port (signaling, test pages). */
  async forwardTcp(port: number): Promise<void> {
    for (const rule of tcpForwardRules(this.sides, port)) await this.netns.exec(IPTABLES, ['-w', '5', ...rule]);
  }

  /** Datagrams the block-udp rule dropped so far (0 without blockUdp). */
  async blockedUdpPackets(): Promise<number> {
    if (!this.blockUdp) return 0;
    const out = await this.netns.exec(IPTABLES, ['-w', '5', '-L', 'FORWARD', '-v', '-x', '-n', '--line-numbers']);
    // "1  <pkts> <bytes> DROP  udp  --  lan  *  0.0.0.0/0  0.0.0.0/0"
    const line = out.split('\n').find((l) => /\bDROP\s+(udp|17)\s+--\s+lan\s/.test(l));
    if (!line) throw new Error(`the block-udp rule is missing from FORWARD:\n${out}`);
    return Number(line.trim().split(/\s+/)[1]);
  }
}
