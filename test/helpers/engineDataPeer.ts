import assert from 'node:assert/strict';

import wrtc from '@roamhq/wrtc';
import sdpTransform from 'sdp-transform';

import { loadAddon, type RawDataOptions, type RawEngine, type RawEngineEvent, type RawTransportEvent } from '../../src/native/addon.js';
import { candidateFromSdpTransform, parseCandidateLine } from '../../src/sdp/candidateSdp.js';
import { waitFor } from './proc.js';
import { applicationSdp, type WrtcChannel } from './wrtcDataPeer.js';

const { RTCPeerConnection } = wrtc;

// Engine transports with data channels driven through the raw addon (the layer this test
// proves; the typed facade is the TypeScript side's), against libwebrtc or each other.

/** A raw engine that keeps every transport event by handle. */
export class RawDataEngine {
  readonly raw: RawEngine;
  readonly events = new Map<number, RawTransportEvent[]>();
  readonly engineEvents: RawEngineEvent[] = [];

  constructor() {
    const { Engine } = loadAddon();
    this.raw = new Engine({
      onEvents: (batch) => {
        for (const e of batch) {
          this.engineEvents.push(e);
          if (e.kind === 'transport' && e.event) this.of(e.subject).push(e.event);
        }
      },
    });
  }

  of(handle: number): RawTransportEvent[] {
    let list = this.events.get(handle);
    if (!list) this.events.set(handle, (list = []));
    return list;
  }

  createDataTransport(role: 'controlling' | 'controlled', data: RawDataOptions): { handle: number; local: ReturnType<RawEngine['createTransport']> } {
    const local = this.raw.createTransport({ role, bindAddresses: ['127.0.0.1'], dataChannels: true, data });
    this.of(local.handle);
    return { handle: local.handle, local };
  }

  /** A data port on loopback (datagrams up to 65507 bytes whole). */
  openDataPort(): { handle: number; port: number } {
    return this.raw.openUdpPort('127.0.0.1', 0, { maxDatagramBytes: 65535 });
  }

  kinds(handle: number, kind: RawTransportEvent['kind']): RawTransportEvent[] {
    return this.of(handle).filter((e) => e.kind === kind);
  }

  close(): void {
    this.raw.close();
  }
}

/**
 * wrtc offers one channel (as a PeerJS DataConnection does); the engine transport answers as
 * DTLS `ourRole` and the offered channel becomes the connection's channel.
 */
export async function connectToWrtc(
  engine: RawDataEngine,
  data: RawDataOptions,
  cleanup: (() => void)[],
  options: { ourRole?: 'client' | 'server'; channel?: RTCDataChannelInit } = {},
): Promise<{ pc: RTCPeerConnection; handle: number; channel: WrtcChannel; stream: number }> {
  const ourRole = options.ourRole ?? 'client';
  const pc = new RTCPeerConnection();
  cleanup.push(() => pc.close());
  const channel = pc.createDataChannel('dc_peerjs', options.channel ?? {});
  const { handle, local } = engine.createDataTransport('controlled', data);
  cleanup.push(() => engine.raw.closeTransport(handle));
  pc.onicecandidate = ({ candidate }: { candidate: { candidate: string } | null }) => {
    const c = candidate ? parseCandidateLine(candidate.candidate) : undefined;
    if (c && c.ip === '127.0.0.1') engine.raw.transportAddCandidate(handle, c);
  };
  await pc.setLocalDescription(await pc.createOffer());
  const offer = sdpTransform.parse(pc.localDescription!.sdp);
  const media = offer.media.find((m) => m.type === 'application');
  assert.ok(media?.iceUfrag && media.icePwd);
  const fingerprint = media.fingerprint ?? offer.fingerprint;
  assert.ok(fingerprint);
  // sdp-transform turns an all-digit value (a ufrag such as 4821) into a number.
  engine.raw.transportSetRemote(handle, { ufrag: String(media.iceUfrag), password: String(media.icePwd), fingerprintAlgorithm: 'sha-256', fingerprint: fingerprint.hash, dtlsRole: ourRole });
  for (const c of (media.candidates ?? []).map(candidateFromSdpTransform)) {
    if (c && c.ip === '127.0.0.1') engine.raw.transportAddCandidate(handle, c);
  }
  await pc.setRemoteDescription({ type: 'answer', sdp: applicationSdp(local, ourRole === 'client' ? 'active' : 'passive', String(media.mid ?? '0')) });
  await waitFor(() => engine.kinds(handle, 'data-channel-open').length > 0 && channel.readyState === 'open', 15000, 'the wrtc channel open on both sides');
  const stream = engine.kinds(handle, 'data-channel-open')[0]!.stream!;
  return { pc, handle, channel, stream };
}

/** Two engine transports (on one engine or two) signalled to each other; `a` is the DTLS client and opens the channel. */
export async function connectEngines(
  a: RawDataEngine,
  b: RawDataEngine,
  data: RawDataOptions,
  channel: { label?: string; negotiatedId?: number } = {},
): Promise<{ x: number; y: number; stream: number }> {
  const x = a.createDataTransport('controlling', data);
  const y = b.createDataTransport('controlled', data);
  const remote = (l: typeof x.local, dtlsRole: 'client' | 'server') => ({ ufrag: l.ufrag, password: l.password, fingerprintAlgorithm: 'sha-256', fingerprint: l.fingerprint, dtlsRole });
  a.raw.transportSetRemote(x.handle, remote(y.local, 'server'));
  b.raw.transportSetRemote(y.handle, remote(x.local, 'client'));
  for (const c of y.local.candidates) a.raw.transportAddCandidate(x.handle, c);
  for (const c of x.local.candidates) b.raw.transportAddCandidate(y.handle, c);
  await waitFor(() => a.kinds(x.handle, 'sctp-up').length > 0 && b.kinds(y.handle, 'sctp-up').length > 0, 10000, 'SCTP up on both');
  const options = { label: channel.label ?? 'dc', ordered: true, ...(channel.negotiatedId !== undefined && { negotiatedId: channel.negotiatedId }) };
  const stream = a.raw.transportOpenDataChannel(x.handle, options);
  assert.ok(stream !== null);
  if (channel.negotiatedId !== undefined) assert.equal(b.raw.transportOpenDataChannel(y.handle, options), channel.negotiatedId);
  await waitFor(() => a.raw.transportDataStats(x.handle).open && b.raw.transportDataStats(y.handle).open, 10000, 'the channel open on both');
  return { x: x.handle, y: y.handle, stream };
}
