import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { promisify } from 'node:util';

/** Sends datagrams from a fresh socket to host:port and closes it. */
export async function sendDatagrams(port: number, payloads: Buffer[], host = '127.0.0.1'): Promise<void> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  try {
    for (const p of payloads) {
      await new Promise<void>((resolve, reject) => socket.send(p, port, host, (e) => (e ? reject(e) : resolve())));
    }
  } finally {
    socket.close();
  }
}

/** A UDP socket bound to a free port on 127.0.0.1. */
export async function bindUdp(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return socket;
}

/** A UDP socket on 127.0.0.1 (a free port) that keeps every datagram it gets, in order. */
export async function udpReceiver(): Promise<{ socket: Socket; packets: Buffer[]; port: number }> {
  const socket = await bindUdp();
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  return { socket, packets, port: socket.address().port };
}

/**
 * Whether another process can bind 127.0.0.1:port right now: proof that this process
 * really released (or really holds) the port.
 */
export async function bindableByAnotherProcess(port: number, host = '127.0.0.1'): Promise<boolean> {
  const script = `
    const s = require('node:dgram').createSocket('udp4');
    s.on('error', (e) => { process.stdout.write(e.code); process.exit(0); });
    s.bind(${port}, '${host}', () => { process.stdout.write('BOUND'); s.close(); });`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
  if (stdout === 'BOUND') return true;
  if (stdout === 'EADDRINUSE') return false;
  throw new Error(`unexpected bind result: ${stdout}`);
}
