/**
 * System under test: werift (WebRTC in pure TypeScript) forwarding. One RTCPeerConnection per
 * viewer with a send-only VP8 and Opus transceiver; every received RTP packet is parsed once and
 * handed to every connected viewer's `RTCRtpSender.sendRtp`.
 *
 * Per-viewer header rewrite: werift requires it. sendRtp clones the packet and writes the sender's
 * own SSRC, the negotiated payload type and its header extensions into the copy before SRTP, for
 * every sender; there is no way to hand it ready-made packets. (Sharing one MediaStreamTrack and
 * `track.writeRtp` does the same per sender; calling sendRtp ourselves lets us count errors.)
 *
 * RTCP is werift's own: each sender sends SRs and answers NACKs from its packet cache (werift
 * does this always, so this system does handle NACKs), and receives PLI and REMB.
 *
 * Usage (forked by SystemProcess): werift.ts
 */
import { RTCPeerConnection, RTCRtpCodecParameters, RtpPacket, useNACK, usePLI, type RTCRtpSender } from 'werift';

import type { IceCandidate } from '../peerjsRelay.js';
import { hostSystem, type Counters, type ForwardingSystem, type MediaKind, type ViewerEvents } from './systemHost.js';

interface Viewer {
  pc: RTCPeerConnection;
  senders: Record<MediaKind, RTCRtpSender>;
}

const codecs = () => ({
  video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96, rtcpFeedback: [useNACK(), usePLI()] })],
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2, payloadType: 111 })],
});

class WeriftSystem implements ForwardingSystem {
  private readonly viewers = new Map<string, Viewer>();
  /** Viewers whose DTLS is up: the fan-out list, kept as an array for the hot loop. */
  private connected: Viewer[] = [];

  async createViewer(viewer: string, events: ViewerEvents): Promise<string> {
    const pc = new RTCPeerConnection({
      codecs: codecs(),
      // One transport for both sections, as B answers with BUNDLE (werift's default gathers one
      // per section).
      bundlePolicy: 'max-bundle',
      // Loopback, like gateway B: sockets on 127.0.0.1, which werift only offers as a candidate
      // when named as an additional host address; no IPv6, no TCP.
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceUseIpv6: false,
      iceUseTcp: false,
      // werift's ICE asks stun.l.google.com when no STUN server is given (even with iceServers: []),
      // and gathering waits for it: with no DNS here, offers took 5 s once a dozen were under way.
      // A STUN address on loopback that nobody answers, and no waiting for it, keep setup local.
      iceServers: [{ urls: 'stun:127.0.0.1:9' }],
      iceStunGatherTimeout: 0,
    });
    const senders = {
      video: pc.addTransceiver('video', { direction: 'sendonly' }).sender,
      audio: pc.addTransceiver('audio', { direction: 'sendonly' }).sender,
    };
    const v: Viewer = { pc, senders };
    this.viewers.set(viewer, v);
    pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected' || this.connected.includes(v)) return;
      this.connected.push(v);
      events.connected();
    });
    pc.onIceCandidate.subscribe((c) => {
      if (c?.candidate) events.candidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
    });
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription!.sdp;
  }

  async applyAnswer(viewer: string, sdp: string): Promise<void> {
    await this.get(viewer).pc.setRemoteDescription({ type: 'answer', sdp });
  }

  addCandidate(viewer: string, candidate: IceCandidate): void {
    this.get(viewer)
      .pc.addIceCandidate({ candidate: candidate.candidate, sdpMid: candidate.sdpMid ?? undefined, sdpMLineIndex: candidate.sdpMLineIndex ?? undefined })
      .catch((error) => console.error(`werift: ${viewer} refused candidate ${candidate.candidate}:`, error));
  }

  removeViewer(viewer: string): void {
    const v = this.get(viewer);
    this.viewers.delete(viewer);
    this.connected = this.connected.filter((c) => c !== v);
    void v.pc.close();
  }

  forward(kind: MediaKind, packet: Buffer, counters: Counters): void {
    let rtp: RtpPacket;
    try {
      rtp = RtpPacket.deSerialize(packet);
    } catch {
      return;
    }
    // sendRtp is async (SRTP, then the socket): a packet counts once its send has settled.
    const sent = () => counters.forwarded++;
    const failed = () => counters.errors++;
    for (const v of this.connected) v.senders[kind].sendRtp(rtp).then(sent, failed);
  }

  close(): void {
    for (const v of this.viewers.values()) void v.pc.close();
    this.viewers.clear();
    this.connected = [];
  }

  private get(viewer: string): Viewer {
    const v = this.viewers.get(viewer);
    if (!v) throw new Error(`no viewer ${viewer}`);
    return v;
  }
}

await hostSystem(new WeriftSystem());
