import { randomBytes, randomInt } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { MediaKind, RawCandidate, RawInboundRouting, RawTransportEvent } from '../../native/addon.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import type { NativeTransport } from '../../native/NativeTransport.js';
import { onBundleTransport, offerCandidatesOnBundleTransport, type CandidateSection } from '../../sdp/bundleTransport.js';
import { candidateLine, parseCandidateLine } from '../../sdp/candidateSdp.js';
import { acceptAnswer, planAnswer, planOffer, type MediaIntent, type NegotiatedMedia } from '../../sdp/negotiateMedia.js';
import { parseSessionDescription } from '../../sdp/parseSessionDescription.js';
import { SdpError } from '../../sdp/SdpError.js';
import type { DtlsSetup, LocalMediaSection, LocalSource, RemoteDescription } from '../../sdp/SessionDescription.js';
import { writeSessionDescription } from '../../sdp/writeSessionDescription.js';
import { EventQueue } from '../events/EventQueue.js';
import type { IceConfiguration } from '../ice/IceConfiguration.js';
import { pairFromNative } from '../ice/selectedCandidatePair.js';
import { nativeTurnFailureCause, turnFailureMessage } from '../ice/turnFailureMessage.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { MediaConnectionEvent, StreamOptions } from './MediaConnectionEvent.js';
import { mediaConnectionStats, type MediaConnectionStats } from './mediaConnectionStats.js';
import type { MediaConstraints, MediaRedirects, StreamParams } from './MediaRequest.js';

export interface MediaTransportSettings {
  readonly bindAddresses: readonly string[];
  /** STUN/TURN servers, TURN credentials per peer, relay policy, advertised addresses. */
  readonly ice: IceConfiguration;
  /** Video loss repair with NACK (the `media_nack` setting). */
  readonly nack: boolean;
  /** transport-cc and REMB for received video (the `media_bandwidth_feedback` setting). */
  readonly bandwidthFeedback: boolean;
}

export interface MediaConnectionOptions {
  /** The REST id, "mc-<uuid>". */
  readonly id: string;
  /** The PeerJS connectionId, "mc_<token>". */
  readonly connectionId: string;
  readonly peer: GatewayPeer;
  readonly remoteId: string;
  readonly originator: boolean;
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
 * and what the remote sends goes straight to the redirect addresses.
 */
export class MediaConnection {
  readonly id: string;
  readonly events = new EventQueue<MediaConnectionEvent>();
  private transport: NativeTransport | undefined;
  private remoteOffer: string | undefined;
  private offered: LocalMediaSection[] = [];
  private negotiated: readonly NegotiatedMedia[] = [];
  /** The remote's MediaStream id of each negotiated kind (a=msid), when it named one. */
  private readonly remoteStreamIds = new Map<MediaKind, string>();
  private readonly sources = new Map<MediaKind, LocalSource>();
  private readonly ports: { port: NativeUdpPort; media: MediaKind; kind: 'rtp' | 'rtcp' }[] = [];
  /** Ports named in the constraints: in use (not deletable) from the request until close. */
  private readonly reserved = new Set<NativeUdpPort>();
  /** The media port each kind sends from, named at call or answer time (status lists it at once). */
  private readonly mediaPorts = new Map<MediaKind, NativeUdpPort>();
  private pendingCandidates: { candidate: RawCandidate; section: CandidateSection }[] = [];
  /** An answered call: the remote offer and the mid of its BUNDLE transport, which trickled candidates must name. */
  private bundle: { remote: RemoteDescription; taggedMid: string } | undefined;
  /** A call's constraints, used once the answer says what was agreed. */
  private pending: { constraints: MediaConstraints; redirects: MediaRedirects } | undefined;
  private remoteSet = false;
  private firstMid = { mid: '0', index: 0 };
  private stateValue: MediaConnectionState;
  /** TURN servers already reported in an ERROR event (one per server, whatever its relays do). */
  private readonly failedTurnServers = new Set<string>();

  constructor(readonly options: MediaConnectionOptions) {
    this.id = options.id;
    this.stateValue = options.originator ? 'connecting' : 'offered';
  }

  get state(): MediaConnectionState {
    return this.stateValue;
  }

  get peer(): GatewayPeer {
    return this.options.peer;
  }

  get remoteId(): string {
    return this.options.remoteId;
  }

