// The NAT suite's harness proven with real traffic: each NAT kind's mapping and filtering as a STUN
// server and a probe on the internet see them, libwebrtc peers that fail or connect as the NATs
// dictate, TURN over UDP, TCP and TLS through a UDP-blocking firewall, a one-to-one NAT, Chromium
// behind a NAT, and clean-up. No gateway here: test/helpers/nat/ is what its NAT tests stand on.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';

import { runCommand } from '../helpers/netns/command.js';
import { launchChromiumBehindNat } from '../helpers/nat/chromiumBehindNat.js';
import { ChromiumIcePeer } from '../helpers/nat/ChromiumIcePeer.js';
import { connectIcePeers } from '../helpers/nat/connectIcePeers.js';
import type { IcePeer, IcePeerConfig, SelectedPair } from '../helpers/nat/IcePeer.js';
import { NatCoturn, type TurnAuth } from '../helpers/nat/NatCoturn.js';
import { NatTopology, type NatTopologyOptions } from '../helpers/nat/NatTopology.js';
import { stunBinding } from '../helpers/nat/stunBinding.js';
import { turnAllocate } from '../helpers/nat/turnAllocate.js';
import { startUdpFilterProbe } from '../helpers/nat/udpFilterProbe.js';
import { WrtcIcePeer } from '../helpers/nat/WrtcIcePeer.js';

