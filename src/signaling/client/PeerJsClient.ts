import { WebSocket } from 'ws';

import type { Logger } from '../../log/createLogger.js';
import { LogThrottle } from '../../log/LogThrottle.js';
import { SERVER_ERRORS, WEBSOCKET_SUFFIX, type ServerMessage } from '../protocol.js';

/** The peer error names of the SkyWay contract (PeerEventMessage.error_message). */
export type PeerErrorName =
  | 'INVALID_ID'
  | 'INVALID_KEY'
  | 'UNAVAILABLE_ID'
  | 'SERVER_DISCONNECTED'
  | 'SERVER_ERROR'
  | 'SOCKET_ERROR'
  | 'SOCKET_CLOSED';

export interface PeerJsClientListener {
  /** The server bound our id (its first OPEN). Reconnections do not repeat it. */
  onOpen(): void;
  /** A relayed OFFER, ANSWER, CANDIDATE, LEAVE or EXPIRE. */
  onMessage(message: ServerMessage): void;
  /** `stillDown`: a reconnection was refused (ID-TAKEN while the server holds the old socket). */
  onDisconnected(stillDown?: boolean): void;
  onReconnected(): void;
  /** `fatal`: the client has closed for good (the id is taken, the key or credential refused). */
  onError(name: PeerErrorName, message: string, fatal: boolean): void;
}

export interface PeerJsClientOptions {
  /** ws:// or wss:// URL of the server's mount path, ending with "/". */
  serverUrl: string;
  key: string;
  id: string;
  token: string;
  heartbeatMs?: number;
  connectTimeoutMs?: number;
  /** Waits between reconnection attempts; the last one repeats. */
  reconnectDelaysMs?: number[];
  /** Messages kept while disconnected, sent on reconnection. */
  maxQueued?: number;
  /** Bytes the socket may hold unsent; past it, messages are dropped (the server stopped reading). */
  maxUnsentBytes?: number;
}

/** close() waits at most this long for the closing handshake. */
const CLOSE_WAIT_MS = 2000;
/**
 * After a dropped connection, ID-TAKEN on reconnection means the server has not yet noticed
 * that the old socket is gone (it waits for three missed heartbeats); retried this long.
 */
const ID_TAKEN_GRACE_MS = 30_000;

/**
 * A gateway peer's connection to a PeerJS server (the embedded one or any other): the same
 * protocol the stock peerjs client speaks. It sends heartbeats, reconnects with the same id and
 * token after an outage, and queues outgoing messages meanwhile.
 */
export class PeerJsClient {
  private socket: WebSocket | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private opened = false;
  private connectedOnce = false;
  private up = false;
  private stopped = false;
  private closing: Promise<void> | undefined;
  /** When the connection dropped (reconnections since then are within the ID-TAKEN grace). */
  private droppedAt: number | undefined;
  private readonly queue: string[] = [];
  /** Messages dropped because the server did not read what it was sent. */
  dropped = 0;
  private readonly dropLog = new LogThrottle(10_000);
  private token: string;

