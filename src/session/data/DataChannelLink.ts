import { pairFromRtcStats, type SelectedCandidatePair } from '../ice/selectedCandidatePair.js';
import type { GatheringQueue } from './GatheringQueue.js';
import type { PeerConnectionReaper } from './PeerConnectionReaper.js';
import type {
  DataChannelInit,
  IceCandidateInit,
  PeerConnectionFactory,
  RtcConfiguration,
  SessionDescriptionInit,
  WrtcDataChannel,
  WrtcPeerConnection,
} from './wrtc.js';

/** What every link is made with. */
export interface LinkContext {
  readonly createPeerConnection: PeerConnectionFactory;
  readonly config: RtcConfiguration;
  /** Sees each PeerConnection through to its release after close. */
  readonly reaper: PeerConnectionReaper;
  /** One PeerConnection gathers at a time (a burst would bind sockets quadratically). */
  readonly gathering: GatheringQueue;
}

/** What a link reports; nothing is reported after `close()`. */
export interface DataChannelLinkListener {
  /** Our offer or answer, to send to the remote. */
  onLocalDescription(description: SessionDescriptionInit): void;
  onLocalCandidate(candidate: IceCandidateInit): void;
  /** A STUN or TURN server gave no candidate: its URL, libwebrtc's error code and text. */
  onIceServerError(url: string, code: number, text: string): void;
  onOpen(): void;
  onMessage(message: ArrayBuffer | string): void;
  /** The channel or the PeerConnection ended (`reason` says why when it was not a clean close). */
  onEnded(reason: string | undefined): void;
}

/** RFC 8841 §6.1: a remote that states no a=max-message-size accepts 64 KiB. */
const DEFAULT_MAX_MESSAGE_SIZE = 65536;

/**
 * One RTCPeerConnection (libwebrtc through @roamhq/wrtc) carrying one DataChannel, negotiated
 * with trickle ICE: the offering side creates the channel, the answering side receives it (or
 * creates it itself when it was pre-negotiated, RFC 8832 §6 does not run then).
 */
export class DataChannelLink {
  /** Both let go on close, so that the closed PeerConnection can be collected (see the reaper). */
  private pc: WrtcPeerConnection | undefined;
  private channel: WrtcDataChannel | undefined;
  private remoteDescriptionSet = false;
  private readonly pendingCandidates: IceCandidateInit[] = [];
  private readonly reaper: PeerConnectionReaper;
  private readonly gathering: GatheringQueue;
  /** Ends this link's gathering turn; set while it holds one. */
  private endGatheringTurn: (() => void) | undefined;
  private closed = false;
  /** Set when the configuration leaves ICE nothing to gather (relay policy, no TURN server). */
  private readonly cannotGather: string | undefined;
  /** The remote's a=max-message-size (RFC 8841): larger messages would be refused. */
  maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

