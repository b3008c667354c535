import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, openDataPort, UdpEndpoint, waitForEvent, type RestPeer } from '../helpers/dataPath.js';
import { waitFor } from '../helpers/proc.js';
import { loadStockPeerjs, peerjsOptions, peerOpen } from '../helpers/stockPeerjs.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

type PeerCtor = Awaited<ReturnType<typeof loadStockPeerjs>>;
type StockPeer = InstanceType<PeerCtor>;
type StockConnection = ReturnType<StockPeer['connect']>;

const WIRE: Record<string, string> = { NONE: 'raw', BINARY: 'binary', BINARY_UTF8: 'binary-utf8', JSON: 'json' };
/**
 * peerjs 1.5 serves "binary-utf8" with its BinaryPack connection, which calls itself "binary":
 * that is what its OFFER says and what `conn.serialization` reports.
 */
const STOCK_NAME: Record<string, string> = { ...WIRE, BINARY_UTF8: 'binary' };

/** A gateway connection and the stock client's end of it, with the UDP program behind the gateway. */
interface Link {
  connectionId: string;
  conn: StockConnection;
  received: unknown[];
  udp: UdpEndpoint;
  dataPort: { data_id: string; port: number };
}

/** What the stock client receives for a datagram, and the datagram each value it sends becomes. */
interface Expectations {
  toBrowser: { datagram: Buffer; expect: (value: unknown) => void }[];
  fromBrowser: { value: unknown; datagram: Buffer }[];
}

const text = 'héllo wörld 😀';
const object = { a: 1, b: [true, null, 'x'] };
const bytes = new Uint8Array([0, 1, 127, 128, 255]);
/** Bytes reach the stock client as an ArrayBuffer, or (its own reassembly of chunks) a Uint8Array. */
const isBytes = (expected: Buffer) => (value: unknown) => {
  assert.ok(value instanceof ArrayBuffer || value instanceof Uint8Array, `bytes, not ${Object.prototype.toString.call(value)}`);
  assert.deepEqual(Buffer.from(value as ArrayBuffer), expected);
};

/** The mapping table of docs/DATA.md, cell by cell, for the stock client in Node. */
const TABLE: Record<string, Expectations> = {
  NONE: {
    toBrowser: [
      { datagram: Buffer.from([9, 0, 255]), expect: isBytes(Buffer.from([9, 0, 255])) },
      { datagram: Buffer.alloc(60000, 5), expect: isBytes(Buffer.alloc(60000, 5)) },
    ],
    // An object cannot be sent raw from Node (libwebrtc's send takes strings and bytes only);
    // the Chromium suite checks what a browser makes of it.
    fromBrowser: [
      { value: text, datagram: Buffer.from(text) },
      { value: bytes, datagram: Buffer.from(bytes) },
      { value: new Uint8Array(60000).fill(3), datagram: Buffer.alloc(60000, 3) },
    ],
  },
  BINARY: {
    toBrowser: [
      { datagram: Buffer.from([9, 0, 255]), expect: isBytes(Buffer.from([9, 0, 255])) },
      { datagram: Buffer.from(text), expect: isBytes(Buffer.from(text)) },
      { datagram: Buffer.alloc(60000, 5), expect: isBytes(Buffer.alloc(60000, 5)) },
    ],
    fromBrowser: [
      { value: text, datagram: Buffer.from(text) },
      { value: bytes, datagram: Buffer.from(bytes) },
      { value: object, datagram: Buffer.from(JSON.stringify(object)) },
      { value: 42, datagram: Buffer.from('42') },
      { value: new Uint8Array(50000).fill(7), datagram: Buffer.alloc(50000, 7) },
    ],
  },
  BINARY_UTF8: {
    toBrowser: [
      { datagram: Buffer.from(text), expect: (v) => assert.equal(v, text) },
      { datagram: Buffer.from('λ'.repeat(20000)), expect: (v) => assert.equal(v, 'λ'.repeat(20000)) },
    ],
    fromBrowser: [
      { value: text, datagram: Buffer.from(text) },
      { value: bytes, datagram: Buffer.from(bytes) },
      { value: object, datagram: Buffer.from(JSON.stringify(object)) },
    ],
  },
  JSON: {
    toBrowser: [
      { datagram: Buffer.from('{"x":[1,2],"y":"é"}'), expect: (v) => assert.deepEqual(v, { x: [1, 2], y: 'é' }) },
      { datagram: Buffer.from('"just text"'), expect: (v) => assert.equal(v, 'just text') },
      { datagram: Buffer.from(JSON.stringify({ big: 'z'.repeat(40000) })), expect: (v) => assert.equal((v as { big: string }).big.length, 40000) },
    ],
    fromBrowser: [
      { value: text, datagram: Buffer.from(JSON.stringify(text)) },
      { value: bytes, datagram: Buffer.from(JSON.stringify(bytes)) },
      { value: object, datagram: Buffer.from(JSON.stringify(object)) },
    ],
  },
};

