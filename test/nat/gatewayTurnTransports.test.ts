// The gateway's media transport relaying through a real coturn across the NAT topology: the
// gateway in-process on its LAN (the test's namespace), coturn on the internet, the remote peer
// (the stock peerjs client on libwebrtc, WrtcMediaPeer) behind its own NAT, calls placed over the
// gateway's PeerJS server published on the gateway NAT's public address. Video flows both ways:
// GStreamer VP8 into the gateway is decoded by the peer, the peer's camera is redirected by the
// gateway to a tap (sequence numbers, arrival gaps) and GStreamer decodes it.
//   - the gateway's LAN lets no UDP out: TURN over TCP, then over TLS (the test certificate as the
//     CA file; with the default 'system' policy it is refused with an ERROR event);
//   - a short allocation lifetime: a relayed call held past several lifetimes without a gap;
//   - wrong TURN credentials: one ERROR event naming the server and its 401, no retry storm, and
//     calls still work over the NATs' mappings.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';

import type { GatewayConfig } from '../../src/config/GatewayConfig.js';
import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import { createPeer } from '../helpers/dataPath.js';
import { GstPipeline, vp8Sender } from '../helpers/gstreamer.js';
import { fileSize, freeUdpPort } from '../helpers/media.js';
import { NatCoturn, type TurnAuth } from '../helpers/nat/NatCoturn.js';
import { NatTopology, type NatTopologyOptions } from '../helpers/nat/NatTopology.js';
import { RtpArrivalTap } from '../helpers/nat/RtpArrivalTap.js';
import { WrtcMediaPeer, type MediaPeerStats } from '../helpers/nat/WrtcMediaPeer.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes } from '../helpers/redirectedMedia.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

const AUTH: TurnAuth = { mechanism: 'long-term', user: 'gateway', password: 'gateway-password' };
/** GStreamer scales what it decodes to this, so frames of any size the peer's encoder picks are counted. */
const DECODED = { width: 160, height: 120 };
const MEDIA_BOUND_MS = 20_000;

const iceUrl = (text: string): IceServerUrl => {
  const url = parseIceServerUrl(text);
  if (typeof url === 'string') throw new Error(`${text}: ${url}`);
  return url;
};

/** Every event of a media connection as "EVENT" or "ERROR(message)", polled until `until` matches (at most `polls`). */
async function mediaEventsUntil(base: string, id: string, until: (seen: string[]) => boolean, polls = 6): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < polls && !until(seen); i++) {
    const res = await call(base, 'GET', `/media/connections/${id}/events`);
    assert.equal(res.status, 200, `events of ${id}: ${JSON.stringify(res.body)} after ${seen.join(', ')}`);
    seen.push(res.body.event === 'ERROR' ? `ERROR(${res.body.error_message})` : res.body.event);
  }
  return seen;
}

/** The coturn session id (from its log) of the allocations made so far, in order. */
function allocationSessions(turn: NatCoturn): string[] {
  return [...turn.log().matchAll(/session (\d+): .*ALLOCATE processed, success/g)].map((m) => m[1]!);
}

