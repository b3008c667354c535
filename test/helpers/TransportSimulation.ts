import type { RawTransportEvent, RawTransportOptions } from '../../src/native/addon.js';
import { loadTestAddon, type RawSansIoTransport } from './native/testAddon.js';
import { seededRandom } from './seededRandom.js';
import { receiverReport, rtpPacket as buildRtp } from '../support/rtpPackets.js';

export interface NetworkConditions {
  /** One-way delay in microseconds. */
  latencyUs: number;
  /** Extra random delay in [0, jitterUs), which reorders packets. */
  jitterUs: number;
  /** Probability that a datagram is lost. */
  loss: number;
}

export interface Address {
  ip: string;
  port: number;
}

export interface Peer {
  readonly name: string;
  readonly transport: RawSansIoTransport;
  /** Its first socket's address. */
  readonly address: Address;
  /** One per local socket, in socket index order. */
  readonly addresses: Address[];
  /** Behind a NAT: what others see as its source, and the only address that reaches it. */
  readonly publicAddress?: Address;
  /** Every event with the simulated time it came out at. */
  readonly events: (RawTransportEvent & { at: number })[];
  readonly received: { kind: 'rtp' | 'rtcp'; data: Buffer; at: number }[];
}

interface InFlight {
  at: number;
  seq: number;
  to: Peer | StunServer;
  /** The receiving socket of a peer. */
  socketIndex: number;
  from: Address;
  data: Buffer;
}

/** A STUN server that answers Binding requests with the source it saw (RFC 8489 section 7.3). */
interface StunServer {
  readonly name: string;
  readonly address: Address;
  requests: number;
}

const sameAddress = (a: Address, b: Address | undefined): boolean => b !== undefined && a.ip === b.ip && a.port === b.port;

/** XOR-MAPPED-ADDRESS for an IPv4 address (RFC 8489 section 14.2). */
function xorMappedAddress(address: Address): Buffer {
  const value = Buffer.alloc(8);
  value[1] = 0x01;
  value.writeUInt16BE(address.port ^ 0x2112, 2);
  const ip = address.ip.split('.').map(Number);
  const cookie = [0x21, 0x12, 0xa4, 0x42];
  for (let i = 0; i < 4; i++) value[4 + i] = ip[i]! ^ cookie[i]!;
  return value;
}

/**
 * Two sans-IO transports wired together through a simulated network (str0m style): the loop
 * always advances to the earliest of the next delivery and each side's deadline, feeds each
 * side's output to the other, and can lose, delay and reorder datagrams from a seed.
 *
 * DTLS retransmissions run on OpenSSL's wall-clock timer (see native/core/dtls/DtlsTransport.hpp):
 * when a DTLS deadline comes up that OpenSSL does not yet agree with, the loop waits out the
 * difference in real time instead of racing ahead, so the other timers stay consistent.
 */
export class TransportSimulation {
  now = 0;
  readonly peers: Peer[] = [];
  readonly stunServers: StunServer[] = [];
  /** Per direction ("a>b"): when false, everything sent that way is lost. */
  readonly links = new Map<string, boolean>();
  /** Addresses ("ip:port") that everything sent to is lost on the way. */
  readonly unreachable = new Set<string>();
  private queue: InFlight[] = [];
  private seq = 0;
  private readonly random: () => number;
  delivered = 0;
  dropped = 0;
  /** Sees every datagram a peer sends (from which of its sockets, to where), before the network decides its fate. */
  tap: ((from: Peer, data: Buffer, socketIndex: number, to: Address) => void) | undefined;

  constructor(
    private readonly conditions: NetworkConditions,
    seed = 1,
  ) {
    this.random = seededRandom(seed);
  }

  /** A peer with one local socket per address (the first has the highest ICE local preference). */
  addPeer(name: string, options: RawTransportOptions, address: Address | Address[], seed?: number, publicAddress?: Address): Peer {
    const { sansio } = loadTestAddon();
    const addresses = Array.isArray(address) ? address : [address];
    const transport = new sansio.Transport({
      ...options,
      localAddresses: addresses,
      ...(seed !== undefined && { seed }),
    });
    const peer: Peer = { name, transport, address: addresses[0]!, addresses, events: [], received: [], ...(publicAddress && { publicAddress }) };
    this.peers.push(peer);
    return peer;
  }

  addStunServer(name: string, address: Address): StunServer {
    const server: StunServer = { name, address, requests: 0 };
    this.stunServers.push(server);
    return server;
  }

  /** Starts both and exchanges credentials, fingerprints and candidates, as signaling would. */
  connect(a: Peer, aRole: 'client' | 'server', b: Peer): void {
    a.transport.start(this.now);
    b.transport.start(this.now);
    this.describe(a, b, aRole);
    this.describe(b, a, aRole === 'client' ? 'server' : 'client');
  }

  /** Gives `to` what `from`'s session description carries, `to` taking the DTLS role `toRole`. */
  describe(to: Peer, from: Peer, toRole: 'client' | 'server'): void {
    const p = from.transport.localParameters();
    to.transport.setRemoteParameters(this.now, {
      ufrag: p.ufrag,
      password: p.password,
      fingerprintAlgorithm: p.fingerprintAlgorithm,
      fingerprint: p.fingerprint,
      dtlsRole: toRole,
    });
    for (const c of p.candidates) to.transport.addRemoteCandidate(this.now, c);
    this.collect();
  }

  setLink(from: Peer, to: Peer, up: boolean): void {
    this.links.set(`${from.name}>${to.name}`, up);
  }

