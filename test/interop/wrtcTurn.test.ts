import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { NativeEngine } from '../../src/native/NativeEngine.js';
import { Coturn } from '../helpers/coturn.js';
import { waitFor } from '../helpers/proc.js';
import { udpReceiver } from '../helpers/udp.js';
import { answerReceiving, offerTo, sendFrames, videoSender } from '../helpers/wrtcVideo.js';

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
      const { pc: sender, source } = videoSender(cleanup);
      const gw = engine.createTransport({
        role: 'controlled',
        bindAddresses: ['127.0.0.1'],
        relayOnly: true,
        turnServers: [{ ip: turn.ip, port: turn.port, transport: 'udp', host: 'localhost', username: 'gw', credential: 'secret', url: turn.url('udp') }],
      });
      cleanup.push(() => gw.close());
      const events: string[] = [];
      const offer = await offerTo(sender, gw, 'client');
      assert.deepEqual(gw.local.candidates, []);
      const trickled: Promise<void>[] = [];
      gw.onEvent((e) => {
        events.push(`${e.kind}:${e.text}`);
        if (e.kind === 'local-candidate' && e.candidate?.sdp) {
          trickled.push(sender.addIceCandidate({ candidate: e.candidate.sdp, sdpMid: offer.mid, sdpMLineIndex: 0 }));
        }
      });
      await answerReceiving(sender, gw, offer, 'active');

      const rtpTap = await udpReceiver();
      const rtcpTap = await udpReceiver();
      cleanup.push(() => rtpTap.socket.close(), () => rtcpTap.socket.close());
      gw.setRedirect('rtp', 'video', { ip: '127.0.0.1', port: rtpTap.port });
      gw.setRedirect('rtcp', 'video', { ip: '127.0.0.1', port: rtcpTap.port });

      await waitFor(() => events.some((e) => e.startsWith('connected:')), 15_000, `connected through the relay (${events.join(', ')})`);
      await Promise.all(trickled);
      sendFrames(source, cleanup);
      await waitFor(() => rtpTap.packets.length >= 30 && rtcpTap.packets.length > 0, 15_000, 'RTP and RTCP from wrtc, decrypted');
      for (const m of rtpTap.packets) {
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