  get connectionId(): string {
    return this.options.connectionId;
  }

  get originator(): boolean {
    return this.options.originator;
  }

  /** An incoming call: keeps the remote's offer until the user answers. */
  receiveOffer(sdp: string): void {
    this.remoteOffer = sdp;
  }

  /** POST /media/connections: sends our offer. */
  call(constraints: MediaConstraints, redirects: MediaRedirects): void {
    const intents = this.intents(constraints);
    this.offered = planOffer(intents, this.options.transport);
    this.reserve(constraints);
    if (this.offered.length === 0) throw GatewayError.invalid('constraints', 'the call neither sends nor receives video or audio');
    const transport = this.openTransport('controlling');
    this.pending = { constraints, redirects };
    this.sendDescription('OFFER', 'offer', this.offered, 'actpass', transport);
  }

  /** POST /media/connections/{id}/answer: answers the remote's offer and starts the transport. */
  answer(constraints: MediaConstraints, redirects: MediaRedirects): void {
    if (this.stateValue !== 'offered' || !this.remoteOffer) {
      throw new GatewayError('RESOURCE_IN_USE', [{ field: 'media_connection_id', message: `${this.id} is not an unanswered incoming call` }]);
    }
    let remote: RemoteDescription;
    let plan: ReturnType<typeof planAnswer>;
    try {
      remote = parseSessionDescription(this.remoteOffer);
      plan = planAnswer(remote, this.intents(constraints), this.options.transport);
    } catch (error) {
      if (!(error instanceof SdpError)) throw error;
      this.events.push({ event: 'ERROR', error_message: error.message });
      if (error.code === 'CODEC_UNAVAILABLE') throw GatewayError.invalid('constraints', error.message);
      // The ERROR is queued already; close() would queue it a second time.
      this.decline(undefined, `the remote's offer is unusable: ${error.message}`);
      throw GatewayError.invalid('media_connection_id', `the remote's offer is unusable: ${error.message}`);
    }
    // As for a call: an answer under which nothing can flow is a mistake; the call stays answerable.
    if (!plan.media.some((m) => m.send || m.receive)) {
      throw GatewayError.invalid('constraints', "with these constraints and the remote's offer, no video or audio would be sent or received");
    }
    this.stateValue = 'connecting';
    this.reserve(constraints);
    const transport = this.openTransport('controlled');
    // RFC 5763 section 5: the answerer picks; as the active side we start the handshake at once.
    const setup: DtlsSetup = remote.setup === 'active' ? 'passive' : 'active';
    this.sendDescription('ANSWER', 'answer', plan.sections, setup, transport);
    // Our answer BUNDLEs every live section with the first as its tag (RFC 8843 section 7.3).
    this.bundle = { remote, taggedMid: this.firstMid.mid };
    this.start(remote, plan.media, setup === 'active' ? 'client' : 'server', constraints, redirects);
  }

  /** The remote's answer to our offer. */
  acceptAnswer(sdp: string): void {
    if (!this.options.originator || this.remoteSet || !this.pending) return;
    try {
      const remote = parseSessionDescription(sdp);
      const media = acceptAnswer(remote, this.offered);
      this.start(remote, media, remote.setup === 'active' ? 'server' : 'client', this.pending.constraints, this.pending.redirects);
    } catch (error) {
      this.close(error instanceof SdpError ? error.message : `cannot use the answer: ${(error as Error).message}`);
    }
  }

  /** A trickled remote candidate and the m= section it names; kept until the remote description is in. */
  addRemoteCandidate(line: string, section: CandidateSection = {}): void {
    if (this.stateValue === 'closed' || !line) return;
    const candidate = parseCandidateLine(line);
    if (!candidate) return;
    if (this.remoteSet && this.transport) this.useTrickled(candidate, section);
    else if (this.pendingCandidates.length < 64) this.pendingCandidates.push({ candidate, section });
  }

  /** As the answerer, only the offerer's BUNDLE transport counts; an answerer sends no other. */
  private useTrickled(candidate: RawCandidate, section: CandidateSection): void {
    if (this.bundle && !onBundleTransport(section, this.bundle.taggedMid, this.bundle.remote)) {
      this.options.logger.debug({ candidate: candidate.sdp ?? `${candidate.ip}:${candidate.port}`, section }, 'remote candidate of a transport outside BUNDLE skipped');
      return;
    }
    this.useRemoteCandidate(candidate);
  }

