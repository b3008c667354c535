import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import type { NativeTransport } from '../../native/NativeTransport.js';
import type { Candidate, MediaKind } from '../../native/NativeTypes.js';
import type { TransportEvent, TurnFailedEvent } from '../../native/TransportEvent.js';
import type { CandidateSection } from '../../sdp/bundleTransport.js';
import { parseCandidateLine } from '../../sdp/candidateSdp.js';
import type { NegotiatedMedia } from '../../sdp/negotiateMedia.js';
import { SdpError } from '../../sdp/SdpError.js';
import type { DtlsSetup, RemoteDescription } from '../../sdp/SessionDescription.js';
import { PeerJsConnection, type PeerJsConnectionOptions } from '../connections/PeerJsConnection.js';
import { transportOptionsFor, type TransportSettings } from '../ice/transportOptionsFor.js';
import { TurnFailureReports } from '../ice/TurnFailureReports.js';
import { nativeTurnFailureCause } from '../ice/turnFailureMessage.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import { mediaConnectionStatus, type MediaConnectionStatus } from './mediaConnectionStatus.js';
import type { MediaConnectionEvent, StreamOptions } from './MediaConnectionEvent.js';
import { mediaConnectionStats, type MediaConnectionStats } from './mediaConnectionStats.js';
import { MediaNegotiation } from './MediaNegotiation.js';
import type { MediaConstraints, MediaRedirects } from './MediaRequest.js';
import { candidateSignal, declineSignal, descriptionSignal, type MediaSignal } from './mediaSignals.js';
import type { MediaRoutingPlan } from './planMediaRouting.js';
import { planRoutingFor, unwireMediaTransport, wireMediaTransport } from './wireMediaTransport.js';

export interface MediaTransportSettings extends TransportSettings {
  /** Video loss repair with NACK (the `media_nack` setting). */
  readonly nack: boolean;
  /** transport-cc and REMB for received video (the `media_bandwidth_feedback` setting). */
  readonly bandwidthFeedback: boolean;
}

export interface MediaConnectionOptions extends PeerJsConnectionOptions {
  readonly metadata: unknown;
  readonly engine: NativeEngine;
  readonly transport: MediaTransportSettings;
  /** The address STREAM events give for the media ports (as POST /media does). */
  readonly advertisedIpV4: string;
  readonly logger: Logger;
  /** Told once, when the connection has closed, with the ports it fed from. */
  readonly onClosed: (connection: MediaConnection, ports: NativeUdpPort[]) => void;
}

/** 'offered': an incoming call waiting for POST …/answer. */
export type MediaConnectionState = 'offered' | 'connecting' | 'open' | 'closed';

/**
 * A PeerJS MediaConnection held for a REST user. JavaScript negotiates (SDP over PeerJS) and
 * wires things up; the native transport moves every packet: media ports feed its streams,
 * and what the remote sends goes straight to the redirect addresses. A request runs in one
 * order: validate, plan, reserve the ports, open and wire the transport, and only then signal,
 * so a refused request leaves the ports it named and the remote untouched.
 */
export class MediaConnection extends PeerJsConnection<MediaConnectionOptions, MediaConnectionState, MediaConnectionEvent> {
  private readonly negotiation: MediaNegotiation;
  private transport: NativeTransport | undefined;
  private readonly attached: NativeUdpPort[] = [];
  /** Ports named in the constraints: in use (not deletable) from the request until close. */
  private readonly reserved = new Set<NativeUdpPort>();
  /** The media port each kind sends from, named at call or answer time (status lists it at once). */
  private readonly mediaPorts = new Map<MediaKind, NativeUdpPort>();
  /** A call's constraints, used once the answer says what was agreed. */
  private pending: { constraints: MediaConstraints; redirects: MediaRedirects } | undefined;
  /** TURN servers already reported in an ERROR event (one per server, whatever its relays do). */
  private readonly turnFailures = new TurnFailureReports();

  constructor(options: MediaConnectionOptions) {
    super(options, options.originator ? 'connecting' : 'offered');
    this.negotiation = new MediaNegotiation(`gateway-${this.id.slice(3, 11)}`, options.transport);
  }

