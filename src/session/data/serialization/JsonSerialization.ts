import type { DropReason } from '../DropReason.js';
import type { DataSerialization, DecodedMessage } from './DataSerialization.js';
import { MAX_DATAGRAM_BYTES, messageBytes } from './DataSerialization.js';
import { decodeUtf8 } from './utf8.js';

/**
 * JSON (PeerJS "json"): the UDP side speaks JSON text. A datagram must be one JSON text in UTF-8;
 * it is sent unchanged as a binary message, which the stock client decodes and parses. A message
 * received is the sender's JSON.stringify output and becomes a datagram with exactly those bytes.
 */
export class JsonSerialization implements DataSerialization {
  readonly name = 'JSON' as const;

  encode(datagram: Buffer): Buffer[] | DropReason {
    const invalid = checkJson(datagram);
    return invalid ?? [datagram];
  }

  decode(message: ArrayBuffer | string): DecodedMessage {
    const datagram = messageBytes(message);
    const text = decodeUtf8(datagram);
    if (text === undefined) return { kind: 'drop', reason: 'invalid_utf8' };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { kind: 'drop', reason: 'invalid_json' };
    }
    if (isCloseMessage(value)) return { kind: 'close' };
    if (datagram.length > MAX_DATAGRAM_BYTES) return { kind: 'drop', reason: 'too_large' };
    return { kind: 'datagram', datagram };
  }
}

function checkJson(bytes: Buffer): DropReason | undefined {
  const text = decodeUtf8(bytes);
  if (text === undefined) return 'invalid_utf8';
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return 'invalid_json';
  }
}

/** PeerJS's graceful close: `{__peerData: {type: "close"}}`. */
export function isCloseMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const peerData = (value as { __peerData?: unknown }).__peerData;
  return typeof peerData === 'object' && peerData !== null && (peerData as { type?: unknown }).type === 'close';
}
