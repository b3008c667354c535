/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import type { Gateway } from '../../src/Gateway.js';
import { launchChromium, type TestBrowser } from '../helpers/chromium.js';
import { createPeer, openDataPort, UdpEndpoint, waitForEvent, type RestPeer } from '../helpers/dataPath.js';
import { waitFor } from '../helpers/proc.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/**
 * The page: the stock peerjs bundle and a few helpers. Received values are described in a form
 * that survives the trip out of the page (bytes as base64).
 */
const PAGE = `<!doctype html><title>data</title><script src="/peerjs.min.js"></script><script>
  window.links = {};
  window.describe = (v) => {
    const b64 = (u8) => { let s = ''; for (const x of u8) s += String.fromCharCode(x); return btoa(s); };
    if (v instanceof ArrayBuffer) return { type: 'bytes', base64: b64(new Uint8Array(v)) };
    if (v instanceof Uint8Array) return { type: 'bytes', base64: b64(v) };
    if (typeof v === 'string') return { type: 'string', text: v };
    return { type: typeof v, json: JSON.stringify(v) };
  };
  window.track = (name, conn) => {
    const link = { conn, received: [], closed: false };
    conn.on('data', (d) => link.received.push(window.describe(d)));
    conn.on('close', () => { link.closed = true; });
    window.links[name] = link;
  };
</script>`;

type Described = { type: 'bytes'; base64: string } | { type: 'string'; text: string } | { type: string; json: string };

/** Values the page sends, written as expressions evaluated in the page. */
const VALUES = {
  string: "'héllo wörld 😀'",
  bytes: 'new Uint8Array([0, 1, 127, 128, 255])',
  object: "({ a: 1, b: [true, null, 'x'] })",
  number: '42',
  large: 'new Uint8Array(50000).fill(7)',
} as const;
type ValueName = keyof typeof VALUES;

interface Row {
  /** What each value the browser sends becomes as a datagram (absent: the browser cannot send it). */
  fromBrowser: Partial<Record<ValueName, Buffer>>;
  /** What the browser receives for each datagram. */
  toBrowser: { datagram: Buffer; expect: Described }[];
}

const bytesOf = (b: Buffer): Described => ({ type: 'bytes', base64: b.toString('base64') });
const text = 'héllo wörld 😀';
const objectJson = '{"a":1,"b":[true,null,"x"]}';

/** Both BinaryPack serializations map what the browser sends the same way. */
const BINARYPACK_FROM_BROWSER: Row['fromBrowser'] = {
  string: Buffer.from(text),
  bytes: Buffer.from([0, 1, 127, 128, 255]),
  object: Buffer.from(objectJson),
  number: Buffer.from('42'),
  large: Buffer.alloc(50000, 7),
};
/** Datagrams reach the browser as bytes in the raw and binary serializations. */
const BYTES_TO_BROWSER: Row['toBrowser'] = [
  { datagram: Buffer.from([9, 0, 255]), expect: bytesOf(Buffer.from([9, 0, 255])) },
  { datagram: Buffer.from(text), expect: bytesOf(Buffer.from(text)) },
  { datagram: Buffer.alloc(60000, 5), expect: bytesOf(Buffer.alloc(60000, 5)) },
];

/** docs/DATA.md, cell by cell. */
const TABLE: Record<string, Row> = {
  NONE: {
    fromBrowser: {
      string: Buffer.from(text),
      bytes: Buffer.from([0, 1, 127, 128, 255]),
      // RTCDataChannel.send() takes strings and bytes; anything else becomes its string form.
      object: Buffer.from('[object Object]'),
      number: Buffer.from('42'),
      large: Buffer.alloc(50000, 7),
    },
    toBrowser: BYTES_TO_BROWSER,
  },
  BINARY: {
    fromBrowser: BINARYPACK_FROM_BROWSER,
    toBrowser: BYTES_TO_BROWSER,
  },
  BINARY_UTF8: {
    fromBrowser: BINARYPACK_FROM_BROWSER,
    toBrowser: [
      { datagram: Buffer.from(text), expect: { type: 'string', text } },
      { datagram: Buffer.from('λ'.repeat(20000)), expect: { type: 'string', text: 'λ'.repeat(20000) } },
    ],
  },
  JSON: {
    fromBrowser: {
      string: Buffer.from(JSON.stringify(text)),
      bytes: Buffer.from('{"0":0,"1":1,"2":127,"3":128,"4":255}'),
      object: Buffer.from(objectJson),
      number: Buffer.from('42'),
    },
    toBrowser: [
      { datagram: Buffer.from('{"x":[1,2],"y":"é"}'), expect: { type: 'object', json: '{"x":[1,2],"y":"é"}' } },
      { datagram: Buffer.from('"just text"'), expect: { type: 'string', text: 'just text' } },
      { datagram: Buffer.from('7'), expect: { type: 'number', json: '7' } },
    ],
  },
};
const WIRE: Record<string, string> = { NONE: 'raw', BINARY: 'binary', BINARY_UTF8: 'binary-utf8', JSON: 'json' };

