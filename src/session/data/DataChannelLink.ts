import { randomInt } from 'node:crypto';

import type { NativeEngine } from '../../native/NativeEngine.js';
import type { NativePort } from '../../native/NativePort.js';
import type { NativeTransport } from '../../native/NativeTransport.js';
import type { Candidate, DataDropReason, DataSendStatus, DataStats, DataTransportOptions } from '../../native/NativeTypes.js';
import type { TransportEvent } from '../../native/TransportEvent.js';
import { onBundleTransport } from '../../sdp/bundleTransport.js';
import { candidateLine, parseCandidateLine } from '../../sdp/candidateSdp.js';
import { parseDataDescription, writeDataAnswer, writeDataOffer, type RemoteDataDescription } from '../../sdp/dataChannelDescription.js';
import { SdpError } from '../../sdp/SdpError.js';
import type { DataChannelInitOptions } from '../../signaling/connectionPayloads.js';
import { pairFromNative, type SelectedCandidatePair } from '../ice/selectedCandidatePair.js';
import { cannotGatherReason, transportOptionsFor, type TransportSettings } from '../ice/transportOptionsFor.js';
import { nativeTurnFailureCause } from '../ice/turnFailureMessage.js';
import type { IceCandidateInit, SessionDescriptionInit } from './signalingTypes.js';

/** What every link is made with. */
export interface LinkContext {
  readonly engine: NativeEngine;
  readonly settings: TransportSettings;
  /** The gateway peer the connection belongs to: its TURN credentials are minted for it. */
  readonly peer: { readonly id: string; readonly turn: boolean };
  /** The connection's serialization and data_buffer_limit (the native codec applies them). */
  readonly data: DataTransportOptions;
}

/** What a link reports; nothing is reported after `close()`. */
export interface DataChannelLinkListener {
  /** Our offer or answer, to send to the remote. */
  onLocalDescription(description: SessionDescriptionInit): void;
  onLocalCandidate(candidate: IceCandidateInit): void;
  /** A TURN server this connection cannot use: its URL, STUN error code (0: none) and why. */
  onTurnFailed(url: string, code: number, cause: string): void;
  onOpen(): void;
  /** A message only JavaScript decodes (the slow path: e.g. a BinaryPack map). */
  onMessage(binary: boolean, data: Buffer): void;
  /** The PeerJS in-band close arrived. */
  onRemoteClose(): void;
  /** The native path dropped `count` more items for `reason` (at most once a second per reason). */
  onDrops(direction: 'to_remote' | 'from_remote', reason: DataDropReason, count: number): void;
  /** The channel or the transport ended (`reason` says why when it was not a clean close). */
  onEnded(reason: string | undefined): void;
}

/** Trickled candidates kept until the remote description is in. */
const MAX_PENDING_CANDIDATES = 64;

/**
 * One native WebRtcTransport with data channels carrying one DataChannel, negotiated with trickle
 * ICE: the offering side opens the channel once SCTP is up (RFC 8832), the answering side receives
 * the remote's (or opens the pre-negotiated one itself, with the agreed id). Messages never pass
 * through here: data ports feed the transport natively and it sends to the redirect natively.
 */
export class DataChannelLink {
  private transport: NativeTransport | undefined;
  private closed = false;
  /** Our channel's stream id, once it is open. */
  private stream: number | undefined;
  private remote: RemoteDataDescription | undefined;
  private pendingCandidates: Candidate[] = [];
  /** The data section's mid and index: what our trickled candidates name. */
  private section = { mid: '0', index: 0 };
  /** The channel to open once SCTP is up (ours, or a pre-negotiated one); undefined: the remote opens it. */
  private toOpen: { label: string; init: DataChannelInitOptions } | undefined;
  private readonly answering: boolean;
  /** The counters when the transport closed: a closed connection's status still shows them. */
  private finalStats: DataStats | undefined;

  private constructor(
    context: LinkContext,
    private readonly listener: DataChannelLinkListener,
    role: 'controlling' | 'controlled',
    maxMessageSize: number | undefined,
  ) {
    this.answering = role === 'controlled';
    const options = transportOptionsFor(context.settings, context.peer, role);
    const data = maxMessageSize === undefined ? context.data : { ...context.data, maxMessageSize };
    const transport = context.engine.createTransport({ ...options, dataChannels: true, data });
    this.transport = transport;
    transport.onEvent((event) => this.onTransportEvent(event));
    const cannotGather = cannotGatherReason(options);
    // ICE would wait for a candidate that cannot come: end at once (after the caller has the link), saying why.
    if (cannotGather) queueMicrotask(() => this.end(cannotGather));
  }

