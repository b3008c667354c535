// One TURN allocation over UDP with long-term credentials (RFC 8656 sections 7.2 and 7.3, RFC 8489
// section 9.2): what coturn grants (lifetime, relayed address) or refuses, with no WebRTC stack
// between. Test code only; the product's TURN client is native/core.
import { createHash } from 'node:crypto';
import type { Socket } from 'node:dgram';

import { ATTR, attribute, encodeStun, errorCode, newTransactionId, xorAddress, type StunAttribute } from './stunMessage.js';
import { stunTransaction } from './stunTransaction.js';

const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const REFRESH_REQUEST = 0x0004;
const REFRESH_SUCCESS = 0x0104;
const UDP = 17;

export type TurnResult = { ok: true; lifetimeSec: number } | { ok: false; errorCode: number | undefined };

export interface TurnAllocation {
  /** What the Allocate success said. */
  lifetimeSec: number;
  relayed: { address: string; port: number };
  /** A Refresh (LIFETIME `lifetimeSec` when given; 0 deletes the allocation). */
  refresh(lifetimeSec?: number): Promise<TurnResult>;
}

function lifetimeAttribute(lifetimeSec: number | undefined): StunAttribute[] {
  if (lifetimeSec === undefined) return [];
  const v = Buffer.alloc(4);
  v.writeUInt32BE(lifetimeSec);
  return [{ type: ATTR.LIFETIME, value: v }];
}

const lifetimeOf = (value: Buffer | undefined) => (value && value.length >= 4 ? value.readUInt32BE(0) : undefined);

/**
 * Allocates for `socket` (answering the 401 challenge once); `lifetimeSec` is sent as LIFETIME when
 * given. Resolves with the allocation, or with the error code of a refusal.
 */
export async function turnAllocate(
  socket: Socket,
  server: string,
  port: number,
  credentials: { username: string; credential: string },
  lifetimeSec?: number,
): Promise<TurnAllocation | { ok: false; errorCode: number | undefined }> {
  const base = [{ type: ATTR.REQUESTED_TRANSPORT, value: Buffer.from([UDP, 0, 0, 0]) }, ...lifetimeAttribute(lifetimeSec)];
  const firstId = newTransactionId();
  const challenge = await stunTransaction(socket, encodeStun(ALLOCATE_REQUEST, firstId, base), firstId, server, port);
  const realm = attribute(challenge, ATTR.REALM);
  const nonce = attribute(challenge, ATTR.NONCE);
  if (errorCode(challenge) !== 401 || !realm || !nonce) return { ok: false, errorCode: errorCode(challenge) };
  const key = createHash('md5').update(`${credentials.username}:${realm.toString()}:${credentials.credential}`).digest();
  const auth = [{ type: ATTR.USERNAME, value: Buffer.from(credentials.username) }, { type: ATTR.REALM, value: realm }, { type: ATTR.NONCE, value: nonce }];
  const id = newTransactionId();
  const response = await stunTransaction(socket, encodeStun(ALLOCATE_REQUEST, id, [...auth, ...base], key), id, server, port);
  if (response.type !== ALLOCATE_SUCCESS) return { ok: false, errorCode: errorCode(response) };
  const granted = lifetimeOf(attribute(response, ATTR.LIFETIME));
  const relayed = xorAddress(attribute(response, ATTR.XOR_RELAYED_ADDRESS) ?? Buffer.alloc(0));
  if (granted === undefined || !relayed) throw new Error('an Allocate success without LIFETIME or an IPv4 XOR-RELAYED-ADDRESS');
  return {
    lifetimeSec: granted,
    relayed,
    async refresh(refreshSec?: number): Promise<TurnResult> {
      const refreshId = newTransactionId();
      const r = await stunTransaction(socket, encodeStun(REFRESH_REQUEST, refreshId, [...auth, ...lifetimeAttribute(refreshSec)], key), refreshId, server, port);
      const lifetime = lifetimeOf(attribute(r, ATTR.LIFETIME));
      return r.type === REFRESH_SUCCESS && lifetime !== undefined ? { ok: true, lifetimeSec: lifetime } : { ok: false, errorCode: errorCode(r) };
    },
  };
}
