import { randomBytes, randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { NativeEngine } from '../../native/NativeEngine.js';
import { answerPayload, candidatePayload, connectionIdOf, offerPayload } from '../../signaling/connectionPayloads.js';
import type { ServerMessage } from '../../signaling/protocol.js';
import type { GatewayPeer } from '../peers/GatewayPeer.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { PortRegistry } from '../ports/PortRegistry.js';
import { MediaConnection, type MediaTransportSettings } from './MediaConnection.js';
import type { MediaConstraints, MediaRedirects } from './MediaRequest.js';

export interface MediaConnectionRegistryOptions {
  readonly engine: NativeEngine;
  readonly ports: PortRegistry;
  readonly transport: MediaTransportSettings;
  readonly logger: Logger;
  /** How long a closed connection stays readable, so its CLOSE event and status can be polled. */
  readonly closedRetentionMs?: number;
}

/**
 * Every MediaConnection by id: places calls (POST /media/connections), turns incoming PeerJS
 * media offers into CALL events, routes ANSWER / CANDIDATE / LEAVE / EXPIRE to them, and frees
 * the media and RTCP ports only a closed connection used.
 */
export class MediaConnectionRegistry {
  private readonly connections = new Map<string, MediaConnection>();
  private readonly retention = new Map<MediaConnection, NodeJS.Timeout>();
  private closing = false;

  constructor(private readonly options: MediaConnectionRegistryOptions) {}

  get size(): number {
    return this.connections.size;
  }

  /** Sends a media OFFER to `targetId`; READY, then STREAM once the transport is up. */
  call(peer: GatewayPeer, targetId: string, constraints: MediaConstraints, redirects: MediaRedirects): MediaConnection {
    if (this.closing) throw new GatewayError('ENGINE_UNAVAILABLE', 'the gateway is shutting down');
    const connection = this.add(peer, targetId, `mc_${randomBytes(12).toString('hex')}`, true, constraints.metadata);
    try {
      connection.call(constraints, redirects);
    } catch (error) {
      connection.close();
      this.forget(connection);
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

  get(id: string): MediaConnection {
    const connection = this.connections.get(id);
    if (!connection) throw GatewayError.notFound('media_connection_id', id);
    return connection;
  }

  /** DELETE /media/connections/{id}: closes it and forgets it at once. */
  delete(id: string): void {
    const connection = this.get(id);
    connection.close();
    this.forget(connection);
  }

  /** A relayed PeerJS message for a gateway peer; false when it is not about a MediaConnection. */
  handleSignal(peer: GatewayPeer, message: ServerMessage): boolean {
    const src = message.src;
    switch (message.type) {
      case 'OFFER':
        if ((message.payload as { type?: unknown } | undefined)?.type !== 'media' || !src) return false;
        this.receiveCall(peer, src, message.payload);
        return true;
      case 'ANSWER':
      case 'CANDIDATE': {
        const connection = this.find(peer, src, connectionIdOf(message.payload));
        if (!connection) return false;
        this.deliver(connection, message);
        return true;
      }
      case 'LEAVE':
        for (const c of this.ofPeer(peer)) if (c.remoteId === src) c.close();
        return false;
      case 'EXPIRE':
        for (const c of this.ofPeer(peer)) {
          if (c.remoteId === src && c.state === 'connecting') c.close(`peer-unavailable: ${src} is not connected to the signaling server`);
        }
        return false;
      default:
        return false;
    }
  }

  closePeer(peer: GatewayPeer): void {
    for (const connection of this.ofPeer(peer)) connection.close();
  }

  closeAll(): void {
    this.closing = true;
    for (const connection of [...this.connections.values()]) {
      connection.close();
      this.forget(connection);
    }
  }

  private receiveCall(peer: GatewayPeer, remoteId: string, payload: unknown): void {
    const parsed = offerPayload.safeParse(payload);
    if (!parsed.success) {
      this.options.logger.warn({ peer: peer.id, remote: remoteId, issues: parsed.error.issues.slice(0, 3) }, 'ignored a malformed media OFFER');
      return;
    }
    if (this.closing || peer.isClosed) return;
    this.find(peer, remoteId, parsed.data.connectionId)?.close();
    const connection = this.add(peer, remoteId, parsed.data.connectionId, false, parsed.data.metadata);
    connection.receiveOffer(parsed.data.sdp.sdp);
    peer.events.push({ event: 'CALL', params: peer.params, call_params: { media_connection_id: connection.id } });
  }

  private deliver(connection: MediaConnection, message: ServerMessage): void {
    if (message.type === 'ANSWER') {
      const answer = answerPayload.safeParse(message.payload);
      if (answer.success) connection.acceptAnswer(answer.data.sdp.sdp);
      else this.options.logger.warn({ connection: connection.id }, 'ignored a malformed ANSWER');
    } else {
      const candidate = candidatePayload.safeParse(message.payload);
      if (candidate.success) connection.addRemoteCandidate(candidate.data.candidate.candidate);
      else this.options.logger.warn({ connection: connection.id }, 'ignored a malformed CANDIDATE');
    }
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
      logger: this.options.logger.child({ connection: id, peer: peer.id }),
      onClosed: (c, ports) => this.onClosed(c, ports),
    });
    this.connections.set(id, connection);
    return connection;
  }

  private find(peer: GatewayPeer, remoteId: string | undefined, connectionId: string | undefined): MediaConnection | undefined {
    if (!remoteId || !connectionId) return undefined;
    for (const c of this.connections.values()) {
      if (c.peer === peer && c.remoteId === remoteId && c.connectionId === connectionId && c.state !== 'closed') return c;
    }
    return undefined;
  }

  private ofPeer(peer: GatewayPeer): MediaConnection[] {
    return [...this.connections.values()].filter((c) => c.peer === peer && c.state !== 'closed');
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
    if (this.connections.get(connection.id) !== connection || this.closing) return;
    const timer = setTimeout(() => this.forget(connection), this.options.closedRetentionMs ?? 30_000);
    timer.unref();
    this.retention.set(connection, timer);
  }

  private forget(connection: MediaConnection): void {
    const timer = this.retention.get(connection);
    if (timer) clearTimeout(timer);
    this.retention.delete(connection);
    connection.events.close();
    this.connections.delete(connection.id);
  }
}
