import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, it } from 'node:test';

import { WebSocketServer } from 'ws';

import { createLogger } from '../../src/log/createLogger.js';
import { PeerJsClient } from '../../src/signaling/client/PeerJsClient.js';
import { waitFor } from '../helpers/proc.js';

describe('PeerJsClient facing a signaling server that stops reading', () => {
  const closers: (() => void)[] = [];
  after(() => closers.forEach((close) => close()));

  it('holds at most maxUnsentBytes unsent and counts what it drops, instead of growing', async () => {
    // A PeerJS server that says OPEN, then never reads again.
    const http = createServer();
    const wss = new WebSocketServer({ server: http });
    wss.on('connection', (ws) => {
      ws.send('{"type":"OPEN"}');
      (ws as unknown as { _socket: Socket })._socket.pause();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      http.close();
    });
    let opened = false;
    const client = new PeerJsClient(
      { serverUrl: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`, key: 'peerjs', id: 'sender', token: 't', maxUnsentBytes: 1024 * 1024 },
      { onOpen: () => (opened = true), onMessage: () => undefined, onDisconnected: () => undefined, onReconnected: () => undefined, onError: () => undefined },
      createLogger('silent'),
    );
    closers.push(() => void client.close());
    await client.connect();
    await waitFor(() => opened, 2000, 'OPEN');
    // 64 MiB of CANDIDATE-sized messages: far more than the kernel's socket buffers and the limit.
    const message = { type: 'CANDIDATE', dst: 'peer', payload: { candidate: 'x'.repeat(64 * 1024) } };
    for (let i = 0; i < 1024; i++) client.send(message);
    const unsent = (client as unknown as { socket: { bufferedAmount: number } }).socket.bufferedAmount;
    assert.ok(unsent <= 1024 * 1024, `${unsent} bytes held unsent`);
    assert.ok(client.dropped > 800, `${client.dropped} dropped`);
  });
});