  /** An incoming call: keeps the remote's offer until the user answers. */
  receiveOffer(sdp: string): void {
    this.negotiation.receiveOffer(sdp);
  }

  /** POST /media/connections: sends our offer. On a throw nothing was reserved or sent. */
  call(constraints: MediaConstraints, redirects: MediaRedirects): void {
    const offered = this.negotiation.planOffer(constraints);
    if (offered.length === 0) throw GatewayError.invalid('constraints', 'the call neither sends nor receives video or audio');
    assertPortsOpen(constraints);
    this.reserve(constraints);
    const transport = this.openOrRelease('controlling');
    this.pending = { constraints, redirects };
    this.signal(descriptionSignal(this, 'OFFER', this.negotiation.describe(offered, 'actpass', transport.local), this.options.metadata));
  }

  /**
   * POST /media/connections/{id}/answer: answers the remote's offer and starts the transport.
   * Refused before the ANSWER is sent, the call stays answerable and its ports stay the user's.
   */
  answer(constraints: MediaConstraints, redirects: MediaRedirects): void {
    if (this.stateValue !== 'offered' || !this.negotiation.hasRemoteOffer) {
      throw new GatewayError('RESOURCE_IN_USE', [{ field: 'media_connection_id', message: `${this.id} is not an unanswered incoming call` }]);
    }
    const { remote, plan } = this.planAnswer(constraints);
    // As for a call: an answer under which nothing can flow is a mistake; the call stays answerable.
    if (!plan.media.some((m) => m.send || m.receive)) {
      throw GatewayError.invalid('constraints', "with these constraints and the remote's offer, no video or audio would be sent or received");
    }
    const routing = this.planRouting(plan.media, constraints, redirects);
    assertPortsOpen(constraints);
    this.reserve(constraints);
    const transport = this.openOrRelease('controlled');
    // RFC 5763 section 5: the answerer picks; as the active side we start the handshake at once.
    const setup: DtlsSetup = remote.setup === 'active' ? 'passive' : 'active';
    try {
      this.wire(remote, setup === 'active' ? 'client' : 'server', routing);
    } catch (error) {
      this.unwind();
      throw error;
    }
    this.stateValue = 'connecting';
    this.signal(descriptionSignal(this, 'ANSWER', this.negotiation.describe(plan.sections, setup, transport.local), undefined));
    this.negotiation.answeredOn(remote, plan.sections);
    this.useRemoteCandidates(remote, plan.media);
  }

  /** The remote's answer to our offer. */
  acceptAnswer(sdp: string): void {
    if (!this.options.originator || this.negotiation.hasRemoteDescription || !this.pending || this.stateValue === 'closed') return;
    try {
      const { remote, media } = this.negotiation.acceptAnswer(sdp);
      const routing = this.planRouting(media, this.pending.constraints, this.pending.redirects);
      this.wire(remote, remote.setup === 'active' ? 'server' : 'client', routing);
      this.useRemoteCandidates(remote, media);
    } catch (error) {
      this.close(error instanceof SdpError ? error.message : `cannot use the answer: ${(error as Error).message}`);
    }
  }

  /** A trickled remote candidate and the m= section it names; kept until the remote description is in. */
  addRemoteCandidate(line: string, section: CandidateSection = {}): void {
    if (this.stateValue === 'closed' || !line) return;
    const candidate = parseCandidateLine(line);
    if (!candidate) return;
    if (this.negotiation.hasRemoteDescription && this.transport) this.useTrickled(candidate, section);
    else this.negotiation.queueCandidate(candidate, section);
  }

  /** POST …/pli: asks the remote's video sender for a keyframe (RFC 4585 section 6.3.1). */
  requestKeyframe(): boolean {
    return this.transport?.requestKeyframe() ?? false;
  }

  status(): MediaConnectionStatus {
    const ssrc = [...this.negotiation.sources.entries()].flatMap(([media, source]) => {
      const port = this.mediaPorts.get(media);
      return port && this.negotiation.sends(media) ? [{ media_id: port.id, ssrc: source.ssrc }] : [];
    });
    return mediaConnectionStatus({
      id: this.id,
      open: this.stateValue === 'open',
      metadata: this.options.metadata,
      remoteId: this.remoteId,
      ssrc,
      state: this.stateValue,
      negotiated: this.negotiation.negotiated,
      transport: this.liveTransport()?.stats(),
      stats: this.stats(),
    });
  }

