import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import { WebSocketServer, type RawData, type ServerOptions, type WebSocket } from 'ws';

import type { Logger } from '../../log/createLogger.js';
import { verifyCredential } from '../PeerCredential.js';
import { SERVER_ERRORS, WEBSOCKET_SUFFIX, parseClientMessage, type ClientMessage } from '../protocol.js';
import { checkConnectionQuery, parseConnectionQuery } from './checkConnectionQuery.js';
import { ClientRegistry } from './ClientRegistry.js';
import { ConnectedClient } from './ConnectedClient.js';
import { createSignalingHttpServer } from './createSignalingHttpServer.js';
import { handleSignalingHttp } from './httpRoutes.js';
import { LogThrottle } from '../../log/LogThrottle.js';
import { MessageRelay } from './MessageRelay.js';
import { PendingMessages } from './PendingMessages.js';
import { normalizeMountPath, type SignalingConfig } from './SignalingConfig.js';
import { newSignalingCounters, type SignalingServerOptions, type SignalingStats } from './SignalingServerTypes.js';

export type { DepartureReason, SignalingServerOptions, SignalingStats } from './SignalingServerTypes.js';

const SWEEP_INTERVAL_MS = 1000;
/** How often the total of unsent bytes is checked. */
const UNSENT_CHECK_INTERVAL_MS = 100;
/** How long a socket we close may take to answer our close frame before it is cut (ws: 30 s). */
const CLOSE_TIMEOUT_MS = 2000;

/**
 * An embedded PeerJS-compatible signaling server: the stock `peerjs` client works against it
 * unchanged. Every incoming message is checked against the protocol schema; a malformed or
 * oversized one closes that client's socket with an ERROR and affects no one else. What it holds
 * for clients is bounded: unsent bytes per client (MessageRelay), messages for absent peers in
 * count and bytes (PendingMessages), and connections before the upgrade (the HTTP server).
 */
export class SignalingServer {
  readonly config: SignalingConfig;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients: ClientRegistry;
  private readonly pending: PendingMessages;
  private readonly relay: MessageRelay;
  private readonly wsPath: string;
  private sweepTimer: NodeJS.Timeout | undefined;
  private unsentTimer: NodeJS.Timeout | undefined;
  private readonly counters = newSignalingCounters();
  private readonly droppedConnectionLog = new LogThrottle(1000);

  constructor(
    config: SignalingConfig,
    private readonly logger: Logger,
    private readonly options: SignalingServerOptions = {},
  ) {
    this.config = { ...config, path: normalizeMountPath(config.path) };
    this.wsPath = `${this.config.path}${WEBSOCKET_SUFFIX}`;
    this.clients = new ClientRegistry(logger, options.onClientGone);
    this.pending = new PendingMessages(config.expireTimeoutMs, {
      messagesPerDestination: config.maxQueuedPerPeer,
      messages: config.maxClients * 4,
      bytesPerDestination: config.maxQueuedBytesPerPeer,
      bytes: config.maxQueuedBytes,
    });
    this.relay = new MessageRelay(this.clients, this.pending, this.counters, logger, config);
    this.http = createSignalingHttpServer(
      this.config,
      (req, res) => handleSignalingHttp(this.config, () => this.clients.ids(), req, res),
      () => this.onConnectionDropped(),
    );
    const wsOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      maxPayload: config.maxMessageBytes,
      perMessageDeflate: false,
      // Text is checked by JSON.parse and the schema; ws's separate UTF-8 pass would only repeat it.
      skipUTF8Validation: true,
      // A refused or closed client that never answers our close frame holds its socket this long.
      closeTimeout: CLOSE_TIMEOUT_MS,
    };
    this.wss = new WebSocketServer(wsOptions);
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  /** Listens; resolves with the address actually bound (port 0 picks one). */
  async start(): Promise<AddressInfo> {
    this.http.listen(this.config.port, this.config.host);
    await once(this.http, 'listening');
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
    this.unsentTimer = setInterval(() => this.relay.checkUnsent(Date.now()), UNSENT_CHECK_INTERVAL_MS);
    this.unsentTimer.unref();
    const address = this.http.address() as AddressInfo;
    this.logger.info({ url: `ws://${address.address}:${address.port}${this.wsPath}` }, 'signaling server listening');
    return address;
  }

  get address(): AddressInfo {
    return this.http.address() as AddressInfo;
  }

