import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';

import { collect, sendFromWrtc, type Received } from '../helpers/wrtcDataPeer.js';
import { connectEngines, connectToWrtc, RawDataEngine } from '../helpers/engineDataPeer.js';
import { waitFor } from '../helpers/proc.js';
import { bindableByAnotherProcess, sendDatagrams, udpReceiver } from '../helpers/udp.js';
import { pack } from 'peerjs-js-binarypack';

// Data channels on engine transports (SCTP over the engine's DTLS, usrsctp driven by one SCTP
// tick per engine), through the raw addon: events, commands, the native data path (data port ->
// codec -> SCTP, SCTP -> codec -> UDP redirect) against libwebrtc (@roamhq/wrtc) and between
// engines in one process (usrsctp is process-global).

const NONE = { serialization: 'NONE', bufferLimitBytes: 0 } as const;

function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + seed * 7 + 3) & 0xff;
  return b;
}

describe('data channels on engine transports', () => {
  const engines: RawDataEngine[] = [];
  const engine = (): RawDataEngine => {
    const e = new RawDataEngine();
    engines.push(e);
    return e;
  };
  after(() => engines.forEach((e) => e.close()));

  it("libwebrtc's channel becomes the connection's: raw messages both ways, events, stats", async () => {
    const cleanup: (() => void)[] = [];
    try {
      const e = engine();
      const { handle, channel, stream } = await connectToWrtc(e, { serialization: 'BINARY', bufferLimitBytes: 0 }, cleanup);
      assert.equal(e.kinds(handle, 'sctp-up').length, 1);
      const open = e.kinds(handle, 'data-channel-open')[0]!;
      assert.deepEqual(open.channel, { stream, label: 'dc_peerjs', protocol: '', ordered: true, maxRetransmits: null, maxPacketLifeTime: null, remote: true });
      assert.equal(stream % 2, 1, 'wrtc (DTLS server) uses odd ids');
      const onWrtc = collect(channel);
      const sent: Received[] = [Buffer.from([1, 2, 3]), Buffer.alloc(0), pattern(60000, 1)];
      for (const m of sent) assert.equal(e.raw.transportSendDataMessage(handle, true, m as Buffer), 'ok');
      assert.equal(e.raw.transportSendDataMessage(handle, false, Buffer.from('text ✓')), 'ok');
      await waitFor(() => onWrtc.length === 4, 10000, 'wrtc got the four messages');
      assert.deepEqual(onWrtc, [...sent, 'text ✓']);
      const stats = e.raw.transportDataStats(handle);
      assert.deepEqual(stats.channel, { stream, label: 'dc_peerjs', protocol: '', ordered: true, maxRetransmits: null, maxPacketLifeTime: null });
      assert.equal(stats.open, true);
      assert.equal(e.raw.transportSendDataMessage(handle, true, Buffer.alloc(262145)), 'too-large', 'over the default max message size');
      e.raw.transportSetDataMaxMessageSize(handle, 100);
      assert.equal(e.raw.transportSendDataMessage(handle, true, Buffer.alloc(101)), 'too-large');
      assert.equal(e.raw.transportSendDataMessage(handle, true, Buffer.alloc(100)), 'ok');
      // The slow path up: under BINARY a BinaryPack map (a PeerJS sender's object) is handed up whole,
      // for TypeScript to turn into JSON text.
      const map = Buffer.from(pack({ a: 1 }) as ArrayBuffer);
      sendFromWrtc(channel, map);
      await waitFor(() => e.kinds(handle, 'data-message').length === 1, 5000, 'the message handed up');
      const up = e.kinds(handle, 'data-message')[0]!;
      assert.deepEqual([up.stream, up.binary, up.data], [stream, true, map]);
      // Close: wrtc sees its channel close.
      const closed = new Promise<void>((r) => (channel.onclose = () => r()));
      assert.equal(e.raw.closeTransport(handle), true);
      await closed;
      assert.throws(() => e.raw.transportDataStats(handle), (err: { code?: string }) => err.code === 'ERR_UNKNOWN_TRANSPORT');
    } finally {
      cleanup.reverse().forEach((f) => f());
    }
  });

  it('data port -> SCTP -> libwebrtc with exact bytes (1, 1200, 65507), libwebrtc -> UDP redirect with exact bytes', async () => {
    const cleanup: (() => void)[] = [];
    const out = await udpReceiver();
    cleanup.push(() => out.socket.close());
    try {
      const e = engine();
      const { handle, channel } = await connectToWrtc(e, { ...NONE, maxMessageSize: 262144 }, cleanup);
      const port = e.openDataPort();
      assert.equal(e.raw.attachDataPort(port.handle, handle), true);
      const onWrtc = collect(channel);
      const datagrams = [pattern(1, 1), pattern(1200, 2), pattern(65507, 3), pattern(10, 4)];
      await sendDatagrams(port.port, datagrams);
      await waitFor(() => onWrtc.length === datagrams.length, 10000, 'every datagram delivered as a message');
      assert.deepEqual(onWrtc, datagrams);
      e.raw.transportSetDataRedirect(handle, '127.0.0.1', out.port);
      const messages = [pattern(1, 5), pattern(1200, 6), pattern(65507, 7), Buffer.alloc(0)];
      for (const m of messages) sendFromWrtc(channel, m);
      await waitFor(() => out.packets.length === messages.length, 10000, 'every message redirected as a datagram');
      assert.deepEqual(out.packets, messages);
      // The redirect leaves from the data port's socket (same family), so a program can answer it.
      const reply = await new Promise<{ port: number }>((resolve) => {
        out.socket.once('message', (_m, rinfo) => resolve({ port: rinfo.port }));
        sendFromWrtc(channel, Buffer.from('who'));
      });
      assert.equal(reply.port, port.port);
      // transportDeliverDatagram: the TS slow path's datagram goes the same way.
      assert.equal(e.raw.transportDeliverDatagram(handle, Buffer.from('from ts')), true);
      await waitFor(() => out.packets.length === messages.length + 2, 5000, 'the slow-path datagram redirected');
      assert.equal(out.packets.at(-1)!.toString(), 'from ts');
      const stats = e.raw.transportDataStats(handle);
      assert.equal(stats.sentMessages, datagrams.length);
      assert.equal(stats.sentBytes, datagrams.reduce((n, d) => n + d.length, 0));
      // Received: datagrams delivered, the slow path's included.
      assert.equal(stats.receivedMessages, messages.length + 2);
      assert.equal(stats.receivedBytes, messages.reduce((n, d) => n + d.length, 0) + 'who'.length + 'from ts'.length);
      assert.ok(Object.values(stats.dropped).every((n) => n === 0), JSON.stringify(stats.dropped));
      // Freed on close: the transport's sockets; the data port stays the port's owner's.
      e.raw.closeTransport(handle);
      assert.equal(e.raw.closeUdpPort(port.handle), true);
      assert.equal(await bindableByAnotherProcess(port.port), true, 'the data port is free');
    } finally {
      cleanup.reverse().forEach((f) => f());
    }
  });

  it('counts drops: channel_not_open before open, no_redirect, buffer_full over a tiny bufferLimitBytes, and reports them once a second', async () => {
    const cleanup: (() => void)[] = [];
    try {
      const e = engine();
      const { handle: early } = e.createDataTransport('controlled', NONE);
      cleanup.push(() => e.raw.closeTransport(early));
      const port = e.openDataPort();
      assert.equal(e.raw.attachDataPort(port.handle, early), true);
      await sendDatagrams(port.port, [pattern(10, 1), pattern(10, 2), pattern(10, 3)]);
      await waitFor(() => e.raw.transportDataStats(early).droppedToRemote.channel_not_open === 3, 3000, 'three datagrams dropped before open');
      await waitFor(() => e.kinds(early, 'data-drops').length > 0, 3000, 'a data-drops report');
      assert.deepEqual(e.kinds(early, 'data-drops').map((d) => [d.direction, d.reason, d.count]), [['to_remote', 'channel_not_open', 3]]);

      const { handle, channel } = await connectToWrtc(e, { serialization: 'NONE', bufferLimitBytes: 4000 }, cleanup);
      const port2 = e.openDataPort();
      e.raw.attachDataPort(port2.handle, handle);
      sendFromWrtc(channel, Buffer.from('nowhere'));
      await waitFor(() => e.raw.transportDataStats(handle).droppedFromRemote.no_redirect === 1, 5000, 'no redirect: dropped');
      // A burst of 100 x 1000 bytes against a 4000-byte limit: SCTP cannot have them all acked in time.
      const onWrtc = collect(channel);
      await sendDatagrams(port2.port, Array.from({ length: 100 }, (_, i) => pattern(1000, i)));
      await waitFor(() => {
        const s = e.raw.transportDataStats(handle);
        return s.sentMessages + s.droppedToRemote.buffer_full === 100;
      }, 5000, 'every datagram sent or dropped');
      const s = e.raw.transportDataStats(handle);
      assert.ok(s.droppedToRemote.buffer_full > 0, `some dropped buffer_full: ${JSON.stringify(s)}`);
      // The first always goes (it finds nothing queued); how many more fit depends on how usrsctp
      // accounts its buffer and on when the acknowledgements come.
      assert.ok(s.sentMessages >= 1, 'what fits was sent');
      await waitFor(() => onWrtc.length === s.sentMessages, 5000, 'what was accepted is delivered');
      // Reported in parts (at most one report a second), adding up to the counter.
      const reported = () => e.kinds(handle, 'data-drops').filter((d) => d.reason === 'buffer_full').reduce((n, d) => n + d.count!, 0);
      await waitFor(() => reported() === s.droppedToRemote.buffer_full, 4000, 'every buffer_full drop reported');
      assert.ok(e.kinds(handle, 'data-drops').every((d) => d.direction === 'to_remote' || d.reason === 'no_redirect'));
    } finally {
      cleanup.reverse().forEach((f) => f());
    }
  });

  it('pre-negotiated channels (negotiatedId) and bad channel options', async () => {
    const a = engine();
    const { x, y, stream } = await connectEngines(a, a, NONE, { negotiatedId: 7 });
    assert.equal(stream, 7);
    assert.throws(() => a.raw.transportOpenDataChannel(x, { maxRetransmits: 1, maxPacketLifeTime: 5 }), (err: { code?: string }) => err.code === 'ERR_INVALID_ARG');
    assert.throws(() => a.raw.transportOpenDataChannel(x, { negotiatedId: 70000 }), (err: { code?: string }) => err.code === 'ERR_INVALID_ARG');
    const out = await udpReceiver();
    try {
      a.raw.transportSetDataRedirect(y, '127.0.0.1', out.port);
      assert.equal(a.raw.transportSendDataMessage(x, true, Buffer.from('pre')), 'ok');
      await waitFor(() => out.packets.length === 1, 5000, 'delivered on the pre-negotiated stream');
      assert.equal(out.packets[0]!.toString(), 'pre');
    } finally {
      out.socket.close();
      a.raw.closeTransport(x);
      a.raw.closeTransport(y);
    }
  });

  it('two engines in one process, four transport pairs across them, exchange datagrams both ways for three seconds without loss', async () => {
    const [a, b] = [engine(), engine()];
    const pairs = await Promise.all([connectEngines(a, b, NONE), connectEngines(b, a, NONE), connectEngines(a, b, NONE), connectEngines(b, a, NONE)]);
    const owner = (i: number, side: 'x' | 'y') => ((i % 2 === 0) === (side === 'x') ? a : b);
    const sinks = await Promise.all(pairs.flatMap(() => [udpReceiver(), udpReceiver()]));
    try {
      const ports = pairs.map((p, i) => {
        const px = owner(i, 'x').openDataPort();
        const py = owner(i, 'y').openDataPort();
        assert.ok(owner(i, 'x').raw.attachDataPort(px.handle, p.x));
        assert.ok(owner(i, 'y').raw.attachDataPort(py.handle, p.y));
        owner(i, 'x').raw.transportSetDataRedirect(p.x, '127.0.0.1', sinks[2 * i]!.port);
        owner(i, 'y').raw.transportSetDataRedirect(p.y, '127.0.0.1', sinks[2 * i + 1]!.port);
        return { px: px.port, py: py.port };
      });
      let sent = 0;
      const deadline = Date.now() + 3000;
      for (let round = 0; Date.now() < deadline && round < 1000; round++) {
        await Promise.all(ports.flatMap((p) => [sendDatagrams(p.px, [Buffer.from(`x${round}`)]), sendDatagrams(p.py, [Buffer.from(`y${round}`)])]));
        sent = round + 1;
        await new Promise((r) => setTimeout(r, 10));
      }
      const expect = (prefix: string) => Array.from({ length: sent }, (_, i) => `${prefix}${i}`);
      await waitFor(() => sinks.every((s) => s.packets.length >= sent), 10000, 'every datagram delivered');
      pairs.forEach((_, i) => {
        // x's datagrams arrive at y's redirect, in order, and the other way round.
        assert.deepEqual(sinks[2 * i + 1]!.packets.map(String), expect('x'), `pair ${i} x -> y`);
        assert.deepEqual(sinks[2 * i]!.packets.map(String), expect('y'), `pair ${i} y -> x`);
      });
      assert.ok(sent > 50, `${sent} rounds`);
    } finally {
      sinks.forEach((s) => s.socket.close());
      pairs.forEach((p, i) => {
        owner(i, 'x').raw.closeTransport(p.x);
        owner(i, 'y').raw.closeTransport(p.y);
      });
    }
  });
});
