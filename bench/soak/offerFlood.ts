/**
 * A hostile client of the PeerJS signaling server: it connects as a peer of its own and sends a
 * gateway peer OFFER after OFFER, each with a new connectionId, as fast as its socket drains, and
 * never answers, sends a candidate or heartbeats. First data OFFERs with a valid libwebrtc
 * data-channel SDP (each one the gateway admits costs it a PeerConnection), then media OFFERs of
 * about `mediaOfferBytes` each: an SDP padded to the 64 KiB the gateway accepts plus metadata
 * (larger than max_metadata_bytes, so an admission that gets that far refuses it for that).
 * Then it disconnects.
 */
import { randomBytes } from 'node:crypto';

import wrtc from '@roamhq/wrtc';
import WebSocket from 'ws';

/** The longest SDP an OFFER may carry (src/signaling/connectionPayloads.ts). */
const MAX_SDP_CHARS = 64 * 1024;
/** The flooder waits while more than this is queued on its socket. */
const HIGH_WATER_BYTES = 1 << 20;
const OPEN_TIMEOUT_MS = 5000;

export interface FloodOptions {
  signalingPort: number;
  targetId: string;
  dataOffers: number;
  mediaOffers: number;
  mediaOfferBytes: number;
  /** Sending stops at this time (Date.now()) whatever is left. */
  deadline: number;
}

export interface FloodResult {
  sent: { data: number; media: number };
  bytes: number;
  seconds: number;
  /** Messages the server sent the flooder, by type (ANSWER and CANDIDATE come from admitted data offers). */
  received: Record<string, number>;
  /** Set when the server closed the flooder's socket before it was done. */
  closedByServer?: string;
}

/** SDPs of libwebrtc offers, made once: a data channel, and audio + video. */
export async function offerSdps(): Promise<{ data: string; media: string }> {
  const dataPc = new wrtc.RTCPeerConnection({ iceServers: [] });
  dataPc.createDataChannel('soak');
  const data = (await dataPc.createOffer()).sdp!;
  const mediaPc = new wrtc.RTCPeerConnection({ iceServers: [] });
  mediaPc.addTransceiver('audio');
  mediaPc.addTransceiver('video');
  const media = (await mediaPc.createOffer()).sdp!;
  dataPc.close();
  mediaPc.close();
  return { data, media };
}

/** `sdp` with attribute lines of padding appended up to the 64 KiB an OFFER may carry. */
export function padSdp(sdp: string): string {
  const lines: string[] = [];
  let length = sdp.length;
  const line = `a=x-soak-padding:${'p'.repeat(100)}\r\n`;
  while (length + line.length <= MAX_SDP_CHARS) {
    lines.push(line);
    length += line.length;
  }
  return sdp + lines.join('');
}

export async function floodOffers(o: FloodOptions, sdps: { data: string; media: string }): Promise<FloodResult> {
  const id = `soak-flooder-${randomBytes(4).toString('hex')}`;
  const ws = new WebSocket(`ws://127.0.0.1:${o.signalingPort}/peerjs?key=peerjs&id=${id}&token=${randomBytes(8).toString('hex')}&version=1.5.5`);
  const received: Record<string, number> = {};
  let closedByServer: string | undefined;
  let done = false;
  ws.on('error', () => {});
  ws.on('close', (code, reason) => {
    if (!done) closedByServer = `code ${code}${reason.length ? `: ${reason.toString()}` : ''}`;
  });
  const opened = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the signaling server did not OPEN the flooder')), OPEN_TIMEOUT_MS);
    ws.on('message', (raw) => {
      const type = String((JSON.parse(raw.toString()) as { type?: unknown }).type);
      received[type] = (received[type] ?? 0) + 1;
      if (type === 'OPEN') (clearTimeout(timer), resolve());
    });
  });
  await opened;

  const mediaSdp = padSdp(sdps.media);
  const mediaMessage = (connectionId: string, metadata: string) =>
    JSON.stringify({ type: 'OFFER', dst: o.targetId, payload: { sdp: { type: 'offer', sdp: mediaSdp }, type: 'media', connectionId, metadata } });
  // Metadata fills the media OFFER up to mediaOfferBytes.
  const metadata = 'm'.repeat(Math.max(0, o.mediaOfferBytes - Buffer.byteLength(mediaMessage('mc_soak_000000000000', ''))));
  const messages: { kind: 'data' | 'media'; count: number; make: (i: number) => string }[] = [
    {
      kind: 'data',
      count: o.dataOffers,
      make: (i) =>
        JSON.stringify({
          type: 'OFFER',
          dst: o.targetId,
          payload: { sdp: { type: 'offer', sdp: sdps.data }, type: 'data', connectionId: `dc_soak_${pad(i)}`, label: `dc_soak_${pad(i)}`, reliable: true, serialization: 'binary' },
        }),
    },
    { kind: 'media', count: o.mediaOffers, make: (i) => mediaMessage(`mc_soak_${pad(i)}`, metadata) },
  ];

  const sent = { data: 0, media: 0 };
  let bytes = 0;
  const t0 = performance.now();
  for (const { kind, count, make } of messages) {
    for (let i = 0; i < count && ws.readyState === WebSocket.OPEN && Date.now() < o.deadline; i++) {
      const text = make(i);
      ws.send(text);
      sent[kind]++;
      bytes += Buffer.byteLength(text);
      while (ws.bufferedAmount > HIGH_WATER_BYTES && ws.readyState === WebSocket.OPEN && Date.now() < o.deadline) await sleep(2);
    }
  }
  while (ws.bufferedAmount > 0 && ws.readyState === WebSocket.OPEN && Date.now() < o.deadline) await sleep(5);
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  if (ws.readyState === WebSocket.OPEN) {
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await Promise.race([closed, sleep(5000)]);
  }
  ws.terminate();
  return { sent, bytes, seconds, received, ...(closedByServer ? { closedByServer } : {}) };
}

const pad = (i: number) => String(i).padStart(12, '0');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
