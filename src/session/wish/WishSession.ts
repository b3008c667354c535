import { randomBytes, randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import type { NativeTransport } from '../../native/NativeTransport.js';
import type { Candidate } from '../../native/NativeTypes.js';
import type { TransportEvent } from '../../native/TransportEvent.js';
import type { TrickleFragment } from '../../sdp/parseTrickleFragment.js';
import { SdpError } from '../../sdp/SdpError.js';
import type { DtlsSetup, LocalMediaSection } from '../../sdp/SessionDescription.js';
import { writeTrickleFragment } from '../../sdp/writeTrickleFragment.js';
import { AnswerGathering } from '../ice/AnswerGathering.js';
import { pairFromNative } from '../ice/selectedCandidatePair.js';
import { TurnFailureReports } from '../ice/TurnFailureReports.js';
import { nativeTurnFailureCause } from '../ice/turnFailureMessage.js';
import { transportOptionsFor } from '../ice/transportOptionsFor.js';
import type { MediaTransportSettings } from '../media/MediaConnection.js';
import { mediaConnectionStats } from '../media/mediaConnectionStats.js';
import { MediaNegotiation } from '../media/MediaNegotiation.js';
import type { MediaConstraints, MediaRedirects } from '../media/MediaRequest.js';
import { planRoutingFor, unwireMediaTransport, wireMediaTransport } from '../media/wireMediaTransport.js';
import { transportStatusView } from '../media/transportStatusView.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { WishKind } from './WishEndpoint.js';
import type { WishEvent } from './WishEvent.js';

/** Remote candidates one session takes, from its offer and PATCHes together; more are refused (422). */
export const MAX_REMOTE_CANDIDATES = 64;

/** An opaque entity tag (RFC 9110 section 8.8.3) for one ICE session. */
function newEntityTag(): string {
  return `"${randomBytes(8).toString('hex')}"`;
}

/**
 * How long an answer waits for the candidates the gateway's STUN and TURN servers give it
 * (server-reflexive, relayed): a WHIP/WHEP server sends its candidates in the answer only.
 */
export const ANSWER_GATHER_WAIT_MS = 3000;

/** Refused candidates are logged at most this often per session. */
const REFUSAL_LOG_MS = 10_000;

export type WishSessionState = 'connecting' | 'open' | 'closed';

export interface WishSessionOptions {
  readonly endpointId: string;
  /** WHIP takes the remote's media (answer recvonly), WHEP sends it the user's (answer sendonly). */
  readonly kind: WishKind;
  readonly engine: NativeEngine;
  readonly transport: MediaTransportSettings;
  readonly constraints: MediaConstraints;
  readonly redirects: MediaRedirects;
  readonly logger: Logger;
  /** Told once, when the session has closed (by DELETE, the remote or a failure). */
  readonly onClosed: (session: WishSession) => void;
  /** The endpoint's event queue (GET …/events). */
  readonly onEvent?: (event: WishEvent) => void;
  /** A session not connected (ICE and DTLS) this long after its answer closes: offer_timeout_ms. */
  readonly connectTimeoutMs: number;
}

/**
 * One WHIP publisher (RFC 9725 section 4.2) or WHEP player: its offer answered on a native
 * transport by the very negotiation and wiring an answered MediaConnection uses. A publisher's
 * media goes out as plain RTP to the endpoint's redirect_params; a player is fed by the
 * endpoint's media ports, on the same native fan-out as MediaConnections.
 */
export class WishSession {
  readonly id: string;
  /** RFC 9725 section 4.3.1: the entity tag of the ICE session; each ICE restart makes a new one. */
  private etagValue = newEntityTag();
  /** ICE restarts done (RFC 9725 section 4.4). */
  private restarts = 0;
  /** Our answer's first m= line (the BUNDLE's tagged section): what a restart's fragment names. */
  private mediaLine = '';
  private stateValue: WishSessionState = 'connecting';
  private transport: NativeTransport | undefined;
  private readonly attached: NativeUdpPort[] = [];
  private readonly negotiation: MediaNegotiation;
  private closeReason: string | undefined;
  /** The offer's ICE credentials: a PATCH with others is an ICE restart (RFC 9725 section 4.4). */
  private remoteIce: { ufrag: string; pwd: string } | undefined;
  /** Every remote candidate taken, "ip:port typ", from the offer and trickled (at most MAX_REMOTE_CANDIDATES). */
  private readonly remoteCandidates: string[] = [];
  private endOfCandidates = false;
  private refusedCandidates = 0;
  private lastRefusalLog = -Infinity;
  /** What the answer describes, once the candidates it waits for are in. */
  private answerSections: readonly LocalMediaSection[] = [];
  private answerSetup: DtlsSetup = 'passive';
  private readonly turnFailures = new TurnFailureReports();
  /** The wait for STUN and TURN candidates; none without such servers. */
  private gathering: AnswerGathering | undefined;
  /** Closes a session whose client never connects, so that it cannot hold its endpoint (409) and socket for ever. */
  private connectTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: WishSessionOptions) {
    this.id = `${options.kind === 'whip' ? 'ws' : 'es'}-${randomUUID()}`;
    this.negotiation = new MediaNegotiation(`gateway-${this.id.slice(3, 11)}`, options.transport);
  }

  /**
   * A session for `offerSdp`, its transport open and wired; `answer()` gives the answer. Throws
   * INVALID_PARAMETER (400) for SDP that does not parse or lacks what WebRTC needs,
   * UNPROCESSABLE (422) for an offer nothing of which the endpoint takes.
   */
  static offered(options: WishSessionOptions, offerSdp: string): WishSession {
    const session = new WishSession(options);
    session.takeOffer(offerSdp);
    return session;
  }

  /**
   * Our answer with every candidate we have (we trickle nothing): with STUN or TURN servers it
   * waits for theirs, ANSWER_GATHER_WAIT_MS at most. Throws GATHERING_FAILED (503), the session
   * closed, when it has no candidate to give (a TURN server refused under the relay policy) or
   * closed meanwhile (its endpoint was deleted).
   */
  async answer(): Promise<string> {
    await this.gathering?.finished;
    const transport = this.liveTransport();
    if (this.stateValue === 'closed' || !transport) {
      throw new GatewayError('GATHERING_FAILED', `the session closed while the gateway gathered its candidates: ${this.closeReason ?? 'closed'}`);
    }
    const candidates = this.gathering?.candidatesWith(transport.local.candidates) ?? transport.local.candidates;
    if (candidates.length === 0) {
      const why = this.turnFailures.messages.length > 0 ? ` (${this.turnFailures.messages.join('; ')})` : '';
      const reason = `the gateway gathered no ICE candidate for the session${why}`;
      this.close(reason);
      throw new GatewayError('GATHERING_FAILED', reason);
    }
    const answer = this.negotiation.describe(this.answerSections, this.answerSetup, { ...transport.local, candidates });
    this.mediaLine = answer.split(/\r?\n/).find((line) => line.startsWith('m=')) ?? '';
    this.options.onEvent?.({ event: 'READY', session_id: this.id });
    this.connectTimer = setTimeout(() => this.connectTimedOut(), this.options.connectTimeoutMs);
    this.connectTimer.unref();
    return answer;
  }

  get state(): WishSessionState {
    return this.stateValue;
  }

  get etag(): string {
    return this.etagValue;
  }

  status(): { session_id: string; state: WishSessionState; close_reason?: string } {
    return { session_id: this.id, state: this.stateValue, ...(this.closeReason && { close_reason: this.closeReason }) };
  }

  /** GET …/sessions/{sid}/status: state, candidates, the selected pair and the transport's counters. */
  detailedStatus() {
    const transport = this.liveTransport()?.stats();
    return {
      ...this.status(),
      endpoint_id: this.options.endpointId,
      negotiated: this.negotiation.negotiated.map((m) => ({ media: m.kind, codec: m.codec.name, payload_type: m.payloadType, send: m.send, receive: m.receive })),
      remote_candidates: [...this.remoteCandidates],
      end_of_candidates: this.endOfCandidates,
      refused_candidates: this.refusedCandidates,
      remote_ice_ufrag: this.remoteIce?.ufrag,
      ice_restarts: this.restarts,
      ...(transport && { transport: transportStatusView(transport) }),
      selected_candidate_pair: pairFromNative(transport?.selectedLocal, transport?.selectedRemote),
    };
  }

  /** GET …/sessions/{sid}/stats: per stream packets, bitrate, loss, repair and keyframe requests (as a MediaConnection's). */
  stats() {
    const { media_connection_id: _, ...stats } = mediaConnectionStats(this.id, this.liveTransport()?.mediaStats(), (kind) => this.negotiation.clockRateOf(kind));
    return { session_id: this.id, ...stats };
  }

  /** POST …/pli: asks the publisher's video sender for a keyframe (RFC 4585 section 6.3.1); false when none can be asked. */
  requestKeyframe(): boolean {
    return this.liveTransport()?.requestKeyframe() ?? false;
  }

  /**
   * Whether a PATCH fragment restarts ICE: it carries ICE credentials other than the offer's
   * (RFC 9725 section 4.4; RFC 8839 section 4.4.1.1.1). Credentials equal to the offer's are trickle.
   */
  isIceRestart(fragment: TrickleFragment): boolean {
    if (fragment.ufrag === undefined && fragment.pwd === undefined) return false;
    return fragment.ufrag !== this.remoteIce?.ufrag || (fragment.pwd !== undefined && fragment.pwd !== this.remoteIce?.pwd);
  }

  /**
   * Trickle ICE (RFC 9725 section 4.3.1, RFC 8840): the fragment's candidates of the BUNDLE
   * transport go to the ICE agent. Throws UNPROCESSABLE (nothing taken) when they would pass
   * MAX_REMOTE_CANDIDATES.
   */
  trickle(fragment: TrickleFragment): void {
    if (this.stateValue === 'closed') throw GatewayError.notFound('session_id', this.id);
    const usable = fragment.candidates.filter((c) => c.candidate !== undefined && this.negotiation.usable(c.section));
    if (this.remoteCandidates.length + usable.length > MAX_REMOTE_CANDIDATES) {
      this.refusedCandidates += usable.length;
      if (Date.now() - this.lastRefusalLog >= REFUSAL_LOG_MS) {
        this.lastRefusalLog = Date.now();
        this.options.logger.warn({ session: this.id, refused: this.refusedCandidates }, 'trickled candidates over the per-session limit refused');
      }
      throw new GatewayError('UNPROCESSABLE', [{ field: 'candidate', message: `a session takes at most ${MAX_REMOTE_CANDIDATES} remote candidates` }]);
    }
    for (const c of usable) this.takeCandidate(c.candidate!);
    if (fragment.endOfCandidates) this.endOfCandidates = true;
  }

  /**
   * ICE restart (RFC 9725 section 4.4, RFC 8839 section 4.4.1.1.1): the fragment's new
   * credentials and candidates go to the ICE agent, which starts its checks afresh while media
   * stays on the previous pair until the client nominates a new one. Returns the 200 OK body
   * (our new credentials and candidates) and the new entity tag. Throws INVALID_PARAMETER for a
   * fragment without both ice-ufrag and ice-pwd, UNPROCESSABLE over MAX_REMOTE_CANDIDATES, and
   * CONFLICT once the transport's ICE has failed (nothing changed then).
   */
  restartIce(fragment: TrickleFragment): { fragment: string; etag: string } {
    const transport = this.liveTransport();
    if (this.stateValue === 'closed' || !transport) throw GatewayError.notFound('session_id', this.id);
    if (!fragment.ufrag || !fragment.pwd) {
      throw GatewayError.invalid('sdpfrag', 'an ICE restart fragment carries both a=ice-ufrag and a=ice-pwd (RFC 8839 section 4.4.1.1.1)');
    }
    // RFC 8839 section 5.4: ice-ufrag is 4 to 256 ice-chars, ice-pwd 22 to 256.
    if (!/^[A-Za-z0-9+/]{4,256}$/.test(fragment.ufrag) || !/^[A-Za-z0-9+/]{22,256}$/.test(fragment.pwd)) {
      throw GatewayError.invalid('sdpfrag', 'a=ice-ufrag must be 4 to 256 and a=ice-pwd 22 to 256 characters of ALPHA, DIGIT, "+" and "/" (RFC 8839 section 5.4)');
    }
    const usable = fragment.candidates.filter((c) => c.candidate !== undefined && this.negotiation.usable(c.section));
    if (usable.length > MAX_REMOTE_CANDIDATES) {
      throw new GatewayError('UNPROCESSABLE', [{ field: 'candidate', message: `a session takes at most ${MAX_REMOTE_CANDIDATES} remote candidates` }]);
    }
    const local = transport.restartIce({ ufrag: fragment.ufrag, password: fragment.pwd });
    this.restarts += 1;
    this.etagValue = newEntityTag();
    this.remoteIce = { ufrag: fragment.ufrag, pwd: fragment.pwd };
    // The previous generation's candidates are gone from the agent: the list starts afresh too.
    this.remoteCandidates.length = 0;
    this.endOfCandidates = false;
    for (const c of usable) this.takeCandidate(c.candidate!);
    // As trickle: recorded, not told to the agent (a peer-reflexive path may still show up).
    if (fragment.endOfCandidates) this.endOfCandidates = true;
    this.options.logger.info({ session: this.id, restarts: this.restarts, candidates: usable.length }, 'WHIP/WHEP ICE restart');
    const body = writeTrickleFragment({
      ufrag: local.ufrag,
      pwd: local.password,
      mediaLine: this.mediaLine,
      mid: this.negotiation.firstMid.mid,
      candidates: local.candidates,
      endOfCandidates: true,
    });
    return { fragment: body, etag: this.etagValue };
  }

  /** Closes the transport (DTLS close_notify; consent stops) and detaches the ports feeding it. Idempotent. */
  close(reason = 'closed'): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.closeReason = reason;
    clearTimeout(this.connectTimer);
    this.gathering?.finish();
    this.unwind();
    this.options.onEvent?.({ event: 'CLOSE', session_id: this.id, close_options: { reason } });
    this.options.onClosed(this);
  }

  private takeOffer(sdp: string): void {
    this.negotiation.receiveOffer(sdp);
    let planned: ReturnType<MediaNegotiation['planAnswer']>;
    try {
      planned = this.negotiation.planAnswer(this.options.constraints);
    } catch (error) {
      if (!(error instanceof SdpError)) throw error;
      if (error.code === 'CODEC_UNAVAILABLE') throw new GatewayError('UNPROCESSABLE', [{ field: 'sdp', message: error.message }]);
      throw GatewayError.invalid('sdp', error.message);
    }
    const { remote, plan } = planned;
    if (this.options.kind === 'whip' && !plan.media.some((m) => m.receive)) {
      throw new GatewayError('UNPROCESSABLE', [{ field: 'sdp', message: 'the offer sends no video or audio this endpoint takes (it must offer sendonly or sendrecv media)' }]);
    }
    if (this.options.kind === 'whep' && !plan.media.some((m) => m.send)) {
      throw new GatewayError('UNPROCESSABLE', [{ field: 'sdp', message: 'the offer receives no video or audio this endpoint plays (it must offer recvonly or sendrecv media)' }]);
    }
    const routing = planRoutingFor(this.negotiation, plan.media, this.options.constraints, this.options.redirects);
    // The gateway answers and the client reaches it: TURN only where nothing else may connect.
    const peer = { id: this.options.endpointId, turn: this.options.transport.ice.policy === 'relay' };
    const transportOptions = transportOptionsFor(this.options.transport, peer, 'controlled');
    const transport = this.options.engine.createTransport(transportOptions);
    this.transport = transport;
    if ((transportOptions.stunServers?.length ?? 0) + (transportOptions.turnServers?.length ?? 0) > 0) {
      this.gathering = new AnswerGathering(ANSWER_GATHER_WAIT_MS);
    }
    transport.onEvent((event) => this.onTransportEvent(event));
    // RFC 9725 section 4.2 (and WHEP alike) leave DTLS roles to RFC 8842: the answerer picks; active starts at once.
    const setup = remote.setup === 'active' ? 'passive' : 'active';
    try {
      wireMediaTransport(transport, remote, setup === 'active' ? 'client' : 'server', routing, this.attached);
      this.answerSections = plan.sections;
      this.answerSetup = setup;
      this.negotiation.answeredOn(remote, plan.sections);
      this.remoteIce = { ufrag: remote.iceUfrag, pwd: remote.icePwd };
      for (const c of this.negotiation.remoteDescription(remote, plan.media).slice(0, MAX_REMOTE_CANDIDATES)) this.takeCandidate(c);
    } catch (error) {
      this.stateValue = 'closed';
      this.gathering?.finish();
      this.unwind();
      throw error;
    }
  }

  private connectTimedOut(): void {
    if (this.stateValue !== 'connecting') return;
    const reason = `the ${this.options.kind === 'whip' ? 'publisher' : 'player'} did not connect within ${this.options.connectTimeoutMs / 1000} s of the answer (offer_timeout_ms)`;
    this.options.onEvent?.({ event: 'ERROR', session_id: this.id, error_message: reason });
    this.close(reason);
  }

  /** A candidate the native side refuses (an address it cannot use) is skipped, not fatal. */
  private takeCandidate(c: Candidate): void {
    this.remoteCandidates.push(`${c.ip}:${c.port} ${c.type}`);
    try {
      this.transport?.addRemoteCandidate(c);
    } catch (error) {
      this.options.logger.warn({ candidate: c, err: error }, 'WHIP/WHEP remote candidate skipped');
    }
  }

  private liveTransport(): NativeTransport | undefined {
    return this.transport && !this.transport.isClosed ? this.transport : undefined;
  }

  private unwind(): void {
    const transport = this.transport;
    this.transport = undefined;
    unwireMediaTransport(transport, this.attached);
  }

  private onTransportEvent(event: TransportEvent): void {
    if (this.stateValue === 'closed') return;
    this.gathering?.onTransportEvent(event);
    switch (event.kind) {
      case 'connected':
        clearTimeout(this.connectTimer);
        this.stateValue = 'open';
        this.options.onEvent?.({ event: 'STREAM', session_id: this.id });
        break;
      case 'closed':
        this.close(`the ${this.options.kind === 'whip' ? 'publisher' : 'player'} closed the connection`);
        break;
      case 'turn-failed': {
        // As a MediaConnection's: an ERROR event naming the server, once; the session goes on with its other candidates.
        this.options.logger.warn({ session: this.id, turn: event.text }, 'TURN server unusable for this WHIP/WHEP session');
        const message = this.turnFailures.firstReport(event.detail || event.text, event.code, nativeTurnFailureCause(event.text, event.detail, event.code));
        if (message) this.options.onEvent?.({ event: 'ERROR', session_id: this.id, error_message: message });
        break;
      }
      case 'failed':
        this.options.onEvent?.({ event: 'ERROR', session_id: this.id, error_message: `the media transport failed: ${event.text || event.detail}` });
        this.close(`the media transport failed: ${event.text || event.detail}`);
        break;
      default:
        break;
    }
  }
}
