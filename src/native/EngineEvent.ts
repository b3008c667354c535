import type { RawTransportEvent } from './addon.js';

/**
 * What the native I/O thread reports. Mirrors native/io/EngineEvent.hpp.
 * - `port-source`: a port received its first datagram, or datagrams from a new source
 *   (at most once a second per port); `source` is "ip:port".
 * - `port-drops`: datagrams a port dropped since its last report (at most once a second);
 *   `reason` is "oversize" (larger than the receive slot) or "socket-error".
 * - `transport`: a transport's candidate, ICE/DTLS state, connected, closed or failed event.
 */
export type EngineEvent =
  | { kind: 'port-source'; handle: number; source: string }
  | { kind: 'port-drops'; handle: number; count: number; reason: string }
  | { kind: 'transport'; handle: number; event: RawTransportEvent };
