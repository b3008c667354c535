#!/usr/bin/env node
// Walkthrough of the port endpoints against a running gateway (start one with `npm start`).
// Usage: node examples/ports.mjs [http://127.0.0.1:8000]
import { createSocket } from 'node:dgram';

const api = process.argv[2] ?? 'http://127.0.0.1:8000';

async function rest(method, path, body) {
  const res = await fetch(`${api}${path}`, { method, ...(body && { body: JSON.stringify(body) }) });
  const text = await res.text();
  console.log(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

// A port for video RTP, one for RTCP and one for DataChannel datagrams.
const video = await rest('POST', '/media', { is_video: true });
const rtcp = await rest('POST', '/media/rtcp', {});
const data = await rest('POST', '/data');

// Is my sender reaching the gateway? Send a datagram, then read the port's status.
const socket = createSocket('udp4');
await new Promise((resolve) => socket.send('hello gateway', video.port, video.ip_v4, resolve));
socket.close();
await new Promise((resolve) => setTimeout(resolve, 200));
const status = await rest('GET', `/media/${video.media_id}/status`);

// An invalid body is a 400 that lists what is wrong.
await rest('POST', '/media', { is_video: 'yes' });

// Release everything; each DELETE answers 204 once the UDP port is closed.
await rest('DELETE', `/media/${video.media_id}`);
await rest('DELETE', `/media/rtcp/${rtcp.rtcp_id}`);
await rest('DELETE', `/data/${data.data_id}`);

process.exitCode = status.packets === 1 ? 0 : 1;
