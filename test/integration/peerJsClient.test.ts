import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';

import { WebSocketServer } from 'ws';

import { createLogger } from '../../src/log/createLogger.js';
import { PeerJsClient } from '../../src/signaling/client/PeerJsClient.js';
import { waitFor } from '../helpers/proc.js';
import { startSignaling } from '../helpers/signaling.js';

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

  it('rides out ID-TAKEN after a drop the server has not noticed yet, and re-attaches once it has', async () => {
    // The server keeps a silent holder's id for staleAfterMs; here 1 s.
    const { server, url } = await startSignaling({ staleAfterMs: 1000 });
    closers.push(() => void server.stop());
    // A relay between client and server whose client side can be cut while the server side stays
    // open: the server still sees a live socket, as after a NAT dropped the connection.
    const links: { client: Socket; upstream: Socket }[] = [];
    const relay = createTcpServer((client) => {
      const upstream = connect(Number(new URL(url).port), '127.0.0.1');
      client.pipe(upstream).pipe(client);
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      links.push({ client, upstream });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      for (const l of links) l.upstream.destroy();
      relay.close();
    });
    const seen: string[] = [];
    const client = new PeerJsClient(
      { serverUrl: `ws://127.0.0.1:${(relay.address() as AddressInfo).port}/`, key: 'peerjs', id: 'roamer', token: 't', reconnectDelaysMs: [100] },
      {
        onOpen: () => seen.push('open'),
        onMessage: () => undefined,
        onDisconnected: (stillDown) => seen.push(stillDown ? 'still down' : 'disconnected'),
        onReconnected: () => seen.push('reconnected'),
        onError: (name) => seen.push(`error ${name}`),
      },
      createLogger('silent'),
    );
    closers.push(() => void client.close());
    await client.connect();
    await waitFor(() => seen.includes('open'), 2000, 'OPEN');
    const first = links[0]!;
    first.client.unpipe(first.upstream);
    first.upstream.unpipe(first.client);
    first.client.destroy(); // the client's side only: the server's socket stays open
    await waitFor(() => seen.includes('still down'), 3000, 'a reconnection refused with ID-TAKEN');
    assert.ok(!seen.some((s) => s.startsWith('error')), seen.join(', '));
    // Once the old socket has been silent past staleAfterMs, the same id and token re-attach.
    await waitFor(() => server.stats().idTaken > 0 && client.connected && links.at(-1)!.upstream.readyState === 'open' && seen.at(-1) === 'reconnected', 5000, 're-attached');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(client.connected, 'still connected after the re-attach');
    assert.ok(!seen.some((s) => s.startsWith('error')), seen.join(', '));
    assert.equal(server.stats().clients, 1);
  });
});
