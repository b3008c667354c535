import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Peer authentication as SkyWay defined it: an application server that knows the secret hands
 * a peer `{timestamp, ttl, authToken}` with authToken = base64(HMAC-SHA256(secret,
 * "<timestamp>:<ttl>:<peerId>")); the credential is valid from `timestamp` for `ttl` seconds.
 */
export interface PeerCredential {
  timestamp: number;
  ttl: number;
  authToken: string;
}

export const MIN_TTL = 600;
export const MAX_TTL = 90000;
/** Clocks differ: a credential stamped this far in the future is still accepted. */
const CLOCK_SKEW_SECONDS = 300;

export function computeAuthToken(secret: string, timestamp: number, ttl: number, peerId: string): string {
  return createHmac('sha256', secret).update(`${timestamp}:${ttl}:${peerId}`).digest('base64');
}

/**
 * How a credential travels in the PeerJS `token` query parameter, the only free field the stock
 * peerjs client sends (and sends without URL encoding): "<timestamp>.<ttl>.<authToken as base64url>".
 */
export function encodeCredentialToken(c: PeerCredential): string {
  return `${c.timestamp}.${c.ttl}.${Buffer.from(c.authToken, 'base64').toString('base64url')}`;
}

export function decodeCredentialToken(token: string): PeerCredential | undefined {
  const match = /^(\d{1,12})\.(\d{1,6})\.([A-Za-z0-9_-]{1,128})$/.exec(token);
  if (!match) return undefined;
  return { timestamp: Number(match[1]), ttl: Number(match[2]), authToken: Buffer.from(match[3]!, 'base64url').toString('base64') };
}

export type CredentialCheck =
  | { ok: true; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'ttl-out-of-range' | 'not-yet-valid' };

/** Checks a credential for `peerId` at `nowSeconds` (Unix time). */
export function verifyCredential(secret: string, peerId: string, c: PeerCredential, nowSeconds: number): CredentialCheck {
  if (!Number.isInteger(c.ttl) || c.ttl < MIN_TTL || c.ttl > MAX_TTL) return { ok: false, reason: 'ttl-out-of-range' };
  const expected = Buffer.from(computeAuthToken(secret, c.timestamp, c.ttl, peerId), 'base64');
  const given = Buffer.from(c.authToken, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  if (c.timestamp > nowSeconds + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'not-yet-valid' };
  const expiresAt = c.timestamp + c.ttl;
  if (expiresAt <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt };
}
