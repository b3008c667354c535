// What the NAT suite's ICE tests need of a peer, whichever WebRTC stack runs it (libwebrtc in a
// child process, WrtcIcePeer; Chromium, ChromiumIcePeer): the command/event protocol of
// wrtcIcePeerChild.ts and helpers over its events.
import { JsonLineEvents, type JsonEvent } from './JsonLineEvents.js';

export interface IcePeerConfig {
  iceServers: { urls: string; username?: string; credential?: string }[];
  /** 'relay' gathers relay candidates only (RTCConfiguration.iceTransportPolicy). */
  iceTransportPolicy?: 'all' | 'relay';
}

export interface CandidateSummary {
  candidateType: 'host' | 'srflx' | 'prflx' | 'relay';
  protocol: 'udp' | 'tcp';
  address: string;
  port: number;
  /** For relay candidates: how the client reaches the TURN server. */
  relayProtocol: 'udp' | 'tcp' | 'tls' | null;
  url: string | null;
}

export interface SelectedPair {
  state: string;
  nominated: boolean | null;
  bytesSent: number;
  bytesReceived: number;
  local: CandidateSummary;
  remote: CandidateSummary;
}

export interface PeerStats {
  /** The transport's selected candidate pair, null while none is. */
  selected: SelectedPair | null;
  localCandidates: CandidateSummary[];
}

export abstract class IcePeer {
  readonly events = new JsonLineEvents();
  private statsRequests = 0;

  constructor(
    /** Which peer this is, for failure messages. */
    readonly name: string,
  ) {}

  /** Sends one command of the protocol. */
  abstract send(command: Record<string, unknown>): void;
  /** What the peer printed on stderr or its console, for failure messages. */
  abstract stderr(): string;
  abstract stop(): Promise<void>;

  /** The last ICE connection state it reported ('new' before any). */
  iceState(): string {
    const states = this.events.all().filter((e) => e.event === 'ice-state');
    return (states.at(-1)?.['state'] as string | undefined) ?? 'new';
  }

  /** Commands that failed. */
  errors(): JsonEvent[] {
    return this.events.all().filter((e) => e.event === 'error');
  }

  /** icecandidateerror events: a STUN or TURN server that gave no candidate. */
  candidateErrors(): JsonEvent[] {
    return this.events.all().filter((e) => e.event === 'candidate-error');
  }

  /** Waits for the DataChannel message `data`. */
  async received(data: string, timeoutMs = 10_000): Promise<void> {
    await this.events.waitFor(timeoutMs, `${this.name} to receive ${JSON.stringify(data)}`, (e) => e.event === 'message' && e['data'] === data);
  }

  async stats(timeoutMs = 5000): Promise<PeerStats> {
    const id = ++this.statsRequests;
    this.send({ cmd: 'stats', id });
    const e = await this.events.waitFor(timeoutMs, `${this.name}'s stats`, (ev) => ev.event === 'stats' && ev['id'] === id);
    return e as unknown as PeerStats;
  }
}