  /** A candidate the native side refuses (e.g. an address it cannot parse) is skipped, not fatal. */
  private useRemoteCandidate(candidate: RawCandidate): void {
    try {
      this.transport!.addRemoteCandidate(candidate);
    } catch (error) {
      this.options.logger.warn({ candidate, err: error }, 'remote candidate skipped');
    }
  }

  /** POST …/pli: asks the remote's video sender for a keyframe (RFC 4585 section 6.3.1). */
  requestKeyframe(): boolean {
    return this.transport?.requestKeyframe() ?? false;
  }

  status(): Record<string, unknown> {
    // The streams we send: as negotiated once the remote's description is in, as offered before.
    const sends = (kind: MediaKind): boolean =>
      this.remoteSet
        ? this.negotiated.some((m) => m.kind === kind && m.send)
        : this.offered.some((s) => s.kind === kind && (s.direction === 'sendrecv' || s.direction === 'sendonly'));
    const ssrc = [...this.sources.entries()].flatMap(([media, source]) => {
      const port = this.mediaPorts.get(media);
      return port && sends(media) ? [{ media_id: port.id, ssrc: source.ssrc }] : [];
    });
    const stats = this.transport && !this.transport.isClosed ? this.transport.stats() : undefined;
    return {
      media_connection_id: this.id,
      open: this.stateValue === 'open',
      metadata: this.options.metadata ?? null,
      remote_id: this.remoteId,
      ssrc,
      state: this.stateValue,
      negotiated: this.negotiated.map((m) => ({
        media: m.kind,
        codec: m.codec.name,
        payload_type: m.payloadType,
        send: m.send,
        receive: m.receive,
      })),
      ...(stats && { transport: stats }),
      // The same field as a DataConnection's status (the raw pair stays in transport).
      selected_candidate_pair: pairFromNative(stats?.selectedLocal, stats?.selectedRemote),
      stats: this.stats(),
    };
  }

  /** GET …/stats: per stream packets, bitrate, loss, repair, keyframe requests, jitter and RTT. */
  stats(): MediaConnectionStats {
    const raw = this.transport && !this.transport.isClosed ? this.transport.mediaStats() : undefined;
    return mediaConnectionStats(this.id, raw, (kind) => this.negotiated.find((m) => m.kind === kind)?.codec.clockRate ?? 90000);
  }

  /**
   * Ends an incoming call that was never answered and tells the caller. PeerJS has no message
   * that ends one connection (LEAVE ends all of a peer's), so the gateway sends EXPIRE naming the
   * connection: the stock client reports it as a `peer-unavailable` error ("Could not connect to
   * peer …"), and a calling gateway closes that call at once with the reason given.
   */
  decline(error: string | undefined, reason: string): void {
    if (this.stateValue === 'offered') {
      const payload = { type: 'media', connectionId: this.connectionId, reason: error ?? reason };
      this.peer.signal({ type: 'EXPIRE', dst: this.remoteId, payload });
    }
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
    for (const { port } of this.ports) this.options.engine.detachPort(port.handle, this.transport?.handle ?? -1);
    for (const port of this.reserved) port.release(this.id);
    this.transport?.close();
    this.events.push({ event: 'CLOSE', close_options: { reason: error ?? reason } });
    const ports = [...this.reserved];
    this.ports.length = 0;
    this.reserved.clear();
    this.options.onClosed(this, ports);
  }

  private intents(c: MediaConstraints): MediaIntent[] {
    const intent = (kind: MediaKind, send: boolean, receive: boolean, params: StreamParams<string>): MediaIntent => ({
      kind,
      send: send && params.mediaPort !== undefined,
      receive,
      codec: params.codec as MediaIntent['codec'],
      ...(params.payloadType !== undefined && { payloadType: params.payloadType }),
      ...(params.bandwidthKbps && { bandwidthKbps: params.bandwidthKbps }),
      source: this.sourceFor(kind),
    });
    return [intent('video', c.video, c.videoReceiveEnabled, c.videoParams), intent('audio', c.audio, c.audioReceiveEnabled, c.audioParams)];
  }

