import { createHmac } from 'node:crypto';

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest, coturn's --use-auth-secret): username
 * "<unix expiry>:<name>", password base64(HMAC-SHA1(secret, username)).
 */
export function turnRestCredentials(secret: string, name: string, ttlSec = 3600, nowMs = Date.now()): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlSec}:${name}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
