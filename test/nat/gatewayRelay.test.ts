// The gateway behind its NAT, called by headless Chromium behind another NAT running the stock
// peerjs client: the gateway runs in-process on its private LAN (REST on 127.0.0.1, its embedded
// PeerJS server published on the gateway NAT's public address, media bound to the LAN address),
// coturn is on the internet. What each NAT kind needs: symmetric NATs fail without TURN and
// relay with it, port-restricted cones meet on STUN, a 1:1 NAT needs media_advertised_addresses.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { GatewayConfig } from '../../src/config/GatewayConfig.js';
import type { Gateway } from '../../src/Gateway.js';
import { parseIceServerUrl, type IceServerUrl } from '../../src/session/ice/IceServerUrl.js';
import type { TestBrowser } from '../helpers/chromium.js';
import { createPeer, openDataPort, UdpEndpoint, waitForEvent, type RestPeer } from '../helpers/dataPath.js';
import { GstPipeline, vp8Sender } from '../helpers/gstreamer.js';
import { freeUdpPort, peerEvent } from '../helpers/media.js';
import { launchChromiumBehindNat } from '../helpers/nat/chromiumBehindNat.js';
import { NatCoturn } from '../helpers/nat/NatCoturn.js';
import { NatTopology, type NatTopologyOptions } from '../helpers/nat/NatTopology.js';
import { StockPeerjsPage, type PageMedia, type PagePair } from '../helpers/nat/StockPeerjsPage.js';
import { waitFor } from '../helpers/proc.js';
import { i420Bytes, waitForDecodedFrames } from '../helpers/redirectedMedia.js';
import { call, startTestGateway, type LogCapture } from '../helpers/testGateway.js';

const SECRET = 'nat-gateway-secret';
const W = 320;
const H = 240;
const PT = 96;
/** The gateway gives up 30 s after the remote's credentials (IceTimings connectTimeoutUs); the bound leaves room. */
const ICE_FAIL_BOUND_MS = 45_000;
const CONNECT_BOUND_MS = 20_000;
const FRAMES = 30;

interface NatGateway {
  gateway: Gateway;
  base: string;
  logs: LogCapture;
  /** Its PeerJS server as the remote reaches it: the gateway NAT's public address. */
  signaling: { host: string; port: number };
}

interface Pair {
  local: { type: string; address: string; port: number; relay_protocol?: string };
  remote: { type: string; address: string; port: number };
}

const url = (text: string): IceServerUrl => parseIceServerUrl(text) as IceServerUrl;
const pairText = (p: Pair | PagePair | null) => (p ? `${p.local.type} ${p.local.address}:${p.local.port} -> ${p.remote.type} ${p.remote.address}:${p.remote.port}` : 'none');
const relayed = (p: Pair | PagePair) => p.local.type === 'relay' || p.remote.type === 'relay';

/** One NAT topology with what runs in it; closed in reverse. */
class Scene {
  readonly cleanups: (() => Promise<void> | void)[] = [];
  net!: NatTopology;
  turn: NatCoturn | undefined;
  chromium!: TestBrowser;
  dir!: string;
  private slot = 0;

  async build(options: NatTopologyOptions, withCoturn: boolean): Promise<void> {
    const t0 = Date.now();
    this.net = await NatTopology.create(options);
    this.cleanups.push(() => this.net.close());
    if (withCoturn) {
      const turn = await NatCoturn.start({ netns: this.net.internet.netns, listeningIps: this.net.serverIps, auth: { mechanism: 'rest-secret', secret: SECRET }, tls: false });
      this.turn = turn;
      this.cleanups.push(() => turn.close());
    }
    this.chromium = await launchChromiumBehindNat(this.net);
    this.cleanups.push(() => this.chromium.close());
    this.dir = mkdtempSync(join(tmpdir(), 'wg-nat-gateway-'));
    this.cleanups.push(() => rmSync(this.dir, { recursive: true, force: true }));
    console.log(`${options.gatewayNat} / ${options.peerNat}: topology, ${withCoturn ? 'coturn, ' : ''}Chromium in ${Date.now() - t0} ms`);
  }