  private sourceFor(kind: MediaKind): LocalSource {
    let source = this.sources.get(kind);
    if (!source) {
      const streamId = `gateway-${this.id.slice(3, 11)}`;
      source = {
        ssrc: randomInt(1, 2 ** 32 - 1),
        rtxSsrc: randomInt(1, 2 ** 32 - 1),
        cname: streamId,
        streamId,
        trackId: `${kind}-${randomBytes(4).toString('hex')}`,
      };
      this.sources.set(kind, source);
    }
    return source;
  }

  private openTransport(role: 'controlling' | 'controlled'): NativeTransport {
    const { bindAddresses, ice } = this.options.transport;
    // Minted now: a TURN credential made from turn_secret is valid from this connection's start.
    const iceOptions = ice.forPeer(this.peer.id, this.peer.turn).media;
    const transport = this.options.engine.createTransport({ role, bindAddresses: [...bindAddresses], ...iceOptions });
    this.transport = transport;
    transport.onEvent((event) => this.onTransportEvent(event));
    return transport;
  }

  private sendDescription(
    type: 'OFFER' | 'ANSWER',
    sdpType: 'offer' | 'answer',
    sections: readonly LocalMediaSection[],
    setup: DtlsSetup,
    transport: NativeTransport,
  ): void {
    const index = sections.findIndex((s) => !s.rejected);
    this.firstMid = { mid: sections[index]?.mid ?? '0', index: Math.max(0, index) };
    const sdp = writeSessionDescription({
      sessionId: String(randomInt(1, 2 ** 47)),
      sessionVersion: 2,
      iceUfrag: transport.local.ufrag,
      icePwd: transport.local.password,
      fingerprint: transport.local.fingerprint,
      setup,
      sections,
      candidates: transport.local.candidates,
    });
    const payload: Record<string, unknown> = { sdp: { type: sdpType, sdp }, type: 'media', connectionId: this.connectionId };
    if (type === 'OFFER') payload['metadata'] = this.options.metadata;
    this.peer.signal({ type, dst: this.remoteId, payload });
  }

  private start(
    remote: RemoteDescription,
    media: readonly NegotiatedMedia[],
    dtlsRole: 'client' | 'server',
    constraints: MediaConstraints,
    redirects: MediaRedirects,
  ): void {
    const transport = this.transport!;
    this.negotiated = media;
    for (const m of media) {
      const streamId = remote.sections.find((s) => s.mid === m.mid)?.streamId;
      if (streamId !== undefined) this.remoteStreamIds.set(m.kind, streamId);
    }
    transport.setRemote({
      ufrag: remote.iceUfrag,
      password: remote.icePwd,
      fingerprintAlgorithm: remote.fingerprint.algorithm,
      fingerprint: remote.fingerprint.hash,
      dtlsRole,
    });
    this.remoteSet = true;
    this.route(media, constraints, redirects);
    const listed = this.bundle ? offerCandidatesOnBundleTransport(remote, this.bundle.taggedMid) : remote.candidates;
    for (const c of listed) this.useRemoteCandidate(c);
    for (const { candidate, section } of this.pendingCandidates) this.useTrickled(candidate, section);
    this.pendingCandidates = [];
    this.events.push({ event: 'READY' });
  }

