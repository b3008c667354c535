import { GatewayError } from '../errors/GatewayError.js';
import type {
  MediaKind,
  RawCandidate,
  RawInboundRouting,
  RawOutboundStream,
  RawEngine,
  RawLocalParameters,
  RawRemoteParameters,
  RawTransportEvent,
  RawTransportOptions,
  RawHostedTransportStats,
  RawMediaStats,
} from './addon.js';
import type { EngineEvent } from './EngineEvent.js';

export interface TransportOptions extends RawTransportOptions {
  /** Local addresses to gather host candidates on: one socket each, on an ephemeral port. */
  bindAddresses: string[];
}

export type TransportEventListener = (event: RawTransportEvent) => void;

/**
 * One WebRTC media transport running on the engine's I/O thread (ICE, DTLS-SRTP, SRTP).
 * Media never passes through here: ports are attached to it natively, and what it receives
 * is redirected natively. This object only carries commands and events.
 */
export class NativeTransport {
  readonly handle: number;
  readonly local: RawLocalParameters;
  private readonly listeners = new Set<TransportEventListener>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly raw: RawEngine,
    options: TransportOptions,
    subscribe: (handle: number, listener: (event: EngineEvent) => void) => () => void,
  ) {
    const { handle, ...local } = raw.createTransport(options);
    this.handle = handle;
    this.local = local;
    this.unsubscribe = subscribe(handle, (event) => {
      if (event.kind !== 'transport') return;
      for (const listener of this.listeners) listener(event.event);
    });
  }

  onEvent(listener: TransportEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  setRemote(remote: RawRemoteParameters): void {
    this.assertOpen();
    this.raw.transportSetRemote(this.handle, remote);
  }

  /** Candidates that trickle in after close() are ignored: the peer may still be sending them. */
  addRemoteCandidate(candidate: RawCandidate): void {
    if (!this.closed) this.raw.transportAddCandidate(this.handle, candidate);
  }

  endOfRemoteCandidates(): void {
    if (!this.closed) this.raw.transportEndOfCandidates(this.handle);
  }

  /** Where decrypted RTP or RTCP of the peer's video or audio is sent as plain UDP; null stops it. */
  setRedirect(kind: 'rtp' | 'rtcp', media: MediaKind, to: { ip: string; port: number } | null): void {
    this.assertOpen();
    if (to) this.raw.transportSetRedirect(this.handle, kind, media, to.ip, to.port);
    else this.raw.transportSetRedirect(this.handle, kind, media, null);
  }

  /** Rewrites what ports feed into this media's stream; null sends it unchanged. */
  setOutboundStream(media: MediaKind, stream: RawOutboundStream | null): void {
    this.assertOpen();
    this.raw.transportSetOutbound(this.handle, media, stream);
  }

  /** Which payload types the peer sends for which media, and what the user receives them as. */
  setInboundRouting(routing: RawInboundRouting): void {
    this.assertOpen();
    this.raw.transportSetInbound(this.handle, routing);
  }

  /** Sends a PLI to the peer's video sender; false while none is known or not yet connected. */
  requestKeyframe(): boolean {
    return this.closed ? false : this.raw.transportRequestKeyframe(this.handle);
  }

  stats(): RawHostedTransportStats {
    this.assertOpen();
    return this.raw.transportStats(this.handle);
  }

  /** Per-stream packets, loss, repair, keyframe requests and round-trip time. */
  mediaStats(): RawMediaStats {
    this.assertOpen();
    return this.raw.transportMediaStats(this.handle);
  }

  private assertOpen(): void {
    if (this.closed) throw new GatewayError('ENGINE_UNAVAILABLE', 'the transport is closed');
  }

  /** Sends DTLS close_notify, closes the sockets. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.closeTransport(this.handle);
    this.unsubscribe();
    this.listeners.clear();
  }
}