  /** The offering side: our offer goes out at once; the channel opens once SCTP is up. */
  static offer(context: LinkContext, label: string, init: DataChannelInitOptions, listener: DataChannelLinkListener): DataChannelLink {
    const link = new DataChannelLink(context, listener, 'controlling', undefined);
    link.toOpen = { label, init };
    const sdp = writeDataOffer(link.transport!.local, sessionId());
    queueMicrotask(() => {
      if (!link.closed) listener.onLocalDescription({ type: 'offer', sdp });
    });
    return link;
  }

  /**
   * The answering side. `negotiated`: the channel was agreed out of band (dcInit.negotiated), so
   * it is opened here with the same label and id instead of arriving from the remote. Throws
   * SdpError when the offer is unusable (nothing was created then).
   */
  static answer(
    context: LinkContext,
    offer: string,
    negotiated: { label: string; init: DataChannelInitOptions } | undefined,
    listener: DataChannelLinkListener,
  ): DataChannelLink {
    const remote = parseDataDescription(offer);
    const link = new DataChannelLink(context, listener, 'controlled', remote.maxMessageSize);
    link.toOpen = negotiated;
    link.section = { mid: remote.mid, index: remote.index };
    // RFC 5763 section 5: the answerer picks; as the active side we start the handshake at once.
    const setup = remote.remote.setup === 'active' ? 'passive' : 'active';
    const sdp = writeDataAnswer(remote, setup, link.transport!.local, sessionId());
    try {
      link.useRemote(remote, setup === 'active' ? 'client' : 'server');
    } catch (error) {
      link.close();
      throw error;
    }
    queueMicrotask(() => {
      if (!link.closed) listener.onLocalDescription({ type: 'answer', sdp });
    });
    return link;
  }

  /** The remote's answer to our offer. */
  acceptAnswer(sdp: string): void {
    if (this.closed || this.remote) return;
    try {
      const remote = parseDataDescription(sdp);
      this.transport!.setDataMaxMessageSize(remote.maxMessageSize);
      this.useRemote(remote, remote.remote.setup === 'active' ? 'server' : 'client');
    } catch (error) {
      this.end(error instanceof SdpError ? error.message : `cannot use the answer: ${(error as Error).message}`);
    }
  }

  /** A trickled remote candidate; held until the remote description is in. */
  addRemoteCandidate(init: IceCandidateInit): void {
    if (this.closed || !init.candidate) return;
    const candidate = parseCandidateLine(init.candidate);
    if (!candidate) return;
    if (!this.remote) {
      if (this.pendingCandidates.length < MAX_PENDING_CANDIDATES) this.pendingCandidates.push(candidate);
      return;
    }
    // As the answerer, only the offerer's BUNDLE transport counts (see onBundleTransport).
    if (this.answering && !onBundleTransport(init, this.remote.mid, this.remote.remote)) return;
    this.useRemoteCandidate(candidate);
  }

  /** Feeds `port`'s datagrams to the channel (detaching `previous`); false when either is gone natively. */
  setFeed(port: NativePort | undefined, previous: NativePort | undefined): boolean {
    const transport = this.liveTransport();
    if (!transport) return false;
    if (previous && previous !== port) transport.detachPort(previous);
    return port ? transport.attachDataPort(port) : true;
  }

  setRedirect(to: { ip: string; port: number } | null): void {
    this.liveTransport()?.setDataRedirect(to);
  }

  /** One raw message (the slow path). */
  sendMessage(binary: boolean, data: Buffer): DataSendStatus {
    return this.liveTransport()?.sendDataMessage(binary, data) ?? 'not-connected';
  }

  /** A datagram decoded in JavaScript, sent to the redirect natively (and counted there). */
  deliverDatagram(datagram: Buffer): boolean {
    return this.liveTransport()?.deliverDatagram(datagram) ?? false;
  }

  /** The channel's counters: live, or as they were when the transport closed; undefined if it never reported any. */
  stats(): DataStats | undefined {
    const transport = this.liveTransport();
    return transport ? transport.dataStats() : this.finalStats;
  }

  /** The candidate pair ICE selected; null before (and after close). */
  selectedCandidatePair(): SelectedCandidatePair | null {
    const transport = this.liveTransport();
    if (!transport) return null;
    const s = transport.stats();
    return pairFromNative(s.selectedLocal, s.selectedRemote);
  }

