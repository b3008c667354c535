// 5% random loss on the gateway's video to a libwebrtc receiver (wrtcPeer), run twice across the
// same link: once with media_nack on, once off. With NACK the gateway's retransmissions repair
// the loss, so the receiver decodes nearly every frame; without it, every frame missing a packet
// breaks the VP8 reference chain until a keyframe it has to ask for (PLI) comes through whole.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer } from '../helpers/dataPath.js';
import { GstPipeline } from '../helpers/gstreamer.js';
import { spawnPeerScript, type PeerScript } from '../helpers/impairment/peerScript.js';
import { freeUdpPort, mediaEvents } from '../helpers/media.js';
import { createImpairedLink, type ImpairedLink } from '../helpers/networkNamespace.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const SECONDS = 15;
const FPS = 30;
const SENT_FRAMES = SECONDS * FPS;

/**
 * The sender: 640x480 VP8 at 800 kbit/s (about 3 RTP packets a frame; a scrolling pattern keeps
 * the encoder at its target) through rtpbin, which sends a keyframe only when a PLI reaches it
 * at `rtcpListenPort`, so a frame lost for good costs a keyframe request, as with a real encoder.
 */
function vp8SenderWithRtcp(o: { rtpPort: number; rtcpPort: number; rtcpListenPort: number }): GstPipeline {
  return new GstPipeline(
    `rtpbin name=rb rtp-profile=avpf ` +
      `videotestsrc is-live=true num-buffers=${SENT_FRAMES} pattern=smpte horizontal-speed=4 ! video/x-raw,width=640,height=480,framerate=${FPS}/1 ` +
      `! vp8enc deadline=1 target-bitrate=800000 keyframe-max-dist=100000 ! rtpvp8pay pt=96 picture-id-mode=15-bit ! rb.send_rtp_sink_0 ` +
      `rb.send_rtp_src_0 ! udpsink host=127.0.0.1 port=${o.rtpPort} ` +
      `rb.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=${o.rtcpPort} sync=false async=false ` +
      `udpsrc address=127.0.0.1 port=${o.rtcpListenPort} caps=application/x-rtcp ! rb.recv_rtcp_sink_0`,
  );
}

interface RunResult {
  mediaNack: boolean;
  /** The receiver's last video inbound-rtp numbers. */
  video: Record<string, number>;
  /** Whole seconds of sending in which fewer than half the frames were decoded. */
  freezeSeconds: number;
  /** The gateway's send stream in GET …/stats. */
  send: Record<string, number>;
  transport: Record<string, number>;
  /** Packets the queue program dropped during the run (both directions, RTCP included). */
  linkDropped: number;
}

