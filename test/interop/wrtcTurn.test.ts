import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import wrtc from '@roamhq/wrtc';

import { NativeEngine } from '../../src/native/NativeEngine.js';
import { Coturn } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { candidateFromSdp, parseRemoteVideo, tinyVideoSdp } from '../helpers/tinySdp.js';

const { RTCPeerConnection, nonstandard } = wrtc;
const WIDTH = 320;
const HEIGHT = 240;

function frame(n: number): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(WIDTH * HEIGHT * 1.5);
  for (let y = 0; y < HEIGHT; y++) data.fill((y + n * 4) & 0xff, y * WIDTH, (y + 1) * WIDTH);
  data.fill(128, WIDTH * HEIGHT);
  return { width: WIDTH, height: HEIGHT, data };
}

// libwebrtc as the peer of a relayOnly native transport: its checks, DTLS and SRTP reach the
// gateway only through coturn's relayed address, and it sees the relay as its remote candidate.
describe('a relayOnly native transport with libwebrtc (@roamhq/wrtc) as the peer', () => {
  const engine = new NativeEngine();
  let turn: Coturn;
  before(async () => {
    turn = await Coturn.start({ users: [{ username: 'gw', password: 'secret' }] });
  });
  after(async () => {
    engine.close();
    await turn.stop();
  });

  it('wrtc VP8 reaches the gateway through the relay: ICE, DTLS, SRTP and RTCP over TURN', async () => {
    const cleanup: (() => void)[] = [];
    try {
      const sender = new RTCPeerConnection();
      cleanup.push(() => sender.close());
      const source = new nonstandard.RTCVideoSource();
      const track = source.createTrack();
      cleanup.push(() => track.stop());
      sender.addTransceiver(track, { direction: 'sendonly' });
      const gw = engine.createTransport({
        role: 'controlled',
        bindAddresses: ['127.0.0.1'],
        relayOnly: true,
        turnServers: [{ ip: turn.ip, port: turn.port, transport: 'udp', host: 'localhost', username: 'gw', credential: 'secret', url: turn.url('udp') }],
      });
      cleanup.push(() => gw.close());
      const events: string[] = [];
      sender.onicecandidate = ({ candidate }: { candidate: { candidate: string } | null }) => {
        const c = candidate ? candidateFromSdp(candidate.candidate) : undefined;
        if (c && c.ip === '127.0.0.1' && !gw.isClosed) gw.addRemoteCandidate(c);
      };
      await sender.setLocalDescription(await sender.createOffer());
      const offer = parseRemoteVideo(sender.localDescription!.sdp);
      gw.setRemote({ ufrag: offer.ufrag, password: offer.password, fingerprintAlgorithm: 'sha-256', fingerprint: offer.fingerprint, dtlsRole: 'client' });
      for (const c of offer.candidates) if (c.ip === '127.0.0.1') gw.addRemoteCandidate(c);
      assert.deepEqual(gw.local.candidates, []);
      const trickled: Promise<void>[] = [];
      gw.onEvent((e) => {
        events.push(`${e.kind}:${e.text}`);
        if (e.kind === 'local-candidate' && e.candidate?.sdp) {
          trickled.push(sender.addIceCandidate({ candidate: e.candidate.sdp, sdpMid: offer.mid, sdpMLineIndex: 0 }));
        }
      });
      await sender.setRemoteDescription({
        type: 'answer',
        sdp: tinyVideoSdp({ local: gw.local, setup: 'active', direction: 'recvonly', mid: offer.mid, payloadType: offer.vp8PayloadType }),
      });

      const tap = createSocket('udp4');
      const rtcpTap = createSocket('udp4');
      cleanup.push(() => tap.close(), () => rtcpTap.close());
      const rtp: Buffer[] = [];
      let rtcp = 0;
      tap.on('message', (m) => rtp.push(m));
      rtcpTap.on('message', () => rtcp++);
      await new Promise<void>((r) => tap.bind(0, '127.0.0.1', () => r()));
      await new Promise<void>((r) => rtcpTap.bind(0, '127.0.0.1', () => r()));
      gw.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: tap.address().port });
      gw.setRedirect('rtcp', 'video', { ip: '127.0.0.1', port: rtcpTap.address().port });

      await waitFor(() => events.some((e) => e.startsWith('connected:')), 15_000, `connected through the relay (${events.join(', ')})`);
      await Promise.all(trickled);
      let n = 0;
      const timer = setInterval(() => source.onFrame(frame(n++)), 33);
      cleanup.push(() => clearInterval(timer));
      await waitFor(() => rtp.length >= 30 && rtcp > 0, 15_000, 'RTP and RTCP from wrtc, decrypted');
      for (const m of rtp) {
        assert.equal(m[0]! >> 6, 2);
        assert.equal(m[1]! & 0x7f, offer.vp8PayloadType);
        assert.equal(m.readUInt32BE(8), offer.ssrc);
      }

      const stats = gw.stats();
      assert.equal(stats.selectedLocal?.type, 'relay');
      assert.equal(stats.selectedLocal?.url, turn.url('udp'));
      assert.equal(stats.droppedSrtpAuth, 0);
      const relay = stats.turn?.[0];
      assert.ok(relay && relay.channelDataReceived >= 30, `media arrived as ChannelData: ${JSON.stringify(relay)}`);

      // libwebrtc's side of the same pair: its remote candidate is coturn's relayed address (learned
      // as peer-reflexive when our first check, through the relay, overtakes the trickled candidate).
      const report = await sender.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown>) => byId.set(s['id'] as string, s));
      const selected = [...byId.values()].find((s) => s['type'] === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded');
      assert.ok(selected, 'wrtc has a nominated, succeeded pair');
      const remote = byId.get(selected['remoteCandidateId'] as string);
      assert.ok(['relay', 'prflx'].includes(remote?.['candidateType'] as string), JSON.stringify(remote));
      assert.equal(remote?.['port'], stats.selectedLocal?.port);
    } finally {
      for (const f of cleanup.reverse()) f();
    }
  });
});
