// The NAT suite's network: the test process's own namespace is the gateway's private LAN behind
// the gateway's NAT, the remote peer sits behind a NAT of its own, and both NATs meet on an
// "internet" bridge whose namespace hosts the TURN/STUN server. See docs/TESTING.md.
//
//   test process (gateway LAN)   gateway NAT          internet               peer NAT          peer LAN
//   wgnat-gw 10.0.1.2  <----->  lan 10.0.1.1        bridge "inet"         lan 10.0.2.1 <-> lan0 10.0.2.2
//                               wan 203.0.113.10 <-> 203.0.113.1, .2 <-> wan 203.0.113.20
//                                                    (coturn)
import { runCommand } from '../netns/command.js';
import { cleanUpAtExit } from '../netns/exitCleanup.js';
import { deleteLinkSync, NamespaceHolder } from '../netns/NamespaceHolder.js';
import type { NetworkNamespace } from '../netns/NetworkNamespace.js';
import { OwnNamespace } from '../netns/OwnNamespace.js';
import { GATEWAY_INTERFACE, GATEWAY_LAN, GATEWAY_NAT_PUBLIC_IP, INTERNET_PREFIX, PEER_LAN, PEER_NAT_PUBLIC_IP, SERVER_IPS, SINK } from './addressPlan.js';
import { NatBox } from './NatBox.js';
import type { NatKind } from './natRules.js';

export interface NatTopologyOptions {
  gatewayNat: NatKind;
  peerNat: NatKind;
  /** The gateway's NAT drops every UDP datagram leaving the gateway LAN: only TCP gets out. */
  blockGatewayUdp?: boolean;
}

/** A machine of the topology: its address and where to start its processes. */
export interface NatHost {
  readonly ip: string;
  readonly netns: NetworkNamespace;
}

const PEER_INTERFACE = 'lan0';

/** Refuses to build anywhere but an otherwise empty namespace: the topology adds a default route. */
async function checkIsolated(): Promise<void> {
  const links = (await runCommand('ip', ['-o', 'link', 'show']))
    .split('\n')
    .map((l) => l.split(':')[1]?.trim().split('@')[0])
    .filter((name): name is string => !!name);
  if (links.includes(GATEWAY_INTERFACE)) throw new Error(`${GATEWAY_INTERFACE} exists: another NAT topology is open in this namespace (NAT suite files run one at a time)`);
  const foreign = links.filter((name) => name !== 'lo');
  if (foreign.length > 0) {
    throw new Error(`a NAT topology needs a network namespace with nothing but lo (run it through \`node test/run.js nat\` or a test/nat file); found ${foreign.join(', ')}`);
  }
}

const disableIpv6 = 'for f in all default; do echo 1 > /proc/sys/net/ipv6/conf/$f/disable_ipv6; done';

export class NatTopology {
  private closed = false;

  private constructor(
    /** The gateway's host: the test process's own namespace at 10.0.1.2 (the gateway runs in-process). */
    readonly gateway: NatHost & { netns: OwnNamespace },
    /** The remote peer's host behind the peer's NAT, at 10.0.2.2. */
    readonly peer: NatHost,
    /** The internet namespace, at SERVER_IPS[0] (it also holds SERVER_IPS[1]): run the TURN/STUN server here. */
    readonly internet: NatHost,
    readonly gatewayNat: NatBox,
    readonly peerNat: NatBox,
    private readonly holders: NamespaceHolder[],
    private readonly forgetAtExit: () => void,
  ) {}

