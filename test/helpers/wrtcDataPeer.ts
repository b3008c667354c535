import assert from 'node:assert/strict';

import wrtc from '@roamhq/wrtc';
import sdpTransform from 'sdp-transform';

import type { RawCandidate, SrtpProfileName } from '../../src/native/addon.js';
import { candidateFromSdpTransform, parseCandidateLine } from '../../src/sdp/candidateSdp.js';
import type { RawDataChannelEvent } from './native/testAddon.js';
import { waitFor } from './proc.js';
import { SansIoOverUdp } from './sansIoOverUdp.js';

const { RTCPeerConnection } = wrtc;

// A libwebrtc (@roamhq/wrtc) data-channel peer for the native transport's SCTP: an m=application
// answer written by hand (a=sctp-port, a=max-message-size) and the channels wrtc offers. Tests only.

export type WrtcChannel = RTCDataChannel;

/** A message as it arrived: a string, or binary as a Buffer. */
export type Received = string | Buffer;

export function collect(channel: WrtcChannel): Received[] {
  const got: Received[] = [];
  channel.binaryType = 'arraybuffer';
  channel.onmessage = ({ data }: MessageEvent<string | ArrayBuffer>) => got.push(typeof data === 'string' ? data : Buffer.from(data));
  return got;
}

export function sendFromWrtc(channel: WrtcChannel, m: Received): void {
  if (typeof m === 'string') channel.send(m);
  else channel.send(new Uint8Array(m));
}

export function applicationSdp(local: { ufrag: string; password: string; fingerprint: string; candidates: RawCandidate[] }, setup: string, mid: string): string {
  const lines = [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${mid}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${local.ufrag}`,
    `a=ice-pwd:${local.password}`,
    `a=fingerprint:sha-256 ${local.fingerprint}`,
    `a=setup:${setup}`,
    `a=mid:${mid}`,
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    ...local.candidates.map((c) => `a=${c.sdp}`),
    'a=end-of-candidates',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export function gatewayMessages(events: RawDataChannelEvent[], stream: number): Received[] {
  return events
    .filter((e) => e.kind === 'message' && e.stream === stream)
    .map((e) => (e.binary ? e.data! : e.data!.toString('utf8')));
}

export interface Connected {
  pc: RTCPeerConnection;
  gw: SansIoOverUdp;
  wrtcOrdered: WrtcChannel;
  wrtcUnordered: WrtcChannel;
  gatewayChannels: WrtcChannel[];
}

/**
 * wrtc offers three channels (ordered with a protocol, unordered without retransmissions, one with a
 * 500 ms lifetime); the sans-IO transport on a loopback socket answers in `ourRole`.
 */
export async function connect(ourRole: 'client' | 'server', srtpProfiles: readonly SrtpProfileName[] | undefined, cleanup: (() => void)[]): Promise<Connected> {
  const pc = new RTCPeerConnection();
  cleanup.push(() => pc.close());
  const wrtcOrdered = pc.createDataChannel('from-wrtc', { protocol: 'chat' });
  const wrtcUnordered = pc.createDataChannel('wrtc-unordered', { ordered: false, maxRetransmits: 0 });
  pc.createDataChannel('wrtc-timed', { maxPacketLifeTime: 500 });
  const gatewayChannels: WrtcChannel[] = [];
  pc.ondatachannel = ({ channel }) => {
    gatewayChannels.push(channel);
  };
  const gw = await SansIoOverUdp.open({ role: 'controlled', dataChannels: true, ...(srtpProfiles && { srtpProfiles: [...srtpProfiles] }) });
  cleanup.push(() => gw.close());
  // Before DTLS and SCTP: nothing can be opened or sent.
  assert.equal(gw.transport.openDataChannel('early', '', {}), null);
  assert.equal(gw.transport.sendData(0, 'early'), 'not-connected');
  pc.onicecandidate = ({ candidate }: { candidate: { candidate: string } | null }) => {
    const c = candidate ? parseCandidateLine(candidate.candidate) : undefined;
    if (c && c.ip === '127.0.0.1') gw.transport.addRemoteCandidate(SansIoOverUdp.nowUs(), c);
  };
  await pc.setLocalDescription(await pc.createOffer());
  const offer = sdpTransform.parse(pc.localDescription!.sdp);
  const media = offer.media.find((m) => m.type === 'application');
  assert.ok(media?.iceUfrag && media.icePwd, 'wrtc offers an m=application with ICE credentials');
  const fingerprint = media.fingerprint ?? offer.fingerprint;
  assert.ok(fingerprint);
  gw.transport.setRemoteParameters(SansIoOverUdp.nowUs(), {
    // sdp-transform turns an all-digit value (a ufrag such as 4821) into a number.
    ufrag: String(media.iceUfrag),
    password: String(media.icePwd),
    fingerprintAlgorithm: 'sha-256',
    fingerprint: fingerprint.hash,
    dtlsRole: ourRole,
  });
  for (const c of (media.candidates ?? []).map(candidateFromSdpTransform)) {
    if (c && c.ip === '127.0.0.1') gw.transport.addRemoteCandidate(SansIoOverUdp.nowUs(), c);
  }
  const local = gw.transport.localParameters();
  await pc.setRemoteDescription({ type: 'answer', sdp: applicationSdp(local, ourRole === 'client' ? 'active' : 'passive', String(media.mid ?? '0')) });
  gw.flush();
  await waitFor(() => gw.dataEvents.filter((e) => e.kind === 'channel-opened').length >= 3, 15000, 'the three wrtc channels opened natively');
  return { pc, gw, wrtcOrdered, wrtcUnordered, gatewayChannels };
}
