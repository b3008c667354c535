/**
 * System under test: node-datachannel (libdatachannel) forwarding in JS. One PeerConnection per
 * viewer with a send-only VP8 and Opus track; every received RTP packet goes to every open track
 * with `track.sendMessageBinary`, which hands it to libdatachannel's media handler chain and then
 * SRTP, on libdatachannel's own threads.
 *
 * SSRCs: every viewer's tracks announce the same two SSRCs, so the source's SSRC is rewritten once
 * per received packet (in place, before the fan-out) and no per-viewer header rewrite is needed.
 * Sequence numbers and timestamps pass through as the source wrote them.
 *
 * Each track's handler chain is what libdatachannel's media examples use for a sender:
 * RtcpSrReporter (sender reports, so the viewer can map RTP time to wall clock) followed by
 * RtcpNackResponder, which keeps the last packets sent on the track and answers the viewer's NACKs
 * with them (this system does handle NACKs). Each chain sees the packet already rewritten.
 *
 * Usage (forked by SystemProcess): nodeDatachannel.ts
 */
import nodeDataChannel, { type PeerConnection, type Track } from 'node-datachannel';

import type { IceCandidate } from '../peerjsRelay.js';
import { hostSystem, type Counters, type ForwardingSystem, type MediaKind, type ViewerEvents } from './systemHost.js';

const { Audio, PeerConnection: Pc, RtcpNackResponder, RtcpSrReporter, RtpPacketizationConfig, Video } = nodeDataChannel;

const VIDEO_PT = 96;
const AUDIO_PT = 111;
const SSRC = { video: 0x5f0d0001, audio: 0x5f0d0002 };
const CNAME = 'fanout-ndc';
const STREAM = 'fanout';

interface Viewer {
  pc: PeerConnection;
  video: Track;
  audio: Track;
}

/** A send-only track of `kind` on `pc` with the SR reporter and NACK responder chain. */
function addSendTrack(pc: PeerConnection, kind: MediaKind): Track {
  const media = kind === 'video' ? new Video('0', 'SendOnly') : new Audio('1', 'SendOnly');
  if (media instanceof Video) media.addVP8Codec(VIDEO_PT);
  else media.addOpusCodec(AUDIO_PT);
  media.addSSRC(SSRC[kind], CNAME, STREAM, `fanout-${kind}`);
  const track = pc.addTrack(media);
  const config = new RtpPacketizationConfig(SSRC[kind], CNAME, kind === 'video' ? VIDEO_PT : AUDIO_PT, kind === 'video' ? 90_000 : 48_000);
  const reporter = new RtcpSrReporter(config);
  reporter.addToChain(new RtcpNackResponder());
  track.setMediaHandler(reporter);
  return track;
}

class NodeDatachannelSystem implements ForwardingSystem {
  private readonly viewers = new Map<string, Viewer>();
  /** Viewers whose two tracks are open: the fan-out list, kept as an array for the hot loop. */
  private open: Viewer[] = [];

  createViewer(viewer: string, events: ViewerEvents): Promise<string> {
    const pc = new Pc(viewer, { iceServers: [], bindAddress: '127.0.0.1' });
    const v: Viewer = { pc, video: addSendTrack(pc, 'video'), audio: addSendTrack(pc, 'audio') };
    this.viewers.set(viewer, v);
    let opened = 0;
    const onOpen = () => {
      if (++opened < 2) return;
      this.open.push(v);
      events.connected();
    };
    v.video.onOpen(onOpen);
    v.audio.onOpen(onOpen);
    // libdatachannel writes candidates as SDP lines ("a=candidate:…"); RTCIceCandidateInit has no "a=".
    pc.onLocalCandidate((candidate, mid) => events.candidate({ candidate: candidate.replace(/^a=/, ''), sdpMid: mid, sdpMLineIndex: Number(mid) }));
    const offer = new Promise<string>((resolve) => pc.onLocalDescription((sdp) => resolve(sdp)));
    pc.setLocalDescription();
    return offer;
  }

  async applyAnswer(viewer: string, sdp: string): Promise<void> {
    this.get(viewer).pc.setRemoteDescription(sdp, 'answer');
  }

  addCandidate(viewer: string, candidate: IceCandidate): void {
    this.get(viewer).pc.addRemoteCandidate(candidate.candidate, candidate.sdpMid ?? '0');
  }

  removeViewer(viewer: string): void {
    const v = this.get(viewer);
    this.viewers.delete(viewer);
    this.open = this.open.filter((o) => o !== v);
    v.pc.close();
  }

  forward(kind: MediaKind, packet: Buffer, counters: Counters): void {
    if (packet.length < 12) return;
    packet.writeUInt32BE(SSRC[kind], 8);
    for (const v of this.open) {
      try {
        if (v[kind].sendMessageBinary(packet)) counters.forwarded++;
        else counters.errors++;
      } catch {
        counters.errors++;
      }
    }
  }

  close(): void {
    for (const v of this.viewers.values()) v.pc.close();
    this.viewers.clear();
    this.open = [];
    nodeDataChannel.cleanup();
  }

  private get(viewer: string): Viewer {
    const v = this.viewers.get(viewer);
    if (!v) throw new Error(`no viewer ${viewer}`);
    return v;
  }
}

await hostSystem(new NodeDatachannelSystem());
