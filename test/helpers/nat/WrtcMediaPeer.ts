// The remote peer of a media call with the gateway: wrtcMediaPeerChild.ts (the stock peerjs client
// on libwebrtc, answering with a camera, counting decoded frames) in a child process on a host of
// the NAT topology. libwebrtc never runs in the test process, so a NAT file using it exits by itself.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { stopChild } from '../netns/childProcess.js';
import { JsonLineEvents, type JsonEvent } from './JsonLineEvents.js';
import type { NatHost } from './NatTopology.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = 'test/helpers/nat/wrtcMediaPeerChild.ts';

export interface MediaPeerCandidate {
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  protocol: 'udp' | 'tcp';
  address: string;
  port: number;
  relayProtocol: 'udp' | 'tcp' | 'tls' | null;
}

export interface MediaPeerStats {
  /** Frames decoded from the gateway's video (an RTCVideoSink's), and the size of the last. */
  sinkFrames: number;
  frameSize: string | null;
  /** The longest wait for a decoded frame since the last reset (a running stall included), ms. */
  maxFrameGapMs: number | null;
  sinceLastFrameMs: number | null;
  inbound: { packetsReceived: number; packetsLost: number; framesDecoded: number; nackCount: number } | null;
  outbound: { packetsSent: number; framesEncoded: number } | null;
  selected: { local: MediaPeerCandidate; remote: MediaPeerCandidate; bytesSent: number; bytesReceived: number } | null;
}

export interface MediaPeerOptions {
  /** The gateway's PeerJS server as the peer reaches it ("203.0.113.10:port"). */
  server: string;
  id: string;
  /** RTCConfiguration: its STUN/TURN servers and policy. */
  config: { iceServers: { urls: string; username?: string; credential?: string }[]; iceTransportPolicy?: 'all' | 'relay' };
}

export class WrtcMediaPeer {
  readonly events = new JsonLineEvents();
  private stderrText = '';
  private statsRequests = 0;

  private constructor(
    readonly id: string,
    private readonly child: ChildProcess,
  ) {
    this.events.attach(child.stdout!);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderrText.length < 8192) this.stderrText += chunk.toString();
    });
  }

  /** Starts the peer on `host` and waits until it is registered on the PeerJS server (`timeoutMs`). */
  static async start(host: NatHost, options: MediaPeerOptions, timeoutMs = 15_000): Promise<WrtcMediaPeer> {
    const args = ['--import', 'tsx', SCRIPT, '--server', options.server, '--id', options.id, '--config', JSON.stringify(options.config)];
    const child = host.netns.spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const peer = new WrtcMediaPeer(options.id, child);
    try {
      await peer.events.waitFor(timeoutMs, `${options.id} to register on ${options.server}`, (e) => e.event === 'open' || (e.event === 'error' && e['type'] !== 'command'));
      const failed = peer.errors()[0];
      if (failed) throw new Error(`${options.id} could not register: ${JSON.stringify(failed)}`);
    } catch (e) {
      await peer.stop();
      throw new Error(`${(e as Error).message}; stderr: ${peer.stderr()}`);
    }
    return peer;
  }

  /** peerjs and command errors so far. */
  errors(): JsonEvent[] {
    return this.events.all().filter((e) => e.event === 'error');
  }

  stderr(): string {
    return this.stderrText;
  }

  /** Its stats; with `resetGaps`, frame gaps are measured afresh from this moment on. */
  async stats(o: { resetGaps?: boolean } = {}, timeoutMs = 5000): Promise<MediaPeerStats> {
    const id = ++this.statsRequests;
    if (this.child.stdin!.writable) this.child.stdin!.write(`${JSON.stringify({ cmd: 'stats', id, resetGaps: o.resetGaps ?? false })}\n`);
    const e = await this.events.waitFor(timeoutMs, `${this.id}'s stats`, (ev) => ev.event === 'stats' && ev['id'] === id);
    return e as unknown as MediaPeerStats;
  }

  /** Closes its stdin (it exits on that); SIGKILL after 3 s. */
  async stop(): Promise<void> {
    this.child.stdin!.end();
    await stopChild(this.child, 3000);
  }
}
