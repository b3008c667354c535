// A reliable DataConnection across a lossy, delayed link: the stock peerjs client (libwebrtc) in
// the peer namespace, the gateway on this side. SCTP must repair every loss: both directions
// deliver every datagram, in order, none twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, openDataPort, UdpEndpoint, waitForEvent } from '../helpers/dataPath.js';
import { spawnPeerScript, type PeerScript } from '../helpers/impairment/peerScript.js';
import { createImpairedLink, type ImpairedLink } from '../helpers/networkNamespace.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

const COUNT = 1000;
const SIZE = 200;

describe('a reliable DataConnection across an impaired link (5 % loss each way, 10 ms delay)', () => {
  let link: ImpairedLink;
  let gateway: Gateway;
  let base: string;
  let peer: PeerScript | undefined;
  let udp: UdpEndpoint | undefined;
  before(async () => {
    link = await createImpairedLink({ lossPercent: 5, delayMs: 10, seed: 11, direction: 'both' });
    ({ gateway, base } = await startTestGateway({
      logLevel: 'warn',
      signaling: { host: link.gatewayIp, port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
      mediaBindAddresses: [link.gatewayIp],
    }));
  });
  after(async () => {
    udp?.close();
    await peer?.stop();
    await gateway?.stop();
    await link?.close();
  });

  it('delivers every datagram in order both ways, repairing the loss', async () => {
    peer = spawnPeerScript(link, 'test/helpers/impairment/peerjsDataPeer.ts', ['--host', link.gatewayIp, '--port', String(gateway.signaling!.address.port), '--id', 'datapeer']);
    await peer.lines.nextJson(20000, `peerjsDataPeer registering (stderr: ${peer.stderr()})`, (v) => v.event === 'open');
    const gw = await createPeer(base, 'gw-lossy');
    const port = await openDataPort(base);
    udp = await UdpEndpoint.open();
    const created = await call(base, 'POST', '/data/connections', {
      peer_id: gw.id, token: gw.token, target_id: 'datapeer',
      options: { serialization: 'NONE', dcInit: { ordered: true } },
      params: { data_id: port.data_id },
      redirect_params: { ip_v4: '127.0.0.1', port: udp.port },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    await waitForEvent(base, created.body.params.data_connection_id, 'OPEN');
    await peer.lines.nextJson(20000, 'the peer sees the connection open', (v) => v.event === 'connection');

    // Towards the peer: numbered datagrams into the data port, paced so no socket buffer overflows.
    for (let i = 0; i < COUNT; i += 50) {
      for (let j = i; j < i + 50; j++) {
        const datagram = Buffer.alloc(SIZE, 0x62);
        datagram.writeUInt32BE(j, 0);
        await udp.send(port.port, datagram);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    let report: { count: number; inOrder: boolean; last: number } | undefined;
    for (let attempt = 0; attempt < 60; attempt++) {
      peer.child.stdin!.write('report\n');
      report = await peer.lines.nextJson(5000, 'the peer report', (v) => v.event === 'received');
      if (report!.count >= COUNT) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(report && { count: report.count, inOrder: report.inOrder, last: report.last }, { count: COUNT, inOrder: true, last: COUNT - 1 });

    // From the peer: numbered messages, redirected to the UDP program.
    peer.child.stdin!.write(`send ${COUNT} ${SIZE}\n`);
    await peer.lines.nextJson(10000, 'the peer sent', (v) => v.event === 'sent');
    const numbers: number[] = [];
    const deadline = Date.now() + 30_000;
    while (numbers.length < COUNT && Date.now() < deadline) numbers.push((await udp.next(deadline - Date.now())).readUInt32BE(0));
    assert.deepEqual(numbers, Array.from({ length: COUNT }, (_, i) => i), 'every message, in order, none twice');
    const extra = await udp.drain(300);
    assert.equal(extra.length, 0, 'nothing after the last');

    const counters = await link.counters();
    console.log(`queue program: ${JSON.stringify(counters)}`);
    // The link really lost packets, so SCTP really repaired them.
    assert.ok(counters.dropped >= 20, `the link dropped ${counters.dropped} packets`);
  });
});
