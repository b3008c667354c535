// A UDP program for the peer side of an impaired link (run with `node --import tsx` via spawnInPeer).
//   udpPeer.ts echo   echoes every datagram back to its sender
//   udpPeer.ts count  counts datagrams; each line on stdin makes it print {"received":N}
// Binds 0.0.0.0 on an ephemeral port and prints {"port":P} first. Exits when stdin closes.
import { createSocket } from 'node:dgram';

const mode = process.argv[2];
if (mode !== 'echo' && mode !== 'count') {
  console.error('usage: udpPeer.ts echo|count');
  process.exit(64);
}
// A large receive buffer: a burst must not be lost in the socket, or "loss" would not all be the queue program's.
const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
let received = 0;
socket.on('message', (msg, from) => {
  received++;
  if (mode === 'echo') socket.send(msg, from.port, from.address);
});
socket.bind(0, '0.0.0.0', () => console.log(JSON.stringify({ port: socket.address().port })));
process.stdin.on('data', (chunk: Buffer) => {
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) console.log(JSON.stringify({ received }));
});
process.stdin.on('end', () => {
  socket.close();
  process.exit(0);
});
