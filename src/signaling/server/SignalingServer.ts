import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type RawData, type WebSocket } from 'ws';

import type { Logger } from '../../log/createLogger.js';
import { decodeCredentialToken, verifyCredential } from '../PeerCredential.js';
import { SERVER_ERRORS, WEBSOCKET_SUFFIX, isValidPeerId, parseClientMessage, type ClientMessage } from '../protocol.js';
import { ConnectedClient } from './ConnectedClient.js';
import { handleSignalingHttp } from './httpRoutes.js';
import { PendingMessages } from './PendingMessages.js';
import { normalizeMountPath, type SignalingConfig } from './SignalingConfig.js';

export interface SignalingStats {
  clients: number;
  relayed: number;
  queued: number;
  expired: number;
  rejected: number;
  malformed: number;
}

const MAX_TOKEN_LENGTH = 256;
const SWEEP_INTERVAL_MS = 1000;

/**
 * An embedded PeerJS-compatible signaling server: the stock `peerjs` client works against it
 * unchanged. Every incoming message is checked against the protocol schema; a malformed or
 * oversized one closes that client's socket with an ERROR and affects no one else.
 */
export class SignalingServer {
  readonly config: SignalingConfig;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<string, ConnectedClient>();
  private readonly pending: PendingMessages;
  private readonly wsPath: string;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly counters = { relayed: 0, expired: 0, rejected: 0, malformed: 0 };

  constructor(
    config: SignalingConfig,
    private readonly logger: Logger,
  ) {
    this.config = { ...config, path: normalizeMountPath(config.path) };
    this.wsPath = `${this.config.path}${WEBSOCKET_SUFFIX}`;
    this.pending = new PendingMessages(config.expireTimeoutMs, config.maxQueuedPerPeer, config.maxClients * 4);
    this.http = createServer((req, res) => handleSignalingHttp(this.config, () => [...this.clients.keys()], req, res));
    // Text is checked by JSON.parse and the schema; ws's separate UTF-8 pass would only repeat it.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes, perMessageDeflate: false, skipUTF8Validation: true });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    // A broken handshake or a client that vanishes mid-upgrade must not take the server down.
    this.http.on('clientError', (_error, socket) => socket.destroy());
  }

  /** Listens; resolves with the address actually bound (port 0 picks one). */
  async start(): Promise<AddressInfo> {
    this.http.listen(this.config.port, this.config.host);
    await once(this.http, 'listening');
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    const address = this.http.address() as AddressInfo;
    this.logger.info({ url: `ws://${address.address}:${address.port}${this.wsPath}` }, 'signaling server listening');
    return address;
  }

  get address(): AddressInfo {
    return this.http.address() as AddressInfo;
  }