  /** Resets the channel's stream and closes the transport. Idempotent; the listener hears nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const transport = this.transport;
    this.transport = undefined;
    if (transport && !transport.isClosed) {
      try {
        this.finalStats = transport.dataStats();
      } catch {
        // Closed natively meanwhile: the counters are gone with it.
      }
    }
    transport?.close();
  }

  private useRemote(remote: RemoteDataDescription, dtlsRole: 'client' | 'server'): void {
    const transport = this.transport!;
    const { iceUfrag, icePwd, fingerprint } = remote.remote;
    transport.setRemote({ ufrag: iceUfrag, password: icePwd, fingerprintAlgorithm: fingerprint.algorithm, fingerprint: fingerprint.hash, dtlsRole });
    this.remote = remote;
    for (const candidate of remote.remote.candidates) this.useRemoteCandidate(candidate);
    for (const candidate of this.pendingCandidates.splice(0)) this.useRemoteCandidate(candidate);
  }

  /** A candidate the native side refuses (an address it cannot use) is skipped: ICE fails on its own if none works. */
  private useRemoteCandidate(candidate: Candidate): void {
    try {
      this.transport?.addRemoteCandidate(candidate);
    } catch {
      // Skipped.
    }
  }

  private onTransportEvent(event: TransportEvent): void {
    if (this.closed) return;
    switch (event.kind) {
      case 'local-candidate':
        // Host candidates are in the description already; trickle the ones gathered later.
        if (event.candidate.type !== 'host') {
          this.listener.onLocalCandidate({
            candidate: candidateLine(event.candidate),
            sdpMid: this.section.mid,
            sdpMLineIndex: this.section.index,
            usernameFragment: this.transport?.local.ufrag ?? null,
          });
        }
        break;
      case 'sctp-up':
        this.openChannel();
        break;
      case 'data-channel-open':
        // The first channel is the connection's; a second one the remote opens is the native side's to drop.
        if (this.stream === undefined || this.stream === event.channel.stream) this.opened(event.channel.stream);
        break;
      case 'data-channel-closed':
        if (event.stream === this.stream) this.end(undefined);
        break;
      case 'data-message':
        if (event.stream === this.stream) this.listener.onMessage(event.binary, event.data);
        break;
      case 'data-remote-close':
        this.listener.onRemoteClose();
        break;
      case 'data-drops':
        this.listener.onDrops(event.direction, event.reason, event.count);
        break;
      case 'sctp-failed':
        // After the channel opened, the association ending is how a remote that went away shows.
        this.end(this.stream === undefined ? `the SCTP association failed: ${event.text}` : undefined);
        break;
      case 'closed':
        this.end(undefined);
        break;
      case 'failed':
        this.end(/^ICE/.test(event.text) ? 'ICE failed: the remote could not be reached' : `the data transport failed: ${event.text || event.detail}`);
        break;
      case 'turn-failed':
        this.listener.onTurnFailed(event.detail || event.text, event.code, nativeTurnFailureCause(event.text, event.detail, event.code));
        break;
      default:
        break;
    }
  }

  /** SCTP is up: we open our channel, or the pre-negotiated one (RFC 8832 section 6: no DCEP then). */
  private openChannel(): void {
    const pending = this.toOpen;
    if (!pending) return;
    const { label, init } = pending;
    let stream: number | null;
    try {
      stream = this.transport!.openDataChannel({
        label,
        protocol: init.protocol ?? '',
        ordered: init.ordered !== false,
        ...(init.maxRetransmits !== undefined && { maxRetransmits: init.maxRetransmits }),
        ...(init.maxPacketLifeTime !== undefined && { maxPacketLifeTime: init.maxPacketLifeTime }),
        ...(init.negotiated && init.id !== undefined && { negotiatedId: init.id }),
      });
    } catch (error) {
      this.end(`the DataChannel could not be opened: ${(error as Error).message}`);
      return;
    }
    if (stream === null) {
      this.end('the DataChannel could not be opened: SCTP is not up');
      return;
    }
    this.toOpen = undefined;
    // A pre-negotiated channel is open at once; ours opens when DCEP is acknowledged (data-channel-open).
    if (init.negotiated) this.opened(stream);
  }

  private opened(stream: number): void {
    const first = this.stream === undefined;
    this.stream = stream;
    if (first) this.listener.onOpen();
  }

  private liveTransport(): NativeTransport | undefined {
    return this.transport && !this.transport.isClosed ? this.transport : undefined;
  }

  private end(reason: string | undefined): void {
    if (this.closed) return;
    this.close();
    this.listener.onEnded(reason);
  }
}

function sessionId(): string {
  return String(randomInt(1, 2 ** 47));
}
