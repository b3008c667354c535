/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import { NativeEngine } from '../../src/native/NativeEngine.js';
import type { NativeTransport } from '../../src/native/NativeTransport.js';
import { launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { waitFor } from '../helpers/proc.js';
import { parseRemoteVideo, tinyVideoSdp } from '../helpers/tinySdp.js';

function connected(transport: NativeTransport): Promise<string> {
  return new Promise((resolve, reject) => {
    transport.onEvent((e) => {
      if (e.kind === 'connected') resolve(e.text);
      if (e.kind === 'failed') reject(new Error(e.text));
    });
  });
}

/** The page's camera (Chromium's fake device) in an offer; its RTCPeerConnection stays on window.pc. */
async function cameraOffer(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    (window as unknown as { pc: RTCPeerConnection }).pc = pc;
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    pc.addTrack(stream.getVideoTracks()[0]!, stream);
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 2000);
    });
    return pc.localDescription!.sdp;
  });
}

/** Answers an offer in the page and keeps decoding stats of what arrives. */
async function viewerAnswer(page: Page, offer: string): Promise<string> {
  return page.evaluate(async (sdp) => {
    const pc = new RTCPeerConnection();
    (window as unknown as { pc: RTCPeerConnection }).pc = pc;
    pc.ontrack = ({ streams, track }) => {
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      video.srcObject = streams[0] ?? new MediaStream([track]);
      document.body.append(video);
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 2000);
    });
    return pc.localDescription!.sdp;
  }, offer);
}

async function inboundVideo(page: Page): Promise<{ framesDecoded: number; frameWidth: number; frameHeight: number; srtpCipher: string }> {
  return page.evaluate(async () => {
    const stats = await (window as unknown as { pc: RTCPeerConnection }).pc.getStats();
    let framesDecoded = 0;
    let frameWidth = 0;
    let frameHeight = 0;
    let srtpCipher = '';
    stats.forEach((s: Record<string, unknown>) => {
      if (s['type'] === 'inbound-rtp' && s['kind'] === 'video') {
        framesDecoded = Number(s['framesDecoded'] ?? 0);
        frameWidth = Number(s['frameWidth'] ?? 0);
        frameHeight = Number(s['frameHeight'] ?? 0);
      }
      if (s['type'] === 'transport') srtpCipher = String(s['srtpCipher'] ?? '');
    });
    return { framesDecoded, frameWidth, frameHeight, srtpCipher };
  });
}

describe('native transport against headless Chromium', () => {
  let chromium: TestBrowser;
  const engine = new NativeEngine();
  before(async () => {
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium.close();
    engine.close();
  });

  // As DTLS server we choose the profile: GCM, which Chromium offers. As DTLS client Chromium
  // chooses, and it picks AES-CM: both suites and both roles against libwebrtc.
  for (const { answerSetup, profile } of [
    { answerSetup: 'passive', profile: 'AEAD_AES_128_GCM' },
    { answerSetup: 'active', profile: 'AES_CM_128_HMAC_SHA1_80' },
  ] as const) {
    it(`Chromium camera -> ${profile} (we are DTLS ${answerSetup === 'passive' ? 'server' : 'client'}) -> relay -> Chromium viewer decodes`, async () => {
      const cleanup: (() => void)[] = [];
      const camera = await chromium.newPage();
      const viewer = await chromium.newPage();
      try {
        const offer = parseRemoteVideo(await cameraOffer(camera));
        assert.ok(offer.ssrc);
        const a = engine.createTransport({ role: 'controlled', bindAddresses: ['127.0.0.1'] });
        cleanup.push(() => a.close());
        a.setRemote({ ufrag: offer.ufrag, password: offer.password, fingerprintAlgorithm: 'sha-256', fingerprint: offer.fingerprint, dtlsRole: answerSetup === 'active' ? 'client' : 'server' });
        for (const c of offer.candidates) if (c.ip === '127.0.0.1') a.addRemoteCandidate(c);
        const aUp = connected(a);
        await camera.evaluate(async (sdp) => {
          await (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription({ type: 'answer', sdp });
        }, tinyVideoSdp({ local: a.local, setup: answerSetup, direction: 'recvonly', mid: offer.mid, payloadType: offer.vp8PayloadType }));

        const b = engine.createTransport({ role: 'controlling', bindAddresses: ['127.0.0.1'] });
        cleanup.push(() => b.close());
        const answer = parseRemoteVideo(
          await viewerAnswer(viewer, tinyVideoSdp({ local: b.local, setup: 'actpass', direction: 'sendonly', mid: '0', payloadType: 96, ssrc: offer.ssrc })),
        );
        b.setRemote({ ufrag: answer.ufrag, password: answer.password, fingerprintAlgorithm: 'sha-256', fingerprint: answer.fingerprint, dtlsRole: answer.setup === 'active' ? 'server' : 'client' });
        for (const c of answer.candidates) if (c.ip === '127.0.0.1') b.addRemoteCandidate(c);
        const bUp = connected(b);

        // Camera RTP, decrypted by A, checked by a tap, fed to B through port P; the viewer's
        // RTCP (its keyframe requests) goes back to the camera through RTCP port R.
        const port = engine.openUdpPort('127.0.0.1', 0);
        const rtcpPort = engine.openUdpPort('127.0.0.1', 0);
        cleanup.push(() => engine.closeUdpPort(port.handle), () => engine.closeUdpPort(rtcpPort.handle));
        engine.attachPort(port.handle, b.handle, 'rtp', 'video');
        engine.attachPort(rtcpPort.handle, a.handle, 'rtcp', 'video');
        b.setRedirect('rtcp', 'video', { ip: '127.0.0.1', port: rtcpPort.port });
        const tap = createSocket('udp4');
        cleanup.push(() => tap.close());
        await new Promise<void>((r) => tap.bind(0, '127.0.0.1', () => r()));
        let badHeaders = 0;
        let packets = 0;
        tap.on('message', (m) => {
          packets++;
          if (m[0]! >> 6 !== 2 || (m[1]! & 0x7f) !== offer.vp8PayloadType || m.readUInt32BE(8) !== offer.ssrc) badHeaders++;
          tap.send(m, port.port, '127.0.0.1');
        });
        a.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: tap.address().port });

        assert.equal(await aUp, profile);
        assert.equal(await bUp, 'AEAD_AES_128_GCM', 'as DTLS server towards the viewer we pick GCM');
        await waitFor(async () => (await inboundVideo(viewer)).framesDecoded >= 30, 20000, 'the viewer decodes 30 frames');
        const v = await inboundVideo(viewer);
        assert.equal(v.frameWidth, 320);
        assert.equal(v.frameHeight, 240);
        assert.equal(v.srtpCipher, 'SRTP_AEAD_AES_128_GCM');
        assert.ok(packets > 30);
        assert.equal(badHeaders, 0);
        assert.equal(a.stats().srtpProfile, profile);
      } finally {
        for (const f of cleanup.reverse()) f();
        await camera.close();
        await viewer.close();
      }
    });
  }
});
