import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';

/**
 * The stock `peerjs` client in Node: it probes WebRTC support when its module loads, so the
 * libwebrtc globals (from @roamhq/wrtc) and WebSocket (from ws) are installed before the import.
 */
export async function loadStockPeerjs(): Promise<typeof import('peerjs').Peer> {
  const g = globalThis as Record<string, unknown>;
  g['RTCPeerConnection'] ??= wrtc.RTCPeerConnection;
  g['RTCSessionDescription'] ??= wrtc.RTCSessionDescription;
  g['RTCIceCandidate'] ??= wrtc.RTCIceCandidate;
  g['WebSocket'] ??= WebSocket;
  // Node's ESM loader sees peerjs's CommonJS build as { default: exports }; tsx also lifts the
  // named exports. Either way the constructor is there.
  const mod = (await import('peerjs')) as unknown as { Peer?: unknown; default?: { Peer?: unknown } };
  return (mod.Peer ?? mod.default?.Peer) as typeof import('peerjs').Peer;
}

/** Where a stock client finds a server: host, port and path from a ws:// URL. */
export function peerjsOptions(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), path: u.pathname, secure: false, debug: 0, ...extra };
}

/** Resolves once a stock client's peer is open on its server; rejects on its first error before that. */
export function peerOpen(peer: { on(event: 'open' | 'error', listener: (value: unknown) => void): unknown }): Promise<void> {
  return new Promise((resolve, reject) => {
    peer.on('open', () => resolve());
    peer.on('error', reject);
  });
}