/** libwebrtc's ICE gives up on all-failed checks after about 15 s here; the bound leaves room. */
const ICE_FAIL_BOUND_MS = 40_000;
const ICE_CONNECT_BOUND_MS = 15_000;
const LONG_TERM: TurnAuth = { mechanism: 'long-term', user: 'nat-user', password: 'nat-password' };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Pids of every process on the machine whose network namespace is one of `namespaces` (readlink form). */
function processesIn(namespaces: readonly string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (namespaces.includes(readlinkSync(`/proc/${entry}/ns/net`))) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** A DataChannel message each way, with content the other side must echo exactly. */
async function roundTrip(a: IcePeer, b: IcePeer): Promise<void> {
  const ping = `ping-${Math.random().toString(36).slice(2)}`;
  const pong = `pong-${Math.random().toString(36).slice(2)}`;
  await a.events.waitFor(ICE_CONNECT_BOUND_MS, `${a.name}'s channel to open`, (e) => e.event === 'channel-open');
  await b.events.waitFor(ICE_CONNECT_BOUND_MS, `${b.name}'s channel to open`, (e) => e.event === 'channel-open');
  a.send({ cmd: 'send', data: ping });
  await b.received(ping);
  b.send({ cmd: 'send', data: pong });
  await a.received(pong);
}

/** The selected pair of each side after the round trip: bytes went both ways on both. */
async function selectedPairs(a: IcePeer, b: IcePeer): Promise<[SelectedPair, SelectedPair]> {
  const pairs: SelectedPair[] = [];
  for (const p of [a, b]) {
    const { selected } = await p.stats();
    assert.ok(selected, `${p.name} has a selected candidate pair`);
    assert.ok(selected.bytesSent > 0 && selected.bytesReceived > 0, `${p.name}'s pair carried bytes both ways: ${JSON.stringify(selected)}`);
    pairs.push(selected);
  }
  console.log(`selected: ${pairs.map((s) => `${s.local.candidateType}/${s.local.relayProtocol ?? s.local.protocol} -> ${s.remote.candidateType}`).join(' | ')}`);
  return pairs as [SelectedPair, SelectedPair];
}

const hasRelay = (s: SelectedPair) => s.local.candidateType === 'relay' || s.remote.candidateType === 'relay';

describe('NAT harness: namespaces, iptables NATs, coturn', () => {
  let topology: NatTopology | undefined;
  let turn: NatCoturn | undefined;
  const sockets: Socket[] = [];
  const peers: IcePeer[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];

  const build = async (options: NatTopologyOptions, auth: TurnAuth = LONG_TERM) => {
    topology = await NatTopology.create(options);
    turn = await NatCoturn.start({ netns: topology.internet.netns, listeningIps: topology.serverIps, auth });
    return { net: topology, turn };
  };
  /** A UDP socket on the gateway's host (the test's own namespace). */
  const gatewaySocket = async (): Promise<Socket> => {
    const socket = createSocket('udp4');
    sockets.push(socket);
    socket.bind(0, topology!.gateway.ip);
    await once(socket, 'listening');
    return socket;
  };
  /** libwebrtc on the gateway's LAN and behind the peer's NAT. */
  const wrtcPeers = (gatewaySide: IcePeerConfig, peerSide: IcePeerConfig = gatewaySide) => {
    const a = WrtcIcePeer.start('gateway-side peer', topology!.gateway, gatewaySide);
    const b = WrtcIcePeer.start('remote peer', topology!.peer, peerSide);
    peers.push(a, b);
    return [a, b] as const;
  };
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.stop()));
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    sockets.splice(0).forEach((s) => s.close());
    await turn?.close();
    await topology?.close();
    turn = undefined;
    topology = undefined;
  });

  describe('NAT kinds, seen from the gateway host with STUN and a filtering probe', () => {
    it('port-restricted cone: one external port for every destination, and replies only from where the inside sent', async () => {
      const { net } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone' });
      const socket = await gatewaySocket();
      const first = await stunBinding(socket, net.serverIps[0]!, 3478);
      const second = await stunBinding(socket, net.serverIps[1]!, 3478);
      console.log(`mapped by ${net.serverIps[0]} ${first.address}:${first.port}, by ${net.serverIps[1]} ${second.address}:${second.port}`);
      assert.equal(first.address, net.gatewayNat.publicIp);
      assert.deepEqual(second, first, 'endpoint-independent mapping: the same external address and port to both servers');

      const probe = await startUdpFilterProbe(net.internet, net.serverIps[1]!);
      cleanups.push(() => probe.stop());
      assert.deepEqual(await probe.replies(socket), ['from-same'], 'address-and-port-dependent filtering');
    });

    it('symmetric: a new external port for each destination, the same one again for the same destination', async () => {
      const { net } = await build({ gatewayNat: 'symmetric', peerNat: 'symmetric' });
      const socket = await gatewaySocket();
      const first = await stunBinding(socket, net.serverIps[0]!, 3478);
      const again = await stunBinding(socket, net.serverIps[0]!, 3478);
      const second = await stunBinding(socket, net.serverIps[1]!, 3478);
      console.log(`mapped by ${net.serverIps[0]} ${first.port} (again ${again.port}), by ${net.serverIps[1]} ${second.port}`);
      assert.equal(first.address, net.gatewayNat.publicIp);
      assert.deepEqual(again, first, 'the same destination keeps its mapping');
      assert.equal(second.address, net.gatewayNat.publicIp);
      assert.notEqual(second.port, first.port, 'address-and-port-dependent mapping');

      const probe = await startUdpFilterProbe(net.internet, net.serverIps[1]!);
      cleanups.push(() => probe.stop());
      assert.deepEqual(await probe.replies(socket), ['from-same']);
    });

    it('one-to-one: the gateway host answers at its public IP (a UDP echo through the DNAT), from that IP and port', async () => {
      const { net } = await build({ gatewayNat: 'one-to-one', peerNat: 'port-restricted-cone' });
      const echo = await gatewaySocket();
      const senders: string[] = [];
      echo.on('message', (msg, from) => {
        senders.push(from.address);
        echo.send(msg, from.port, from.address);
      });
      const port = echo.address().port;
      // From the remote peer's host, behind its own NAT, to the gateway's public address.
      const script = `import{createSocket}from'node:dgram';const s=createSocket('udp4');s.on('message',(m,r)=>{console.log(JSON.stringify({data:String(m),from:r.address,port:r.port}));process.exit(0)});s.send('hello 1:1',${port},'${net.gatewayNat.publicIp}');setTimeout(()=>{console.log('{}');process.exit(0)},3000)`;
      const reply = JSON.parse(await net.peer.netns.exec(process.execPath, ['--input-type=module', '-e', script])) as { data?: string; from?: string; port?: number };
      assert.deepEqual(reply, { data: 'hello 1:1', from: net.gatewayNat.publicIp, port }, 'the echo came back from the public address, same port');
      assert.deepEqual(senders, [net.peerNat.publicIp], 'the gateway host saw the peer NAT\'s public address');

      // Every port of the public IP is the host's: unsolicited replies come in too.
      const socket = await gatewaySocket();
      const probe = await startUdpFilterProbe(net.internet, net.serverIps[1]!);
      cleanups.push(() => probe.stop());
      assert.deepEqual(await probe.replies(socket), ['from-other-address', 'from-other-port', 'from-same']);
    });
  });

  describe('coturn on the internet, probed from the gateway host without a WebRTC stack', () => {
    it('REST-secret credentials: fresh ones allocate a relay on the server, a wrong password gets 401 and no allocation', async () => {
      const { net, turn } = await build({ gatewayNat: 'symmetric', peerNat: 'symmetric' }, { mechanism: 'rest-secret', secret: 'nat-secret' });
      const good = await turnAllocate(await gatewaySocket(), net.serverIps[0]!, 3478, turn.credentials('gateway'));
      assert.ok('relayed' in good, JSON.stringify(good));
      assert.equal(good.relayed.address, net.serverIps[0]);
      const bad = await turnAllocate(await gatewaySocket(), net.serverIps[0]!, 3478, { username: turn.credentials('gateway').username, credential: 'not-the-hmac' });
      assert.deepEqual(bad, { ok: false, errorCode: 401 });
      assert.equal(turn.allocations(), 1);
    });

    it('--max-allocate-lifetime caps Allocate and a Refresh with LIFETIME; a Refresh without one gets 600; an allocation left alone times out', async () => {
      topology = await NatTopology.create({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone' });
      turn = await NatCoturn.start({ netns: topology.internet.netns, listeningIps: topology.serverIps, auth: LONG_TERM, maxAllocateLifetimeSec: 2 });
      const allocation = await turnAllocate(await gatewaySocket(), topology.serverIps[0]!, 3478, turn.credentials(), 3600);
      assert.ok('relayed' in allocation, JSON.stringify(allocation));
      assert.equal(allocation.lifetimeSec, 2, 'asked 3600, granted the cap');
      assert.deepEqual(await allocation.refresh(), { ok: true, lifetimeSec: 600 }, 'coturn 4.6: a Refresh without LIFETIME is not capped');
      assert.deepEqual(await allocation.refresh(600), { ok: true, lifetimeSec: 2 });
      assert.equal(turn.refreshes(), 2);
      // Nothing refreshes it now: coturn ends it after its 2 s (and reports it on its next timer).
      const deadline = Date.now() + 8000;
      while (turn.timedOutAllocations() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(turn.timedOutAllocations(), 1);
      const late = await allocation.refresh(600);
      assert.equal(late.ok, false, 'the allocation is gone');
    });
  });

  describe('libwebrtc peers (@roamhq/wrtc) across the NATs', () => {
    it('both NATs symmetric, STUN only: ICE fails', async () => {
      const { turn } = await build({ gatewayNat: 'symmetric', peerNat: 'symmetric' });
      const [a, b] = wrtcPeers({ iceServers: [turn.iceServer(turn.urls.stun)] });
      const result = await connectIcePeers(a, b, ICE_FAIL_BOUND_MS);
      console.log(`ICE ${result.outcome} after ${result.ms.toFixed(0)} ms`);
      assert.equal(result.outcome, 'failed');
      const { selected, localCandidates } = await a.stats();
      assert.equal(selected, null);
      assert.ok(localCandidates.some((c) => c.candidateType === 'srflx'), 'STUN did work: a server-reflexive candidate was gathered');
    });

    for (const policy of ['all', 'relay'] as const) {
      it(`both NATs symmetric, TURN over UDP (policy ${policy}): connects through a relay, messages both ways`, async () => {
        const { turn } = await build({ gatewayNat: 'symmetric', peerNat: 'symmetric' });
        const config: IcePeerConfig = { iceServers: [turn.iceServer(turn.urls.stun), turn.iceServer(turn.urls.turnUdp)], iceTransportPolicy: policy };
        const [a, b] = wrtcPeers(config);
        const result = await connectIcePeers(a, b, ICE_CONNECT_BOUND_MS);
        console.log(`ICE ${result.outcome} after ${result.ms.toFixed(0)} ms`);
        assert.equal(result.outcome, 'connected');
        await roundTrip(a, b);
        const [sa, sb] = await selectedPairs(a, b);
        assert.ok(hasRelay(sa) && hasRelay(sb), 'a relay candidate on the selected pair');
        if (policy === 'relay') assert.deepEqual([sa.local.candidateType, sb.local.candidateType], ['relay', 'relay']);
        assert.ok(turn.allocations() >= 1, `coturn logged ${turn.allocations()} allocations`);
      });
    }

    it('both NATs port-restricted cone, STUN only: connects without a relay', async () => {
      const { turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone' });
      const [a, b] = wrtcPeers({ iceServers: [turn.iceServer(turn.urls.stun)] });
      const result = await connectIcePeers(a, b, ICE_CONNECT_BOUND_MS);
      console.log(`ICE ${result.outcome} after ${result.ms.toFixed(0)} ms`);
      assert.equal(result.outcome, 'connected');
      await roundTrip(a, b);
      for (const s of await selectedPairs(a, b)) {
        assert.ok(!hasRelay(s), 'no relay');
        assert.ok(['srflx', 'prflx'].includes(s.remote.candidateType), `the remote end is the other NAT's mapping: ${s.remote.candidateType}`);
      }
      assert.equal(turn.allocations(), 0);
    });

    it('gateway side drops all outbound UDP: STUN and TURN over UDP get nothing out, TURN over TCP connects', async () => {
      const { net, turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone', blockGatewayUdp: true });
      const config: IcePeerConfig = { iceServers: [turn.iceServer(turn.urls.stun), turn.iceServer(turn.urls.turnUdp), turn.iceServer(turn.urls.turnTcp)] };
      const [a, b] = wrtcPeers(config);
      const result = await connectIcePeers(a, b, ICE_CONNECT_BOUND_MS);
      assert.equal(result.outcome, 'connected');
      await roundTrip(a, b);
      const [sa] = await selectedPairs(a, b);
      assert.equal(sa.local.candidateType, 'relay');
      assert.equal(sa.local.relayProtocol, 'tcp', 'the gateway side reaches TURN over TCP');
      const { localCandidates } = await a.stats();
      assert.ok(!localCandidates.some((c) => c.candidateType === 'srflx'), 'no server-reflexive candidate: no STUN answer came back');
      assert.ok(!localCandidates.some((c) => c.relayProtocol === 'udp'), 'no allocation over UDP');
      assert.ok((await net.gatewayNat.blockedUdpPackets()) > 0, 'the firewall dropped the UDP that tried');
    });

    it('libwebrtc checks a turns: certificate: @roamhq/wrtc gets no allocation from the test certificate', async () => {
      // What this libwebrtc (M106) does: it verifies the TURN server's certificate against its
      // built-in roots (no SSL_CERT_FILE, no tlsCertPolicy in @roamhq/wrtc), so a self-signed one
      // fails and coturn sees the client close the TLS connection. Chromium can pin it (below).
      const { turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'port-restricted-cone', blockGatewayUdp: true });
      const [a] = wrtcPeers({ iceServers: [turn.iceServer(turn.urls.turns)], iceTransportPolicy: 'relay' });
      a.send({ cmd: 'offer' });
      await a.events.waitFor(ICE_CONNECT_BOUND_MS, 'gathering to complete', (e) => e.event === 'gathering-complete');
      const { localCandidates } = await a.stats();
      assert.deepEqual(localCandidates.filter((c) => c.candidateType === 'relay'), []);
      assert.ok(a.candidateErrors().some((e) => e['url'] === turn.urls.turns), JSON.stringify(a.candidateErrors()));
      assert.equal(turn.allocations(), 0);
      assert.ok(turn.countInLog(/TLS\/TCP .*(closed|disconnected)/) > 0, 'coturn saw TLS connections end without a request');
    });
  });

  describe('headless Chromium in the topology', () => {
    it('gateway side drops all outbound UDP: TURN over TLS (turns:, the test certificate pinned) connects to a libwebrtc peer', async () => {
      const { turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'symmetric', blockGatewayUdp: true });
      const pin = `--ignore-certificate-errors-spki-list=${turn.certificate!.spkiSha256}`;
      const a = await ChromiumIcePeer.start('Chromium, gateway side', topology!.gateway, { iceServers: [turn.iceServer(turn.urls.turns)], iceTransportPolicy: 'relay' }, [pin]);
      peers.push(a);
      const b = WrtcIcePeer.start('remote peer', topology!.peer, { iceServers: [turn.iceServer(turn.urls.stun)] });
      peers.push(b);
      const result = await connectIcePeers(a, b, ICE_CONNECT_BOUND_MS);
      console.log(`ICE ${result.outcome} after ${result.ms.toFixed(0)} ms`);
      assert.equal(result.outcome, 'connected');
      await roundTrip(a, b);
      const [sa] = await selectedPairs(a, b);
      assert.equal(sa.local.candidateType, 'relay');
      assert.equal(sa.local.relayProtocol, 'tls', 'the gateway side reaches TURN over TLS');
      assert.ok(turn.allocations() >= 1);
    });

    it('Chromium behind the peer NAT loads a page published on the gateway NAT and gathers its own NAT\'s mapping', async () => {
      const { net, turn } = await build({ gatewayNat: 'port-restricted-cone', peerNat: 'symmetric' });
      const api = createServer((req, res) => {
        res.setHeader('access-control-allow-origin', '*');
        res.end(JSON.stringify({ from: req.socket.remoteAddress }));
      });
      await new Promise<void>((resolve) => api.listen(0, net.gateway.ip, resolve));
      cleanups.push(() => void api.close());
      const apiUrl = `http://${await net.publishGatewayTcp((api.address() as AddressInfo).port)}/`;
      const browser = await launchChromiumBehindNat(net);
      cleanups.push(() => browser.close());
      const page = await browser.newPage('<!doctype html><title>behind NAT</title>');
      const seen = await page.evaluate(
        async ({ url, stun }) => {
          const body = await (await fetch(url)).json();
          const pc = new RTCPeerConnection({ iceServers: [{ urls: stun }] });
          const srflx: string[] = [];
          const done = new Promise<void>((resolve) => {
            pc.onicecandidate = (e) => {
              if (!e.candidate) return resolve();
              if (e.candidate.type === 'srflx') srflx.push(e.candidate.address ?? '');
            };
          });
          pc.createDataChannel('x');
          await pc.setLocalDescription(await pc.createOffer());
          await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
          pc.close();
          return { secure: (globalThis as any).isSecureContext, body, srflx };
        },
        { url: apiUrl, stun: turn.urls.stun },
      );
      assert.deepEqual(seen.body, { from: net.peerNat.publicIp }, 'the request left through the peer NAT');
      assert.equal(seen.secure, true);
      assert.ok(seen.srflx.length > 0 && seen.srflx.every((a) => a === net.peerNat.publicIp), `srflx ${JSON.stringify(seen.srflx)}`);
    });
  });

  it('close() leaves no process, namespace or veth behind', async () => {
    const { net, turn: server } = await build({ gatewayNat: 'symmetric', peerNat: 'port-restricted-cone' });
    const [a, b] = wrtcPeers({ iceServers: [server.iceServer(server.urls.turnUdp)] });
    assert.equal((await connectIcePeers(a, b, ICE_CONNECT_BOUND_MS)).outcome, 'connected');
    const pids = [...net.pids(), server.pid];
    assert.ok(pids.includes(a.pid) && pids.includes(b.pid), 'the peers are the topology\'s processes');
    assert.ok(pids.length >= 7, `holders, coturn and peers: ${pids.join(' ')}`);
    const namespaces = net.netnsPaths().map((p) => readlinkSync(p));
    assert.ok(processesIn(namespaces).length >= 6, 'the scan finds the four holders, coturn and the remote peer');
    peers.splice(0);
    await server.close();
    await net.close();
    turn = undefined;
    topology = undefined;
    assert.deepEqual(pids.filter(alive), [], 'every process is gone');
    assert.deepEqual(processesIn(namespaces), [], 'no process is left in any of its namespaces (so they are gone)');
    assert.deepEqual(net.pids(), []);
    await assert.rejects(runCommand('ip', ['link', 'show', 'wgnat-gw']), /does not exist/, 'the gateway LAN veth is gone');
    assert.equal((await runCommand('ip', ['route', 'show', 'default'])).trim(), '', 'no default route left');
    const ours = readlinkSync('/proc/self/ns/net');
    assert.ok(!namespaces.includes(ours) && new Set(namespaces).size === 4, 'four namespaces of its own');
    // Another topology can be built at once (the veth name is free again).
    topology = await NatTopology.create({ gatewayNat: 'one-to-one', peerNat: 'one-to-one' });
  });
});
