import { GatewayError } from '../errors/GatewayError.js';
import type { RawEngine } from './addon.js';
import type { EngineEvent } from './EngineEvent.js';
import { callNative } from './nativeError.js';
import type { NativePort } from './NativePort.js';
import type {
  Candidate,
  DataChannelInit,
  DataSendStatus,
  DataTransportOptions,
  DataStats,
  InboundRouting,
  LocalParameters,
  MediaKind,
  MediaStats,
  OutboundStream,
  RemoteParameters,
  TransportIceOptions,
  TransportStats,
} from './NativeTypes.js';
import type { TransportEvent } from './TransportEvent.js';

export interface TransportOptions extends TransportIceOptions {
  /** Local addresses to gather host candidates on: one socket each, on an ephemeral port. */
  bindAddresses: string[];
  /** With dataChannels: how the transport's one channel carries datagrams (serialization, limits). */
  data?: DataTransportOptions;
}

export type TransportEventListener = (event: TransportEvent) => void;

/**
 * One WebRTC media transport running on the engine's I/O thread (ICE, DTLS-SRTP, SRTP).
 * Media never passes through here: ports are attached to it natively, and what it receives
 * is redirected natively. This object only carries commands and events; a command the engine
 * refuses throws a GatewayError (a transport closed natively meanwhile: NOT_FOUND).
 */
