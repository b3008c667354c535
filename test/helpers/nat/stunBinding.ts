// A STUN Binding request from a test's own socket (RFC 8489): what a NAT maps the socket to, as
// the server at the other end sees it. Test code only; the product's STUN lives in native/core.
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:dgram';

const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
/** RFC 8489 section 5. */
const MAGIC_COOKIE = 0x2112a442;
/** RFC 8489 section 14.2. */
const XOR_MAPPED_ADDRESS = 0x0020;
const RETRANSMIT_MS = 250;

export interface MappedAddress {
  address: string;
  port: number;
}

function request(transactionId: Buffer): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(BINDING_REQUEST, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(b, 8);
  return b;
}

/** XOR-MAPPED-ADDRESS (IPv4) of a Binding success response to `transactionId`, else undefined. */
function mappedAddress(msg: Buffer, transactionId: Buffer): MappedAddress | undefined {
  if (msg.length < 20 || msg.readUInt16BE(0) !== BINDING_SUCCESS || msg.readUInt32BE(4) !== MAGIC_COOKIE) return undefined;
  if (!msg.subarray(8, 20).equals(transactionId)) return undefined;
  const end = Math.min(msg.length, 20 + msg.readUInt16BE(2));
  for (let at = 20; at + 4 <= end; ) {
    const type = msg.readUInt16BE(at);
    const length = msg.readUInt16BE(at + 2);
    if (type === XOR_MAPPED_ADDRESS && length >= 8 && msg[at + 5] === 0x01) {
      const port = msg.readUInt16BE(at + 6) ^ (MAGIC_COOKIE >>> 16);
      const ip = (msg.readUInt32BE(at + 8) ^ MAGIC_COOKIE) >>> 0;
      return { address: [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.'), port };
    }
    at += 4 + Math.ceil(length / 4) * 4; // attributes are padded to 4 bytes
  }
  return undefined;
}

/** Sends a Binding request from `socket` (bound) to server:port, retransmitting every 250 ms; rejects after `timeoutMs`. */
export function stunBinding(socket: Socket, server: string, port: number, timeoutMs = 3000): Promise<MappedAddress> {
  const transactionId = randomBytes(12);
  const packet = request(transactionId);
  return new Promise((resolve, reject) => {
    const onMessage = (msg: Buffer) => {
      const mapped = mappedAddress(msg, transactionId);
      if (!mapped) return;
      done();
      resolve(mapped);
    };
    const send = () => socket.send(packet, port, server);
    const timer = setInterval(send, RETRANSMIT_MS);
    const deadline = setTimeout(() => {
      done();
      reject(new Error(`no STUN Binding response from ${server}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      socket.off('message', onMessage);
    };
    socket.on('message', onMessage);
    send();
  });
}
