// Just enough STUN (RFC 8489) for the NAT suite's own probes of coturn: build a request with
// attributes, read a response's attributes. Test code only; the product's STUN is native/core.
import { createHmac, randomBytes } from 'node:crypto';

/** RFC 8489 section 5. */
export const MAGIC_COOKIE = 0x2112a442;
/** RFC 8489 section 18.3 and RFC 8656 section 18 attribute types the tests use. */
export const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  LIFETIME: 0x000d,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
  XOR_MAPPED_ADDRESS: 0x0020,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  PASSWORD_ALGORITHMS: 0x8002,
  FINGERPRINT: 0x8028,
} as const;

export interface StunAttribute {
  type: number;
  value: Buffer;
}

export interface StunResponse {
  /** Message type (e.g. 0x0101 Binding success, 0x0113 Allocate error). */
  type: number;
  transactionId: Buffer;
  attributes: StunAttribute[];
}

export function newTransactionId(): Buffer {
  return randomBytes(12);
}

/**
 * A message of `type` with `attributes` (each padded to 4 bytes); with `integrityKey`, a
 * MESSAGE-INTEGRITY last (RFC 8489 section 14.5: HMAC-SHA1 over the message whose length already
 * counts the attribute).
 */
export function encodeStun(type: number, transactionId: Buffer, attributes: StunAttribute[], integrityKey?: Buffer): Buffer {
  const parts = attributes.map((a) => {
    const b = Buffer.alloc(4 + Math.ceil(a.value.length / 4) * 4);
    b.writeUInt16BE(a.type, 0);
    b.writeUInt16BE(a.value.length, 2);
    a.value.copy(b, 4);
    return b;
  });
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(header, 8);
  let body = Buffer.concat(parts);
  if (integrityKey) {
    header.writeUInt16BE(body.length + 24, 2);
    const mac = createHmac('sha1', integrityKey).update(Buffer.concat([header, body])).digest();
    const mi = Buffer.alloc(24);
    mi.writeUInt16BE(ATTR.MESSAGE_INTEGRITY, 0);
    mi.writeUInt16BE(20, 2);
    mac.copy(mi, 4);
    body = Buffer.concat([body, mi]);
  }
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, body]);
}

/** The message in `msg` if it is a STUN response to `transactionId`, else undefined. */
export function decodeStunResponse(msg: Buffer, transactionId: Buffer): StunResponse | undefined {
  if (msg.length < 20 || msg.readUInt32BE(4) !== MAGIC_COOKIE || !msg.subarray(8, 20).equals(transactionId)) return undefined;
  const attributes: StunAttribute[] = [];
  const end = Math.min(msg.length, 20 + msg.readUInt16BE(2));
  for (let at = 20; at + 4 <= end; ) {
    const length = msg.readUInt16BE(at + 2);
    attributes.push({ type: msg.readUInt16BE(at), value: msg.subarray(at + 4, Math.min(end, at + 4 + length)) });
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: msg.readUInt16BE(0), transactionId, attributes };
}

export function attribute(r: StunResponse, type: number): Buffer | undefined {
  return r.attributes.find((a) => a.type === type)?.value;
}

/** An XOR-MAPPED-ADDRESS or XOR-RELAYED-ADDRESS value (IPv4 only). */
export function xorAddress(value: Buffer): { address: string; port: number } | undefined {
  if (value.length < 8 || value[1] !== 0x01) return undefined;
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const ip = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return { address: [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.'), port };
}

/** ERROR-CODE as a number (RFC 8489 section 14.8: class * 100 + number). */
export function errorCode(r: StunResponse): number | undefined {
  const v = attribute(r, ATTR.ERROR_CODE);
  return v && v.length >= 4 ? (v[2]! & 0x07) * 100 + v[3]! : undefined;
}