describe('NACK repair across 5% loss, gateway -> libwebrtc receiver', () => {
  let link: ImpairedLink;
  const gateways: Gateway[] = [];
  const receivers: PeerScript[] = [];
  const senders: GstPipeline[] = [];
  const results: RunResult[] = [];

  before(async () => {
    // Loss and delay both ways: the media, and the NACKs and PLIs coming back.
    link = await createImpairedLink({ lossPercent: 5, delayMs: 20, seed: 5, direction: 'both' });
  });
  after(async () => {
    await Promise.all(senders.map((s) => s.stop()));
    await Promise.all(receivers.map((r) => r.stop()));
    for (const g of gateways) await g.stop();
    await link?.close();
  });

  /** One call from a gateway with media_nack `mediaNack` to a fresh wrtcPeer; SECONDS of video. */
  async function run(mediaNack: boolean, half: 0 | 1): Promise<RunResult> {
    const start = 20000 + (process.pid % 300) * 100 + half * 50;
    const { gateway, base } = await startTestGateway({
      logLevel: 'warn',
      mediaNack,
      portMin: start,
      portMax: start + 49,
      signaling: { host: link.gatewayIp, port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
      mediaBindAddresses: [link.gatewayIp],
    });
    gateways.push(gateway);
    const receiverId = `nackrx${half}`;
    const signalingPort = String(gateway.signaling!.address.port);
    const receiver = spawnPeerScript(link, 'test/helpers/impairment/wrtcPeer.ts', ['--host', link.gatewayIp, '--port', signalingPort, '--id', receiverId]);
    receivers.push(receiver);
    await receiver.lines.nextJson(20000, `wrtcPeer registering (stderr: ${receiver.stderr()})`, (v) => v.event === 'open');

    const gw = await createPeer(base, `nacktx${half}`);
    const video = (await call(base, 'POST', '/media', { is_video: true })).body;
    const rtcp = (await call(base, 'POST', '/media/rtcp', {})).body;
    const rtcpListenPort = await freeUdpPort();
    const res = await call(base, 'POST', '/media/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: receiverId,
      constraints: {
        video: true,
        videoReceiveEnabled: false,
        audio: false,
        video_params: { codec: 'VP8', media_id: video.media_id, rtcp_id: rtcp.rtcp_id, payload_type: 96 },
      },
      // The receiver's RTCP (its PLIs) goes on to rtpbin.
      redirect_params: { video_rtcp: { ip_v4: '127.0.0.1', port: rtcpListenPort } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const id = res.body.params.media_connection_id as string;
    assert.deepEqual(await mediaEvents(base, id, 'STREAM'), ['READY', 'STREAM']);

    // Stats lines queued since the answer are stale: read up to a fresh one (one we waited for),
    // so every line read from here on is read as it comes.
    for (let waited = 0; waited < 100; ) {
      const t = Date.now();
      await receiver.lines.nextJson(5000, 'wrtcPeer stats', (v) => v.event === 'stats');
      waited = Date.now() - t;
    }
    // Started once the call is up, so its first keyframe goes to the receiver. Its source is live
    // (30 fps), so sending ends SECONDS later. Its exit is not waited for: with rtpbin, gst-launch
    // sometimes exits only 10 s or more after its last packet.
    const before = await link.counters();
    const sender = vp8SenderWithRtcp({ rtpPort: video.port, rtcpPort: rtcp.port, rtcpListenPort });
    senders.push(sender);
    const startedAt = Date.now();
    const endedAt = startedAt + SECONDS * 1000;

    // Every stats line (about one a second) with when it came, until 2 s after sending ended
    // (what was still in the receiver's jitter buffer by then has been decoded).
    const samples: { at: number; elapsedMs: number; framesDecoded: number }[] = [];
    let last: any;
    while (Date.now() < endedAt + 2000) {
      last = await receiver.lines.nextJson(5000, 'wrtcPeer stats', (v) => v.event === 'stats');
      samples.push({ at: Date.now(), elapsedMs: last.elapsedMs, framesDecoded: last.video?.framesDecoded ?? 0 });
    }
    await sender.stop();
    assert.ok(last.video, `the receiver has a video inbound-rtp: ${JSON.stringify(last)}`);
    assert.equal(last.video.frameWidth, 640);

    // Freeze proxy (this libwebrtc has no freezeCount): a whole second of sending in which fewer
    // than half the frame rate was decoded. Startup counts too: a lost first keyframe is a freeze.
    // Intervals on the receiver's clock; the window (sender running) on ours.
    let freezeSeconds = 0;
    for (let i = 1; i < samples.length; i++) {
      const [a, b] = [samples[i - 1]!, samples[i]!];
      if (b.at > endedAt) continue;
      const rate = ((b.framesDecoded - a.framesDecoded) * 1000) / (b.elapsedMs - a.elapsedMs);
      if (rate < FPS / 2) freezeSeconds++;
    }

    const statsRes = await call(base, 'GET', `/media/connections/${id}/stats`);
    assert.equal(statsRes.status, 200, JSON.stringify(statsRes.body));
    const stats = statsRes.body;
    const send = stats.streams.find((s: any) => s.media === 'video' && s.direction === 'send');
    assert.ok(send, `a video send stream in ${JSON.stringify(stats)}`);
    const status = (await call(base, 'GET', `/media/connections/${id}/status`)).body;
    const linkDropped = (await link.counters()).dropped - before.dropped;
    await receiver.stop();
    await gateway.stop();
    const result: RunResult = { mediaNack, video: last.video, freezeSeconds, send, transport: status.transport, linkDropped };
    console.log(`media_nack ${mediaNack}: receiver ${JSON.stringify(last.video)}`);
    console.log(`media_nack ${mediaNack}: gateway send stream ${JSON.stringify(send)}, transport ${JSON.stringify(status.transport)}`);
    return result;
  }

  it(`repairs the loss with NACK (${SECONDS} s of 640x480 VP8)`, async () => {
    const r = await run(true, 0);
    results.push(r);
    const { video: v, send } = r;
    // The receiver asked, and the gateway answered (nearly) every asked-for packet.
    assert.ok(v.nackCount! > 0, 'the receiver sent NACKs');
    assert.ok(send.nacks_received! > 0 && send.nacked_packets! > 0, 'the gateway received them');
    assert.ok(send.retransmitted_packets! > 0, 'and retransmitted');
    const answered = `retransmitted ${send.retransmitted_packets} of ${send.nacked_packets} NACKed packets`;
    assert.ok(send.retransmitted_packets! >= 0.9 * send.nacked_packets!, answered);
    // libwebrtc's packetsLost counts the media SSRC only: packets repaired over RTX stay counted
    // as lost. So: every packet it missed was resent, and frames show what stayed unrecovered.
    assert.ok(v.packetsLost! > 0, 'the link did drop media');
    assert.ok(send.retransmitted_packets! >= v.packetsLost!, `retransmitted ${send.retransmitted_packets}, receiver missed ${v.packetsLost}`);
    assert.equal(send.retransmission_misses, 0, 'every NACKed packet was still in the cache');
    assert.ok(v.framesDecoded! >= 0.9 * SENT_FRAMES, `decoded ${v.framesDecoded} of ${SENT_FRAMES} frames`);
    assert.ok(v.framesDropped! <= 10, `dropped ${v.framesDropped} frames`);
    assert.ok(v.pliCount! <= 2, `${v.pliCount} keyframe requests`);
    assert.ok(r.freezeSeconds <= 2, `${r.freezeSeconds} frozen seconds`);
  });

  it('without NACK the receiver cannot ask for repair and decodes clearly less', async () => {
    const r = await run(false, 1);
    results.push(r);
    const { video: v, send } = r;
    assert.equal(v.nackCount, 0, 'NACK not negotiated: the receiver sends none');
    assert.equal(send.nacks_received, 0);
    assert.equal(send.retransmitted_packets, 0);

    const withNack = results.find((x) => x.mediaNack);
    assert.ok(withNack, 'the NACK run came first');
    const rows = ['framesDecoded', 'framesDropped', 'keyFramesDecoded', 'pliCount', 'nackCount', 'packetsLost', 'packetsReceived'];
    const table: Record<string, Record<string, number | undefined>> = {};
    for (const x of [withNack, r]) {
      table[x.mediaNack ? 'media_nack on' : 'media_nack off'] = {
        ...Object.fromEntries(rows.map((k) => [k, x.video[k]])),
        freezeSeconds: x.freezeSeconds,
        linkDropped: x.linkDropped,
        gwNacksReceived: x.send.nacks_received,
        gwNackedPackets: x.send.nacked_packets,
        gwRetransmitted: x.send.retransmitted_packets,
        gwRetransmissionMisses: x.send.retransmission_misses,
        gwPliReceived: x.send.pli_received,
        gwKeyframeRequestsForwarded: x.transport.keyframeRequestsForwarded,
      };
    }
    console.table(table);

    // The difference, with margins far inside what the runs show.
    const on = withNack.video;
    assert.ok(v.packetsLost! > 0, 'the link dropped media here too');
    assert.ok(v.framesDecoded! <= on.framesDecoded! - 0.25 * SENT_FRAMES, `decoded ${v.framesDecoded} without NACK, ${on.framesDecoded} with`);
    assert.ok(v.framesDropped! >= on.framesDropped! + 50, `dropped ${v.framesDropped} frames without NACK, ${on.framesDropped} with`);
    assert.ok(v.pliCount! >= on.pliCount! + 2, `${v.pliCount} keyframe requests without NACK, ${on.pliCount} with`);
    assert.ok(r.freezeSeconds >= withNack.freezeSeconds + 3, `${r.freezeSeconds} frozen seconds without NACK, ${withNack.freezeSeconds} with`);
    // Its keyframe requests reached the encoder (else the picture would never come back).
    assert.ok(r.transport.keyframeRequestsForwarded! > 0, 'PLIs forwarded to the sender');
  });
});
