import { randomBytes, randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import type { NativeTransport } from '../../native/NativeTransport.js';
import type { TransportEvent } from '../../native/TransportEvent.js';
import { SdpError } from '../../sdp/SdpError.js';
import { transportOptionsFor } from '../ice/transportOptionsFor.js';
import type { MediaTransportSettings } from '../media/MediaConnection.js';
import { MediaNegotiation } from '../media/MediaNegotiation.js';
import type { MediaConstraints, MediaRedirects } from '../media/MediaRequest.js';
import { planRoutingFor, unwireMediaTransport, wireMediaTransport } from '../media/wireMediaTransport.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { WishKind } from './WishEndpoint.js';

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
}

/**
 * One WHIP publisher (RFC 9725 section 4.2) or WHEP player: its offer answered on a native
 * transport by the very negotiation and wiring an answered MediaConnection uses. A publisher's
 * media goes out as plain RTP to the endpoint's redirect_params; a player is fed by the
 * endpoint's media ports, on the same native fan-out as MediaConnections.
 */
export class WishSession {
  readonly id: string;
  /** RFC 9725 section 4.3.1: an entity tag of the ICE session, changed by an ICE restart (none yet). */
  readonly etag = `"${randomBytes(8).toString('hex')}"`;
  private stateValue: WishSessionState = 'connecting';
  private transport: NativeTransport | undefined;
  private readonly attached: NativeUdpPort[] = [];
  private readonly negotiation: MediaNegotiation;
  private closeReason: string | undefined;

  private constructor(private readonly options: WishSessionOptions) {
    this.id = `${options.kind === 'whip' ? 'ws' : 'es'}-${randomUUID()}`;
    this.negotiation = new MediaNegotiation(`gateway-${this.id.slice(3, 11)}`, options.transport);
  }

  /**
   * Answers `offerSdp`; returns the session and our answer with every candidate we have (we
   * trickle nothing). Throws INVALID_PARAMETER (400) for SDP that does not parse or lacks what
   * WebRTC needs, UNPROCESSABLE (422) for an offer nothing of which the endpoint takes.
   */
  static answer(options: WishSessionOptions, offerSdp: string): { session: WishSession; answer: string } {
    const session = new WishSession(options);
    return { session, answer: session.answerOffer(offerSdp) };
  }

  get state(): WishSessionState {
    return this.stateValue;
  }

  status(): { session_id: string; state: WishSessionState; close_reason?: string } {
    return { session_id: this.id, state: this.stateValue, ...(this.closeReason && { close_reason: this.closeReason }) };
  }

  /** Closes the transport (DTLS close_notify; consent stops) and detaches the ports feeding it. Idempotent. */
  close(reason = 'closed'): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.closeReason = reason;
    this.unwind();
    this.options.onClosed(this);
  }

  private answerOffer(sdp: string): string {
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
    const peer = { id: this.options.endpointId, turn: false };
    const transport = this.options.engine.createTransport(transportOptionsFor(this.options.transport, peer, 'controlled'));
    this.transport = transport;
    transport.onEvent((event) => this.onTransportEvent(event));
    // RFC 9725 section 4.2 (and WHEP alike) leave DTLS roles to RFC 8842: the answerer picks; active starts at once.
    const setup = remote.setup === 'active' ? 'passive' : 'active';
    try {
      wireMediaTransport(transport, remote, setup === 'active' ? 'client' : 'server', routing, this.attached);
      const answer = this.negotiation.describe(plan.sections, setup, transport.local);
      this.negotiation.answeredOn(remote);
      for (const c of this.negotiation.remoteDescription(remote, plan.media)) {
        try {
          transport.addRemoteCandidate(c);
        } catch (error) {
          this.options.logger.warn({ candidate: c, err: error }, 'WHIP/WHEP remote candidate skipped');
        }
      }
      return answer;
    } catch (error) {
      this.stateValue = 'closed';
      this.unwind();
      throw error;
    }
  }

  private unwind(): void {
    const transport = this.transport;
    this.transport = undefined;
    unwireMediaTransport(transport, this.attached);
  }

  private onTransportEvent(event: TransportEvent): void {
    if (this.stateValue === 'closed') return;
    switch (event.kind) {
      case 'connected':
        this.stateValue = 'open';
        break;
      case 'closed':
        this.close(`the ${this.options.kind === 'whip' ? 'publisher' : 'player'} closed the connection`);
        break;
      case 'failed':
        this.close(`the media transport failed: ${event.text || event.detail}`);
        break;
      default:
        break;
    }
  }
}
