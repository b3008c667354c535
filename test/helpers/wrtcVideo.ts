import wrtc from '@roamhq/wrtc';

import type { NativeTransport } from '../../src/native/NativeTransport.js';
import { candidateFromSdp, parseRemoteVideo, tinyVideoSdp, type RemoteVideoDescription } from './tinySdp.js';

// libwebrtc (@roamhq/wrtc) video peers facing a native transport directly, with the tiny SDP of
// tinySdp.ts. Only for files under test/interop/ (they run with --test-force-exit, run.js says why).

const { RTCPeerConnection, nonstandard } = wrtc;
export type WrtcPeerConnection = InstanceType<typeof RTCPeerConnection>;
type VideoSource = InstanceType<typeof nonstandard.RTCVideoSource>;

export const WIDTH = 320;
export const HEIGHT = 240;

/** A moving test pattern (I420), so the encoder has real work and keeps producing frames. */
function frame(n: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(WIDTH * HEIGHT * 1.5);
  for (let y = 0; y < HEIGHT; y++) data.fill((y + n * 4) & 0xff, y * WIDTH, (y + 1) * WIDTH);
  data.fill(128, WIDTH * HEIGHT);
  return { width: WIDTH, height: HEIGHT, data };
}

/** A peer connection with one sendonly video track fed by `source`; closing goes on `cleanup`. */
export function videoSender(cleanup: (() => void)[]): { pc: WrtcPeerConnection; source: VideoSource } {
  const pc = new RTCPeerConnection();
  cleanup.push(() => pc.close());
  const source = new nonstandard.RTCVideoSource();
  const track = source.createTrack();
  cleanup.push(() => track.stop());
  pc.addTransceiver(track, { direction: 'sendonly' });
  return { pc, source };
}

/** Feeds `source` a frame every 33 ms until `cleanup` runs. */
export function sendFrames(source: VideoSource, cleanup: (() => void)[]): void {
  let n = 0;
  const timer = setInterval(() => source.onFrame(frame(n++)), 33);
  cleanup.push(() => clearInterval(timer));
}

/** Trickles the peer connection's loopback UDP candidates to a native transport. */
export function trickleTo(pc: WrtcPeerConnection, transport: NativeTransport): void {
  pc.onicecandidate = ({ candidate }: { candidate: { candidate: string } | null }) => {
    const c = candidate ? candidateFromSdp(candidate.candidate) : undefined;
    // Loopback only: the test's traffic never leaves the machine's lo interface.
    if (c && c.ip === '127.0.0.1' && !transport.isClosed) transport.addRemoteCandidate(c);
  };
}

/**
 * `pc` offers and `transport` takes the offer as its remote side (ICE credentials, fingerprint,
 * `dtlsRole`, the loopback candidates in it and those trickled later). Returns the offer.
 */
export async function offerTo(pc: WrtcPeerConnection, transport: NativeTransport, dtlsRole: 'client' | 'server'): Promise<RemoteVideoDescription> {
  trickleTo(pc, transport);
  await pc.setLocalDescription(await pc.createOffer());
  const offer = parseRemoteVideo(pc.localDescription!.sdp);
  transport.setRemote({ ufrag: offer.ufrag, password: offer.password, fingerprintAlgorithm: 'sha-256', fingerprint: offer.fingerprint, dtlsRole });
  for (const c of offer.candidates) if (c.ip === '127.0.0.1') transport.addRemoteCandidate(c);
  return offer;
}

/** Answers a sending peer's offer for `transport`, receiving only (a=setup:`setup`). */
export async function answerReceiving(pc: WrtcPeerConnection, transport: NativeTransport, offer: RemoteVideoDescription, setup: 'active' | 'passive'): Promise<void> {
  await pc.setRemoteDescription({
    type: 'answer',
    sdp: tinyVideoSdp({ local: transport.local, setup, direction: 'recvonly', mid: offer.mid, payloadType: offer.vp8PayloadType }),
  });
}