  /** Makes one address lose (or deliver again) everything sent to it. */
  setReachable(address: Address, reachable: boolean): void {
    if (reachable) this.unreachable.delete(`${address.ip}:${address.port}`);
    else this.unreachable.add(`${address.ip}:${address.port}`);
  }

  /** Runs until `done()` or until `maxUs` of simulated time has passed. Returns whether done. */
  async runUntil(done: () => boolean, maxUs: number): Promise<boolean> {
    const limit = this.now + maxUs;
    this.collect(); // output produced outside the loop (sendRtp, close) enters the network now
    while (!done()) {
      const next = this.nextEventTime();
      if (next === undefined || next > limit) {
        this.now = limit;
        return done();
      }
      this.now = Math.max(this.now, next);
      await this.step();
    }
    return true;
  }

  private nextEventTime(): number | undefined {
    let next: number | undefined = this.queue[0]?.at;
    for (const p of this.peers) {
      const t = p.transport.nextTimeout();
      if (t !== null && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  private async step(): Promise<void> {
    while (this.queue.length > 0 && this.queue[0]!.at <= this.now) {
      const packet = this.queue.shift()!;
      this.delivered++;
      if ('transport' in packet.to) {
        packet.to.transport.handleDatagram(this.now, packet.socketIndex, packet.from.ip, packet.from.port, packet.data);
      } else {
        this.answerStun(packet.to, packet.from, packet.data);
      }
      this.collect();
    }
    for (const p of this.peers) {
      const due = p.transport.nextTimeout();
      if (due === null || due > this.now) continue;
      const dtlsDue = p.transport.dtlsTimeout();
      p.transport.handleTimeout(this.now);
      const sent = this.collect();
      const dtlsAfter = p.transport.dtlsTimeout();
      // OpenSSL did not retransmit yet: its wall clock is behind ours. Wait it out for real.
      if (dtlsDue !== null && dtlsDue <= this.now && sent === 0 && dtlsAfter !== null && dtlsAfter > this.now) {
        const waitUs = dtlsAfter - this.now;
        await new Promise((r) => setTimeout(r, Math.ceil(waitUs / 1000)));
      }
    }
  }

  private answerStun(server: StunServer, from: Address, request: Buffer): void {
    const { sansio } = loadTestAddon();
    const m = sansio.stunParse(request);
    if (!m || m.class !== 'request') return;
    server.requests++;
    const response = sansio.stunBuild({
      method: 1,
      class: 'success',
      transactionId: Buffer.from(m.transactionId, 'hex'),
      attributes: [{ type: 0x0020, value: xorMappedAddress(from) }],
      fingerprint: true,
    });
    this.route(server.name, server.address, from, response);
  }

  /** Who receives a datagram sent to `to`, on which socket: a peer at that address (or behind that NAT mapping), or a STUN server. */
  private destination(to: Address): { to: Peer | StunServer; socketIndex: number } | undefined {
    for (const p of this.peers) {
      const socketIndex = p.publicAddress ? (sameAddress(to, p.publicAddress) ? 0 : -1) : p.addresses.findIndex((a) => sameAddress(to, a));
      if (socketIndex >= 0) return { to: p, socketIndex };
    }
    const server = this.stunServers.find((s) => sameAddress(to, s.address));
    return server && { to: server, socketIndex: 0 };
  }

  private route(fromName: string, source: Address, to: Address, data: Buffer): boolean {
    const destination = this.destination(to);
    const linkUp = destination ? this.links.get(`${fromName}>${destination.to.name}`) ?? true : false;
    if (!destination || !linkUp || this.unreachable.has(`${to.ip}:${to.port}`) || this.random() < this.conditions.loss) {
      this.dropped++;
      return false;
    }
    const at = this.now + this.conditions.latencyUs + Math.floor(this.random() * this.conditions.jitterUs);
    this.queue.push({ at, seq: this.seq++, to: destination.to, socketIndex: destination.socketIndex, from: source, data });
    this.queue.sort((x, y) => x.at - y.at || x.seq - y.seq);
    return true;
  }

  /** Moves every peer's output into the network and its records. Returns datagrams sent. */
  private collect(): number {
    let sent = 0;
    for (const from of this.peers) {
      for (const e of from.transport.takeEvents()) from.events.push({ ...e, at: this.now });
      for (const r of from.transport.takeReceived()) from.received.push({ ...r, at: this.now });
      for (const t of from.transport.takeTransmits()) {
        sent++;
        const to = { ip: t.ip, port: t.port };
        this.tap?.(from, t.data, t.socketIndex, to);
        // Behind a NAT every datagram leaves from the public mapping.
        this.route(from.name, from.publicAddress ?? from.addresses[t.socketIndex] ?? from.address, to, t.data);
      }
    }
    return sent;
  }
}

/** Whether a peer has reported its transport connected (SRTP keys in place). */
export function isConnected(p: Peer): boolean {
  return p.events.some((e) => e.kind === 'connected');
}

/** A minimal RTP packet (RFC 3550 section 5.1): version 2, no CSRC, no extension. */
export function rtpPacket(ssrc: number, seq: number, timestamp: number, payloadType: number, payload: Buffer): Buffer {
  return buildRtp({ ssrc, seq, timestamp, payloadType, payload });
}

/** A minimal RTCP receiver report with no report blocks (RFC 3550 section 6.4.2). */
export function rtcpReceiverReport(ssrc: number): Buffer {
  return receiverReport(ssrc);
}
