/**
 * A minimal PeerJS signaling client for the fan-out benchmark: it registers one id on gateway B's
 * signaling server and places media calls to B's answering peer on behalf of a system under test,
 * which writes the offers itself. Protocol: /work/shared/PROTOCOLS.md, "PeerJS signaling protocol".
 */
import { randomBytes } from 'node:crypto';

import WebSocket from 'ws';

/** An ICE candidate as RTCIceCandidateInit carries it. */
export interface IceCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
}

interface PendingCall {
  resolve(sdp: string): void;
  reject(error: Error): void;
  onCandidate(candidate: IceCandidate): void;
  timer: NodeJS.Timeout;
}

/** One media call in flight: B's answer, and a way to trickle the caller's candidates to B. */
export interface RelayedCall {
  connectionId: string;
  answer: Promise<string>;
  sendCandidate(candidate: IceCandidate): void;
}

/** How often a PeerJS client says it is alive (the server drops silent clients). */
export const HEARTBEAT_MS = 5_000;

/**
 * A WebSocket registered as `id` on the PeerJS server at `signalingUrl` (ws://host:port/path/),
 * once the server said OPEN; the caller sends HEARTBEATs every HEARTBEAT_MS from then on.
 */
export function openPeerjsSocket(signalingUrl: string, id: string, timeoutMs = 10_000): Promise<WebSocket> {
  const token = randomBytes(8).toString('hex');
  const url = new URL(`peerjs?key=peerjs&id=${encodeURIComponent(id)}&token=${token}`, signalingUrl);
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(`PeerJS client ${id} at ${url}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no OPEN within ${timeoutMs} ms`), timeoutMs);
    ws.once('error', (error) => fail(error.message));
    ws.once('message', (data) => {
      const message = JSON.parse(String(data));
      if (message.type !== 'OPEN') return fail(`${message.type} ${JSON.stringify(message.payload ?? {})} instead of OPEN`);
      clearTimeout(timer);
      ws.removeAllListeners('error');
      resolve(ws);
    });
  });
}

export class PeerjsRelay {
  private readonly calls = new Map<string, PendingCall>();
  private readonly answered = new Map<string, (candidate: IceCandidate) => void>();
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly ws: WebSocket,
    readonly id: string,
    /** B's peer, which calls go to unless they name another. */
    readonly target: string,
  ) {
    ws.on('message', (data) => this.receive(JSON.parse(String(data))));
    ws.on('close', () => this.failAll(new Error(`signaling connection of ${id} closed`)));
    this.heartbeat = setInterval(() => this.send({ type: 'HEARTBEAT' }), HEARTBEAT_MS);
  }

  /** Connects as `id` to the server at `signalingUrl` (ws://host:port/path/) once it says OPEN. */
  static async open(signalingUrl: string, id: string, target: string, timeoutMs = 10_000): Promise<PeerjsRelay> {
    return new PeerjsRelay(await openPeerjsSocket(signalingUrl, id, timeoutMs), id, target);
  }

  /**
   * Sends `offerSdp` to `target` (by default B's peer) as a media OFFER. The callee's CANDIDATEs
   * for the call go to `onCandidate`, before and after the answer; the answer rejects on EXPIRE
   * or after `timeoutMs`.
   */
  call(offerSdp: string, onCandidate: (candidate: IceCandidate) => void, timeoutMs = 15_000, target = this.target): RelayedCall {
    const connectionId = `mc_${randomBytes(8).toString('hex')}`;
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(connectionId);
        reject(new Error(`no ANSWER from ${target} for ${connectionId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.calls.set(connectionId, { resolve, reject, onCandidate, timer });
    });
    this.send({ type: 'OFFER', dst: target, payload: { sdp: { type: 'offer', sdp: offerSdp }, type: 'media', connectionId, metadata: {} } });
    const sendCandidate = (c: IceCandidate) =>
      this.send({ type: 'CANDIDATE', dst: target, payload: { candidate: c, type: 'media', connectionId } });
    return { connectionId, answer, sendCandidate };
  }

  /** Forgets a call (after the viewer is removed): later CANDIDATEs for it are dropped. */
  forget(connectionId: string): void {
    this.answered.delete(connectionId);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.failAll(new Error(`PeerJS relay ${this.id} closed`));
    this.ws.close();
  }

  private send(message: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private receive(message: { type: string; src?: string; payload?: any }): void {
    const connectionId: string | undefined = message.payload?.connectionId;
    switch (message.type) {
      case 'ANSWER': {
        const call = connectionId && this.calls.get(connectionId);
        if (!call) return;
        clearTimeout(call.timer);
        this.calls.delete(connectionId);
        this.answered.set(connectionId, call.onCandidate);
        // peerjs sends {sdp: {type, sdp}}; a bare string is accepted too.
        const sdp = message.payload.sdp;
        call.resolve(typeof sdp === 'string' ? sdp : sdp.sdp);
        return;
      }
      case 'CANDIDATE': {
        const forward = connectionId && (this.calls.get(connectionId)?.onCandidate ?? this.answered.get(connectionId));
        const c = message.payload.candidate;
        if (forward && c?.candidate) forward({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
        return;
      }
      case 'EXPIRE':
        // The server could not deliver to `src` within 5 s: the target is not connected.
        this.failAll(new Error(`EXPIRE: ${message.src ?? this.target} is not on the signaling server (an OFFER or CANDIDATE was not delivered)`));
        return;
      case 'LEAVE':
        if (message.src === this.target) this.failAll(new Error(`LEAVE: ${this.target} left the signaling server`));
        return;
      case 'ERROR':
        this.failAll(new Error(`signaling ERROR: ${JSON.stringify(message.payload ?? {})}`));
        return;
      default:
        return;
    }
  }

  private failAll(error: Error): void {
    for (const call of this.calls.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    this.calls.clear();
  }
}