  private constructor(
    context: LinkContext,
    private readonly listener: DataChannelLinkListener,
    /** Whose turn this is in the gathering queue: the gateway peer it belongs to. */
    private readonly queueKey: string,
  ) {
    const pc = context.createPeerConnection(context.config);
    this.pc = pc;
    this.reaper = context.reaper;
    this.gathering = context.gathering;
    this.cannotGather = cannotGatherReason(context.config);
    pc.onicecandidate = ({ candidate }) => {
      // The end of candidates (null, or an empty one) ends the gathering turn.
      if (!candidate?.candidate) this.endGatheringTurn?.();
      else if (!this.closed) this.listener.onLocalCandidate(plainCandidate(candidate));
    };
    pc.onicecandidateerror = ({ url, errorCode, errorText }) => {
      if (!this.closed && url) this.listener.onIceServerError(url, errorCode ?? 0, errorText ?? '');
    };
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'failed') this.end('ICE failed: the remote could not be reached');
    };
  }

  /**
   * The offering side: creates the channel at once (so an init libwebrtc refuses throws here, as
   * a TypeError or RangeError) and starts the offer.
   */
  static offer(context: LinkContext, label: string, init: DataChannelInit, listener: DataChannelLinkListener, queueKey: string): DataChannelLink {
    const link = new DataChannelLink(context, listener, queueKey);
    const pc = link.pc!;
    try {
      link.attach(pc.createDataChannel(label, init));
    } catch (error) {
      link.close();
      throw error;
    }
    void link.negotiate(async () => {
      const offer = await pc.createOffer();
      await link.startGathering(offer);
      return offer;
    });
    return link;
  }

  /**
   * The answering side. `negotiated`: the channel was agreed out of band (dcInit.negotiated), so
   * it is created here with the same label and id instead of arriving from the remote.
   */
  static answer(
    context: LinkContext,
    offer: string,
    negotiated: { label: string; init: DataChannelInit } | undefined,
    listener: DataChannelLinkListener,
    queueKey: string,
  ): DataChannelLink {
    const link = new DataChannelLink(context, listener, queueKey);
    const pc = link.pc!;
    if (negotiated) {
      try {
        link.attach(pc.createDataChannel(negotiated.label, negotiated.init));
      } catch (error) {
        link.close();
        throw error;
      }
    } else {
      pc.ondatachannel = ({ channel }) => {
        if (!link.closed && !link.channel) link.attach(channel);
      };
    }
    void link.negotiate(async () => {
      await link.applyRemoteDescription({ type: 'offer', sdp: offer });
      const answer = await pc.createAnswer();
      await link.startGathering(answer);
      return answer;
    });
    return link;
  }

  /** The remote's answer to our offer. */
  acceptAnswer(sdp: string): void {
    void this.negotiate(async () => {
      await this.applyRemoteDescription({ type: 'answer', sdp });
      return undefined;
    });
  }

  /** A trickled remote candidate; held until the remote description is in place. */
  addRemoteCandidate(candidate: IceCandidateInit): void {
    if (this.closed) return;
    if (!this.remoteDescriptionSet) {
      if (this.pendingCandidates.length < 64) this.pendingCandidates.push(candidate);
      return;
    }
    this.pc!.addIceCandidate(candidate).catch(() => {
      // A candidate libwebrtc cannot use (another address family, a bad line) is no reason to
      // end the connection; ICE fails on its own if no candidate works.
    });
  }

  /** Sends one binary message. Throws when libwebrtc refuses it (the caller counts that). */
  send(message: Buffer): void {
    this.channel!.send(message);
  }

  /** Bytes queued in the channel. Costly (a blocking call into libwebrtc): read it sparingly. */
  bufferedAmount(): number {
    return this.closed || !this.channel ? 0 : this.channel.bufferedAmount;
  }

  /** The candidate pair ICE selected, from libwebrtc's stats; null before (and after close). */
  async selectedCandidatePair(): Promise<SelectedCandidatePair | null> {
    if (this.closed || !this.pc) return null;
    try {
      return pairFromRtcStats(await this.pc.getStats());
    } catch {
      // Closed while libwebrtc gathered the stats.
      return null;
    }
  }

  /** Closes the channel and the PeerConnection. Idempotent; the listener hears nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endGatheringTurn?.();
    const { pc, channel } = this;
    this.pc = undefined;
    this.channel = undefined;
    if (channel) {
      channel.onopen = channel.onclose = channel.onerror = channel.onmessage = null;
      channel.close();
    }
    if (pc) {
      pc.onicecandidate = null;
      pc.onicecandidateerror = null;
      pc.oniceconnectionstatechange = null;
      pc.ondatachannel = null;
      pc.close();
      this.reaper.track(pc);
    }
  }

  private attach(channel: WrtcDataChannel): void {
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onopen = () => {
      if (!this.closed) this.listener.onOpen();
    };
    channel.onmessage = ({ data }) => {
      if (!this.closed) this.listener.onMessage(data);
    };
    channel.onclose = () => this.end(undefined);
    channel.onerror = ({ error }) => this.end(error?.message ?? 'DataChannel error');
  }

  private async negotiate(step: () => Promise<SessionDescriptionInit | undefined>): Promise<void> {
    try {
      const local = await step();
      if (local && !this.closed) this.listener.onLocalDescription({ type: local.type, sdp: local.sdp });
    } catch (error) {
      this.end(`negotiation failed: ${(error as Error).message}`);
    }
  }

  /** setLocalDescription starts gathering: it waits for this link's turn (see GatheringQueue). */
  private async startGathering(description: SessionDescriptionInit): Promise<void> {
    if (this.cannotGather) {
      // ICE would wait for a candidate that cannot come; end now, saying why.
      this.end(this.cannotGather);
      throw new Error(this.cannotGather);
    }
    this.endGatheringTurn = await this.gathering.acquire(this.queueKey);
    if (this.closed) {
      this.endGatheringTurn();
      throw new Error('closed while waiting to gather');
    }
    await this.pc!.setLocalDescription(description);
  }

  private async applyRemoteDescription(description: SessionDescriptionInit): Promise<void> {
    if (this.closed) return;
    await this.pc!.setRemoteDescription(description);
    this.remoteDescriptionSet = true;
    this.maxMessageSize = maxMessageSizeOf(description.sdp);
    for (const candidate of this.pendingCandidates.splice(0)) this.addRemoteCandidate(candidate);
  }

  private end(reason: string | undefined): void {
    if (this.closed) return;
    this.close();
    this.listener.onEnded(reason);
  }
}

/** Only relay candidates allowed and no TURN server to get one from (a `turn: false` peer): why nothing can connect. */
function cannotGatherReason(config: RtcConfiguration): string | undefined {
  if (config.iceTransportPolicy !== 'relay') return undefined;
  const hasTurn = (config.iceServers ?? []).some((s) => [s.urls].flat().some((u) => /^turns?:/.test(u)));
  return hasTurn ? undefined : 'ICE can gather no candidate: ice_transport_policy is relay and this peer has no TURN server (it was created with turn: false)';
}

function plainCandidate(c: IceCandidateInit): IceCandidateInit {
  return { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null, usernameFragment: c.usernameFragment ?? null };
}

/** RFC 8841 §6: a=max-message-size, 0 meaning "no limit" (we still keep to what SCTP allows). */
export function maxMessageSizeOf(sdp: string): number {
  const match = /^a=max-message-size:(\d+)\s*$/m.exec(sdp);
  if (!match) return DEFAULT_MAX_MESSAGE_SIZE;
  const size = Number(match[1]);
  return size === 0 ? 1 << 30 : size;
}
