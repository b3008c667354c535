import type { Socket } from 'node:dgram';

import { decodeStunResponse, type StunResponse } from './stunMessage.js';

const RETRANSMIT_MS = 250;

/** Sends `request` from `socket` to server:port every 250 ms until its response (matched by `transactionId`); rejects after `timeoutMs`. */
export function stunTransaction(socket: Socket, request: Buffer, transactionId: Buffer, server: string, port: number, timeoutMs = 3000): Promise<StunResponse> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: Buffer) => {
      const response = decodeStunResponse(msg, transactionId);
      if (!response) return;
      done();
      resolve(response);
    };
    const send = () => socket.send(request, port, server);
    const timer = setInterval(send, RETRANSMIT_MS);
    const deadline = setTimeout(() => {
      done();
      reject(new Error(`no STUN response from ${server}:${port} within ${timeoutMs} ms`));
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