  /** Wires ports to streams and streams to redirect addresses, natively. */
  private route(media: readonly NegotiatedMedia[], c: MediaConstraints, redirects: MediaRedirects): void {
    const transport = this.transport!;
    const routing: Required<RawInboundRouting> = { routes: [], remoteSsrcs: [], remoteRtx: [], feedback: {} };
    for (const m of media) {
      const params: StreamParams<string> = m.kind === 'video' ? c.videoParams : c.audioParams;
      const source = this.sources.get(m.kind)!;
      const nack = m.feedback.includes('nack');
      if (m.send && params.mediaPort) {
        transport.setOutboundStream(m.kind, {
          ssrc: source.ssrc,
          payloadType: m.payloadType,
          ...(params.payloadType !== undefined && { inputPayloadType: params.payloadType }),
          clockRate: m.codec.clockRate,
          nack,
          ...(nack && m.rtxPayloadType !== undefined && { rtxSsrc: source.rtxSsrc, rtxPayloadType: m.rtxPayloadType }),
        });
        this.attach(params.mediaPort, m.kind, 'rtp');
      }
      // Also on a receive-only call: the user's receiver may report on or ask for keyframes of the remote's stream.
      if (params.rtcpPort && (m.send || m.receive)) this.attach(params.rtcpPort, m.kind, 'rtcp');
      if (m.receive) {
        const redirectPayloadType = params.payloadType;
        for (const payloadType of [m.payloadType, ...m.alsoReceives]) {
          routing.routes.push({ payloadType, media: m.kind, clockRate: m.codec.clockRate, ...(redirectPayloadType !== undefined && { redirectPayloadType }) });
        }
        if (m.rtxPayloadType !== undefined) routing.routes.push({ payloadType: m.rtxPayloadType, media: m.kind, rtxFor: m.payloadType });
        for (const ssrc of m.remoteSsrcs) routing.remoteSsrcs.push({ ssrc, media: m.kind });
        routing.remoteRtx.push(...m.remoteRtx);
        if (m.kind === 'video') {
          routing.feedback = {
            nack,
            ...(m.transportCcId !== undefined && { transportCcId: m.transportCcId }),
            // REMB caps the remote's sender at the user's band_width; transport-cc does the rest.
            ...(m.feedback.includes('goog-remb') && params.bandwidthKbps && { rembBps: params.bandwidthKbps * 1000 }),
          };
        }
      }
      const rtp = m.kind === 'video' ? redirects.video : redirects.audio;
      const rtcp = m.kind === 'video' ? redirects.videoRtcp : redirects.audioRtcp;
      if (rtp && m.receive) transport.setRedirect('rtp', m.kind, { ip: rtp.address, port: rtp.port });
      if (rtcp) transport.setRedirect('rtcp', m.kind, { ip: rtcp.address, port: rtcp.port });
    }
    routing.feedback = { ...routing.feedback, cname: [...this.sources.values()][0]?.cname ?? `gateway-${this.id.slice(3, 11)}` };
    transport.setInboundRouting(routing);
  }

  private attach(port: NativeUdpPort, media: MediaKind, kind: 'rtp' | 'rtcp'): void {
    if (!this.options.engine.attachPort(port.handle, this.transport!.handle, kind, media)) {
      throw GatewayError.notFound(kind === 'rtp' ? `${media}_params.media_id` : `${media}_params.rtcp_id`, port.id);
    }
    this.ports.push({ port, media, kind });
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

  private onTransportEvent(event: RawTransportEvent): void {
    if (this.stateValue === 'closed') return;
    switch (event.kind) {
      case 'local-candidate':
        // Host candidates are in the description already; trickle the ones gathered later.
        if (event.candidate && event.candidate.type !== 'host') this.trickle(event.candidate);
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
  private reportTurnFailure(event: RawTransportEvent): void {
    const url = event.detail || event.text;
    this.options.logger.warn({ turn: event.text }, 'TURN server unusable for this media connection');
    if (this.failedTurnServers.has(url)) return;
    this.failedTurnServers.add(url);
    const code = event.code ?? 0;
    this.events.push({ event: 'ERROR', error_message: turnFailureMessage(url, code, nativeTurnFailureCause(event.text, event.detail, code)) });
  }

  /**
   * What the STREAM events say once the transport is up: each negotiated stream that flows either
   * way, video first, with the media port it is sent from (PeerJS raises `stream` per track too).
   */
  private streams(): StreamOptions[] {
    const order: MediaKind[] = ['video', 'audio'];
    return order.flatMap((kind) => {
      const m = this.negotiated.find((n) => n.kind === kind);
      if (!m || !(m.send || m.receive)) return [];
      const port = m.send ? this.mediaPorts.get(kind) : undefined;
      const remoteStream = m.receive ? this.remoteStreamIds.get(kind) : undefined;
      return [
        {
          is_video: kind === 'video',
          media_connection_id: this.id,
          stream_id: remoteStream ?? this.sourceFor(kind).streamId,
          ...(port && { stream_params: { media_id: port.id, port: port.port, ip_v4: this.options.advertisedIpV4 } }),
        },
      ];
    });
  }

  private trickle(candidate: RawCandidate): void {
    this.peer.signal({
      type: 'CANDIDATE',
      dst: this.remoteId,
      payload: {
        candidate: {
          candidate: candidateLine(candidate),
          sdpMid: this.firstMid.mid,
          sdpMLineIndex: this.firstMid.index,
          usernameFragment: this.transport?.local.ufrag,
        },
        type: 'media',
        connectionId: this.connectionId,
      },
    });
  }
}
