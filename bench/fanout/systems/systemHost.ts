/**
 * The child side of bench/fanout/systemProcess.ts's IPC protocol for systems written in JS: two
 * UDP ports for the incoming RTP, the counters, and the message dispatch. A system plugs in how
 * its library makes viewers and sends a packet to all of them.
 */
import { createSocket } from 'node:dgram';

import type { IceCandidate } from '../peerjsRelay.js';

export type MediaKind = 'video' | 'audio';

export interface Counters {
  received: number;
  forwarded: number;
  errors: number;
}

/** What a system tells the host about one viewer. */
export interface ViewerEvents {
  candidate(candidate: IceCandidate): void;
  connected(): void;
}

export interface ForwardingSystem {
  /** A new viewer's peer connection; resolves with its send-only offer. */
  createViewer(viewer: string, events: ViewerEvents): Promise<string>;
  applyAnswer(viewer: string, sdp: string): Promise<void>;
  addCandidate(viewer: string, candidate: IceCandidate): void;
  removeViewer(viewer: string): void;
  /** Sends one received RTP packet to every connected viewer, counting in `counters`. */
  forward(kind: MediaKind, packet: Buffer, counters: Counters): void;
  close(): void;
}

// Room for bursts of a 1.5 Mbit/s keyframe while the loop is busy sending to many viewers.
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;

async function bindPort(onPacket: (packet: Buffer) => void): Promise<number> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
  socket.on('message', onPacket);
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return socket.address().port;
}

/** Runs `system` as a child of the benchmark until the parent says exit (or goes away). */
export async function hostSystem(system: ForwardingSystem): Promise<void> {
  const counters: Counters = { received: 0, forwarded: 0, errors: 0 };
  const port = (kind: MediaKind) =>
    bindPort((packet) => {
      counters.received++;
      system.forward(kind, packet, counters);
    });
  const [videoPort, audioPort] = await Promise.all([port('video'), port('audio')]);
  let viewers = 0;
  const send = (m: object): void => void process.send!(m);

  /** A new viewer's offer, sent before any of its candidates. */
  const offer = async (viewer: string): Promise<void> => {
    let sent = false;
    const held: IceCandidate[] = [];
    const events: ViewerEvents = {
      candidate: (candidate) => (sent ? send({ type: 'viewerCandidate', viewer, candidate }) : held.push(candidate)),
      connected: () => send({ type: 'connected', viewer }),
    };
    const sdp = await system.createViewer(viewer, events);
    send({ type: 'offer', viewer, sdp });
    sent = true;
    for (const candidate of held) send({ type: 'viewerCandidate', viewer, candidate });
  };

  const handle = async (m: any): Promise<void> => {
    switch (m.type) {
      case 'offer':
        return offer(`v${++viewers}`);
      case 'answer':
        await system.applyAnswer(m.viewer, m.sdp);
        return send({ type: 'answer', viewer: m.viewer });
      case 'candidate':
        return system.addCandidate(m.viewer, m.candidate);
      case 'stats':
        return send({ type: 'stats', ...counters });
      case 'remove':
        system.removeViewer(m.viewer);
        return send({ type: 'remove', viewer: m.viewer });
      case 'exit':
        system.close();
        return process.exit(0);
    }
  };
  process.on('message', (m) =>
    handle(m).catch((error) => {
      // A failed viewer must not end the process: the parent sees its step time out.
      console.error(`${m && (m as any).type} failed:`, error);
    }),
  );
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', videoPort, audioPort, measurePid: process.pid });
}
