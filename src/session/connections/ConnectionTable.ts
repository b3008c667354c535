import { GatewayError } from '../../errors/GatewayError.js';
import { connectionIdOf } from '../../signaling/connectionPayloads.js';
import type { ServerMessage } from '../../signaling/protocol.js';
import type { ConnectionCounts } from '../limits/ConnectionAdmission.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';

/** What a table needs to know of a Data- or MediaConnection. */
export interface TableConnection {
  readonly id: string;
  readonly peer: GatewayPeer;
  readonly remoteId: string;
  /** The PeerJS connectionId. */
  readonly connectionId: string;
  /** Whether the gateway sent the offer (false: a remote offered it). */
  readonly originator: boolean;
  readonly state: string;
  readonly events: { close(): void };
  /** `error`: what failed (an ERROR event says it); `reason`: why it closed otherwise. */
  close(error?: string, reason?: string): void;
  /**
   * Closes an incoming offer the user never answered ('offered'), telling the remote that made
   * it that no answer will come. Kinds without such a state have none.
   */
  decline?(error: string | undefined, reason: string): void;
}

/** Longer reasons a remote gives in an EXPIRE are cut: they end up in our events. */
const MAX_REMOTE_REASON = 200;

/** Neither open nor closed: waiting for an answer, for the user's answer, or for ICE. */
const isPending = (c: TableConnection): boolean => c.state !== 'open' && c.state !== 'closed';

/**
 * The connections of one kind by REST id, shared by the Data- and MediaConnection registries:
 * lookup, PeerJS routing keys, what LEAVE and EXPIRE mean, how long a connection may wait to
 * open after its offer, and how long a closed one stays readable so its CLOSE event and status
 * can still be polled.
 */
export class ConnectionTable<C extends TableConnection> implements ConnectionCounts {
  private readonly connections = new Map<string, C>();
  private readonly retention = new Map<C, NodeJS.Timeout>();
  private readonly offerTimers = new Map<C, NodeJS.Timeout>();
  private closingAll = false;

  constructor(
    /** The REST field that names these ids, e.g. "data_connection_id". */
    private readonly idField: string,
    private readonly retentionMs: number,
    /** A connection not open this long after its offer closes (offer_timeout_ms). */
    private readonly offerTimeoutMs: number,
  ) {}

  get size(): number {
    return this.connections.size;
  }

  live(): number {
    return this.count((c) => c.state !== 'closed');
  }

  liveOf(peer: GatewayPeer): number {
    return this.count((c) => c.peer === peer && c.state !== 'closed');
  }

  pending(): number {
    return this.count(isPending);
  }

  pendingIncomingOf(peer: GatewayPeer): number {
    return this.count((c) => c.peer === peer && !c.originator && isPending(c));
  }

  /** True once closeAll() ran: nothing new may be added. */
  get closing(): boolean {
    return this.closingAll;
  }

  add(connection: C): void {
    this.connections.set(connection.id, connection);
    const timer = setTimeout(() => this.expireOffer(connection), this.offerTimeoutMs);
    timer.unref();
    this.offerTimers.set(connection, timer);
  }

  /** The connection with this id; NOT_FOUND otherwise. */
  get(id: string): C {
    const connection = this.connections.get(id);
    if (!connection) throw GatewayError.notFound(this.idField, id);
    return connection;
  }

  /** DELETE: closes it and forgets it at once. */
  delete(id: string): void {
    const connection = this.get(id);
    this.end(connection, undefined, 'closed by DELETE');
    this.forget(connection);
  }

  /** The live connection a relayed message is about, by peer, remote and PeerJS connectionId. */
  find(peer: GatewayPeer, remoteId: string | undefined, connectionId: string | undefined): C | undefined {
    if (!remoteId || !connectionId) return undefined;
    for (const c of this.connections.values()) {
      if (c.peer === peer && c.remoteId === remoteId && c.connectionId === connectionId && c.state !== 'closed') return c;
    }
    return undefined;
  }

  /**
   * Routes a relayed PeerJS message: an OFFER of `offerType` ("data" or "media") to `onOffer`,
   * an ANSWER or CANDIDATE for one of these connections to `deliver`; LEAVE and EXPIRE close
   * what they concern. False when the message is not for this table (LEAVE and EXPIRE never
   * are: the remote's connections of the other kind hear them too).
   */
  routeSignal(
    peer: GatewayPeer,
    message: ServerMessage,
    offerType: 'data' | 'media',
    onOffer: (remoteId: string, payload: unknown) => void,
    deliver: (connection: C, message: ServerMessage) => void,
  ): boolean {
    const src = message.src;
    switch (message.type) {
      case 'OFFER':
        if ((message.payload as { type?: unknown } | undefined)?.type !== offerType || !src) return false;
        onOffer(src, message.payload);
        return true;
      case 'ANSWER':
      case 'CANDIDATE': {
        const connection = this.find(peer, src, connectionIdOf(message.payload));
        if (!connection) return false;
        deliver(connection, message);
        return true;
      }
      case 'LEAVE':
      case 'EXPIRE':
        this.handleDeparture(peer, message);
        return false;
      default:
        return false;
    }
  }

