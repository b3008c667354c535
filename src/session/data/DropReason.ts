/**
 * Why a datagram or a DataChannel message was not delivered. The data path never throws: it
 * drops, counts under one of these, and logs at a bounded rate.
 */
export const DROP_REASONS = [
  /** A datagram arrived before the channel opened or after it closed. */
  'channel_not_open',
  /** The channel's send queue is past the configured limit (backpressure). */
  'buffer_full',
  /** Larger than the remote accepts in one message, or than one UDP datagram can carry. */
  'too_large',
  /** Not JSON text, under the JSON serialization. */
  'invalid_json',
  /** Not UTF-8 text where text is required (JSON, BINARY_UTF8 datagrams). */
  'invalid_utf8',
  /** A message that is not valid BinaryPack, or a chunk that does not fit its message. */
  'malformed',
  /** A chunked message whose remaining chunks never came (evicted to bound memory). */
  'incomplete',
  /** A message arrived but the connection has no redirect address yet. */
  'no_redirect',
  /** The channel or the socket refused the send. */
  'send_failed',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];
