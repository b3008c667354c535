// A STUN Binding request from a test's own socket (RFC 8489): what a NAT maps the socket to, as
// the server at the other end sees it.
import type { Socket } from 'node:dgram';

import { ATTR, attribute, encodeStun, newTransactionId, xorAddress } from './stunMessage.js';
import { stunTransaction } from './stunTransaction.js';

const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;

export interface MappedAddress {
  address: string;
  port: number;
}

/** The XOR-MAPPED-ADDRESS server:port reports for `socket` (bound); rejects after `timeoutMs`. */
export async function stunBinding(socket: Socket, server: string, port: number, timeoutMs = 3000): Promise<MappedAddress> {
  const id = newTransactionId();
  const response = await stunTransaction(socket, encodeStun(BINDING_REQUEST, id, []), id, server, port, timeoutMs);
  const mapped = response.type === BINDING_SUCCESS ? xorAddress(attribute(response, ATTR.XOR_MAPPED_ADDRESS) ?? Buffer.alloc(0)) : undefined;
  if (!mapped) throw new Error(`${server}:${port} answered the Binding request with type 0x${response.type.toString(16)} and no IPv4 XOR-MAPPED-ADDRESS`);
  return mapped;
}