describe('DataConnections with the stock peerjs client (1.5.5, libwebrtc in Node)', () => {
  let Peer: PeerCtor;
  let gateway: Gateway;
  let base: string;
  let browser: StockPeer;
  let n = 0;
  before(async () => {
    Peer = await loadStockPeerjs();
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    browser = new Peer('browser', peerjsOptions(`ws://127.0.0.1:${gateway.signaling!.address.port}/`));
    await peerOpen(browser);
  });
  after(async () => {
    browser.destroy();
    await gateway.stop();
  });

  /** Gateway side: a data port and a UDP program, wired to the connection. */
  async function wire(connectionId: string): Promise<Pick<Link, 'udp' | 'dataPort'>> {
    const dataPort = await openDataPort(base);
    const udp = await UdpEndpoint.open();
    const put = await call(base, 'PUT', `/data/connections/${connectionId}`, {
      feed_params: { data_id: dataPort.data_id },
      redirect_params: { ip_v4: '127.0.0.1', port: udp.port },
    });
    assert.equal(put.status, 200);
    return { udp, dataPort };
  }

  /** The stock client connects to a gateway peer (the browser's `peer.connect(gatewayPeerId)`). */
  async function browserConnects(gw: RestPeer, serialization: string): Promise<Link> {
    const conn = browser.connect(gw.id, { serialization: WIRE[serialization], reliable: true, metadata: { from: 'browser' } });
    const received: unknown[] = [];
    conn.on('data', (d) => received.push(d));
    const event = (await call(base, 'GET', `/peers/${gw.id}/events?token=${gw.token}`)).body;
    assert.equal(event.event, 'CONNECTION');
    const connectionId = event.data_params.data_connection_id;
    const status = (await call(base, 'GET', `/data/connections/${connectionId}/status`)).body;
    assert.equal(WIRE[status.serialization], STOCK_NAME[serialization]);
    assert.deepEqual(status.metadata, { from: 'browser' });
    assert.equal(status.reliable, true);
    const wired = await wire(connectionId);
    await waitForEvent(base, connectionId, 'OPEN');
    await new Promise<void>((resolve) => (conn.open ? resolve() : conn.on('open', () => resolve())));
    return { connectionId, conn, received, ...wired };
  }

  /** The gateway connects to the stock client (POST /data/connections). */
  async function gatewayConnects(gw: RestPeer, serialization: string): Promise<Link> {
    const incoming = new Promise<StockConnection>((resolve) => browser.once('connection', resolve));
    const res = await call(base, 'POST', '/data/connections', {
      peer_id: gw.id,
      token: gw.token,
      target_id: 'browser',
      options: { serialization, metadata: 'from the gateway' },
    });
    assert.equal(res.status, 202);
    const connectionId = res.body.params.data_connection_id;
    const conn = await incoming;
    assert.equal(conn.serialization, STOCK_NAME[serialization]);
    assert.equal(conn.metadata, 'from the gateway');
    const received: unknown[] = [];
    conn.on('data', (d) => received.push(d));
    const wired = await wire(connectionId);
    await waitForEvent(base, connectionId, 'OPEN');
    await new Promise<void>((resolve) => (conn.open ? resolve() : conn.on('open', () => resolve())));
    return { connectionId, conn, received, ...wired };
  }

  async function exchange(link: Link, table: Expectations): Promise<void> {
    for (const { datagram, expect } of table.toBrowser) {
      const before = link.received.length;
      await link.udp.send(link.dataPort.port, datagram);
      await waitFor(() => link.received.length > before, 5000, 'the datagram at the stock client');
      expect(link.received[before]);
    }
    for (const { value, datagram } of table.fromBrowser) {
      link.conn.send(value);
      assert.deepEqual(await link.udp.next(), datagram, `what ${JSON.stringify(value)?.slice(0, 40)} becomes`);
    }
  }

  for (const serialization of Object.keys(TABLE)) {
    // A stock client asking for binary-utf8 announces "binary": the gateway serves it as BINARY.
    const atGateway = serialization === 'BINARY_UTF8' ? 'BINARY' : serialization;
    it(`${serialization}: a stock client's connection to the gateway maps every kind of value both ways`, async () => {
      const link = await browserConnects(await createPeer(base, `gw${++n}`), serialization);
      await exchange(link, TABLE[atGateway]!);
    });

    it(`${serialization}: the gateway's connection to a stock client maps every kind of value both ways`, async () => {
      const link = await gatewayConnects(await createPeer(base, `gw${++n}`), serialization);
      await exchange(link, TABLE[serialization]!);
    });
  }

  it('JSON: a datagram that is not JSON never reaches the stock client; the drop is counted', async () => {
    const link = await browserConnects(await createPeer(base, `gw${++n}`), 'JSON');
    await link.udp.send(link.dataPort.port, 'definitely not json');
    await link.udp.send(link.dataPort.port, '{"after":1}');
    await waitFor(() => link.received.length === 1, 5000, 'the valid datagram');
    assert.deepEqual(link.received, [{ after: 1 }]);
    const status = (await call(base, 'GET', `/data/connections/${link.connectionId}/status`)).body;
    assert.deepEqual(status.stats.dropped.to_remote, { invalid_json: 1 });
  });

  for (const [serialization, size] of [['BINARY', 100000], ['NONE', 70000]] as const) {
    it(`${serialization}: a message too large for one datagram is dropped and counted, and the connection goes on`, async () => {
      const link = await browserConnects(await createPeer(base, `gw${++n}`), serialization);
      link.conn.send(new Uint8Array(size));
      link.conn.send('small');
      assert.equal((await link.udp.next()).toString(), 'small');
      const status = (await call(base, 'GET', `/data/connections/${link.connectionId}/status`)).body;
      assert.deepEqual(status.stats.dropped.from_remote, { too_large: 1 });
    });
  }

  for (const dcInit of [{ ordered: false }, { ordered: false, maxRetransmits: 0 }, { maxPacketLifeTime: 400 }] as const) {
    it(`the gateway's ${JSON.stringify(dcInit)} channel reaches the stock client as such and carries datagrams both ways`, async () => {
      const gw = await createPeer(base, `gw${++n}`);
      const incoming = new Promise<StockConnection>((resolve) => browser.once('connection', resolve));
      const res = await call(base, 'POST', '/data/connections', { peer_id: gw.id, token: gw.token, target_id: 'browser', options: { serialization: 'NONE', dcInit } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      const connectionId = res.body.params.data_connection_id;
      const conn = await incoming;
      const received: unknown[] = [];
      conn.on('data', (d) => received.push(d));
      const { udp, dataPort } = await wire(connectionId);
      await waitForEvent(base, connectionId, 'OPEN');
      await new Promise<void>((resolve) => (conn.open ? resolve() : conn.on('open', () => resolve())));
      // What libwebrtc made of the channel the gateway opened (RFC 8832 DATA_CHANNEL_OPEN).
      // (libwebrtc M106 in @roamhq/wrtc reports an unset limit as 65535 rather than null.)
      const channel = conn.dataChannel as RTCDataChannel;
      const limit = (value: number | null) => (value === 65535 ? null : value);
      assert.deepEqual(
        { ordered: channel.ordered, maxRetransmits: limit(channel.maxRetransmits), maxPacketLifeTime: limit(channel.maxPacketLifeTime) },
        { ordered: dcInit.ordered ?? true, maxRetransmits: 'maxRetransmits' in dcInit ? dcInit.maxRetransmits : null, maxPacketLifeTime: 'maxPacketLifeTime' in dcInit ? dcInit.maxPacketLifeTime : null },
      );
      const status = (await call(base, 'GET', `/data/connections/${connectionId}/status`)).body;
      assert.equal(status.reliable, false, 'an unordered or partially reliable channel is not "reliable"');
      // Loopback loses nothing: what is sent arrives, byte for byte (order is not asserted on an unordered channel).
      await udp.send(dataPort.port, Buffer.from([1, 2, 3]));
      await waitFor(() => received.length === 1, 5000, 'the datagram at the stock client');
      assert.deepEqual(Buffer.from(received[0] as ArrayBuffer), Buffer.from([1, 2, 3]));
      conn.send(new Uint8Array([4, 5, 6]));
      assert.deepEqual(await udp.next(), Buffer.from([4, 5, 6]));
      udp.close();
    });
  }

  it('sees the stock client close the connection, and frees the data port it used', async () => {
    const link = await browserConnects(await createPeer(base, `gw${++n}`), 'BINARY');
    link.conn.close();
    await waitForEvent(base, link.connectionId, 'CLOSE');
    await waitFor(async () => (await call(base, 'GET', `/data/${link.dataPort.data_id}/status`)).status === 404, 3000, 'data port freed');
  });

  for (const serialization of ['BINARY', 'JSON']) {
    it(`${serialization}: honours the in-band close message (close with flush)`, async () => {
      const link = await browserConnects(await createPeer(base, `gw${++n}`), serialization);
      link.conn.close({ flush: true });
      await waitForEvent(base, link.connectionId, 'CLOSE');
      await waitFor(() => !link.conn.open, 5000, 'the stock client closed too');
    });
  }

  it('closes the stock client\'s end on DELETE', async () => {
    const link = await gatewayConnects(await createPeer(base, `gw${++n}`), 'NONE');
    const closed = new Promise<void>((resolve) => link.conn.on('close', () => resolve()));
    assert.equal((await call(base, 'DELETE', `/data/connections/${link.connectionId}`)).status, 204);
    await closed;
  });
});