describe('gateway TURN transports across NATs (coturn on the internet, the peer behind its NAT)', () => {
  let net: NatTopology | undefined;
  let turn: NatCoturn | undefined;
  let dir: string | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await turn?.close();
    await net?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    turn = undefined;
    net = undefined;
    dir = undefined;
  });

  async function build(topology: NatTopologyOptions, maxAllocateLifetimeSec?: number): Promise<{ net: NatTopology; turn: NatCoturn }> {
    net = await NatTopology.create(topology);
    turn = await NatCoturn.start({ netns: net.internet.netns, listeningIps: net.serverIps, auth: AUTH, ...(maxAllocateLifetimeSec !== undefined && { maxAllocateLifetimeSec }) });
    dir = mkdtempSync(join(tmpdir(), 'wg-nat-turn-'));
    return { net, turn };
  }

  /** A gateway on the gateway LAN, its PeerJS server published on the gateway NAT's public address. */
  async function gatewayBehindNat(settings: Partial<GatewayConfig>): Promise<{ gateway: Gateway; base: string; logs: LogCapture; server: string }> {
    const started = await startTestGateway({
      logLevel: 'warn',
      signaling: { host: net!.gateway.ip, port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
      mediaBindAddresses: [net!.gateway.ip],
      ...settings,
    });
    cleanups.push(() => started.gateway.stop());
    const server = await net!.publishGatewayTcp(started.gateway.signaling!.address.port);
    return { ...started, server };
  }

  /** The remote peer behind the peer NAT, registered on `server`, with STUN only (no relay of its own). */
  async function remotePeer(server: string, id = 'remote'): Promise<WrtcMediaPeer> {
    const peer = await WrtcMediaPeer.start(net!.peer, { server, id, config: { iceServers: [{ urls: turn!.urls.stun }] } });
    cleanups.push(() => peer.stop());
    return peer;
  }

  /**
   * The gateway peer `name` calls `peer`: video sent from a media port and received, the remote's
   * video redirected to a tap whose packets GStreamer decodes. Returns once the call is placed.
   */
  async function gatewayCalls(base: string, name: string, peer: WrtcMediaPeer) {
    const gw = await createPeer(base, name);
    const video = (await call(base, 'POST', '/media', { is_video: true })).body as { media_id: string; port: number };
    const tap = await RtpArrivalTap.open();
    cleanups.push(() => tap.close());
    const decodePort = await freeUdpPort();
    const file = join(dir!, `${name}.i420`);
    const decoder = new GstPipeline(
      `udpsrc address=127.0.0.1 port=${decodePort} caps=application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96 ` +
        `! rtpjitterbuffer latency=100 ! rtpvp8depay ! vp8dec ! videoconvert ! videoscale ! video/x-raw,format=I420,width=${DECODED.width},height=${DECODED.height} ! filesink location=${file}`,
    );
    cleanups.push(() => decoder.stop());
    tap.forwardTo = decodePort;
    const placed = await call(base, 'POST', '/media/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: peer.id,
      constraints: { video: true, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', media_id: video.media_id, payload_type: 96 } },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: tap.port } },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const connection = placed.body.params.media_connection_id as string;
    cleanups.push(async () => void (await call(base, 'DELETE', `/media/connections/${connection}`)));
    const decodedAtGateway = () => Math.floor(fileSize(file) / i420Bytes(DECODED.width, DECODED.height));
    return { connection, video, tap, decodedAtGateway };
  }

  /**
   * Sends GStreamer VP8 for `seconds` into the call and waits until both ends decode: the peer 30
   * frames of the gateway's video, GStreamer 20 of the peer's camera (asking for a keyframe with
   * a PLI while none decodes).
   */
  async function mediaBothWays(base: string, c: Awaited<ReturnType<typeof gatewayCalls>>, peer: WrtcMediaPeer, seconds: number): Promise<MediaPeerStats> {
    // The peer counts the frames of all its calls: this call's are those after now.
    const before = (await peer.stats()).sinkFrames;
    const sender = vp8Sender(c.video.port, { width: 320, height: 240, payloadType: 96, seconds });
    cleanups.push(() => sender.stop());
    let last: MediaPeerStats | undefined;
    let lastPli = 0;
    await waitFor(
      async () => {
        last = await peer.stats();
        if (c.decodedAtGateway() === 0 && Date.now() - lastPli > 1000) {
          lastPli = Date.now();
          await call(base, 'POST', `/media/connections/${c.connection}/pli`, { ip_v4: '127.0.0.1', port: 9 });
        }
        return last.sinkFrames - before >= 30 && c.decodedAtGateway() >= 20;
      },
      MEDIA_BOUND_MS,
      'video decoded at both ends',
    ).catch((e: Error) => {
      throw new Error(`${e.message}: peer ${JSON.stringify(last)}, gateway decoded ${c.decodedAtGateway()} frames of ${c.tap.packets} packets`);
    });
    console.log(`decoded: ${last!.sinkFrames - before} frames (${last!.frameSize}) at the peer, ${c.decodedAtGateway()} at the gateway from ${c.tap.packets} RTP packets`);
    return last!;
  }

  async function status(base: string, connection: string): Promise<any> {
    const res = await call(base, 'GET', `/media/connections/${connection}/status`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }

  it("no UDP out of the gateway's LAN (STUN, TURN over UDP and over TCP configured, policy all): TURN over TCP carries video both ways; the gateway's pair is relay over tcp", async () => {
    const { net, turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone', blockGatewayUdp: true });
    const { base, server } = await gatewayBehindNat({
      // What a deployment would configure. STUN and TURN over UDP get no answer through the
      // firewall (a UDP relay would be preferred), the host candidate is private: only TCP works.
      iceServers: [iceUrl(turn.urls.stun), iceUrl(turn.urls.turnUdp), iceUrl(turn.urls.turnTcp)],
      turnAuth: { kind: 'static', username: AUTH.user, credential: AUTH.password },
      iceTransportPolicy: 'all',
    });
    const peer = await remotePeer(server);
    const c = await gatewayCalls(base, 'gw-tcp', peer);
    assert.deepEqual(await mediaEventsUntil(base, c.connection, (s) => s.includes('STREAM')), ['READY', 'STREAM']);
    const seen = await mediaBothWays(base, c, peer, 20);

    const s = await status(base, c.connection);
    console.log(`gateway pair ${JSON.stringify(s.selected_candidate_pair)}`);
    assert.equal(s.selected_candidate_pair.local.type, 'relay', JSON.stringify(s.selected_candidate_pair));
    assert.equal(s.selected_candidate_pair.local.relay_protocol, 'tcp');
    assert.equal(s.selected_candidate_pair.local.address, net.serverIps[0]);
    assert.equal(s.selected_candidate_pair.local.url, turn.urls.turnTcp);
    const relay = s.transport.turn.find((t: any) => t.state === 'allocated');
    assert.equal(relay?.transport, 'tcp', JSON.stringify(s.transport.turn));
    assert.ok(relay.channelDataSent > 0 && relay.channelDataReceived > 0, `media crossed the relay as ChannelData: ${JSON.stringify(relay)}`);
    // The peer reached the gateway at the relayed address.
    assert.equal(seen.selected?.remote.type, 'relay', JSON.stringify(seen.selected));
    assert.equal(seen.selected?.remote.address, net.serverIps[0]);
    assert.equal(allocationSessions(turn).length, 1, 'one allocation: the gateway\'s over TCP (the peer has no TURN server)');
    assert.ok((await net.gatewayNat.blockedUdpPackets()) > 0, 'the firewall dropped the STUN and TURN requests over UDP');
    assert.ok(!s.transport.turn.some((t: any) => t.transport === 'udp' && t.state === 'allocated'), JSON.stringify(s.transport.turn));
  });

  it("no UDP out: TURN over TLS with the test certificate as CA file carries video both ways (relay over tls, verified); the 'system' policy refuses it with an ERROR event", async () => {
    const { net, turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone', blockGatewayUdp: true });
    const turnAuth = { kind: 'static' as const, username: AUTH.user, credential: AUTH.password };
    const trusting = await gatewayBehindNat({
      iceServers: [iceUrl(turn.urls.turns)],
      turnAuth,
      turnTls: { verify: 'ca-file', caFile: turn.certificate!.certPath },
      iceTransportPolicy: 'relay',
    });
    const peer = await remotePeer(trusting.server);
    const c = await gatewayCalls(trusting.base, 'gw-tls', peer);
    assert.deepEqual(await mediaEventsUntil(trusting.base, c.connection, (s) => s.includes('STREAM')), ['READY', 'STREAM']);
    const seen = await mediaBothWays(trusting.base, c, peer, 20);
    const s = await status(trusting.base, c.connection);
    console.log(`gateway pair ${JSON.stringify(s.selected_candidate_pair)}`);
    assert.equal(s.selected_candidate_pair.local.type, 'relay', JSON.stringify(s.selected_candidate_pair));
    assert.equal(s.selected_candidate_pair.local.relay_protocol, 'tls');
    assert.equal(s.selected_candidate_pair.local.url, turn.urls.turns);
    const relay = s.transport.turn.find((t: any) => t.state === 'allocated');
    assert.equal(relay?.transport, 'tls', JSON.stringify(s.transport.turn));
    assert.equal(relay.tlsVerified, true, JSON.stringify(relay));
    assert.match(relay.tlsVersion, /^TLSv1\.[23]$/);
    assert.ok(relay.channelDataSent > 0 && relay.channelDataReceived > 0, JSON.stringify(relay));
    assert.equal(seen.selected?.remote.type, 'relay', JSON.stringify(seen.selected));

    // The same server with the machine's CAs: the self-signed certificate is refused, one ERROR names
    // the server and the verify error, and no allocation is made.
    const allocationsBefore = turn.allocations();
    const strict = await gatewayBehindNat({ iceServers: [iceUrl(turn.urls.turns)], turnAuth, turnTls: { verify: 'system' }, iceTransportPolicy: 'relay' });
    const strictPeer = await remotePeer(strict.server, 'remote-strict');
    const refused = await gatewayCalls(strict.base, 'gw-tls-system', strictPeer);
    const events = await mediaEventsUntil(strict.base, refused.connection, (seen) => seen.some((e) => e.startsWith('ERROR')));
    const errors = events.filter((e) => e.startsWith('ERROR'));
    console.log(`with the 'system' policy: ${errors.join(' | ')}`);
    assert.equal(errors.length, 1, events.join(', '));
    const prefix = `ERROR(TURN server ${turn.urls.turns} is unusable: TLS handshake with ${net.serverIps[0]} failed: certificate verify failed`;
    assert.ok(errors[0]!.startsWith(prefix), errors[0]);
    const failed = (await status(strict.base, refused.connection)).transport.turn[0];
    assert.equal(failed.state, 'failed', JSON.stringify(failed));
    assert.equal(failed.requests, 0, 'no TURN request before the certificate was accepted');
    assert.equal(turn.allocations(), allocationsBefore);
  });

  it('allocation refresh: coturn grants 8 s, a relayed call held 30 s refreshes at least 3 times and loses no packet, no gap of 1 s either way', async () => {
    const HOLD_MS = 30_000;
    const { turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone' }, 8);
    const { base, server } = await gatewayBehindNat({
      iceServers: [iceUrl(turn.urls.turnUdp)],
      turnAuth: { kind: 'static', username: AUTH.user, credential: AUTH.password },
      iceTransportPolicy: 'relay',
    });
    const peer = await remotePeer(server);
    const c = await gatewayCalls(base, 'gw-refresh', peer);
    assert.deepEqual(await mediaEventsUntil(base, c.connection, (s) => s.includes('STREAM')), ['READY', 'STREAM']);
    const start = await mediaBothWays(base, c, peer, 45);
    const [session] = allocationSessions(turn);
    assert.ok(session, 'the gateway allocated');
    const refreshesOf = () => turn.countInLog(new RegExp(`session ${session}: .*REFRESH processed, success`));
    const refreshesBefore = refreshesOf();

    // From here on: every packet each way, and the longest silence.
    c.tap.reset();
    await peer.stats({ resetGaps: true });
    const started = Date.now();
    await new Promise((r) => setTimeout(r, HOLD_MS));
    const end = await peer.stats();
    const heldMs = Date.now() - started;
    const refreshes = refreshesOf() - refreshesBefore;
    const s = await status(base, c.connection);
    const relay = s.transport.turn.find((t: any) => t.transport === 'udp');
    const lost = end.inbound!.packetsLost - start.inbound!.packetsLost;
    console.log(
      `held ${heldMs} ms: gateway -> peer ${end.inbound!.packetsReceived - start.inbound!.packetsReceived} packets, lost ${lost}, ` +
        `${end.sinkFrames - start.sinkFrames} frames decoded, longest frame gap ${end.maxFrameGapMs} ms; ` +
        `peer -> gateway ${c.tap.received} packets, missing ${c.tap.missing()}, longest gap ${c.tap.maxGapMs().toFixed(0)} ms; ` +
        `coturn refreshes of session ${session}: ${refreshes}, native refreshes ${relay?.refreshes}, timed out ${turn.timedOutAllocations()}`,
    );
    assert.equal(s.selected_candidate_pair.local.type, 'relay', JSON.stringify(s.selected_candidate_pair));
    assert.equal(s.selected_candidate_pair.local.relay_protocol, 'udp');
    assert.equal(relay?.state, 'allocated', JSON.stringify(s.transport.turn));
    // Refreshed at half of each 8 s lifetime: at least 3 times in 30 s, each granted 8 s again.
    assert.ok(refreshes >= 3, `coturn logged ${refreshes} refreshes of session ${session}:\n${turn.log().split('\n').filter((l) => l.includes(`session ${session}`)).join('\n')}`);
    assert.equal(relay.timeouts, 0, JSON.stringify(relay));
    // The peer's loopback candidate is the one IP coturn refuses a permission for: asked once.
    assert.ok(turn.countInLog(/CREATE_PERMISSION processed, error 403/) <= 1, turn.log().split('\n').filter((l) => /error 403/.test(l)).join('\n'));
    assert.equal(turn.timedOutAllocations(), 0, 'no allocation timed out');
    // Gateway -> peer: nothing lost, frames kept coming.
    assert.equal(lost, 0, `packets lost on the way to the peer: ${JSON.stringify(end.inbound)}`);
    assert.ok(end.sinkFrames - start.sinkFrames >= (HOLD_MS / 1000) * 20, `frames decoded at the peer while held: ${end.sinkFrames - start.sinkFrames}`);
    assert.ok(end.maxFrameGapMs !== null && end.maxFrameGapMs < 1000, `longest wait for a frame at the peer: ${end.maxFrameGapMs} ms`);
    // Peer -> gateway: every sequence number, no silence of a second.
    assert.ok(c.tap.received >= (HOLD_MS / 1000) * 25, `RTP packets from the peer while held: ${c.tap.received}`);
    assert.equal(c.tap.missing(), 0, 'RTP sequence numbers missing at the redirect');
    assert.ok(c.tap.maxGapMs() < 1000, `longest wait for RTP from the peer: ${c.tap.maxGapMs().toFixed(0)} ms`);
  });

  it('wrong TURN credentials: one ERROR event names the server and its 401, the call connects over the NAT mappings, a second call works, and coturn sees no retry storm', async () => {
    const { turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone' });
    const firstCallAt = Date.now();
    const { base, logs, server } = await gatewayBehindNat({
      iceServers: [iceUrl(turn.urls.stun), iceUrl(turn.urls.turnUdp)],
      turnAuth: { kind: 'static', username: AUTH.user, credential: 'not-the-password' },
      iceTransportPolicy: 'all',
    });
    const peer = await remotePeer(server);
    const expected = `ERROR(TURN server ${turn.urls.turnUdp} refused the credentials: 401 Unauthorized)`;
    for (const name of ['gw-wrong-1', 'gw-wrong-2']) {
      const c = await gatewayCalls(base, name, peer);
      const events = await mediaEventsUntil(base, c.connection, (s) => s.includes('STREAM') && s.some((e) => e.startsWith('ERROR')));
      console.log(`${name}: ${events.join(', ')}`);
      assert.deepEqual(events.filter((e) => e.startsWith('ERROR')), [expected], events.join(', '));
      assert.deepEqual(events.filter((e) => !e.startsWith('ERROR')), ['READY', 'STREAM']);
      await mediaBothWays(base, c, peer, 10);
      const s = await status(base, c.connection);
      assert.ok(['srflx', 'prflx'].includes(s.selected_candidate_pair.remote.type), `the peer's NAT mapping: ${JSON.stringify(s.selected_candidate_pair)}`);
      assert.equal(s.transport.turn[0].state, 'failed', JSON.stringify(s.transport.turn));
      assert.equal((await call(base, 'DELETE', `/media/connections/${c.connection}`)).status, 204);
    }
    const warnings = logs.records.filter((r) => r['msg'] === 'TURN server unusable for this media connection');
    assert.deepEqual(
      warnings.map((w) => w['turn']),
      [`${turn.urls.turnUdp} 401 Unauthorized`, `${turn.urls.turnUdp} 401 Unauthorized`],
    );
    // Over 20 s from the first call: per call a 401 to the unauthenticated Allocate (the challenge)
    // and one to the single authenticated try, nothing more.
    await new Promise((r) => setTimeout(r, Math.max(0, firstCallAt + 20_000 - Date.now())));
    const challengesAndRefusals = turn.countInLog(/error 401/);
    const refusals = turn.countInLog(/credentials are incorrect/);
    console.log(`coturn within ${((Date.now() - firstCallAt) / 1000).toFixed(0)} s: ${challengesAndRefusals} 401 answers, ${refusals} refused credentials, ${turn.allocations()} allocations`);
    assert.equal(refusals, 2, 'one authenticated try per call');
    assert.ok(challengesAndRefusals <= 4, `${challengesAndRefusals} 401 answers for two calls`);
    assert.equal(turn.allocations(), 0);
  });
});
