/// <reference lib="dom" />
// A page running the stock peerjs client (the browser bundle) against a gateway's signaling server:
// it calls with Chromium's fake camera, shows what comes back in a <video>, opens a
// DataConnection, and reports what its RTCPeerConnections see (decoded frames, selected pair).
import type { Page } from 'playwright-core';

import type { TestBrowser } from '../chromium.js';

const PAGE = `<!doctype html><title>stock peerjs</title><script src="/peerjs.min.js"></script><script>
const side = (stats, id) => {
  const c = stats.get(id) || {};
  return { type: c.candidateType, address: c.address, port: c.port, protocol: c.protocol, relayProtocol: c.relayProtocol };
};
// webrtc-stats: the transport's selected pair and its two candidates.
const pairOf = async (pc) => {
  if (!pc) return null;
  const stats = await pc.getStats();
  let id;
  stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) id = s.selectedCandidatePairId; });
  const pair = id && stats.get(id);
  if (!pair) return null;
  return { local: side(stats, pair.localCandidateId), remote: side(stats, pair.remoteCandidateId), bytesSent: pair.bytesSent, bytesReceived: pair.bytesReceived };
};
window.t = {
  errors: [],
  open(host, port, id, iceServers) {
    return new Promise((resolve, reject) => {
      const peer = new peerjs.Peer(id, { host, port, path: '/', key: 'peerjs', secure: false, debug: 0, config: { iceServers } });
      peer.on('open', () => { window.t.peer = peer; resolve(); });
      peer.on('error', (e) => { window.t.errors.push(e.type + ': ' + e.message); reject(new Error(e.type + ': ' + e.message)); });
    });
  },
  async call(target) {
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 30 }, audio: false });
    const call = window.t.peer.call(target, camera);
    const m = window.t.m = { call, events: [] };
    call.on('stream', (remote) => {
      if (m.video) return;
      m.events.push('stream');
      // Played, so Chromium decodes what arrives.
      m.video = document.createElement('video');
      m.video.muted = true;
      m.video.srcObject = remote;
      document.body.append(m.video);
      m.video.play().catch(() => {});
    });
    call.on('error', (e) => m.events.push('error: ' + e.message));
    call.on('close', () => m.events.push('close'));
  },
  async media() {
    const { call, events } = window.t.m;
    const pc = call.peerConnection;
    const stats = pc ? await pc.getStats() : new Map();
    let inbound = null, framesSent = 0;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video')
        inbound = { framesDecoded: s.framesDecoded || 0, frameWidth: s.frameWidth, frameHeight: s.frameHeight, codec: stats.get(s.codecId)?.mimeType };
      if (s.type === 'outbound-rtp' && s.kind === 'video') framesSent = s.framesSent || 0;
    });
    const remoteSdp = pc?.remoteDescription?.sdp || '';
    return {
      events: [...events],
      iceState: pc ? pc.iceConnectionState : 'closed',
      inbound,
      framesSent,
      pair: await pairOf(pc),
      remoteCandidates: remoteSdp.split(/\\r?\\n/).filter((l) => l.startsWith('a=candidate:')),
    };
  },
  connect(target) {
    const conn = window.t.peer.connect(target, { serialization: 'raw', reliable: true });
    const d = window.t.d = { conn, received: [] };
    conn.on('data', (v) => d.received.push(typeof v === 'string' ? v : new TextDecoder().decode(v)));
  },
  async data() {
    const { conn, received } = window.t.d;
    const remoteSdp = conn.peerConnection?.remoteDescription?.sdp || '';
    return {
      open: conn.open,
      received: [...received],
      pair: await pairOf(conn.peerConnection),
      remoteCandidates: remoteSdp.split(/\\r?\\n/).filter((l) => l.startsWith('a=candidate:')),
    };
  },
  send(text) { window.t.d.conn.send(text); },
  // Every candidate pair of the call, and the sections and candidates of its offer: what ICE tried.
  async iceReport() {
    const pc = window.t.m.call.peerConnection;
    const stats = await pc.getStats();
    const pairs = [];
    stats.forEach((s) => {
      if (s.type !== 'candidate-pair') return;
      const l = side(stats, s.localCandidateId), r = side(stats, s.remoteCandidateId);
      pairs.push(l.type + ' ' + l.address + ':' + l.port + ' -> ' + r.type + ' ' + r.address + ':' + r.port + ' ' + s.state + ' req ' + s.requestsSent + '/' + s.requestsReceived + ' resp ' + s.responsesReceived + '/' + s.responsesSent);
    });
    const lines = (pc.localDescription?.sdp || '').split(/\\r?\\n/);
    const local = lines.filter((l) => /^(m=|a=mid:|a=group:|a=candidate:|a=ice-ufrag)/.test(l));
    return { pairs, local };
  },
};
</script>`;

/** One side of the selected pair as webrtc-stats names it (RTCIceCandidateStats). */
export interface PageCandidate {
  type: string;
  address: string;
  port: number;
  protocol: string;
  relayProtocol?: string;
}

export interface PagePair {
  local: PageCandidate;
  remote: PageCandidate;
  bytesSent: number;
  bytesReceived: number;
}

/** What the page's MediaConnection sees. */
export interface PageMedia {
  /** peerjs MediaConnection events: 'stream', 'error: …', 'close'. */
  events: string[];
  iceState: string;
  inbound: { framesDecoded: number; frameWidth?: number; frameHeight?: number; codec?: string } | null;
  framesSent: number;
  pair: PagePair | null;
  /** a=candidate lines of the gateway's answer. */
  remoteCandidates: string[];
}

export interface PageData {
  open: boolean;
  /** Messages received, as text. */
  received: string[];
  pair: PagePair | null;
  /** a=candidate lines of the gateway's answer. */
  remoteCandidates: string[];
}

export class StockPeerjsPage {
  private constructor(private readonly page: Page) {}

  /** A page of `browser` whose stock peerjs client is open as `id` on the signaling server at host:port. */
  static async open(browser: TestBrowser, signaling: { host: string; port: number }, id: string, iceServers: unknown[]): Promise<StockPeerjsPage> {
    const page = await browser.newPage(PAGE);
    await page.evaluate(([host, port, peerId, servers]) => (window as any).t.open(host, port, peerId, servers), [signaling.host, signaling.port, id, iceServers] as const);
    return new StockPeerjsPage(page);
  }

  /** Calls `target` with the fake camera (320x240). */
  call(target: string): Promise<void> {
    return this.page.evaluate((id) => (window as any).t.call(id), target);
  }

  media(): Promise<PageMedia> {
    return this.page.evaluate(() => (window as any).t.media());
  }

  /** Opens a DataConnection to `target` (serialization raw: text goes as its UTF-8 bytes). */
  connect(target: string): Promise<void> {
    return this.page.evaluate((id) => (window as any).t.connect(id), target);
  }

  data(): Promise<PageData> {
    return this.page.evaluate(() => (window as any).t.data());
  }

  send(text: string): Promise<void> {
    return this.page.evaluate((t) => (window as any).t.send(t), text);
  }

  /** The call's candidate pairs (with their checks) and its offer's sections and candidates, for a failure message. */
  iceReport(): Promise<{ pairs: string[]; local: string[] }> {
    return this.page.evaluate(() => (window as any).t.iceReport());
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
