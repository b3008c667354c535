import { createSocket, type Socket } from 'node:dgram';

import { call } from './testGateway.js';

/** A UDP program on 127.0.0.1: the user's side of a data port. */
export class UdpEndpoint {
  private readonly queue: Buffer[] = [];
  private waiter: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => {
      this.queue.push(m);
      this.waiter?.();
    });
  }

  static async open(): Promise<UdpEndpoint> {
    // Room for bursts (the kernel caps it at rmem_max): a test's reader shares its thread with more.
    const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new UdpEndpoint(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get received(): number {
    return this.queue.length;
  }

  send(port: number, datagram: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(datagram, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
  }

  /** The next datagram, or a rejection after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no datagram arrived in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.queue.shift()!;
  }

  /** Waits `ms` and returns whatever arrived meanwhile. */
  async drain(ms: number): Promise<Buffer[]> {
    await new Promise((r) => setTimeout(r, ms));
    return this.queue.splice(0);
  }

  close(): void {
    this.socket.close();
  }
}

/** A gateway peer created over REST, once it is open on the signaling server. */
export interface RestPeer {
  readonly base: string;
  readonly id: string;
  readonly token: string;
}

export async function createPeer(base: string, peerId: string): Promise<RestPeer> {
  const res = await call(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: peerId });
  if (res.status !== 201) throw new Error(`POST /peers: ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.params.token as string;
  const open = await call(base, 'GET', `/peers/${peerId}/events?token=${token}`);
  if (open.body?.event !== 'OPEN') throw new Error(`expected OPEN, got ${JSON.stringify(open.body)}`);
  return { base, id: peerId, token };
}

export async function openDataPort(base: string): Promise<{ data_id: string; port: number }> {
  const res = await call(base, 'POST', '/data', {});
  if (res.status !== 201) throw new Error(`POST /data: ${res.status}`);
  return res.body;
}

/** Polls a connection's events until `wanted` comes (other events are returned along with it). */
export async function waitForEvent(base: string, dataConnectionId: string, wanted: string, polls = 5): Promise<any[]> {
  const seen: any[] = [];
  for (let i = 0; i < polls; i++) {
    const res = await call(base, 'GET', `/data/connections/${dataConnectionId}/events`);
    if (res.status !== 200) throw new Error(`events of ${dataConnectionId}: ${res.status} ${JSON.stringify(res.body)} after ${JSON.stringify(seen)}`);
    seen.push(res.body);
    if (res.body.event === wanted) return seen;
  }
  throw new Error(`no ${wanted} event on ${dataConnectionId}: ${JSON.stringify(seen)}`);
}

/** One end of a data path: its connection, the data port feeding it and the UDP program behind it. */
export interface DataEnd {
  readonly base: string;
  readonly connectionId: string;
  readonly dataPort: { data_id: string; port: number };
  readonly udp: UdpEndpoint;
  /** Sends a datagram into the data port, as the user's program would. */
  send(datagram: Buffer | string): Promise<void>;
}

export interface DataPathOptions {
  serialization?: string;
  dcInit?: Record<string, unknown>;
  metadata?: unknown;
}

/**
 * Peer `from` connects to peer `to` over REST (the gateways may differ); both ends get a data
 * port and a UDP program, and this resolves once both connections are OPEN.
 */
export async function openDataPath(
  from: RestPeer,
  to: RestPeer,
  options: DataPathOptions = {},
): Promise<{ caller: DataEnd; callee: DataEnd }> {
  const callerPort = await openDataPort(from.base);
  const callerUdp = await UdpEndpoint.open();
  const created = await call(from.base, 'POST', '/data/connections', {
    peer_id: from.id,
    token: from.token,
    target_id: to.id,
    options: { serialization: options.serialization, dcInit: options.dcInit, metadata: options.metadata },
    params: { data_id: callerPort.data_id },
    redirect_params: { ip_v4: '127.0.0.1', port: callerUdp.port },
  });
  if (created.status !== 202) throw new Error(`POST /data/connections: ${created.status} ${JSON.stringify(created.body)}`);
  const callerId = created.body.params.data_connection_id as string;
  const incoming = await call(to.base, 'GET', `/peers/${to.id}/events?token=${to.token}`);
  if (incoming.body?.event !== 'CONNECTION') throw new Error(`expected CONNECTION, got ${JSON.stringify(incoming.body)}`);
  const calleeId = incoming.body.data_params.data_connection_id as string;
  const calleePort = await openDataPort(to.base);
  const calleeUdp = await UdpEndpoint.open();
  const put = await call(to.base, 'PUT', `/data/connections/${calleeId}`, {
    feed_params: { data_id: calleePort.data_id },
    redirect_params: { ip_v4: '127.0.0.1', port: calleeUdp.port },
  });
  if (put.status !== 200) throw new Error(`PUT /data/connections: ${put.status} ${JSON.stringify(put.body)}`);
  await waitForEvent(from.base, callerId, 'OPEN');
  await waitForEvent(to.base, calleeId, 'OPEN');
  const end = (base: string, connectionId: string, dataPort: { data_id: string; port: number }, udp: UdpEndpoint): DataEnd => ({
    base,
    connectionId,
    dataPort,
    udp,
    send: (d) => udp.send(dataPort.port, d),
  });
  return { caller: end(from.base, callerId, callerPort, callerUdp), callee: end(to.base, calleeId, calleePort, calleeUdp) };
}
