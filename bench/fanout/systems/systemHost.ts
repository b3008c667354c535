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

/** An ICE ufrag sdp-transform turns into a number: one that String(Number(v)) gives back. */
const NUMERIC_UFRAG = /^a=ice-ufrag:(0|[1-9]\d*)\r?$/m;

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
  let numericUfrags = 0;
  const send = (m: object): void => void process.send!(m);

  /**
   * A new viewer's offer, sent before any of its candidates. An offer whose ICE ufrag is a
   * decimal number is thrown away and made again: gateway B's SDP parser (sdp-transform) reads
   * such a ufrag as a number and B then fails the answer with a 500 ("ufrag must be a string").
   * werift's ufrag is 4 hex digits, a number like that about one time in seven.
   */
  const offer = async (viewer: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      let state: 'pending' | 'sent' | 'discarded' = 'pending';
      const held: IceCandidate[] = [];
      const events: ViewerEvents = {
        candidate: (candidate) => {
          if (state === 'sent') send({ type: 'viewerCandidate', viewer, candidate });
          else if (state === 'pending') held.push(candidate);
        },
        connected: () => {
          if (state === 'sent') send({ type: 'connected', viewer });
        },
      };
      const sdp = await system.createViewer(viewer, events);
      if (NUMERIC_UFRAG.test(sdp) && attempt < 20) {
        state = 'discarded';
        system.removeViewer(viewer);
        numericUfrags++;
        continue;
      }
      send({ type: 'offer', viewer, sdp });
      state = 'sent';
      for (const candidate of held) send({ type: 'viewerCandidate', viewer, candidate });
      return;
    }
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
        if (numericUfrags) console.error(`offers made again for a numeric ICE ufrag: ${numericUfrags}`);
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
