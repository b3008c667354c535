// A DataConnection peer for the peer side of an impaired link: the stock `peerjs` client on
// libwebrtc (@roamhq/wrtc). Run it inside the peer namespace with spawnPeerScript:
//
//   peerjsDataPeer.ts --host 10.77.N.1 --port P [--path /] [--key peerjs] [--id datapeer]
//
// It registers, accepts every incoming DataConnection, and prints JSON lines on stdout:
//   {"event":"open","id":...}                      registered
//   {"event":"connection","peer":...,"serialization":...,"reliable":...}   a connection is open
//   {"event":"received","count":N,"inOrder":bool,"last":n}   on the "report" command: the numbered
//        messages received so far (each carries its number as a uint32 at offset 0) and whether
//        every one came in order, none missing before it
//   {"event":"sent","count":N}                      after the "send N SIZE" command
//   {"event":"error","message":...}
// Commands on stdin, one per line: "report", "send N SIZE" (N numbered binary messages of SIZE bytes
// on the open connection, as fast as peerjs takes them). It exits when stdin closes.
import { createInterface } from 'node:readline';

import { loadStockPeerjs } from '../stockPeerjs.js';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`peerjsDataPeer: --${name} is required`);
  return v;
}

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const Peer = await loadStockPeerjs();
// No STUN servers: the link is all there is.
const peer = new Peer(arg('id', 'datapeer'), {
  host: arg('host'), port: Number(arg('port')), path: arg('path', '/'), key: arg('key', 'peerjs'), secure: false, debug: 0, config: { iceServers: [] },
});
let connection: any;
let count = 0;
let inOrder = true;
let last = -1;

peer.on('open', (id: string) => print({ event: 'open', id }));
peer.on('error', (e: Error) => print({ event: 'error', message: e.message }));
peer.on('connection', (conn: any) => {
  conn.on('open', () => {
    connection = conn;
    print({ event: 'connection', peer: conn.peer, serialization: conn.serialization, reliable: conn.reliable });
  });
  conn.on('data', (data: unknown) => {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
    if (!bytes || bytes.length < 4) {
      inOrder = false;
      return;
    }
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
    if (n !== last + 1) inOrder = false;
    last = n;
    count++;
  });
  conn.on('error', (e: Error) => print({ event: 'error', message: e.message }));
});

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, a, b] = line.trim().split(/\s+/);
  if (command === 'report') print({ event: 'received', count, inOrder, last });
  else if (command === 'send') {
    if (!connection) {
      print({ event: 'error', message: 'no open connection to send on' });
      return;
    }
    const n = Number(a);
    const size = Number(b);
    for (let i = 0; i < n; i++) {
      const message = new Uint8Array(Math.max(4, size));
      new DataView(message.buffer).setUint32(0, i);
      connection.send(message.buffer);
    }
    print({ event: 'sent', count: n });
  }
});
lines.on('close', () => {
  peer.destroy();
  process.exit(0);
});
