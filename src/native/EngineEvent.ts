import type { TransportEvent } from './TransportEvent.js';

/** A port received its first datagram, or datagrams from a new source (at most once a second per port); `source` is "ip:port". */
export interface PortSourceEvent {
  readonly kind: 'port-source';
  readonly handle: number;
  readonly source: string;
}

/** Datagrams a port dropped since its last report (at most once a second). */
export interface PortDropsEvent {
  readonly kind: 'port-drops';
  readonly handle: number;
  readonly count: number;
  /** "oversize" (larger than the receive slot) or "socket-error". */
  readonly reason: string;
}

/** A transport's candidate, ICE/DTLS state, connected, closed or failed event. */
export interface TransportEngineEvent {
  readonly kind: 'transport';
  readonly handle: number;
  readonly event: TransportEvent;
}

/** What the native I/O thread reports. Mirrors native/io/EngineEvent.hpp. */
export type EngineEvent = PortSourceEvent | PortDropsEvent | TransportEngineEvent;

/** The events of one port, as NativePort hands them on. */
export type PortEvent = PortSourceEvent | PortDropsEvent;
