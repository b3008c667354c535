import type { DropReason } from '../DropReason.js';

/** The serializations of the SkyWay contract and their names on the PeerJS wire. */
export const SERIALIZATIONS = { NONE: 'raw', JSON: 'json', BINARY: 'binary', BINARY_UTF8: 'binary-utf8' } as const;
export type SerializationName = keyof typeof SERIALIZATIONS;
export type WireSerialization = (typeof SERIALIZATIONS)[SerializationName];

export function serializationFromWire(wire: string): SerializationName | undefined {
  for (const [name, value] of Object.entries(SERIALIZATIONS)) if (value === wire) return name as SerializationName;
  return undefined;
}

/** What one received DataChannel message means for the UDP side. */
export type DecodedMessage =
  | { readonly kind: 'datagram'; readonly datagram: Buffer }
  /** The PeerJS in-band close ({__peerData: {type: "close"}}). */
  | { readonly kind: 'close' }
  /** One chunk of a larger message; nothing to deliver yet. `evicted`: stale partial messages given up. */
  | { readonly kind: 'partial'; readonly evicted: number }
  | { readonly kind: 'drop'; readonly reason: DropReason };

/**
 * How datagrams become DataChannel messages and back, as the stock peerjs client of the same
 * serialization expects (docs/DATA.md has the table). Implementations keep per-connection state
 * (chunk ids, partial messages), so each connection has its own instance.
 */
export interface DataSerialization {
  readonly name: SerializationName;
  /** The messages that carry one datagram to the remote, or why it cannot be sent. */
  encode(datagram: Buffer): Buffer[] | DropReason;
  decode(message: ArrayBuffer | string): DecodedMessage;
}

/** The largest payload of one UDP datagram (IPv4: 65535 - 20 - 8). */
export const MAX_DATAGRAM_BYTES = 65507;

/** A received message as bytes: binary messages as they are, text messages as UTF-8. */
export function messageBytes(message: ArrayBuffer | string): Buffer {
  return typeof message === 'string' ? Buffer.from(message, 'utf8') : Buffer.from(message);
}
