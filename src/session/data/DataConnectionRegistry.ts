import { randomBytes, randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import { offerPayload, type DataChannelInitOptions, type OfferPayload } from '../../signaling/connectionPayloads.js';
import { ConnectionRegistry, type TrickledCandidate } from '../connections/ConnectionRegistry.js';
import type { TransportSettings } from '../ice/transportOptionsFor.js';
import type { ConnectionAdmission } from '../limits/ConnectionAdmission.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { PortRegistry } from '../ports/PortRegistry.js';
import { DataChannelLink, type LinkContext } from './DataChannelLink.js';
import { DataConnection } from './DataConnection.js';
import type { RedirectTarget } from './RedirectTarget.js';
import { serializationFromWire, type SerializationName } from './serialization/DataSerialization.js';

export interface DataConnectionRegistryOptions {
  readonly engine: NativeEngine;
  readonly ports: PortRegistry;
  /** Bind addresses, STUN/TURN servers and policy (TURN credentials minted per connection), as for media. */
  readonly transport: TransportSettings;
  /** Descriptors one connection's transport opens (a socket per bind address, or none when shared). */
  readonly descriptorsPerConnection: number;
  /** data_buffer_limit: bytes queued in SCTP past which a channel refuses datagrams ('buffer_full'). */
  readonly bufferLimitBytes: number;
  /** Limits on offers and connections, shared with the media registry. */
  readonly admission: ConnectionAdmission;
  readonly logger: Logger;
  /** How long a closed connection stays readable, so its CLOSE event and status can be polled. */
  readonly closedRetentionMs?: number;
}

export interface DataConnectOptions {
  readonly targetId: string;
  readonly metadata: unknown;
  readonly serialization: SerializationName;
  readonly dcInit: DataChannelInitOptions;
  readonly feed: NativeUdpPort | undefined;
  readonly redirect: RedirectTarget | undefined;
}

/** PeerJS's default ("binary") when an offer names no serialization. */
const DEFAULT_WIRE_SERIALIZATION = 'binary';

/**
 * Every DataConnection by id: creates outgoing ones (POST /data/connections), accepts incoming
 * PeerJS data offers for gateway peers, routes ANSWER / CANDIDATE / LEAVE / EXPIRE to them, and
 * frees what a closed connection alone used.
 */
export class DataConnectionRegistry extends ConnectionRegistry<DataConnection> {
  constructor(private readonly options: DataConnectionRegistryOptions) {
    super({ ...options, idField: 'data_connection_id', offerType: 'data' });
  }

  /** POST /data/connections: sends a data OFFER to `targetId`; OPEN (or ERROR and CLOSE) follow. */
  async connect(peer: GatewayPeer, request: DataConnectOptions): Promise<DataConnection> {
    this.assertRunning();
    this.options.admission.admitOutgoing(peer, this.options.descriptorsPerConnection, request.metadata, 'options.metadata');
    const { dcInit } = request;
    const connectionId = `dc_${randomBytes(12).toString('hex')}`;
    const connection = this.add({
      peer,
      remoteId: request.targetId,
      connectionId,
      originator: true,
      label: connectionId,
      metadata: request.metadata,
      serialization: request.serialization,
      reliable: dcInit.ordered !== false && dcInit.maxRetransmits === undefined && dcInit.maxPacketLifeTime === undefined,
      dcInit,
    });
    try {
      connection.bind(DataChannelLink.offer(this.linkContext(peer, request.serialization), connectionId, dcInit, connection));
    } catch (error) {
      this.table.forget(connection);
      throw error;
    }
    connection.setFeed(request.feed);
    connection.setRedirect(request.redirect);
    return connection;
  }

  protected receiveOffer(peer: GatewayPeer, remoteId: string, payload: unknown): void {
    const log = this.options.logger.child({ peer: peer.id, remote: remoteId });
    const parsed = offerPayload.safeParse(payload);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'ignored a malformed data OFFER');
      return;
    }
    const offer: OfferPayload = parsed.data;
    const serialization = serializationFromWire(offer.serialization ?? DEFAULT_WIRE_SERIALIZATION);
    if (!serialization) {
      log.warn({ serialization: offer.serialization }, 'ignored a data OFFER with a serialization the gateway does not speak');
      return;
    }
    if (this.table.closing || peer.isClosed) return;
    // PeerJS replaces a connection when an offer repeats its connectionId.
    this.table.find(peer, remoteId, offer.connectionId)?.close();
    if (this.options.admission.admitOffer(peer, this.options.descriptorsPerConnection, offer.metadata)) return;
    const label = offer.label ?? offer.connectionId;
    const connection = this.add({
      peer,
      remoteId,
      connectionId: offer.connectionId,
      originator: false,
      label,
      metadata: offer.metadata,
      serialization,
      reliable: offer.reliable ?? false,
      dcInit: offer.dcInit,
    });
    const negotiated = offer.dcInit?.negotiated ? { label, init: offer.dcInit } : undefined;
    try {
      connection.bind(DataChannelLink.answer(this.linkContext(peer, serialization), offer.sdp.sdp, negotiated, connection));
    } catch (error) {
      log.warn({ err: error }, 'could not answer a data OFFER');
      connection.close();
      this.table.forget(connection);
      return;
    }
    peer.events.push({ event: 'CONNECTION', params: peer.params, data_params: { data_connection_id: connection.id } });
  }

  /** What a link of `peer` is made with: the native engine, the transport settings, the codec. */
  private linkContext(peer: GatewayPeer, serialization: SerializationName): LinkContext {
    return {
      engine: this.options.engine,
      settings: this.options.transport,
      peer,
      data: { serialization, bufferLimitBytes: this.options.bufferLimitBytes },
    };
  }

  protected takeAnswer(connection: DataConnection, sdp: string): boolean {
    if (!connection.options.originator) return false;
    connection.acceptAnswer(sdp);
    return true;
  }

  protected takeCandidate(connection: DataConnection, candidate: TrickledCandidate): void {
    connection.addRemoteCandidate(candidate);
  }

  private add(
    fields: Pick<
      DataConnection['options'],
      'peer' | 'remoteId' | 'connectionId' | 'originator' | 'label' | 'metadata' | 'serialization' | 'reliable' | 'dcInit'
    >,
  ): DataConnection {
    const id = `dc-${randomUUID()}`;
    const connection = new DataConnection({
      ...fields,
      id,
      bufferLimitBytes: this.options.bufferLimitBytes,
      logger: this.options.logger.child({ connection: id, peer: fields.peer.id }),
      onClosed: (c, feed) => this.onClosed(c, feed),
    });
    this.table.add(connection);
    return connection;
  }

  /** A closed connection frees the data port only it used, and stays readable for a while. */
  private onClosed(connection: DataConnection, feed: NativeUdpPort | undefined): void {
    if (feed && feed.usedBy().length === 0) {
      this.options.ports.close(feed.id, ['data']).catch(() => {
        // Already deleted by the user: nothing left to free.
      });
    }
    this.table.retain(connection);
  }

  private assertRunning(): void {
    if (this.table.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
  }
}
