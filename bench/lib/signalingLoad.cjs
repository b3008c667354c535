// Load generator for bench/signaling.ts (runs in its own process).
//   connect <port> <count> <prefix>   opens <count> PeerJS clients that send heartbeats every 5 s;
//                                     prints "connected" when all have OPEN, then idles
//   relay <port> <pairs> <messages> [mix]
//                                     <pairs> sender/receiver pairs; each sender sends <messages>
//                                     CANDIDATE messages, or with "mix" the traffic of connection
//                                     setups (every 10th an OFFER carrying a 4 KB SDP); prints
//                                     "relayed <n> <ms>"
const { WebSocket } = require('ws');
const [mode, port, a, b, variant] = process.argv.slice(2);
const url = (id) => `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=t&version=1.5.5`;

function open(id, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url(id), { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"OPEN"')) resolve(ws);
      else onMessage?.(text);
    });
  });
}

async function connect(count, prefix) {
  const sockets = [];
  for (let i = 0; i < count; i += 200) {
    const batch = [];
    for (let j = i; j < Math.min(count, i + 200); j++) batch.push(open(`${prefix}${j}`));
    sockets.push(...(await Promise.all(batch)));
  }
  setInterval(() => {
    for (const ws of sockets) if (ws.readyState === 1) ws.send('{"type":"HEARTBEAT"}');
  }, 5000);
  process.stdout.write('connected\n');
}

async function relay(pairs, messages) {
  const candidate = { candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0 ufrag abcd network-id 1', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' }, type: 'data', connectionId: 'dc_0123456789abcdef' };
  let received = 0;
  const total = pairs * messages;
  let done;
  const finished = new Promise((r) => (done = r));
  const receivers = await Promise.all(Array.from({ length: pairs }, (_, i) => open(`rx${i}`, () => { if (++received === total) done(); })));
  const senders = await Promise.all(Array.from({ length: pairs }, (_, i) => open(`tx${i}`)));
  const start = Date.now();
  const sdp = 'v=0\r\n' + 'a=candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0\r\n'.repeat(55);
  senders.forEach((ws, i) => {
    const text = JSON.stringify({ type: 'CANDIDATE', dst: `rx${i}`, payload: candidate });
    const offer = JSON.stringify({ type: 'OFFER', dst: `rx${i}`, payload: { sdp: { type: 'offer', sdp }, type: 'media', connectionId: 'mc_0123456789abcdef', metadata: {} } });
    let sent = 0;
    const pump = () => {
      while (sent < messages && ws.bufferedAmount < 65536) {
        ws.send(variant === 'mix' && sent % 10 === 0 ? offer : text);
        sent++;
      }
      if (sent < messages) setImmediate(pump);
    };
    pump();
  });
  const timeout = setTimeout(done, 60000);
  await finished;
  clearTimeout(timeout);
  process.stdout.write(`relayed ${received} ${Date.now() - start}\n`);
  for (const ws of [...receivers, ...senders]) ws.close();
  setTimeout(() => process.exit(0), 200);
}

if (mode === 'connect') connect(Number(a), b);
else relay(Number(a), Number(b));