export class NativeTransport {
  /** The engine's id of this transport: for the engine and tests, never for session code. */
  readonly handle: number;
  private localParameters: LocalParameters;
  private readonly listeners = new Set<TransportEventListener>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly raw: RawEngine,
    options: TransportOptions,
    subscribe: (handle: number, listener: (event: EngineEvent) => void) => () => void,
  ) {
    const { handle, ...local } = callNative(() => raw.createTransport(options));
    this.handle = handle;
    this.localParameters = local;
    this.unsubscribe = subscribe(handle, (event) => {
      if (event.kind !== 'transport') return;
      for (const listener of this.listeners) listener(event.event);
    });
  }

  /** Our ICE credentials, fingerprint and candidates: new ICE credentials after restartIce(). */
  get local(): LocalParameters {
    return this.localParameters;
  }

  onEvent(listener: TransportEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  setRemote(remote: RemoteParameters): void {
    this.assertOpen();
    callNative(() => this.raw.transportSetRemote(this.handle, remote));
  }

  /** Candidates that trickle in after close() are ignored: the peer may still be sending them. */
  addRemoteCandidate(candidate: Candidate): void {
    if (!this.closed) callNative(() => this.raw.transportAddCandidate(this.handle, candidate));
  }

  endOfRemoteCandidates(): void {
    if (!this.closed) callNative(() => this.raw.transportEndOfCandidates(this.handle));
  }

  /**
   * ICE restart (RFC 8445 section 9) with the peer's new credentials: remote candidates start
   * afresh (add the new ones after), media stays on the previous pair until a new one is
   * nominated, DTLS and SRTP go on. Returns our new credentials and candidates. A transport whose
   * ICE has failed cannot restart: CONFLICT.
   */
  restartIce(remote: { ufrag: string; password: string }): LocalParameters {
    this.assertOpen();
    const restarted = callNative(() => this.raw.transportRestartIce(this.handle, remote));
    this.localParameters = { ...this.localParameters, ...restarted };
    return this.localParameters;
  }

  /** Where decrypted RTP or RTCP of the peer's video or audio is sent as plain UDP; null stops it. */
  setRedirect(kind: 'rtp' | 'rtcp', media: MediaKind, to: { ip: string; port: number } | null): void {
    this.assertOpen();
    callNative(() => {
      if (to) this.raw.transportSetRedirect(this.handle, kind, media, to.ip, to.port);
      else this.raw.transportSetRedirect(this.handle, kind, media, null);
    });
  }

  /** Rewrites what ports feed into this media's stream; null sends it unchanged. */
  setOutboundStream(media: MediaKind, stream: OutboundStream | null): void {
    this.assertOpen();
    callNative(() => this.raw.transportSetOutbound(this.handle, media, stream));
  }

  /** Which payload types the peer sends for which media, and what the user receives them as. */
  setInboundRouting(routing: InboundRouting): void {
    this.assertOpen();
    callNative(() => this.raw.transportSetInbound(this.handle, routing));
  }

  /**
   * Feeds the port's datagrams to this transport as the RTP or RTCP of its video or audio
   * stream; false when the port or this transport is gone natively.
   */
  attachPort(port: NativePort, kind: 'rtp' | 'rtcp', media: MediaKind): boolean {
    if (this.closed || port.isClosed) return false;
    return callNative(() => this.raw.attachPort(port.handle, this.handle, kind, media));
  }

  detachPort(port: NativePort): boolean {
    if (this.closed || port.isClosed) return false;
    return callNative(() => this.raw.detachPort(port.handle, this.handle));
  }

  // ---- Data channels (a transport created with dataChannels) ----

  /** Opens the transport's channel; its stream id, or null while SCTP is not up. Refused options throw INVALID_PARAMETER. */
  openDataChannel(init: DataChannelInit): number | null {
    this.assertOpen();
    return callNative(() => this.raw.transportOpenDataChannel(this.handle, init));
  }

  /** The remote's a=max-message-size (RFC 8841 section 6); 0 = no limit. */
  setDataMaxMessageSize(bytes: number): void {
    this.assertOpen();
    callNative(() => this.raw.transportSetDataMaxMessageSize(this.handle, bytes));
  }

  /** Where received messages go as datagrams; null: nowhere (dropped, counted 'no_redirect'). */
  setDataRedirect(to: { ip: string; port: number } | null): void {
    this.assertOpen();
    callNative(() => (to ? this.raw.transportSetDataRedirect(this.handle, to.ip, to.port) : this.raw.transportSetDataRedirect(this.handle, null)));
  }

  /** Feeds the port's datagrams to this transport's channel; false when either is gone natively. */
  attachDataPort(port: NativePort): boolean {
    if (this.closed || port.isClosed) return false;
    return callNative(() => this.raw.attachDataPort(port.handle, this.handle));
  }

  /** One message on the channel as it is (no serialization): the slow path only. */
  sendDataMessage(binary: boolean, data: Buffer): DataSendStatus {
    if (this.closed) return 'not-connected';
    return callNative(() => this.raw.transportSendDataMessage(this.handle, binary, data));
  }

  /** A datagram JavaScript decoded (slow path), sent to the redirect like the native ones; false when it could not go. */
  deliverDatagram(data: Buffer): boolean {
    if (this.closed) return false;
    return callNative(() => this.raw.transportDeliverDatagram(this.handle, data));
  }

  dataStats(): DataStats {
    this.assertOpen();
    return callNative(() => this.raw.transportDataStats(this.handle));
  }

  /** Sends a PLI to the peer's video sender; false while none is known or not yet connected. */
  requestKeyframe(): boolean {
    return this.closed ? false : callNative(() => this.raw.transportRequestKeyframe(this.handle));
  }

  /** The counters as listed in TransportStats (the raw typing in addon.ts keeps an index signature for the sans-IO wrapper). */
  stats(): TransportStats {
    this.assertOpen();
    return callNative(() => this.raw.transportStats(this.handle)) as unknown as TransportStats;
  }

  /** Per-stream packets, loss, repair, keyframe requests and round-trip time. */
  mediaStats(): MediaStats {
    this.assertOpen();
    return callNative(() => this.raw.transportMediaStats(this.handle));
  }

  private assertOpen(): void {
    if (this.closed) throw new GatewayError('ENGINE_UNAVAILABLE', 'the transport is closed');
  }

  /** Sends DTLS close_notify, closes the sockets. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    callNative(() => this.raw.closeTransport(this.handle));
    this.unsubscribe();
    this.listeners.clear();
  }
}