  static async create(options: NatTopologyOptions): Promise<NatTopology> {
    await checkIsolated();
    const own = new OwnNamespace();
    const holders: NamespaceHolder[] = [];
    let ownInterface = false;
    const forgetAtExit = cleanUpAtExit(() => {
      own.killSync();
      for (const h of holders) h.killSync();
      if (ownInterface) deleteLinkSync(GATEWAY_INTERFACE);
    });
    try {
      for (let i = 0; i < 4; i++) holders.push(await NamespaceHolder.start());
      const [internetNs, gatewayNatNs, peerNatNs, peerNs] = holders as [NamespaceHolder, NamespaceHolder, NamespaceHolder, NamespaceHolder];
      // IPv4 only in every namespace we own (set before the veths exist, so they inherit it), so
      // every packet meets the IPv4 NAT rules and no IPv6 link-local path bypasses them.
      for (const ns of holders) await ns.exec('sh', ['-c', disableIpv6]);

      const ipIn = (ns: NamespaceHolder, ...args: string[]) => ns.exec('ip', args);
      await ipIn(internetNs, 'link', 'set', 'lo', 'up');
      await ipIn(internetNs, 'link', 'add', 'inet', 'type', 'bridge', 'forward_delay', '0');
      for (const ip of SERVER_IPS) await ipIn(internetNs, 'addr', 'add', `${ip}/${INTERNET_PREFIX}`, 'dev', 'inet');
      await ipIn(internetNs, 'link', 'set', 'inet', 'up');
      // Where the internet's "everything else" goes: out of a veth to a neighbour that does not
      // exist, so a datagram to an address no one here has (a peer's private host address from a
      // TURN client's permission) leaves and vanishes, as on the real internet. Without it the
      // sender gets "network unreachable", and coturn closes an allocation on that error.
      await ipIn(internetNs, 'link', 'add', 'sink', 'type', 'veth', 'peer', 'name', 'sink-end');
      await ipIn(internetNs, 'addr', 'add', `${SINK.ip}/30`, 'dev', 'sink');
      await ipIn(internetNs, 'link', 'set', 'sink', 'up');
      await ipIn(internetNs, 'link', 'set', 'sink-end', 'up');
      await ipIn(internetNs, 'neigh', 'add', SINK.nextHop, 'lladdr', SINK.nextHopMac, 'dev', 'sink', 'nud', 'permanent');
      await ipIn(internetNs, 'route', 'add', 'default', 'via', SINK.nextHop, 'dev', 'sink');

      ownInterface = true;
      const gatewayNat = await NatBox.build(gatewayNatNs, {
        kind: options.gatewayNat,
        blockUdp: options.blockGatewayUdp ?? false,
        publicIp: GATEWAY_NAT_PUBLIC_IP,
        lan: GATEWAY_LAN,
        internet: { holder: internetNs, portName: 'nat-gw' },
        inside: { pid: process.pid, interfaceName: GATEWAY_INTERFACE },
      });
      const peerNat = await NatBox.build(peerNatNs, {
        kind: options.peerNat,
        blockUdp: false,
        publicIp: PEER_NAT_PUBLIC_IP,
        lan: PEER_LAN,
        internet: { holder: internetNs, portName: 'nat-peer' },
        inside: { pid: peerNs.pid, interfaceName: PEER_INTERFACE },
      });
      for (const port of ['nat-gw', 'nat-peer']) {
        await ipIn(internetNs, 'link', 'set', port, 'master', 'inet');
        await ipIn(internetNs, 'link', 'set', port, 'up');
      }

      await runCommand('sh', ['-c', `echo 1 > /proc/sys/net/ipv6/conf/${GATEWAY_INTERFACE}/disable_ipv6`]);
      await runCommand('ip', ['addr', 'add', `${GATEWAY_LAN.hostIp}/${GATEWAY_LAN.prefix}`, 'dev', GATEWAY_INTERFACE]);
      await runCommand('ip', ['link', 'set', GATEWAY_INTERFACE, 'up']);
      await runCommand('ip', ['route', 'add', 'default', 'via', GATEWAY_LAN.natIp]);
      await ipIn(peerNs, 'link', 'set', 'lo', 'up');
      await ipIn(peerNs, 'addr', 'add', `${PEER_LAN.hostIp}/${PEER_LAN.prefix}`, 'dev', PEER_INTERFACE);
      await ipIn(peerNs, 'link', 'set', PEER_INTERFACE, 'up');
      await ipIn(peerNs, 'route', 'add', 'default', 'via', PEER_LAN.natIp);

      return new NatTopology(
        { ip: GATEWAY_LAN.hostIp, netns: own },
        { ip: PEER_LAN.hostIp, netns: peerNs },
        { ip: SERVER_IPS[0], netns: internetNs },
        gatewayNat,
        peerNat,
        holders,
        forgetAtExit,
      );
    } catch (e) {
      own.killSync();
      for (const h of holders) h.killSync();
      if (ownInterface) deleteLinkSync(GATEWAY_INTERFACE);
      forgetAtExit();
      throw e;
    }
  }

  /** The TURN/STUN server's addresses in the internet namespace. */
  get serverIps(): readonly string[] {
    return SERVER_IPS;
  }

  /**
   * Publishes a TCP port of the gateway's host on the gateway NAT's public address (the same
   * port), as a signaling server or a test page server would be published; returns that address.
   */
  async publishGatewayTcp(port: number): Promise<string> {
    await this.gatewayNat.forwardTcp(port);
    return `${this.gatewayNat.publicIp}:${port}`;
  }

  /** Every process the topology runs: the four namespace holders and all that was spawned through its hosts. */
  pids(): number[] {
    return [...this.gateway.netns.pids(), ...this.holders.flatMap((h) => h.pids())];
  }

  /** The network namespaces it made (/proc/PID/ns/net paths), for checking they are gone. */
  netnsPaths(): string[] {
    return this.holders.map((h) => h.netnsPath);
  }

  /** Stops every process, deletes the gateway LAN's veth and with the holders every namespace. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.gateway.netns.close();
    await Promise.all(this.holders.map((h) => h.stopChildren()));
    // The namespace's interfaces go when the kernel gets round to it; ours is deleted now, so the
    // next topology can take its name.
    await runCommand('ip', ['link', 'del', GATEWAY_INTERFACE]).catch(() => undefined);
    await Promise.all(this.holders.map((h) => h.close()));
    this.forgetAtExit();
  }
}
