/**
 * What the native I/O thread reports. Mirrors native/io/EngineEvent.hpp.
 * - `port-source`: a port received its first datagram, or datagrams from a new source
 *   (at most once a second per port); `source` is "ip:port".
 * - `port-drops`: datagrams a port dropped since its last report (at most once a second);
 *   `reason` is "oversize" (larger than the receive slot) or "socket-error".
 */
export type EngineEvent =
  | { kind: 'port-source'; handle: number; source: string }
  | { kind: 'port-drops'; handle: number; count: number; reason: string };
