import type { DataSerialization, DecodedMessage } from './DataSerialization.js';
import { MAX_DATAGRAM_BYTES, messageBytes } from './DataSerialization.js';

/**
 * NONE (PeerJS "raw"): a datagram is sent as one binary message with the same bytes; a message
 * received becomes a datagram with its bytes (a text message: its UTF-8 bytes).
 */
export class RawSerialization implements DataSerialization {
  readonly name = 'NONE' as const;

  encode(datagram: Buffer): Buffer[] {
    return [datagram];
  }

  decode(message: ArrayBuffer | string): DecodedMessage {
    const datagram = messageBytes(message);
    if (datagram.length > MAX_DATAGRAM_BYTES) return { kind: 'drop', reason: 'too_large' };
    return { kind: 'datagram', datagram };
  }
}
