import { randomBytes, randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import { offerPayload, type DataChannelInitOptions, type OfferPayload } from '../../signaling/connectionPayloads.js';
import { ConnectionRegistry, type TrickledCandidate } from '../connections/ConnectionRegistry.js';
import type { IceConfiguration } from '../ice/IceConfiguration.js';
import { DATA_CONNECTION_DESCRIPTORS, type ConnectionAdmission } from '../limits/ConnectionAdmission.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import type { DataPort } from '../ports/DataPort.js';
import type { PortRegistry } from '../ports/PortRegistry.js';
import { DataChannelLink, type LinkContext } from './DataChannelLink.js';
import { DataConnection } from './DataConnection.js';
import { DatagramEgress } from './DatagramEgress.js';
import { GatheringQueue } from './GatheringQueue.js';
import { PeerConnectionReaper } from './PeerConnectionReaper.js';
import type { RedirectTarget } from './RedirectTarget.js';
import { serializationFromWire, type SerializationName } from './serialization/DataSerialization.js';
import { loadPeerConnectionFactory, type PeerConnectionFactory, type RtcConfiguration } from './wrtc.js';

export interface DataConnectionRegistryOptions {
  readonly ports: PortRegistry;
  /** STUN/TURN servers and policy; each peer's connections get theirs (TURN credentials minted per connection). */
  readonly ice: IceConfiguration;
  /** Queued bytes past which a channel refuses datagrams (see ChannelBackpressure). */
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
  readonly feed: DataPort | undefined;
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
  private readonly egress = new DatagramEgress();
  private readonly gathering = new GatheringQueue();
  readonly reaper: PeerConnectionReaper;

  constructor(private readonly options: DataConnectionRegistryOptions) {
    super({ ...options, idField: 'data_connection_id', offerType: 'data', descriptorsPerConnection: DATA_CONNECTION_DESCRIPTORS });
    this.reaper = new PeerConnectionReaper(options.logger);
  }

  /** POST /data/connections: sends a data OFFER to `targetId`; OPEN (or ERROR and CLOSE) follow. */
  async connect(peer: GatewayPeer, request: DataConnectOptions): Promise<DataConnection> {
    const context = await this.linkContext(peer);
    this.assertRunning();
    this.options.admission.admitOutgoing(peer, DATA_CONNECTION_DESCRIPTORS, request.metadata, 'options.metadata');
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
      connection.bind(DataChannelLink.offer(context, connectionId, dcInit, connection, peer.id));
    } catch (error) {
      this.table.forget(connection);
      throw GatewayError.invalid('options.dcInit', `libwebrtc refused the DataChannel options: ${(error as Error).message}`);
    }
    connection.setFeed(request.feed);
    connection.setRedirect(request.redirect);
    return connection;
  }

  /** Gateway shutdown: closes every connection and the egress sockets. */
  override closeAll(): void {
    super.closeAll();
    this.egress.close();
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
    if (this.options.admission.admitOffer(peer, DATA_CONNECTION_DESCRIPTORS, offer.metadata)) return;
    const label = offer.label ?? offer.connectionId;
    // Registered at once, so that candidates trickling in while libwebrtc loads find it.
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
    this.linkContext(peer).then(
      (context) => {
        if (connection.state === 'closed') return;
        try {
          connection.bind(DataChannelLink.answer(context, offer.sdp.sdp, negotiated, connection, peer.id));
        } catch (error) {
          log.warn({ err: error }, 'could not answer a data OFFER');
          connection.close();
          this.table.forget(connection);
          return;
        }
        peer.events.push({ event: 'CONNECTION', params: peer.params, data_params: { data_connection_id: connection.id } });
      },
      (error: unknown) => {
        log.error({ err: error }, 'could not answer a data OFFER');
        connection.close();
        this.table.forget(connection);
      },
    );
  }

  /** libwebrtc, loaded on first use (a platform without it gets a clear error), configured for `peer`. */
  private async linkContext(peer: GatewayPeer): Promise<LinkContext> {
    let createPeerConnection: PeerConnectionFactory;
    try {
      createPeerConnection = await loadPeerConnectionFactory();
    } catch (error) {
      throw new GatewayError('ENGINE_UNAVAILABLE', `DataConnections need @roamhq/wrtc, which could not be loaded: ${(error as Error).message}`, {
        cause: error,
      });
    }
    // Minted now: a TURN credential made from turn_secret is valid from this connection's start.
    const config: RtcConfiguration = this.options.ice.forPeer(peer.id, peer.turn).rtc;
    return { createPeerConnection, config, reaper: this.reaper, gathering: this.gathering };
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
      egress: this.egress,
      logger: this.options.logger.child({ connection: id, peer: fields.peer.id }),
      onClosed: (c, feed) => this.onClosed(c, feed),
    });
    this.table.add(connection);
    return connection;
  }

  /** A closed connection frees the data port only it used, and stays readable for a while. */
  private onClosed(connection: DataConnection, feed: DataPort | undefined): void {
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
