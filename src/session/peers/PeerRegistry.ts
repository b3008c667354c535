import { randomUUID } from 'node:crypto';

import { GatewayError } from '../../errors/GatewayError.js';
import type { Logger } from '../../log/createLogger.js';
import type { PeerCredential } from '../../signaling/PeerCredential.js';
import { isValidPeerId, type ServerMessage } from '../../signaling/protocol.js';
import { GatewayPeer } from './GatewayPeer.js';
import { noteTurnRequested } from './turnNotice.js';

export interface PeerCreateOptions {
  key: string;
  /** Accepted as the SkyWay contract requires it, and unused: no service checks it here. */
  domain: string;
  peerId: string | undefined;
  /** A TURN relay asked for (the SkyWay default); false keeps TURN out of the peer's connections. */
  turn: boolean;
  credential: PeerCredential | undefined;
}

export interface PeerRegistryOptions {
  /** Whether ice_servers names a TURN server; without one, `turn: true` is noted once in the log. */
  turnConfigured?: boolean;
  /** The signaling server gateway peers use (resolved once the embedded one listens). */
  signalingUrl: () => string;
  logger: Logger;
  /** Relayed PeerJS messages for a peer's connections. */
  onSignal?: (peer: GatewayPeer, message: ServerMessage) => void;
  /** A peer closed (deleted, or ended by a signaling error): its connections close with it. */
  onPeerClosed?: (peer: GatewayPeer) => void;
  /** How long a peer closed by an error stays readable, so its ERROR and CLOSE events can be polled. */
  closedRetentionMs?: number;
}

/** Every gateway peer, by peer id; tokens guard each one. */
export class PeerRegistry {
  private readonly peers = new Map<string, GatewayPeer>();
  private readonly retention = new Map<GatewayPeer, NodeJS.Timeout>();
  /** Ids whose signaling socket is still closing: a new peer with the id waits for it. */
  private readonly leaving = new Map<string, Promise<void>>();

  constructor(private readonly options: PeerRegistryOptions) {}

  get size(): number {
    return this.peers.size;
  }

  /**
   * Creates a peer and connects it to the signaling server. Resolves once the server has bound
   * the id (the OPEN event is queued too); rejects when it refuses the key, credential or id.
   */
  async create(options: PeerCreateOptions): Promise<GatewayPeer> {
    if (options.turn && !this.options.turnConfigured) noteTurnRequested(this.options.logger);
    const id = options.peerId ?? (await this.newPeerId(options.key));
    const existing = this.peers.get(id);
    if (existing && !existing.isClosed) {
      throw GatewayError.invalid('peer_id', `peer_id ${JSON.stringify(id)} is already used by a peer of this gateway`);
    }
    if (existing) this.forget(existing);
    // A peer of this id just deleted: the server must see its socket gone before ours arrives.
    await this.leaving.get(id);
    if (this.peers.has(id)) {
      throw GatewayError.invalid('peer_id', `peer_id ${JSON.stringify(id)} is already used by a peer of this gateway`);
    }
    const peer = new GatewayPeer(
      {
        id,
        token: `pt-${randomUUID()}`,
        key: options.key,
        domain: options.domain,
        turn: options.turn,
        credential: options.credential,
        serverUrl: this.options.signalingUrl(),
        onSignal: (p, message) => this.options.onSignal?.(p, message),
        onClosed: (p) => this.onClosed(p),
      },
      this.options.logger.child({ subsystem: 'peer', peer: id }),
    );
    this.peers.set(id, peer);
    try {
      await peer.connect();
    } catch (error) {
      // The caller never saw this peer: nothing of it may stay behind.
      this.leave(peer);
      this.forget(peer);
      throw error;
    }
    return peer;
  }

  /** The peer with this id, if `token` is its token. NOT_FOUND and FORBIDDEN otherwise. */
  get(id: string, token: string | undefined): GatewayPeer {
    const peer = this.peers.get(id);
    if (!peer) throw GatewayError.notFound('peer_id', id);
    if (token === undefined || token === '') throw GatewayError.invalid('token', 'token field is not specified');
    if (token !== peer.token) throw new GatewayError('FORBIDDEN', [{ field: 'token', message: 'the token does not match the peer' }]);
    return peer;
  }

  /** DELETE /peers/{id}: leaves the signaling server and forgets the peer at once. */
  delete(id: string, token: string | undefined): void {
    const peer = this.get(id, token);
    this.leave(peer);
    this.forget(peer);
  }

  closeAll(): void {
    for (const peer of [...this.peers.values()]) {
      this.leave(peer);
      this.forget(peer);
    }
  }

  private leave(peer: GatewayPeer): void {
    const closed = peer.close().finally(() => {
      if (this.leaving.get(peer.id) === closed) this.leaving.delete(peer.id);
    });
    this.leaving.set(peer.id, closed);
  }

  private onClosed(peer: GatewayPeer): void {
    this.options.onPeerClosed?.(peer);
    if (this.peers.get(peer.id) !== peer) return;
    const timer = setTimeout(() => this.forget(peer), this.options.closedRetentionMs ?? 30_000);
    timer.unref();
    this.retention.set(peer, timer);
  }

  private forget(peer: GatewayPeer): void {
    const timer = this.retention.get(peer);
    if (timer) clearTimeout(timer);
    this.retention.delete(peer);
    peer.events.close();
    if (this.peers.get(peer.id) === peer) this.peers.delete(peer.id);
  }

  /** Asks the signaling server for an id, as PeerJS clients do (`GET {path}{key}/id`). */
  private async newPeerId(key: string): Promise<string> {
    const url = new URL(`${encodeURIComponent(key)}/id`, this.options.signalingUrl());
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    let id: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.status === 401) throw new GatewayError('FORBIDDEN', [{ field: 'key', message: 'the signaling server refused the key' }]);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      id = (await res.text()).trim();
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      throw new GatewayError('SIGNALING_UNAVAILABLE', [
        { field: 'signaling', message: `cannot get a peer id from ${url.origin}: ${(error as Error).message}` },
      ]);
    }
    if (!isValidPeerId(id)) {
      throw new GatewayError('SIGNALING_UNAVAILABLE', [{ field: 'signaling', message: 'the signaling server returned an unusable peer id' }]);
    }
    return id;
  }
}