describe('DataConnections with the stock peerjs client in headless Chromium', () => {
  let chromium: TestBrowser;
  let gateway: Gateway;
  let base: string;
  let page: Page;
  let n = 0;
  before(async () => {
    chromium = await launchChromium();
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn' }));
    page = await chromium.newPage(PAGE);
    const port = gateway.signaling!.address.port;
    const opened = await page.evaluate(
      (port) =>
        new Promise<string>((resolve, reject) => {
          const w = window as any;
          w.peer = new w.peerjs.Peer('browser', { host: '127.0.0.1', port, path: '/', secure: false, debug: 0 });
          w.peer.on('open', resolve);
          w.peer.on('error', (e: Error) => reject(e));
          w.peer.on('connection', (conn: any) => w.track(`in:${conn.peer}`, conn));
        }),
      port,
    );
    assert.equal(opened, 'browser');
  });
  after(async () => {
    await chromium.close();
    await gateway.stop();
  });

  /** The gateway side of a connection: a data port feeding it, a UDP program receiving from it. */
  async function wire(connectionId: string): Promise<{ udp: UdpEndpoint; port: number; dataId: string }> {
    const dataPort = await openDataPort(base);
    const udp = await UdpEndpoint.open();
    const put = await call(base, 'PUT', `/data/connections/${connectionId}`, {
      feed_params: { data_id: dataPort.data_id },
      redirect_params: { ip_v4: '127.0.0.1', port: udp.port },
    });
    assert.equal(put.status, 200);
    return { udp, port: dataPort.port, dataId: dataPort.data_id };
  }

  async function linkOpen(name: string): Promise<void> {
    await waitFor(() => page.evaluate((name) => Boolean((window as any).links[name]?.conn.open), name), 10000, `${name} open in the page`);
  }

  /** The page connects to a gateway peer. */
  async function pageConnects(gw: RestPeer, serialization: string) {
    const name = `out:${gw.id}`;
    await page.evaluate(({ id, name, s }) => {
      const w = window as any;
      w.track(name, w.peer.connect(id, { serialization: s, reliable: true }));
    }, { id: gw.id, name, s: WIRE[serialization] });
    const event = (await call(base, 'GET', `/peers/${gw.id}/events?token=${gw.token}`)).body;
    assert.equal(event.event, 'CONNECTION');
    const connectionId = event.data_params.data_connection_id as string;
    const wired = await wire(connectionId);
    await waitForEvent(base, connectionId, 'OPEN');
    await linkOpen(name);
    return { name, connectionId, ...wired };
  }

  /** A gateway peer connects to the page. */
  async function gatewayConnects(gw: RestPeer, serialization: string) {
    const res = await call(base, 'POST', '/data/connections', { peer_id: gw.id, token: gw.token, target_id: 'browser', options: { serialization } });
    assert.equal(res.status, 202);
    const connectionId = res.body.params.data_connection_id as string;
    const wired = await wire(connectionId);
    await waitForEvent(base, connectionId, 'OPEN');
    const name = `in:${gw.id}`;
    await linkOpen(name);
    return { name, connectionId, ...wired };
  }

  async function exchange(link: { name: string; udp: UdpEndpoint; port: number }, row: Row): Promise<void> {
    for (const { datagram, expect } of row.toBrowser) {
      const count = await page.evaluate((name) => (window as any).links[name].received.length, link.name);
      await link.udp.send(link.port, datagram);
      await waitFor(() => page.evaluate(({ name, count }) => (window as any).links[name].received.length > count, { name: link.name, count }), 10000, 'datagram in the page');
      assert.deepEqual(await page.evaluate(({ name, count }) => (window as any).links[name].received[count], { name: link.name, count }), expect);
    }
    for (const [value, datagram] of Object.entries(row.fromBrowser)) {
      await page.evaluate(({ name, expr }) => (window as any).links[name].conn.send(eval(expr)), { name: link.name, expr: VALUES[value as ValueName] });
      assert.deepEqual(await link.udp.next(10000), datagram, `what the browser's ${value} becomes`);
    }
  }

  for (const serialization of Object.keys(TABLE)) {
    // Chromium's peerjs, like Node's, announces binary-utf8 as "binary": the gateway serves BINARY.
    const atGateway = serialization === 'BINARY_UTF8' ? 'BINARY' : serialization;
    it(`${serialization}: a browser connecting to the gateway exchanges every kind of value with a UDP program`, async () => {
      const link = await pageConnects(await createPeer(base, `gw${++n}`), serialization);
      assert.equal((await call(base, 'GET', `/data/connections/${link.connectionId}/status`)).body.serialization, atGateway);
      await exchange(link, TABLE[atGateway]!);
    });

    it(`${serialization}: the gateway connecting to a browser exchanges every kind of value with a UDP program`, async () => {
      const link = await gatewayConnects(await createPeer(base, `gw${++n}`), serialization);
      await exchange(link, TABLE[serialization]!);
    });
  }

  it('sees the browser close the connection, and the browser sees DELETE', async () => {
    const first = await pageConnects(await createPeer(base, `gw${++n}`), 'BINARY');
    await page.evaluate((name) => (window as any).links[name].conn.close(), first.name);
    await waitForEvent(base, first.connectionId, 'CLOSE');
    const second = await gatewayConnects(await createPeer(base, `gw${++n}`), 'JSON');
    assert.equal((await call(base, 'DELETE', `/data/connections/${second.connectionId}`)).status, 204);
    await waitFor(() => page.evaluate((name) => (window as any).links[name].closed === true, second.name), 10000, 'close in the page');
  });
});
