import { GatewayError } from '../errors/GatewayError.js';
import { loadAddon, type RawEngine, type RawEngineEvent } from './addon.js';
import type { EngineEvent, PortEvent } from './EngineEvent.js';
import { callNative, nativeErrorCode } from './nativeError.js';
import { NativePort } from './NativePort.js';
import { NativeTransport, type TransportOptions } from './NativeTransport.js';
import type { EngineStats, MediaKind, PortStats } from './NativeTypes.js';
import { transportEventFromNative } from './TransportEvent.js';

export interface NativeEngineOptions {
  /** Batches of events the thread-safe function may hold before new ones are dropped and counted. */
  eventQueueSize?: number;
  /** Datagrams read per recvmmsg call. */
  recvBatchCount?: number;
  /** Largest datagram accepted on native ports; larger ones are dropped as "oversize". */
  recvSlotBytes?: number;
  /** Called for events whose handle has no subscriber, and for listener failures. */
  onUnhandled?: (event: EngineEvent | Error) => void;
}

export type { EngineStats, PortStats };

/** The native code ("EADDRINUSE", ...) behind an error the facade threw, if any. */
export const errorCode = nativeErrorCode;

/**
 * The typed facade over the addon's I/O engine: one native thread with its own epoll loop.
 * Nothing else in the TypeScript code touches the addon; what the addon throws with a known
 * `code` leaves here as a GatewayError (see nativeError.ts).
 */
export class NativeEngine {
  private readonly raw: RawEngine;
  private readonly listeners = new Map<number, (event: EngineEvent) => void>();
  private readonly onUnhandled: (event: EngineEvent | Error) => void;
  private closed = false;

  constructor(options: NativeEngineOptions = {}) {
    const { Engine } = loadAddon();
    this.onUnhandled = options.onUnhandled ?? (() => undefined);
    this.raw = callNative(
      () =>
        new Engine({
          onEvents: (events) => this.dispatch(events),
          ...(options.eventQueueSize !== undefined && { eventQueueSize: options.eventQueueSize }),
          ...(options.recvBatchCount !== undefined && { recvBatchCount: options.recvBatchCount }),
          ...(options.recvSlotBytes !== undefined && { recvSlotBytes: options.recvSlotBytes }),
        }),
    );
  }

  /** The kernel thread id of the I/O thread (see /proc/self/task), or 0 once closed. */
  get threadId(): number {
    return this.raw.threadId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Binds a UDP socket on this thread and hands it to the I/O thread. The errno is the cause's
   * `code`. `maxDatagramBytes`: the largest datagram received whole (data ports: 65535).
   */
  openUdpPort(ip: string, port: number, options: { maxDatagramBytes?: number } = {}): NativePort {
    this.assertOpen();
    const bound = callNative(() => (options.maxDatagramBytes === undefined ? this.raw.openUdpPort(ip, port) : this.raw.openUdpPort(ip, port, options)));
    return new NativePort(this.portHost, bound.handle, bound.ip, bound.port);
  }

  /**
   * Binds one UDP socket that every transport created afterwards on `ip` uses as its host
   * candidate instead of binding its own; it lives as long as the engine. Throws with the errno
   * as `code`, or ERR_SHARED_SOCKET_EXISTS.
   */
  openSharedSocket(ip: string, port: number): { ip: string; port: number } {
    this.assertOpen();
    return callNative(() => this.raw.openSharedSocket(ip, port));
  }

  /** Closes the socket before returning. */
  closeUdpPort(handle: number): boolean {
    this.listeners.delete(handle);
    return this.closed ? false : callNative(() => this.raw.closeUdpPort(handle));
  }

  portStats(handle: number): PortStats | undefined {
    return callNative(() => this.raw.portStats(handle));
  }

  stats(): EngineStats {
    return callNative(() => this.raw.stats());
  }

  /** The SHA-256 fingerprint of the DTLS certificate every transport of this engine presents. */
  get fingerprint(): string {
    this.assertOpen();
    return this.raw.fingerprint;
  }

  /** Binds the transport's sockets (one per bind address) and starts its ICE agent. */
  createTransport(options: TransportOptions): NativeTransport {
    this.assertOpen();
    return new NativeTransport(this.raw, options, (handle, listener) => this.subscribe(handle, listener));
  }

  /**
   * Feeds a port's datagrams to a transport as the RTP or RTCP of its video or audio stream
   * (rewritten to it once the transport has an outbound stream for that media); false if
   * either is gone. Session code uses NativeTransport.attachPort; this is the handle-level call.
   */
  attachPort(portHandle: number, transportHandle: number, kind: 'rtp' | 'rtcp', media: MediaKind = 'video'): boolean {
    this.assertOpen();
    return callNative(() => this.raw.attachPort(portHandle, transportHandle, kind, media));
  }

  detachPort(portHandle: number, transportHandle: number): boolean {
    return this.closed ? false : callNative(() => this.raw.detachPort(portHandle, transportHandle));
  }

  /** Routes the events about one handle to `listener`; returns the unsubscribe function. */
  subscribe(handle: number, listener: (event: EngineEvent) => void): () => void {
    this.listeners.set(handle, listener);
    return () => {
      if (this.listeners.get(handle) === listener) this.listeners.delete(handle);
    };
  }

  /** Stops and joins the I/O thread; every port it owned is closed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.raw.close();
  }

  /** What NativePort needs: its events, counters and close, by handle. */
  private readonly portHost = {
    subscribe: (handle: number, listener: (event: PortEvent) => void) =>
      this.subscribe(handle, (event) => {
        if (event.kind !== 'transport') listener(event);
      }),
    portStats: (handle: number) => this.portStats(handle),
    closeUdpPort: (handle: number) => this.closeUdpPort(handle),
  };

  private assertOpen(): void {
    if (this.closed) throw new GatewayError('ENGINE_UNAVAILABLE', 'the native engine is closed');
  }

  private dispatch(events: RawEngineEvent[]): void {
    for (const raw of events) {
      const event = toEngineEvent(raw);
      if (!event) continue;
      const listener = this.listeners.get(event.handle);
      try {
        if (listener) listener(event);
        else this.onUnhandled(event);
      } catch (error) {
        this.onUnhandled(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}

function toEngineEvent(raw: RawEngineEvent): EngineEvent | undefined {
  switch (raw.kind) {
    case 'port-source':
      return { kind: 'port-source', handle: raw.subject, source: raw.detail };
    case 'port-drops':
      return { kind: 'port-drops', handle: raw.subject, count: raw.value, reason: raw.detail };
    case 'transport': {
      const event = raw.event && transportEventFromNative(raw.event);
      return event ? { kind: 'transport', handle: raw.subject, event } : undefined;
    }
    default:
      return undefined;
  }
}