  /** A gateway on the LAN: signaling on its LAN address, published on the NAT; media bound to the LAN address. */
  async gateway(settings: Partial<GatewayConfig>): Promise<NatGateway> {
    const portMin = 30000 + 100 * this.slot++;
    const started = await startTestGateway({
      logLevel: 'warn',
      eventTimeoutMs: 3000,
      portMin,
      portMax: portMin + 99,
      signaling: { host: this.net.gateway.ip, port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
      mediaBindAddresses: [this.net.gateway.ip],
      ...settings,
    });
    this.cleanups.push(() => started.gateway.stop());
    const [host, port] = (await this.net.publishGatewayTcp(started.gateway.signaling!.address.port)).split(':');
    return { ...started, signaling: { host: host!, port: Number(port) } };
  }

  /**
   * A gateway peer, and a page behind the peer NAT open on the same signaling server with the ICE
   * servers the app's backend got for it from GET /peers/{id}/ice_servers (credentials minted there).
   */
  async peers(g: NatGateway, name: string): Promise<{ gw: RestPeer; page: StockPeerjsPage; iceServers: { urls: string | string[] }[] }> {
    const gw = await createPeer(g.base, `gw-${name}`);
    const res = await call(g.base, 'GET', `/peers/${gw.id}/ice_servers?token=${gw.token}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const iceServers = res.body.ice_servers as { urls: string | string[] }[];
    const page = await StockPeerjsPage.open(this.chromium, g.signaling, `browser-${name}`, iceServers);
    this.cleanups.push(() => page.close());
    return { gw, page, iceServers };
  }

  async close(): Promise<void> {
    for (const c of this.cleanups.splice(0).reverse()) await c();
  }
}

/** The page calls the gateway peer with its camera; the gateway answers (sending from `mediaId`, receiving into `redirectPort`). */
async function chromiumCalls(g: NatGateway, page: StockPeerjsPage, gw: RestPeer, answer: { mediaId?: string; redirectPort: number }): Promise<string> {
  await page.call(gw.id);
  const connection = (await peerEvent(gw, 'CALL')).call_params.media_connection_id as string;
  const res = await call(g.base, 'POST', `/media/connections/${connection}/answer`, {
    constraints: {
      video: answer.mediaId !== undefined,
      videoReceiveEnabled: true,
      audio: false,
      video_params: { codec: 'VP8', payload_type: PT, ...(answer.mediaId !== undefined && { media_id: answer.mediaId }) },
    },
    redirect_params: { video: { ip_v4: '127.0.0.1', port: answer.redirectPort } },
  });
  assert.equal(res.status, 202, JSON.stringify(res.body));
  return connection;
}

/** A media connection's events until `wanted` (408s of the long poll are skipped), within `boundMs`. */
/**
 * The page connects to `gw` (stock peerjs peer.connect); the gateway's connection is fed by a new
 * data port and redirected to a UDP endpoint here; resolves once both ends are open.
 */
async function pageDataConnection(scene: Scene, g: NatGateway, page: StockPeerjsPage, gw: RestPeer): Promise<{ dataId: string; dataPort: { data_id: string; port: number }; udp: UdpEndpoint }> {
  await page.connect(gw.id);
  const incoming = await peerEvent(gw, 'CONNECTION');
  const dataId = incoming.data_params.data_connection_id as string;
  const dataPort = await openDataPort(g.base);
  const udp = await UdpEndpoint.open();
  scene.cleanups.push(() => udp.close());
  const put = await call(g.base, 'PUT', `/data/connections/${dataId}`, {
    feed_params: { data_id: dataPort.data_id },
    redirect_params: { ip_v4: '127.0.0.1', port: udp.port },
  });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  await waitForEvent(g.base, dataId, 'OPEN', 8);
  await waitFor(async () => (await page.data()).open, CONNECT_BOUND_MS, 'the DataConnection open in the page');
  return { dataId, dataPort, udp };
}

async function eventsUntil(g: NatGateway, id: string, wanted: string, boundMs: number): Promise<{ event: string; error_message?: string; close_options?: { reason: string } }[]> {
  const seen: any[] = [];
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    const res = await call(g.base, 'GET', `/media/connections/${id}/events`);
    if (res.status === 408) continue;
    assert.equal(res.status, 200, `events of ${id} after ${JSON.stringify(seen)}: ${JSON.stringify(res.body)}`);
    seen.push(res.body);
    if (res.body.event === wanted) return seen;
  }
  throw new Error(`no ${wanted} on ${id} within ${boundMs} ms: ${JSON.stringify(seen)}`);
}

/** Waits for READY then STREAM; when they do not come, says what each side's ICE tried. */
async function streams(g: NatGateway, page: StockPeerjsPage, connection: string): Promise<void> {
  let events: { event: string }[] = [];
  try {
    events = await eventsUntil(g, connection, 'STREAM', CONNECT_BOUND_MS);
  } catch (error) {
    const transport = (await call(g.base, 'GET', `/media/connections/${connection}/status`)).body.transport ?? {};
    const counters = ['iceState', 'dtlsState', 'checksSent', 'checksReceived', 'stunResponsesReceived', 'turn'].map((k) => `${k} ${JSON.stringify(transport[k])}`);
    throw new Error(`${(error as Error).message}\ngateway: ${counters.join(', ')}\nChromium: ${JSON.stringify(await page.iceReport(), null, 1)}`);
  }
  assert.deepEqual(events.map((e) => e.event), ['READY', 'STREAM']);
}

async function gatewayPair(g: NatGateway, id: string, kind: 'media' | 'data'): Promise<Pair> {
  let pair: Pair | null = null;
  await waitFor(
    async () => {
      pair = (await call(g.base, 'GET', `/${kind}/connections/${id}/status`)).body.selected_candidate_pair;
      return pair !== null;
    },
    5000,
    `a selected pair in the ${kind} connection's status`,
  );
  return pair!;
}

/** GStreamer decodes the redirected VP8 of Chromium's camera (scaled to W x H) into `file`; resolves at `FRAMES` frames. */
async function redirectDecodes(scene: Scene, g: NatGateway, connection: string, port: number, name: string): Promise<void> {
  const file = join(scene.dir, `${name}.i420`);
  const decoder = new GstPipeline(
    `udpsrc address=127.0.0.1 port=${port} caps=application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=${PT} ` +
      `! rtpjitterbuffer latency=100 ! rtpvp8depay ! vp8dec ! videoscale ! videoconvert ! video/x-raw,format=I420,width=${W},height=${H} ! filesink location=${file}`,
  );
  scene.cleanups.push(() => decoder.stop());
  await waitForDecodedFrames({ base: g.base, connectionId: connection, file, frameBytes: i420Bytes(W, H), frames: FRAMES, timeoutMs: CONNECT_BOUND_MS, what: `Chromium's camera through the gateway (${name})` });
  await decoder.stop();
}

/** Waits until Chromium has decoded `FRAMES` frames of what the gateway sends it. */
async function chromiumDecodes(page: StockPeerjsPage): Promise<PageMedia> {
  let media: PageMedia | undefined;
  await waitFor(
    async () => {
      media = await page.media();
      return (media.inbound?.framesDecoded ?? 0) >= FRAMES;
    },
    CONNECT_BOUND_MS,
    `${FRAMES} frames decoded by Chromium`,
  );
  return media!;
}

/** The page's selected pair once it has one. */
async function pagePair(read: () => Promise<{ pair: PagePair | null }>): Promise<PagePair> {
  let pair: PagePair | null = null;
  await waitFor(
    async () => {
      pair = (await read()).pair;
      return pair !== null;
    },
    5000,
    "a selected pair in Chromium's stats",
  );
  return pair!;
}

/** Asserts a call that never connects: an ERROR saying ICE failed, then CLOSE, within the bound. */
async function assertIceFails(g: NatGateway, connection: string): Promise<number> {
  const t0 = Date.now();
  const events = await eventsUntil(g, connection, 'CLOSE', ICE_FAIL_BOUND_MS);
  const ms = Date.now() - t0;
  console.log(`ICE failure reported after ${ms} ms: ${JSON.stringify(events)}`);
  assert.ok(!events.some((e) => e.event === 'STREAM'), 'it never streamed');
  const error = events.find((e) => e.event === 'ERROR');
  assert.ok(error, `an ERROR event: ${JSON.stringify(events)}`);
  assert.match(error.error_message!, /ICE failed/);
  assert.match(events.at(-1)!.close_options!.reason, /ICE failed/, 'CLOSE says why');
  const status = (await call(g.base, 'GET', `/media/connections/${connection}/status`)).body;
  assert.equal(status.state, 'closed');
  assert.equal(status.selected_candidate_pair, null);
  return ms;
}

describe('the gateway behind a NAT, called by Chromium (stock peerjs) behind another', () => {
  describe('both NATs symmetric', { concurrency: true }, () => {
    const scene = new Scene();
    let stunOnly: NatGateway;
    let withTurn: NatGateway;
    before(async () => {
      await scene.build({ gatewayNat: 'symmetric', peerNat: 'symmetric' }, true);
      const turn = scene.turn!;
      stunOnly = await scene.gateway({ iceServers: [url(turn.urls.stun)] });
      withTurn = await scene.gateway({
        iceServers: [url(turn.urls.stun), url(turn.urls.turnUdp)],
        turnAuth: { kind: 'secret', secret: SECRET, lifetimeSeconds: 600 },
      });
    });
    after(() => scene.close());

    // Runs beside the TURN test (the describe is concurrent): most of it is waiting for the gateway to give up.
    it('STUN only: the call fails with an ERROR saying ICE failed, then CLOSE, within 45 s', async () => {
      const { gw, page, iceServers } = await scene.peers(stunOnly, 'sym-stun');
      assert.deepEqual(iceServers, [{ urls: [scene.turn!.urls.stun] }], 'no TURN for the browser either');
      const connection = await chromiumCalls(stunOnly, page, gw, { redirectPort: await freeUdpPort() });
      await assertIceFails(stunOnly, connection);
      // STUN worked: the gateway's server-reflexive candidate (its NAT's mapping) reached Chromium.
      const media = await page.media();
      console.log(`Chromium: ICE ${media.iceState}, events ${JSON.stringify(media.events)}, gateway candidates ${JSON.stringify(media.remoteCandidates)}`);
      assert.ok(media.remoteCandidates.some((c) => c.includes(` ${scene.net.gatewayNat.publicIp} `) && c.includes('typ srflx')), 'the gateway offered its NAT mapping');
      assert.equal(media.pair, null, 'Chromium has no selected pair either');
    });

    it('TURN (turn_secret, ice_servers stun + turn udp): media decodes both ways and a DataConnection carries datagrams both ways, all relayed', async () => {
      const turn = scene.turn!;
      const { gw, page, iceServers } = await scene.peers(withTurn, 'sym-turn');
      const relay = iceServers.find((s) => JSON.stringify(s.urls).includes('turn:')) as { username?: string } | undefined;
      assert.match(relay?.username ?? '', /^\d+:gw-sym-turn$/, 'the browser got credentials minted for the peer it calls');

      const video = (await call(withTurn.base, 'POST', '/media', { is_video: true })).body;
      const redirectPort = await freeUdpPort();
      const connection = await chromiumCalls(withTurn, page, gw, { mediaId: video.media_id, redirectPort });
      await streams(withTurn, page, connection);
      const sender = vp8Sender(video.port, { width: W, height: H, payloadType: PT, seconds: 20 });
      scene.cleanups.push(() => sender.stop());
      // Chromium -> gateway -> GStreamer, and GStreamer -> gateway -> Chromium, at the same time.
      const [, atChromium] = await Promise.all([redirectDecodes(scene, withTurn, connection, redirectPort, 'sym-turn'), chromiumDecodes(page)]);
      assert.equal(atChromium.inbound!.codec, 'video/VP8');
      assert.equal(atChromium.inbound!.frameWidth, W);
      await sender.stop();

      const mediaPair = await gatewayPair(withTurn, connection, 'media');
      const pageMediaPair = await pagePair(() => page.media());
      console.log(`media: gateway ${pairText(mediaPair)} (${mediaPair.local.relay_protocol ?? ''}); Chromium ${pairText(pageMediaPair)}`);
      assert.ok(relayed(mediaPair), `the gateway's pair has a relay candidate: ${pairText(mediaPair)}`);
      assert.ok(relayed(pageMediaPair), `Chromium's pair has a relay candidate: ${pairText(pageMediaPair)}`);
      if (mediaPair.local.type === 'relay') assert.equal(mediaPair.local.relay_protocol, 'udp');
      assert.ok(turn.countInLog(/user <\d+:gw-sym-turn>: incoming packet ALLOCATE processed, success/) >= 1, 'allocations under the minted name');

      // A DataConnection from the page (stock peerjs peer.connect), on the gateway's native transport.
      const { dataId, dataPort, udp } = await pageDataConnection(scene, withTurn, page, gw);
      const toPage = ['datagram 1 through the NATs', 'datagram 2 ✓'];
      for (const text of toPage) await udp.send(dataPort.port, text);
      await waitFor(async () => (await page.data()).received.length >= toPage.length, 10_000, 'datagrams in the page');
      assert.deepEqual((await page.data()).received, toPage);
      const fromPage = ['message 1 from Chromium', 'message 2 — ünïcode'];
      for (const text of fromPage) await page.send(text);
      assert.deepEqual([(await udp.next(10_000)).toString(), (await udp.next(10_000)).toString()], fromPage);

      const dataPair = await gatewayPair(withTurn, dataId, 'data');
      const pageDataPair = await pagePair(() => page.data());
      console.log(`data: gateway ${pairText(dataPair)}; Chromium ${pairText(pageDataPair)}`);
      assert.ok(relayed(dataPair), `the DataConnection's pair has a relay candidate: ${pairText(dataPair)}`);
      assert.ok(relayed(pageDataPair), `Chromium's data pair has a relay candidate: ${pairText(pageDataPair)}`);
    });
  });

  describe('both NATs port-restricted cone, STUN only', () => {
    const scene = new Scene();
    let gateway: NatGateway;
    before(async () => {
      await scene.build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone' }, true);
      gateway = await scene.gateway({ iceServers: [url(scene.turn!.urls.stun)] });
    });
    after(() => scene.close());

    it('the call connects on server-reflexive addresses: frames decode, no relay, no allocation on coturn', async () => {
      const { gw, page } = await scene.peers(gateway, 'cone');
      const redirectPort = await freeUdpPort();
      const connection = await chromiumCalls(gateway, page, gw, { redirectPort });
      await streams(gateway, page, connection);
      await redirectDecodes(scene, gateway, connection, redirectPort, 'cone');
      const pair = await gatewayPair(gateway, connection, 'media');
      const pagePairNow = await pagePair(() => page.media());
      console.log(`gateway ${pairText(pair)}; Chromium ${pairText(pagePairNow)}`);
      assert.ok(!relayed(pair) && !relayed(pagePairNow), 'no relay');
      assert.ok(['srflx', 'prflx'].includes(pair.remote.type), `the gateway reaches the peer NAT's mapping: ${pairText(pair)}`);
      assert.equal(pair.remote.address, scene.net.peerNat.publicIp);
      assert.ok(['srflx', 'prflx'].includes(pagePairNow.remote.type), `Chromium reaches the gateway NAT's mapping: ${pairText(pagePairNow)}`);
      assert.equal(pagePairNow.remote.address, scene.net.gatewayNat.publicIp);
      assert.equal(scene.turn!.allocations(), 0);
    });
  });

  describe('gateway NAT one-to-one, peer NAT symmetric, no STUN or TURN anywhere', { concurrency: true }, () => {
    const scene = new Scene();
    let advertised: NatGateway;
    let plain: NatGateway;
    before(async () => {
      await scene.build({ gatewayNat: 'one-to-one', peerNat: 'symmetric' }, false);
      advertised = await scene.gateway({ mediaAdvertisedAddresses: [scene.net.gatewayNat.publicIp] });
      plain = await scene.gateway({});
    });
    after(() => scene.close());

    it('media_advertised_addresses = the public IP: the call connects on a host candidate with that IP and frames decode', async () => {
      const { gw, page } = await scene.peers(advertised, 'one-to-one');
      const redirectPort = await freeUdpPort();
      const connection = await chromiumCalls(advertised, page, gw, { redirectPort });
      await streams(advertised, page, connection);
      await redirectDecodes(scene, advertised, connection, redirectPort, 'one-to-one');
      const pair = await gatewayPair(advertised, connection, 'media');
      const media = await page.media();
      console.log(`gateway ${pairText(pair)}; Chromium ${pairText(media.pair)}; gateway candidates ${JSON.stringify(media.remoteCandidates)}`);
      assert.equal(pair.local.type, 'host');
      assert.equal(pair.local.address, scene.net.gatewayNat.publicIp);
      assert.equal(pair.remote.address, scene.net.peerNat.publicIp, 'the peer reached it through its NAT (peer-reflexive)');
      assert.ok(media.remoteCandidates.length > 0 && media.remoteCandidates.every((c) => c.includes(` ${scene.net.gatewayNat.publicIp} `)), 'only the public IP is offered');
      assert.deepEqual([media.pair?.remote.type, media.pair?.remote.address], ['host', scene.net.gatewayNat.publicIp]);
    });

    it('media_advertised_addresses applies to DataConnections: the page connects on a host candidate with the public IP, datagrams both ways', async () => {
      const { gw, page } = await scene.peers(advertised, 'one-to-one-data');
      const { dataId, dataPort, udp } = await pageDataConnection(scene, advertised, page, gw);
      await udp.send(dataPort.port, 'to the page through a 1:1 NAT');
      await waitFor(async () => (await page.data()).received.length >= 1, 10_000, 'the datagram in the page');
      assert.deepEqual((await page.data()).received, ['to the page through a 1:1 NAT']);
      await page.send('from the page');
      assert.equal((await udp.next(10_000)).toString(), 'from the page');
      const pair = await gatewayPair(advertised, dataId, 'data');
      const data = await page.data();
      console.log(`data: gateway ${pairText(pair)}; Chromium ${pairText(data.pair)}; gateway candidates ${JSON.stringify(data.remoteCandidates)}`);
      assert.equal(pair.local.type, 'host');
      assert.equal(pair.local.address, scene.net.gatewayNat.publicIp);
      assert.ok(data.remoteCandidates.length > 0 && data.remoteCandidates.every((c) => c.includes(` ${scene.net.gatewayNat.publicIp} `)), 'only the public IP is offered');
      assert.deepEqual([data.pair?.remote.type, data.pair?.remote.address], ['host', scene.net.gatewayNat.publicIp]);
    });

    it('without it (control): the gateway offers only its private address and the call fails on ICE', async () => {
      const { gw, page } = await scene.peers(plain, 'one-to-one-control');
      const connection = await chromiumCalls(plain, page, gw, { redirectPort: await freeUdpPort() });
      await assertIceFails(plain, connection);
      const media = await page.media();
      assert.ok(media.remoteCandidates.length > 0 && media.remoteCandidates.every((c) => c.includes(` ${scene.net.gateway.ip} `)), JSON.stringify(media.remoteCandidates));
    });
  });
});
