import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import { PeerJsClient, type PeerErrorName } from '../../signaling/client/PeerJsClient.js';
import { encodeCredentialToken, type PeerCredential } from '../../signaling/PeerCredential.js';
import type { ServerMessage } from '../../signaling/protocol.js';
import { EventQueue } from '../events/EventQueue.js';
import type { PeerEvent, PeerParams } from './PeerEvent.js';

/** EXPIRESIN comes this long before a credential runs out (as the SkyWay SDK warns). */
export const EXPIRY_WARNING_SECONDS = 60;

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

  constructor(
    private readonly options: GatewayPeerOptions,
    private readonly logger: Logger,
  ) {
    this.id = options.id;
    this.token = options.token;
    this.credential = options.credential;
    // With a credential the PeerJS token carries it (see docs/SIGNALING.md); otherwise any
    // unguessable token identifies this client to the server across reconnections.
    const signalingToken = options.credential ? encodeCredentialToken(options.credential) : options.token;
    this.client = new PeerJsClient(
      { serverUrl: options.serverUrl, key: options.key, id: options.id, token: signalingToken },
      {
        onOpen: () => this.onOpen(),
        onMessage: (message) => {
          if (this.state !== 'closed') options.onSignal(this, message);
        },
        onDisconnected: () => this.onDisconnected(),
        onReconnected: () => this.onReconnected(),
        onError: (name, message, fatal) => this.onError(name, message, fatal),
      },
      logger,
    );
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

  /** Connects to the signaling server; fails with SIGNALING_UNAVAILABLE if it cannot be reached. */
  async connect(): Promise<void> {
    try {
      await this.client.connect();
      this.signalingDown = false;
    } catch (error) {
      this.close();
      throw new GatewayError('SIGNALING_UNAVAILABLE', [{ field: 'signaling', message: (error as Error).message }], { cause: error });
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

  /** Leaves the signaling server and ends every pending long-poll. Idempotent. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.client.close();
    this.options.onClosed(this);
  }

  private onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    this.logger.info({ peer: this.id }, 'peer open on the signaling server');
    this.events.push({ event: 'OPEN', params: this.params });
  }

  private onDisconnected(): void {
    this.signalingDown = true;
    this.logger.warn({ peer: this.id }, 'lost the signaling server; reconnecting');
    this.events.push({ event: 'ERROR', params: this.params, error_message: 'SERVER_DISCONNECTED' });
  }

  private onReconnected(): void {
    this.signalingDown = false;
    this.logger.info({ peer: this.id }, 'signaling server reconnected');
  }

  private onError(name: PeerErrorName, message: string, fatal: boolean): void {
    this.logger.warn({ peer: this.id, error: name, message }, 'peer error');
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
    this.expiryTimer = setTimeout(
      () => {
        const remainingSec = Math.max(0, Math.round((expiresAtMs - Date.now()) / 1000));
        this.events.push({ event: 'EXPIRESIN', params: this.params, remainingSec });
      },
      Math.max(0, warnAtMs - Date.now()),
    );
    this.expiryTimer.unref();
  }
}
