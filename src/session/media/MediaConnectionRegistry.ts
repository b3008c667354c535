import { randomBytes, randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import { offerPayload } from '../../signaling/connectionPayloads.js';
import { ConnectionRegistry, type TrickledCandidate } from '../connections/ConnectionRegistry.js';
import type { ConnectionAdmission } from '../limits/ConnectionAdmission.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { PortRegistry } from '../ports/PortRegistry.js';
import { MediaConnection, type MediaTransportSettings } from './MediaConnection.js';
import type { MediaConstraints, MediaRedirects } from './MediaRequest.js';

export interface MediaConnectionRegistryOptions {
  readonly engine: NativeEngine;
  readonly ports: PortRegistry;
  readonly transport: MediaTransportSettings;
  /** The address STREAM events give for the media ports (as POST /media does). */
  readonly advertisedIpV4: string;
  /** Limits on offers and connections, shared with the data registry. */
  readonly admission: ConnectionAdmission;
  /** Descriptors one connection's transport opens (a socket per bind address, or none when shared). */
  readonly descriptorsPerConnection: number;
  readonly logger: Logger;
  /** How long a closed connection stays readable, so its CLOSE event and status can be polled. */
  readonly closedRetentionMs?: number;
}

/**
 * Every MediaConnection by id: places calls (POST /media/connections), turns incoming PeerJS
 * media offers into CALL events, routes ANSWER / CANDIDATE / LEAVE / EXPIRE to them, and frees
 * the media and RTCP ports only a closed connection used.
 */
export class MediaConnectionRegistry extends ConnectionRegistry<MediaConnection> {
  constructor(private readonly options: MediaConnectionRegistryOptions) {
    super({ ...options, idField: 'media_connection_id', offerType: 'media' });
  }

  /** Sends a media OFFER to `targetId`; READY, then STREAM once the transport is up. */
  call(peer: GatewayPeer, targetId: string, constraints: MediaConstraints, redirects: MediaRedirects): MediaConnection {
    if (this.table.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    this.options.admission.admitOutgoing(peer, this.options.descriptorsPerConnection, constraints.metadata, 'constraints.metadata');
    const connection = this.add(peer, targetId, `mc_${randomBytes(12).toString('hex')}`, true, constraints.metadata);
    try {
      connection.call(constraints, redirects);
    } catch (error) {
      connection.abandon();
      this.table.forget(connection);
      throw error;
    }
    return connection;
  }

  /** POST /media/connections/{id}/answer. */
  answer(id: string, constraints: MediaConstraints, redirects: MediaRedirects): MediaConnection {
    const connection = this.get(id);
    connection.answer(constraints, redirects);
    return connection;
  }

  protected receiveOffer(peer: GatewayPeer, remoteId: string, payload: unknown): void {
    const parsed = offerPayload.safeParse(payload);
    if (!parsed.success) {
      this.options.logger.warn({ peer: peer.id, remote: remoteId, issues: parsed.error.issues.slice(0, 3) }, 'ignored a malformed media OFFER');
      return;
    }
    if (this.table.closing || peer.isClosed) return;
    this.table.find(peer, remoteId, parsed.data.connectionId)?.close(undefined, 'the remote offered it again (same connectionId)');
    if (this.options.admission.admitOffer(peer, this.options.descriptorsPerConnection, parsed.data.metadata)) return;
    const connection = this.add(peer, remoteId, parsed.data.connectionId, false, parsed.data.metadata);
    connection.receiveOffer(parsed.data.sdp.sdp);
    peer.events.push({ event: 'CALL', params: peer.params, call_params: { media_connection_id: connection.id } });
  }

  protected takeAnswer(connection: MediaConnection, sdp: string): boolean {
    connection.acceptAnswer(sdp);
    return true;
  }

  protected takeCandidate(connection: MediaConnection, candidate: TrickledCandidate): void {
    connection.addRemoteCandidate(candidate.candidate, candidate);
  }

  private add(peer: GatewayPeer, remoteId: string, connectionId: string, originator: boolean, metadata: unknown): MediaConnection {
    const id = `mc-${randomUUID()}`;
    const connection = new MediaConnection({
      id,
      connectionId,
      peer,
      remoteId,
      originator,
      metadata,
      engine: this.options.engine,
      transport: this.options.transport,
      advertisedIpV4: this.options.advertisedIpV4,
      logger: this.options.logger.child({ connection: id, peer: peer.id }),
      onClosed: (c, ports) => this.onClosed(c, ports),
    });
    this.table.add(connection);
    return connection;
  }

  /** Frees the ports only this connection used (as the SkyWay gateway did); keeps it readable a while. */
  private onClosed(connection: MediaConnection, ports: NativeUdpPort[]): void {
    for (const port of ports) {
      if (port.usedBy().length === 0 && !port.isClosed) {
        this.options.ports.close(port.id, [port.kind]).catch(() => {
          // Already deleted by the user: nothing left to free.
        });
      }
    }
    this.table.retain(connection);
  }
}
