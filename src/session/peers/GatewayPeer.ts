import { randomBytes } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import { PeerJsClient, type PeerErrorName } from '../../signaling/client/PeerJsClient.js';
import { encodeCredentialToken, type PeerCredential } from '../../signaling/PeerCredential.js';
import type { ServerMessage } from '../../signaling/protocol.js';
import { EventQueue } from '../events/EventQueue.js';
import type { OfferRefusal } from '../limits/ConnectionAdmission.js';
import type { PeerEvent, PeerParams } from './PeerEvent.js';

/** EXPIRESIN comes this long before a credential runs out (as the SkyWay SDK warns). */
export const EXPIRY_WARNING_SECONDS = 60;

/** POST /peers waits this long for the signaling server's OPEN (or refusal). */
const OPEN_TIMEOUT_MS = 10_000;

/** setTimeout keeps delays in 32 bits; longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface GatewayPeerOptions {
  id: string;
  /** The REST token ("pt-..."), not the PeerJS one. */
  token: string;
  key: string;
  domain: string;
  turn: boolean;
  credential: PeerCredential | undefined;
  serverUrl: string;
  /** Relayed OFFER / ANSWER / CANDIDATE / LEAVE / EXPIRE messages, for the peer's connections. */
  onSignal: (peer: GatewayPeer, message: ServerMessage) => void;
  /** Told once the peer has closed for good (by DELETE or a fatal signaling error). */
  onClosed: (peer: GatewayPeer) => void;
}

/**
 * A peer the gateway holds on a PeerJS server for a REST user: its signaling connection and its
 * event queue for long polling. Its connections live in their registries and hear its signaling
 * messages through `onSignal`.
 */
export class GatewayPeer {
  readonly id: string;
  readonly token: string;
  readonly events = new EventQueue<PeerEvent>();
  private readonly client: PeerJsClient;
  private credential: PeerCredential | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private signalingDown = true;
  /** Settles connect(): OPEN resolves, a refusal before OPEN rejects. */
  private opening: { resolve: () => void; reject: (error: GatewayError) => void } | undefined;
  /** Incoming offers refused by a limit, by reason (shown in the peer's status). */
  readonly refusedOffers: Partial<Record<OfferRefusal, number>> = {};

  constructor(
    private readonly options: GatewayPeerOptions,
    private readonly logger: Logger,
  ) {
    this.id = options.id;
    this.token = options.token;
    this.credential = options.credential;
    // With a credential the PeerJS token carries it (see docs/SIGNALING.md); otherwise a random
    // one of its own identifies this client to the server across reconnections. Never the REST
    // token: the signaling server, perhaps someone else's, sees this one.
    const signalingToken = options.credential ? encodeCredentialToken(options.credential) : randomBytes(16).toString('hex');
    this.client = new PeerJsClient(
      { serverUrl: options.serverUrl, key: options.key, id: options.id, token: signalingToken },
      {
        onOpen: () => this.onOpen(),
        onMessage: (message) => {
          if (this.state !== 'closed') options.onSignal(this, message);
        },
        onDisconnected: (stillDown) => this.onDisconnected(stillDown === true),
        onReconnected: () => this.onReconnected(),
        onError: (name, message, fatal) => this.onError(name, message, fatal),
      },
      logger,
    );
  }

  /** `turn` of POST /peers: false keeps TURN servers and relay candidates out of its connections. */
  get turn(): boolean {
    return this.options.turn;
  }