  constructor(
    private readonly options: PeerJsClientOptions,
    private readonly listener: PeerJsClientListener,
    private readonly logger: Logger,
  ) {
    this.token = options.token;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens the WebSocket; rejects with a clear message if the server cannot be reached. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false;
      this.open(
        () => {
          settled = true;
          this.connectedOnce = true;
          resolve();
        },
        (error) => {
          if (settled) return;
          settled = true;
          reject(new Error(`cannot reach the signaling server at ${this.options.serverUrl}: ${error.message}`));
        },
      );
    });
  }

  /** Sends a protocol message; while reconnecting it is queued (oldest dropped when full). */
  send(message: object): void {
    if (this.stopped) return;
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (error) {
      // Callers bound what they send (metadata depth and size); never let a message throw here.
      this.logger.warn({ err: error }, 'dropped a signaling message that cannot be serialized');
      return;
    }
    if (this.connected) {
      // A server that stops reading (or pauses us while someone we answer does not read) must
      // not grow this process: what does not fit is dropped, counted and logged now and then.
      if (this.socket!.bufferedAmount + Buffer.byteLength(text) > (this.options.maxUnsentBytes ?? 4 * 1024 * 1024)) {
        this.dropped++;
        if (this.dropLog.admit(Date.now())) this.logger.warn({ dropped: this.dropped }, 'the signaling server is not reading: dropped a message');
        return;
      }
      this.socket!.send(text);
      return;
    }
    this.queue.push(text);
    if (this.queue.length > (this.options.maxQueued ?? 200)) this.queue.shift();
  }

  /** A renewed credential travels as the token on later reconnections. */
  setToken(token: string): void {
    this.token = token;
  }

  /** Closes for good; resolves once the socket has closed (at most CLOSE_WAIT_MS later). */
  close(): Promise<void> {
    if (this.stopped) return this.closed;
    this.stopped = true;
    this.stopTimers();
    const socket = this.socket;
    this.socket = undefined;
    socket?.removeAllListeners();
    socket?.on('error', () => undefined);
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    this.closing = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    else socket.close();
    return this.closing;
  }

  /** Resolves once a closed client's socket is gone (at once if it was never closed). */
  get closed(): Promise<void> {
    return this.closing ?? Promise.resolve();
  }

  /**
   * Percent-encoded (a space as %20, "+" as %2B), never form-encoded: a server reading the query
   * as the stock client writes it takes a "+" for a plus, one using URLSearchParams for a space;
   * both read %20 and %2B alike.
   */
  private url(): string {
    const url = new URL(`${WEBSOCKET_SUFFIX}`, this.options.serverUrl);
    const query = { key: this.options.key, id: this.options.id, token: this.token, version: '1.5.5' };
    url.search = Object.entries(query)
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('&');
    return url.toString();
  }

  private open(onOpen: () => void, onFail: (error: Error) => void): void {
    const socket = new WebSocket(this.url(), { handshakeTimeout: this.options.connectTimeoutMs ?? 5000, perMessageDeflate: false });
    this.socket = socket;
    socket.on('error', (error) => {
      this.logger.debug({ err: error }, 'signaling socket error');
      if (socket.readyState !== WebSocket.OPEN) onFail(error);
    });
    socket.on('open', () => {
      this.attempt = 0;
      this.up = true;
      this.startHeartbeat();
      for (const text of this.queue.splice(0)) socket.send(text);
      onOpen();
    });
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', () => {
      if (this.socket !== socket || this.stopped) return;
      this.stopTimers();
      if (!this.connectedOnce) return;
      if (this.up) {
        this.up = false;
        this.droppedAt = Date.now();
        this.listener.onDisconnected();
      }
      this.scheduleReconnect();
    });
  }

  private onMessage(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
      if (typeof message !== 'object' || message === null || typeof message.type !== 'string') throw new Error('no type');
    } catch {
      this.logger.warn('ignoring a signaling message that is not a JSON object with a type');
      return;
    }
    switch (message.type) {
      case 'OPEN':
        if (!this.opened) {
          this.opened = true;
          this.listener.onOpen();
        }
        return;
      case 'ID-TAKEN':
        // Reconnecting, the server may still hold our old socket until it sees it is gone; the
        // close that follows schedules the next attempt. Past the grace, someone else has the id.
        if (this.droppedAt !== undefined && Date.now() - this.droppedAt < ID_TAKEN_GRACE_MS) {
          this.logger.debug('the signaling server still holds our previous connection; retrying');
          this.up = false;
          this.listener.onDisconnected(true);
          return;
        }
        return this.fail('UNAVAILABLE_ID', `the id ${this.options.id} is taken`);
      case 'ERROR':
        return this.onServerError(String((message.payload as { msg?: unknown } | undefined)?.msg ?? 'unknown error'));
      case 'HEARTBEAT':
        return;
      default:
        this.listener.onMessage(message);
    }
  }

  private onServerError(msg: string): void {
    if (msg === SERVER_ERRORS.invalidKey) return this.fail('INVALID_KEY', 'the signaling server refused the key');
    if (msg === SERVER_ERRORS.invalidCredential || msg === SERVER_ERRORS.expiredCredential) {
      return this.fail('INVALID_KEY', `the signaling server refused the credential: ${msg}`);
    }
    if (msg === SERVER_ERRORS.invalidId) return this.fail('INVALID_ID', `the signaling server refused the id ${this.options.id}`);
    this.fail('SERVER_ERROR', `the signaling server reported: ${msg}`);
  }

  private fail(name: PeerErrorName, message: string): void {
    this.close();
    this.listener.onError(name, message, true);
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      if (this.connected) this.socket!.send('{"type":"HEARTBEAT"}');
    }, this.options.heartbeatMs ?? 5000);
    this.heartbeat.unref();
  }

  private stopTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.heartbeat = undefined;
    this.reconnectTimer = undefined;
  }

  private scheduleReconnect(): void {
    const delays = this.options.reconnectDelaysMs ?? [250, 500, 1000, 2000, 5000];
    const delay = delays[Math.min(this.attempt, delays.length - 1)]!;
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      if (this.stopped) return;
      this.open(
        () => this.listener.onReconnected(),
        () => undefined, // the close that follows schedules the next attempt
      );
    }, delay);
  }
}