  /**
   * LEAVE: the remote left the signaling server, its connections are gone with it. EXPIRE: our
   * OFFER to it could not be delivered, so connections still waiting for it fail; or, when the
   * EXPIRE names a connectionId (a gateway declining a call it never answered), that one fails.
   */
  handleDeparture(peer: GatewayPeer, message: ServerMessage): void {
    const src = message.src;
    const declined = message.type === 'EXPIRE' ? connectionIdOf(message.payload) : undefined;
    if (declined !== undefined) {
      const c = this.find(peer, src, declined);
      if (c && isPending(c)) c.close(`${src} ended the call without answering it${remoteReason(message.payload)}`);
      return;
    }
    for (const c of this.ofPeer(peer)) {
      if (c.remoteId !== src) continue;
      if (message.type === 'LEAVE') c.close(undefined, `${src} left the signaling server (LEAVE)`);
      else if (message.type === 'EXPIRE' && c.state === 'connecting') c.close(`peer-unavailable: ${src} is not connected to the signaling server`);
    }
  }

  /**
   * `remoteId` left the signaling server (the embedded one tells): the offers it made or was
   * sent that never opened are freed; open connections do not need signaling and stay.
   */
  remoteGone(remoteId: string): void {
    for (const c of [...this.connections.values()]) {
      if (c.remoteId === remoteId && isPending(c)) c.close(`peer-unavailable: ${remoteId} left the signaling server`);
    }
  }

  /** The peer closed: so do its connections. */
  closePeer(peer: GatewayPeer): void {
    for (const connection of this.ofPeer(peer)) connection.close(undefined, `the gateway peer ${peer.id} closed`);
  }

  /** Gateway shutdown: closes and forgets every connection. */
  closeAll(): void {
    this.closingAll = true;
    for (const connection of [...this.connections.values()]) {
      connection.close(undefined, 'the gateway is shutting down');
      this.forget(connection);
    }
  }

  /** A connection has closed: it stays readable for a while, unless it was already forgotten. */
  retain(connection: C): void {
    this.stopOfferTimer(connection);
    if (this.connections.get(connection.id) !== connection || this.closingAll) return;
    const timer = setTimeout(() => this.forget(connection), this.retentionMs);
    timer.unref();
    this.retention.set(connection, timer);
  }

  forget(connection: C): void {
    this.stopOfferTimer(connection);
    const timer = this.retention.get(connection);
    if (timer) clearTimeout(timer);
    this.retention.delete(connection);
    connection.events.close();
    this.connections.delete(connection.id);
  }

  private expireOffer(connection: C): void {
    this.offerTimers.delete(connection);
    if (!isPending(connection)) return;
    const seconds = this.offerTimeoutMs / 1000;
    this.end(
      connection,
      connection.state === 'offered'
        ? `the call was not answered within ${seconds} s (offer_timeout_ms)`
        : `the connection did not open within ${seconds} s of its offer (offer_timeout_ms)`,
      'offer timeout',
    );
  }

  /** Closes a connection the gateway gives up on; an unanswered incoming one is declined. */
  private end(connection: C, error: string | undefined, reason: string): void {
    if (connection.state === 'offered' && connection.decline) connection.decline(error, reason);
    else connection.close(error, reason);
  }

  private stopOfferTimer(connection: C): void {
    const timer = this.offerTimers.get(connection);
    if (timer) clearTimeout(timer);
    this.offerTimers.delete(connection);
  }

  private count(matches: (c: C) => boolean): number {
    let n = 0;
    for (const c of this.connections.values()) if (matches(c)) n++;
    return n;
  }

  private ofPeer(peer: GatewayPeer): C[] {
    return [...this.connections.values()].filter((c) => c.peer === peer && c.state !== 'closed');
  }
}

/** ": <reason>" from an EXPIRE's payload, when it gives one. */
function remoteReason(payload: unknown): string {
  const reason = (payload as { reason?: unknown } | null | undefined)?.reason;
  return typeof reason === 'string' && reason ? `: ${reason.slice(0, MAX_REMOTE_REASON)}` : '';
}