  get params(): PeerParams {
    return { peer_id: this.id, token: this.token };
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** `disconnected` of GET /peers/{id}/status: not (currently) bound on the signaling server. */
  get disconnected(): boolean {
    return this.state !== 'open' || this.signalingDown;
  }

  /**
   * Connects to the signaling server and resolves once it has bound the id (OPEN), as the SkyWay
   * contract answers POST /peers only then. Fails with SIGNALING_UNAVAILABLE if the server cannot
   * be reached or says nothing in time, FORBIDDEN for a refused key or credential, and
   * INVALID_PARAMETER for an id that is taken or refused. A failed peer is closed.
   */
  async connect(): Promise<void> {
    const opened = new Promise<void>((resolve, reject) => {
      this.opening = { resolve, reject };
    });
    // A refusal may come while the socket is still opening; it is awaited below.
    opened.catch(() => undefined);
    const timer = setTimeout(() => {
      this.opening?.reject(
        new GatewayError('SIGNALING_UNAVAILABLE', [
          { field: 'signaling', message: `the signaling server did not open the peer within ${OPEN_TIMEOUT_MS / 1000} s` },
        ]),
      );
    }, OPEN_TIMEOUT_MS);
    try {
      await this.client.connect();
      this.signalingDown = false;
      await opened;
    } catch (error) {
      this.close();
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('SIGNALING_UNAVAILABLE', [{ field: 'signaling', message: (error as Error).message }], { cause: error });
    } finally {
      clearTimeout(timer);
      this.opening = undefined;
    }
    this.scheduleExpiryWarning();
  }

  /** Sends a PeerJS message (OFFER, ANSWER, CANDIDATE, LEAVE) to another peer. */
  signal(message: { type: string; dst: string; payload: unknown }): void {
    this.client.send(message);
  }

  /** PUT /peers/{id}/credential: the server checks the new credential; EXPIRESIN is rescheduled. */
  renewCredential(credential: PeerCredential): void {
    this.credential = credential;
    this.client.setToken(encodeCredentialToken(credential));
    this.client.send({ type: 'CREDENTIAL', payload: credential });
    this.scheduleExpiryWarning();
  }

  /** Whether PUT /peers/{id}/credential has anything to do (peers without one ignore it). */
  get usesCredential(): boolean {
    return this.credential !== undefined;
  }

  /** An incoming offer was refused by a limit. */
  countRefusedOffer(reason: OfferRefusal): void {
    this.refusedOffers[reason] = (this.refusedOffers[reason] ?? 0) + 1;
  }

  /**
   * Leaves the signaling server and ends every pending long-poll. Idempotent. Resolves once the
   * signaling socket has closed, so the id can be bound again without meeting ID-TAKEN.
   */
  close(): Promise<void> {
    if (this.state === 'closed') return this.client.closed;
    this.state = 'closed';
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const closed = this.client.close();
    this.options.onClosed(this);
    return closed;
  }

  private onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.logger.info('peer open on the signaling server');
    this.events.push({ event: 'OPEN', params: this.params });
    this.opening?.resolve();
  }

  private onDisconnected(stillDown: boolean): void {
    this.signalingDown = true;
    if (stillDown) return;
    this.logger.warn('lost the signaling server; reconnecting');
    this.events.push({ event: 'ERROR', params: this.params, error_message: 'SERVER_DISCONNECTED' });
  }

  private onReconnected(): void {
    this.signalingDown = false;
    this.logger.info('signaling server reconnected');
  }

  private onError(name: PeerErrorName, message: string, fatal: boolean): void {
    if (this.opening && fatal) {
      // Before OPEN: POST /peers answers the refusal itself; no events for a peer never created.
      this.opening.reject(refusalError(name, message));
      return;
    }
    this.logger.warn({ error: name, message }, 'peer error');
    this.events.push({ event: 'ERROR', params: this.params, error_message: name });
    if (fatal && this.state !== 'closed') {
      this.events.push({ event: 'CLOSE', params: this.params });
      this.close();
    }
  }

  private scheduleExpiryWarning(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (!this.credential || this.state === 'closed') return;
    const expiresAtMs = (this.credential.timestamp + this.credential.ttl) * 1000;
    const warnAtMs = expiresAtMs - EXPIRY_WARNING_SECONDS * 1000;
    const delay = warnAtMs - Date.now();
    this.expiryTimer = setTimeout(
      () => {
        // A warning further away than a timer can wait is rescheduled rather than fired early.
        if (delay > MAX_TIMER_MS) return this.scheduleExpiryWarning();
        const remainingSec = Math.max(0, Math.round((expiresAtMs - Date.now()) / 1000));
        this.events.push({ event: 'EXPIRESIN', params: this.params, remainingSec });
      },
      Math.min(Math.max(0, delay), MAX_TIMER_MS),
    );
    this.expiryTimer.unref();
  }
}

/** A refusal from the signaling server before OPEN, as POST /peers answers it. */
function refusalError(name: PeerErrorName, message: string): GatewayError {
  switch (name) {
    case 'INVALID_KEY':
      return new GatewayError('FORBIDDEN', [{ field: message.includes('credential') ? 'credential' : 'key', message }]);
    case 'UNAVAILABLE_ID':
    case 'INVALID_ID':
      return GatewayError.invalid('peer_id', message);
    default:
      return new GatewayError('SIGNALING_UNAVAILABLE', [{ field: 'signaling', message }]);
  }
}
