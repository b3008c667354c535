import type { z } from 'zod';

import type { Logger } from '../../log/createLogger.js';
import { answerPayload, candidatePayload } from '../../signaling/connectionPayloads.js';
import type { ServerMessage } from '../../signaling/protocol.js';
import type { ConnectionAdmission } from '../limits/ConnectionAdmission.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import { ConnectionTable, type TableConnection } from './ConnectionTable.js';

export type TrickledCandidate = z.infer<typeof candidatePayload>['candidate'];

export interface ConnectionRegistryOptions {
  /** The REST field that names these ids, e.g. "media_connection_id". */
  readonly idField: string;
  /** The PeerJS payload type of these connections' OFFERs. */
  readonly offerType: 'data' | 'media';
  readonly logger: Logger;
  /** Limits on offers and connections, shared by both kinds. */
  readonly admission: ConnectionAdmission;
  /** Descriptors one connection opens, counted against the process's budget. */
  readonly descriptorsPerConnection: number;
  /** How long a closed connection stays readable, so its CLOSE event and status can be polled (default 30 s). */
  readonly closedRetentionMs?: number | undefined;
}

/**
 * What the Data- and MediaConnection registries share: the table by REST id, PeerJS routing of
 * OFFER / ANSWER / CANDIDATE / LEAVE / EXPIRE, and closing by peer, by remote and on shutdown.
 * A kind says how it takes a remote's offer, answer and candidates.
 */
export abstract class ConnectionRegistry<C extends TableConnection> {
  protected readonly table: ConnectionTable<C>;

  constructor(private readonly base: ConnectionRegistryOptions) {
    this.table = new ConnectionTable(base.idField, base.closedRetentionMs ?? 30_000, base.admission.limits.offerTimeoutMs);
    base.admission.track(this.table, base.descriptorsPerConnection);
  }

  get size(): number {
    return this.table.size;
  }

  /** The connection with this id; NOT_FOUND otherwise. */
  get(id: string): C {
    return this.table.get(id);
  }

  /** DELETE …/connections/{id}: closes it and forgets it at once. */
  delete(id: string): void {
    this.table.delete(id);
  }

  /** A relayed PeerJS message for a gateway peer; false when it is not about this kind of connection. */
  handleSignal(peer: GatewayPeer, message: ServerMessage): boolean {
    return this.table.routeSignal(
      peer,
      message,
      this.base.offerType,
      (remoteId, payload) => this.receiveOffer(peer, remoteId, payload),
      (connection, m) => this.deliver(connection, m),
    );
  }

  /** The peer closed: so do its connections. */
  closePeer(peer: GatewayPeer): void {
    this.table.closePeer(peer);
  }

  /** A remote left the signaling server: what it offered or was offered and never opened goes. */
  remoteGone(remoteId: string): void {
    this.table.remoteGone(remoteId);
  }

  /** Gateway shutdown: closes and forgets every connection. */
  closeAll(): void {
    this.table.closeAll();
  }

  /** A remote's OFFER of this kind for `peer`. */
  protected abstract receiveOffer(peer: GatewayPeer, remoteId: string, payload: unknown): void;
  /** The remote's answer to our offer; false when this connection takes none. */
  protected abstract takeAnswer(connection: C, sdp: string): boolean;
  protected abstract takeCandidate(connection: C, candidate: TrickledCandidate): void;

  private deliver(connection: C, message: ServerMessage): void {
    if (message.type === 'ANSWER') {
      const answer = answerPayload.safeParse(message.payload);
      if (!answer.success) this.base.logger.warn({ connection: connection.id }, 'ignored a malformed ANSWER');
      else if (!this.takeAnswer(connection, answer.data.sdp.sdp)) this.base.logger.warn({ connection: connection.id }, 'ignored an unexpected ANSWER');
    } else {
      const candidate = candidatePayload.safeParse(message.payload);
      if (candidate.success) this.takeCandidate(connection, candidate.data.candidate);
      else this.base.logger.warn({ connection: connection.id }, 'ignored a malformed CANDIDATE');
    }
  }
}
