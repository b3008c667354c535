#!/usr/bin/env node
// Walkthrough of DataConnections against a running gateway (start one with `npm start`): two
// gateway peers, each with a UDP program behind it, exchange datagrams over a DataChannel.
// In real use the other end is a browser with the stock peerjs client (see docs/DATA.md).
// Usage: node examples/data.mjs [http://127.0.0.1:8000]
import { createSocket } from 'node:dgram';

const api = process.argv[2] ?? 'http://127.0.0.1:8000';

async function rest(method, path, body) {
  const res = await fetch(`${api}${path}`, { method, ...(body && { body: JSON.stringify(body) }) });
  const text = await res.text();
  console.log(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A UDP program: a socket, and a promise of the next datagram it receives. */
async function udpProgram() {
  const socket = createSocket('udp4');
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const next = () => new Promise((resolve) => socket.once('message', (m) => resolve(m.toString())));
  return { socket, port: socket.address().port, next };
}

// Two peers; each long-poll for events returns one event (OPEN first).
const device = (await rest('POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'device' })).params;
const viewer = (await rest('POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: 'viewer' })).params;
await rest('GET', `/peers/device/events?token=${device.token}`);
await rest('GET', `/peers/viewer/events?token=${viewer.token}`);

// The viewer connects to the device: its data port feeds the connection, messages come to its program.
const viewerProgram = await udpProgram();
const viewerPort = await rest('POST', '/data', {});
const outgoing = await rest('POST', '/data/connections', {
  peer_id: 'viewer',
  token: viewer.token,
  target_id: 'device',
  options: { serialization: 'JSON', metadata: 'hello' },
  params: { data_id: viewerPort.data_id },
  redirect_params: { ip_v4: '127.0.0.1', port: viewerProgram.port },
});

// The device is told (CONNECTION) and says what feeds the connection and where its messages go.
const connection = await rest('GET', `/peers/device/events?token=${device.token}`);
const incomingId = connection.data_params.data_connection_id;
const deviceProgram = await udpProgram();
const devicePort = await rest('POST', '/data', {});
await rest('PUT', `/data/connections/${incomingId}`, {
  feed_params: { data_id: devicePort.data_id },
  redirect_params: { ip_v4: '127.0.0.1', port: deviceProgram.port },
});
await rest('GET', `/data/connections/${outgoing.params.data_connection_id}/events`); // OPEN
await rest('GET', `/data/connections/${incomingId}/events`); // OPEN

// A datagram into the device's data port comes out of the viewer's, and back.
const atViewer = viewerProgram.next();
deviceProgram.socket.send('{"temp":21.5}', devicePort.port, devicePort.ip_v4);
console.log(`viewer's program received ${await atViewer}`);
const atDevice = deviceProgram.next();
viewerProgram.socket.send('{"command":"report"}', viewerPort.port, viewerPort.ip_v4);
console.log(`device's program received ${await atDevice}`);
await rest('GET', `/data/connections/${incomingId}/status`);

// Deleting a connection closes the remote end too (CLOSE) and frees the data ports only it used.
await rest('DELETE', `/data/connections/${outgoing.params.data_connection_id}`);
await rest('GET', `/data/connections/${incomingId}/events`); // CLOSE
await rest('DELETE', `/peers/device?token=${device.token}`);
await rest('DELETE', `/peers/viewer?token=${viewer.token}`);
viewerProgram.socket.close();
deviceProgram.socket.close();