  /** Closes every client socket and the listener. */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const client of this.clients.values()) {
      if (client.expiryTimer) clearTimeout(client.expiryTimer);
      client.socket.terminate();
    }
    this.clients.clear();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    this.wss.close();
    await closed;
  }

  stats(): SignalingStats {
    return { clients: this.clients.size, queued: this.pending.size, ...this.counters };
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://signaling');
    if (url.pathname !== this.wsPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.admit(ws, url.searchParams));
  }

  /** PeerJS connection rules, in the stock server's order, plus id and credential checks. */
  private admit(ws: WebSocket, query: URLSearchParams): void {
    // Error handlers first: a bad client must never be able to crash the server.
    ws.on('error', (error) => this.logger.debug({ err: error }, 'client socket error'));
    const id = query.get('id');
    const token = query.get('token');
    const key = query.get('key');
    if (!id || !token || !key) return this.refuse(ws, SERVER_ERRORS.invalidParameters);
    if (key !== this.config.key) return this.refuse(ws, SERVER_ERRORS.invalidKey);
    if (!isValidPeerId(id) || token.length > MAX_TOKEN_LENGTH) return this.refuse(ws, SERVER_ERRORS.invalidId);

    let expiresAt: number | undefined;
    if (this.config.secret !== undefined) {
      const credential = decodeCredentialToken(token);
      const check = credential && verifyCredential(this.config.secret, id, credential, Math.floor(Date.now() / 1000));
      if (!check || !check.ok) {
        return this.refuse(ws, check?.ok === false && check.reason === 'expired' ? SERVER_ERRORS.expiredCredential : SERVER_ERRORS.invalidCredential);
      }
      expiresAt = check.expiresAt;
    }

    const existing = this.clients.get(id);
    if (existing) {
      if (existing.token !== token) {
        this.counters.rejected++;
        ws.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
        ws.close();
        return;
      }
      // Same id and token: the client re-attaches silently (a reconnect after a network blip).
      const old = existing.socket;
      existing.socket = ws;
      existing.lastSeen = Date.now();
      this.watch(existing, ws);
      old.terminate();
      this.flushPending(existing);
      return;
    }
    if (this.clients.size >= this.config.maxClients) return this.refuse(ws, SERVER_ERRORS.connectionLimit);
    const client = new ConnectedClient(id, token, ws);
    this.clients.set(id, client);
    if (expiresAt !== undefined) this.scheduleExpiry(client, expiresAt);
    this.watch(client, ws);
    client.send({ type: 'OPEN' });
    this.flushPending(client);
  }

  private refuse(ws: WebSocket, msg: string): void {
    this.counters.rejected++;
    ws.send(JSON.stringify({ type: 'ERROR', payload: { msg } }));
    ws.close();
  }

  private watch(client: ConnectedClient, ws: WebSocket): void {
    ws.on('close', () => {
      if (client.socket !== ws) return; // replaced by a re-attach
      if (client.expiryTimer) clearTimeout(client.expiryTimer);
      this.clients.delete(client.id);
    });
    ws.on('message', (data, isBinary) => this.onMessage(client, ws, data, isBinary));
  }

  private onMessage(client: ConnectedClient, ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (client.socket !== ws) return;
    client.lastSeen = Date.now();
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const text = isBinary ? '' : bytes.toString();
    let message: ClientMessage | undefined;
    try {
      message = parseClientMessage(JSON.parse(text));
    } catch {
      message = undefined;
    }
    if (message === undefined) {
      this.counters.malformed++;
      this.logger.debug({ id: client.id }, 'malformed signaling message: closing that client');
      client.send({ type: 'ERROR', payload: { msg: SERVER_ERRORS.invalidMessage } });
      ws.close();
      return;
    }
    switch (message.type) {
      case 'HEARTBEAT':
        return;
      case 'CREDENTIAL':
        return this.renewCredential(client, message.payload);
      default:
        return this.relay(client, message.type, message.dst, bytes);
    }
  }

  /**
   * Forwards a message with `src` set to the sender. The client's own JSON bytes are reused with
   * `"src"` appended as the object's last member, so a forged src in the input cannot win; no
   * re-serialization, no string conversion on the way out.
   */
  private relay(from: ConnectedClient, type: string, dst: string | undefined, bytes: Buffer): void {
    if (dst === undefined) {
      if (type === 'LEAVE') this.disconnect(from);
      return;
    }
    const end = bytes.lastIndexOf(0x7d); // the closing "}" of the validated object
    const out = Buffer.concat([bytes.subarray(0, end), from.srcSuffix]);
    const target = this.clients.get(dst);
    if (target) {
      if (target.sendRaw(out)) this.counters.relayed++;
      return;
    }
    // LEAVE and EXPIRE for someone absent mean nothing; the rest waits for its destination.
    if (type === 'LEAVE' || type === 'EXPIRE') return;
    if (!this.pending.add(dst, from.id, out, Date.now())) {
      from.send({ type: 'EXPIRE', src: dst, dst: from.id });
    }
  }

  private renewCredential(client: ConnectedClient, credential: { timestamp: number; ttl: number; authToken: string }): void {
    if (this.config.secret === undefined) return; // auth is off: nothing to renew
    const check = verifyCredential(this.config.secret, client.id, credential, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      client.send({ type: 'ERROR', payload: { msg: check.reason === 'expired' ? SERVER_ERRORS.expiredCredential : SERVER_ERRORS.invalidCredential } });
      return;
    }
    if (client.expiryTimer) clearTimeout(client.expiryTimer);
    this.scheduleExpiry(client, check.expiresAt);
  }

  private scheduleExpiry(client: ConnectedClient, expiresAt: number): void {
    client.expiresAt = expiresAt;
    const delay = Math.max(0, expiresAt * 1000 - Date.now());
    // setTimeout keeps 32-bit delays; a ttl is at most 90000 s, far below that limit.
    client.expiryTimer = setTimeout(() => {
      client.send({ type: 'ERROR', payload: { msg: SERVER_ERRORS.expiredCredential } });
      client.socket.close();
    }, delay);
    client.expiryTimer.unref();
  }

  private flushPending(client: ConnectedClient): void {
    for (const text of this.pending.take(client.id)) {
      if (client.sendRaw(text)) this.counters.relayed++;
    }
  }

  private disconnect(client: ConnectedClient): void {
    if (client.expiryTimer) clearTimeout(client.expiryTimer);
    this.clients.delete(client.id);
    this.pending.discard(client.id);
    client.socket.close();
  }

  /** Once a second: expire messages nobody came for, drop clients silent for too long. */
  private sweep(): void {
    const now = Date.now();
    for (const { src, dst } of this.pending.expire(now)) {
      this.counters.expired++;
      this.clients.get(src)?.send({ type: 'EXPIRE', src: dst, dst: src });
    }
    for (const client of this.clients.values()) {
      if (now - client.lastSeen < this.config.aliveTimeoutMs) continue;
      this.logger.debug({ id: client.id }, 'dropping a silent client');
      this.disconnect(client);
      client.socket.terminate();
    }
  }
}