  /** Closes every client socket and the listener (onClientGone is not called: everything goes). */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.unsentTimer) clearInterval(this.unsentTimer);
    for (const client of this.clients.clear()) client.socket.terminate();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    this.wss.close();
    await closed;
  }

  stats(): SignalingStats {
    return {
      clients: this.clients.size,
      queued: this.pending.size,
      queuedBytes: this.pending.bytes,
      pausedSenders: this.relay.pausedSenders,
      ...this.counters,
    };
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://signaling');
    if (url.pathname !== this.wsPath) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.admit(ws, parseConnectionQuery(url.search)));
  }

  private admit(ws: WebSocket, query: ReadonlyMap<string, string>): void {
    // Error handlers first: a bad client must never be able to crash the server.
    ws.on('error', (error) => this.logger.debug({ err: error }, 'client socket error'));
    const check = checkConnectionQuery(query, this.config, Math.floor(Date.now() / 1000));
    if (!check.ok) return this.refuse(ws, 'ERROR', check.msg);
    const { id, token, expiresAt } = check;

    const existing = this.clients.get(id);
    if (existing) {
      // The same token may take over only an id whose holder is gone (closing, or silent past
      // staleAfterMs: a reconnect after a network blip); a live holder keeps it.
      if (existing.token !== token || !existing.isGone(Date.now(), this.config.staleAfterMs)) {
        this.counters.idTaken++;
        return this.refuse(ws, 'ID-TAKEN', 'ID is taken');
      }
      return this.reattach(existing, ws);
    }
    if (this.clients.size >= this.config.maxClients) return this.refuse(ws, 'ERROR', SERVER_ERRORS.connectionLimit);
    if (!this.canAdmit()) {
      this.counters.refusedByCanAdmit++;
      return this.refuse(ws, 'ERROR', SERVER_ERRORS.connectionLimit);
    }
    const client = new ConnectedClient(id, token, ws, this.config.sendBufferLimitBytes);
    this.clients.add(client);
    if (expiresAt !== undefined) this.scheduleExpiry(client, expiresAt);
    this.watch(client, ws);
    client.send({ type: 'OPEN' });
    this.relay.flush(client);
  }

  /** Same id and token: the client continues on the new socket, silently, as the stock server does. */
  private reattach(client: ConnectedClient, ws: WebSocket): void {
    const old = client.socket;
    client.socket = ws;
    client.lastSeen = Date.now();
    this.watch(client, ws);
    old.terminate();
    this.relay.flush(client);
  }

  private canAdmit(): boolean {
    if (!this.options.canAdmit) return true;
    try {
      return this.options.canAdmit();
    } catch (error) {
      // The hook guards a resource: when it cannot answer, admitting is the riskier guess.
      this.logger.error({ err: error }, 'canAdmit failed: refusing the client');
      return false;
    }
  }

  private refuse(ws: WebSocket, type: 'ERROR' | 'ID-TAKEN', msg: string): void {
    this.counters.rejected++;
    ws.send(JSON.stringify({ type, payload: { msg } }));
    ws.close();
  }

  private watch(client: ConnectedClient, ws: WebSocket): void {
    ws.on('close', () => {
      if (client.socket === ws) this.clients.remove(client, 'closed'); // else replaced by a re-attach
    });
    ws.on('message', (data, isBinary) => this.onMessage(client, ws, data, isBinary));
  }

  private onMessage(client: ConnectedClient, ws: WebSocket, data: RawData, isBinary: boolean): void {
    if (client.socket !== ws || !this.clients.has(client)) return;
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
        return this.relay.relay(client, message.type, message.dst, bytes);
    }
  }

  private renewCredential(client: ConnectedClient, credential: { timestamp: number; ttl: number; authToken: string }): void {
    if (this.config.secret === undefined) return; // auth is off: nothing to renew
    const check = verifyCredential(this.config.secret, client.id, credential, Math.floor(Date.now() / 1000));
    if (!check.ok) {
      const msg = check.reason === 'expired' ? SERVER_ERRORS.expiredCredential : SERVER_ERRORS.invalidCredential;
      this.relay.notify(client, { type: 'ERROR', payload: { msg } });
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
      if (!this.clients.remove(client, 'expired')) return;
      client.send({ type: 'ERROR', payload: { msg: SERVER_ERRORS.expiredCredential } });
      client.socket.close();
    }, delay);
    client.expiryTimer.unref();
  }

  private onConnectionDropped(): void {
    this.counters.connectionsDropped++;
    const log = this.droppedConnectionLog.admit(Date.now());
    if (log) {
      this.logger.warn({ maxConnections: this.http.maxConnections, alsoDroppedSinceLastLine: log.suppressed }, 'connection limit reached: closing new connections');
    }
  }

  /** Once a second: expire messages nobody came for, drop clients silent for too long. */
  private sweep(): void {
    const now = Date.now();
    this.relay.expire(now);
    for (const client of this.clients.values()) {
      if (now - client.lastSeen < this.config.aliveTimeoutMs) continue;
      this.clients.remove(client, 'silent');
      client.socket.terminate();
    }
  }
}