  /** GET …/stats: per stream packets, bitrate, loss, repair, keyframe requests, jitter and RTT. */
  stats(): MediaConnectionStats {
    return mediaConnectionStats(this.id, this.liveTransport()?.mediaStats(), (kind) => this.negotiation.clockRateOf(kind));
  }

  /** Ends an incoming call that was never answered and tells the caller (see declineSignal). */
  decline(error: string | undefined, reason: string): void {
    if (this.stateValue === 'offered') this.signal(declineSignal(this, error ?? reason));
    this.close(error, reason);
  }

  /**
   * Closes the transport (DTLS close_notify), detaches its ports; CLOSE follows, after an ERROR
   * when `error` says what failed. `reason` says why it closed otherwise. Idempotent.
   */
  close(error?: string, reason = 'closed'): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    if (error) {
      this.options.logger.warn({ reason: error }, 'media connection closed on an error');
      this.events.push({ event: 'ERROR', error_message: error });
    }
    const ports = [...this.reserved];
    this.unwind();
    this.events.push({ event: 'CLOSE', close_options: { reason: error ?? reason } });
    this.options.onClosed(this, ports);
  }

  /** Forgets a request that never got going: its ports go back to the user as they were. */
  abandon(): void {
    this.stateValue = 'closed';
    this.unwind();
  }

  private planAnswer(constraints: MediaConstraints): ReturnType<MediaNegotiation['planAnswer']> {
    try {
      return this.negotiation.planAnswer(constraints);
    } catch (error) {
      if (!(error instanceof SdpError)) throw error;
      this.events.push({ event: 'ERROR', error_message: error.message });
      if (error.code === 'CODEC_UNAVAILABLE') throw GatewayError.invalid('constraints', error.message);
      // The ERROR is queued already; close() would queue it a second time.
      this.decline(undefined, `the remote's offer is unusable: ${error.message}`);
      throw GatewayError.invalid('media_connection_id', `the remote's offer is unusable: ${error.message}`);
    }
  }

  private planRouting(media: readonly NegotiatedMedia[], c: MediaConstraints, r: MediaRedirects): MediaRoutingPlan<NativeUdpPort> {
    return planRoutingFor(this.negotiation, media, c, r);
  }

  /** Opens the transport; if it cannot be opened, the ports reserved for it are released. */
  private openOrRelease(role: 'controlling' | 'controlled'): NativeTransport {
    try {
      const transport = this.options.engine.createTransport(transportOptionsFor(this.options.transport, this.peer, role));
      this.transport = transport;
      transport.onEvent((event) => this.onTransportEvent(event));
      return transport;
    } catch (error) {
      this.unwind();
      throw error;
    }
  }

  private wire(remote: RemoteDescription, dtlsRole: 'client' | 'server', plan: MediaRoutingPlan<NativeUdpPort>): void {
    wireMediaTransport(this.transport!, remote, dtlsRole, plan, this.attached);
  }

  /** The remote description is in: its candidates, then the trickled ones, go to the transport; READY. */
  private useRemoteCandidates(remote: RemoteDescription, media: readonly NegotiatedMedia[]): void {
    for (const c of this.negotiation.remoteDescription(remote, media)) this.useRemoteCandidate(c);
    for (const { candidate, section } of this.negotiation.takeQueuedCandidates()) this.useTrickled(candidate, section);
    this.events.push({ event: 'READY' });
  }

  private useTrickled(candidate: Candidate, section: CandidateSection): void {
    if (!this.negotiation.usable(section)) {
      this.options.logger.debug({ candidate: candidate.sdp ?? `${candidate.ip}:${candidate.port}`, section }, 'remote candidate of a transport outside BUNDLE skipped');
      return;
    }
    this.useRemoteCandidate(candidate);
  }

  /** A candidate the native side refuses (e.g. an address it cannot parse) is skipped, not fatal. */
  private useRemoteCandidate(candidate: Candidate): void {
    try {
      this.transport!.addRemoteCandidate(candidate);
    } catch (error) {
      this.options.logger.warn({ candidate, err: error }, 'remote candidate skipped');
    }
  }

  private reserve(c: MediaConstraints): void {
    if (c.videoParams.mediaPort) this.mediaPorts.set('video', c.videoParams.mediaPort);
    if (c.audioParams.mediaPort) this.mediaPorts.set('audio', c.audioParams.mediaPort);
    for (const port of [c.videoParams.mediaPort, c.videoParams.rtcpPort, c.audioParams.mediaPort, c.audioParams.rtcpPort]) {
      if (!port) continue;
      port.use(this.id);
      this.reserved.add(port);
    }
  }

  /** Detaches what was attached, closes the transport and releases the reserved ports. */
  private unwind(): void {
    const transport = this.transport;
    this.transport = undefined;
    unwireMediaTransport(transport, this.attached);
    for (const port of this.reserved) port.release(this.id);
    this.reserved.clear();
    if (this.stateValue !== 'closed') this.mediaPorts.clear();
  }

  private liveTransport(): NativeTransport | undefined {
    return this.transport && !this.transport.isClosed ? this.transport : undefined;
  }

  private signal(message: MediaSignal): void {
    this.peer.signal(message);
  }

  private onTransportEvent(event: TransportEvent): void {
    if (this.stateValue === 'closed') return;
    switch (event.kind) {
      case 'local-candidate':
        // Host candidates are in the description already; trickle the ones gathered later.
        if (event.candidate.type !== 'host') this.signal(candidateSignal(this, event.candidate, this.negotiation.firstMid, this.transport?.local.ufrag));
        break;
      case 'connected':
        this.stateValue = 'open';
        for (const stream_options of this.streams()) this.events.push({ event: 'STREAM', stream_options });
        break;
      case 'closed':
        // Our own close() has run before a local close is reported: this one is the remote's.
        this.close(undefined, 'the remote closed the connection');
        break;
      case 'failed':
        this.close(`the media transport failed: ${event.text || event.detail}`);
        break;
      case 'turn-failed':
        this.reportTurnFailure(event);
        break;
      default:
        break;
    }
  }

  /**
   * A TURN server this connection cannot use (refused credentials, no answer, a certificate that
   * does not verify): an ERROR event naming it, once per server. The connection goes on through
   * its other candidates, so this is no reason to close it.
   */
  private reportTurnFailure(event: TurnFailedEvent): void {
    this.options.logger.warn({ turn: event.text }, 'TURN server unusable for this media connection');
    const message = this.turnFailures.firstReport(event.detail || event.text, event.code, nativeTurnFailureCause(event.text, event.detail, event.code));
    if (message) this.events.push({ event: 'ERROR', error_message: message });
  }

  /**
   * What the STREAM events say once the transport is up: each negotiated stream that flows either
   * way, video first, with the media port it is sent from (PeerJS raises `stream` per track too).
   */
  private streams(): StreamOptions[] {
    const order: MediaKind[] = ['video', 'audio'];
    return order.flatMap((kind) => {
      const m = this.negotiation.negotiated.find((n) => n.kind === kind);
      if (!m || !(m.send || m.receive)) return [];
      const port = m.send ? this.mediaPorts.get(kind) : undefined;
      return [
        {
          is_video: kind === 'video',
          media_connection_id: this.id,
          stream_id: this.negotiation.streamIdOf(kind, m.receive),
          ...(port && { stream_params: { media_id: port.id, port: port.port, ip_v4: this.options.advertisedIpV4 } }),
        },
      ];
    });
  }
}

/** A port deleted natively but still named (a race with DELETE /media/{id}) is refused up front. */
function assertPortsOpen(c: MediaConstraints): void {
  const named: [NativeUdpPort | undefined, string][] = [
    [c.videoParams.mediaPort, 'video_params.media_id'],
    [c.videoParams.rtcpPort, 'video_params.rtcp_id'],
    [c.audioParams.mediaPort, 'audio_params.media_id'],
    [c.audioParams.rtcpPort, 'audio_params.rtcp_id'],
  ];
  for (const [port, field] of named) if (port?.isClosed) throw GatewayError.notFound(field, port.id);
}
