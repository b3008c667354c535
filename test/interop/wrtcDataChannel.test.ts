import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { waitFor } from '../helpers/proc.js';
import { collect, connect, gatewayMessages, sendFromWrtc, type Received } from '../helpers/wrtcDataPeer.js';

// The native transport's SCTP (usrsctp over our DTLS, RFC 8261) against libwebrtc's, with real
// UDP on loopback between them: channels opened by each side (DCEP, RFC 8832), strings, binary,
// empty and 64 KiB messages both ways, an unordered channel without retransmissions, and the
// close by stream reset (RFC 8831 section 6.7) seen on the other side.

/** Waits until `count()` reaches `target` or stops changing for 300 ms (at most 10 s). */
async function settled(count: () => number, target: number): Promise<void> {
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    const now = count();
    if (now >= target) return;
    if (now !== last) [last, stableSince] = [now, Date.now()];
    else if (Date.now() - stableSince >= 300) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const big = Buffer.alloc(64 * 1024);
for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;

describe('native data channels (SCTP over our DTLS) against libwebrtc (@roamhq/wrtc)', () => {
  // libwebrtc offers use_srtp even for data only. As the server we offer only GCM, which wrtc
  // (M106) lacks: then no SRTP profile is negotiated and DTLS connects for SCTP alone ("none").
  const scenarios = [
    { ourRole: 'client', srtpProfiles: undefined, connected: 'AES_CM_128_HMAC_SHA1_80' },
    { ourRole: 'server', srtpProfiles: ['AEAD_AES_128_GCM'], connected: 'none' },
  ] as const;
  for (const { ourRole, srtpProfiles, connected } of scenarios) {
    it(`channels opened by each side carry strings, binary, empty and 64 KiB messages both ways; close is seen (we are DTLS ${ourRole}, SRTP ${connected})`, async (t) => {
      const cleanup: (() => void)[] = [];
      try {
        const { gw, wrtcOrdered, wrtcUnordered, gatewayChannels } = await connect(ourRole, srtpProfiles, cleanup);
        // wrtc's channels arrived by DCEP with their label, protocol and reliability.
        assert.ok(gw.transportEvents.some((e) => e.kind === 'connected' && e.text === connected), `DTLS connected, SRTP ${connected}: ${JSON.stringify(gw.transportEvents)}`);
        assert.equal(gw.dataEvents[0]!.kind, 'association-up');
        const opened = gw.dataEvents.filter((e) => e.kind === 'channel-opened');
        const ordered = opened.find((e) => e.label === 'from-wrtc')!;
        const unordered = opened.find((e) => e.label === 'wrtc-unordered')!;
        const timed = opened.find((e) => e.label === 'wrtc-timed')!;
        assert.deepEqual([timed.ordered, timed.maxLifetimeMs, timed.maxRetransmits], [true, 500, undefined]);
        assert.deepEqual([ordered.remote, ordered.protocol, ordered.ordered, ordered.maxRetransmits], [true, 'chat', true, undefined]);
        assert.deepEqual([unordered.remote, unordered.ordered, unordered.maxRetransmits], [true, false, 0]);
        // RFC 8832 section 6: the DTLS client's ids are even, so wrtc's are odd when we are the client.
        const wrtcParity = ourRole === 'client' ? 1 : 0;
        assert.equal(ordered.stream % 2, wrtcParity);
        assert.equal(unordered.stream % 2, wrtcParity);

        // Our channel, opened natively, reaches wrtc with its properties and is ACKed.
        const ours = gw.transport.openDataChannel('from-gateway', 'proto-gw', {});
        assert.ok(ours !== null, 'a stream id for our channel');
        assert.equal(ours % 2, ourRole === 'client' ? 0 : 1, 'our id has our DTLS role parity');
        const oursUnordered = gw.transport.openDataChannel('gateway-unordered', '', { ordered: false, maxRetransmits: 0 });
        assert.ok(oursUnordered !== null);
        gw.flush();
        await waitFor(() => gatewayChannels.length === 2 && gatewayChannels.every((c) => c.readyState === 'open'), 10000, 'wrtc sees our channels open');
        await waitFor(() => gw.dataEvents.filter((e) => e.kind === 'channel-opened' && e.remote === false).length === 2, 5000, 'our OPENs ACKed');
        const fromGateway = gatewayChannels.find((c) => c.label === 'from-gateway')!;
        const fromGatewayUnordered = gatewayChannels.find((c) => c.label === 'gateway-unordered')!;
        assert.equal(fromGateway.protocol, 'proto-gw');
        assert.equal(fromGateway.ordered, true);
        assert.equal(fromGatewayUnordered.ordered, false);
        assert.equal(fromGatewayUnordered.maxRetransmits, 0);

        // Both directions on both channels: string, UTF-8, binary, empty string, empty binary, 64 KiB.
        const sent: Received[] = ['hello', 'héllo ✓ 日本', Buffer.from([0, 1, 2, 254, 255]), '', Buffer.alloc(0), big];
        const onWrtcChannel = collect(wrtcOrdered);
        const onGatewayChannel = collect(fromGateway);
        for (const m of sent) {
          sendFromWrtc(wrtcOrdered, m);
          sendFromWrtc(fromGateway, m);
          assert.equal(gw.transport.sendData(ordered.stream, m), 'ok');
          assert.equal(gw.transport.sendData(ours, m), 'ok');
        }
        gw.flush();
        await waitFor(
          () => gatewayMessages(gw.dataEvents, ordered.stream).length >= sent.length && gatewayMessages(gw.dataEvents, ours).length >= sent.length,
          10000,
          'every wrtc message delivered natively',
        );
        await waitFor(() => onWrtcChannel.length >= sent.length && onGatewayChannel.length >= sent.length, 10000, 'every native message delivered to wrtc');
        // Exact bytes and kinds, in order (ordered, reliable channels).
        assert.deepEqual(gatewayMessages(gw.dataEvents, ordered.stream), sent);
        assert.deepEqual(gatewayMessages(gw.dataEvents, ours), sent);
        assert.deepEqual(onWrtcChannel, sent);
        assert.deepEqual(onGatewayChannel, sent);

        // Unordered, no retransmissions: order is not promised, and neither is delivery (a message
        // that would need a retransmission is abandoned; on a loaded machine, one run in ~30 saw 16
        // of 50 arrive in one direction), so: nothing but what was sent, no duplicates, and some of
        // it, once the counts have settled. The counts go to the test's diagnostics.
        const burst = Array.from({ length: 50 }, (_, i) => `u${i}`);
        const onWrtcUnordered = collect(wrtcUnordered);
        const onGatewayUnordered = collect(fromGatewayUnordered);
        for (const m of burst) {
          wrtcUnordered.send(m);
          fromGatewayUnordered.send(m);
          assert.equal(gw.transport.sendData(unordered.stream, m), 'ok');
          assert.equal(gw.transport.sendData(oursUnordered, m), 'ok');
        }
        gw.flush();
        const unorderedLists = () => [gatewayMessages(gw.dataEvents, unordered.stream), gatewayMessages(gw.dataEvents, oursUnordered), onWrtcUnordered, onGatewayUnordered];
        await settled(() => unorderedLists().reduce((n, l) => n + l.length, 0), 4 * burst.length);
        const names = ['wrtc->gw (wrtc opened)', 'wrtc->gw (we opened)', 'gw->wrtc (wrtc opened)', 'gw->wrtc (we opened)'];
        unorderedLists().forEach((got, i) => {
          assert.ok(got.every((m) => burst.includes(m as string)), 'only messages that were sent');
          assert.equal(new Set(got).size, got.length, 'no duplicates');
          assert.ok(got.length >= 1, `${names[i]}: ${got.length} of ${burst.length} delivered`);
        });
        t.diagnostic(`unordered, maxRetransmits 0, of ${burst.length}: ${unorderedLists().map((l, i) => `${names[i]} ${l.length}`).join(', ')}`);

        // Close from each side: a stream reset, seen by the other.
        const wrtcClosed = new Promise<void>((resolve) => {
          fromGateway.onclose = () => resolve();
        });
        assert.equal(gw.transport.closeDataChannel(ours), true);
        gw.flush();
        await wrtcClosed;
        await waitFor(() => gw.dataEvents.some((e) => e.kind === 'channel-closed' && e.stream === ours), 5000, 'our close completes');
        wrtcOrdered.close();
        await waitFor(() => gw.dataEvents.some((e) => e.kind === 'channel-closed' && e.stream === ordered.stream), 5000, 'the wrtc close seen natively');
        assert.equal(gw.transport.sendData(ordered.stream, 'late'), 'unknown-channel');
        assert.equal(gw.transport.sendData(unordered.stream, Buffer.alloc(256 * 1024 + 1)), 'too-large');
        // The other channels are untouched by those resets.
        // (It may lose a message, so one is sent every 100 ms until one arrives.)
        const stillOpen = () => gatewayMessages(gw.dataEvents, unordered.stream).includes('still open');
        for (let i = 0; i < 50 && !stillOpen(); i++) {
          wrtcUnordered.send('still open');
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(stillOpen(), 'the unordered channel still works');

        const stats = gw.transport.sctpStats()!;
        assert.equal(stats.up, true);
        assert.equal(stats.droppedMalformed, 0);
        assert.equal(stats.droppedTooLarge, 0);
        const unorderedIn = gatewayMessages(gw.dataEvents, unordered.stream).length + gatewayMessages(gw.dataEvents, oursUnordered).length;
        assert.equal(stats.messagesReceived, 2 * sent.length + unorderedIn);
        assert.equal(stats.messagesSent, 2 * sent.length + 2 * burst.length);
        assert.equal(gw.dataEvents.filter((e) => e.kind === 'association-failed').length, 0);
      } finally {
        for (const f of cleanup.reverse()) f();
      }
    });
  }

  it('a full SCTP send buffer answers full at once (never blocks), and every message accepted is delivered in order', async () => {
    const cleanup: (() => void)[] = [];
    try {
      const { gw, wrtcOrdered } = await connect('client', undefined, cleanup);
      const stream = gw.dataEvents.find((e) => e.kind === 'channel-opened' && e.label === 'from-wrtc')!.stream;
      const got = collect(wrtcOrdered);
      // 64 messages of 64 KiB (4 MiB) in one go, against a 1 MiB send buffer and no chance to drain.
      const statuses: string[] = [];
      const accepted: number[] = [];
      for (let i = 0; i < 64; i++) {
        const m = Buffer.alloc(64 * 1024, i);
        const status = gw.transport.sendData(stream, m);
        statuses.push(status);
        if (status === 'ok') accepted.push(i);
      }
      gw.flush();
      assert.ok(statuses.includes('full'), `some sends found the buffer full: ${statuses.join(',')}`);
      assert.ok(accepted.length >= 8, `${accepted.length} messages fit the buffer`);
      assert.deepEqual([...new Set(statuses)].sort(), ['full', 'ok']);
      assert.equal(gw.transport.sctpStats()!.sendFull, 64 - accepted.length);
      await waitFor(() => got.length >= accepted.length, 15000, 'the accepted messages delivered');
      assert.deepEqual(
        got.map((m) => (Buffer.isBuffer(m) && m.length === 64 * 1024 && m.every((b) => b === m[0]) ? m[0] : -1)),
        accepted,
      );
      // Once drained, the buffer takes messages again.
      assert.equal(gw.transport.sendData(stream, 'after'), 'ok');
      await waitFor(() => got.at(-1) === 'after', 5000, 'a message after the buffer drained');
    } finally {
      for (const f of cleanup.reverse()) f();
    }
  });

  it('under 10 % loss of our datagrams a reliable channel delivers all in order and maxRetransmits 0 gives up; after a blackout only the retransmission timer (driven by our timeouts) recovers', async () => {
    const cleanup: (() => void)[] = [];
    try {
      const { gw, wrtcOrdered, wrtcUnordered } = await connect('client', undefined, cleanup);
      const opened = gw.dataEvents.filter((e) => e.kind === 'channel-opened');
      const reliable = opened.find((e) => e.label === 'from-wrtc')!.stream;
      const lossy = opened.find((e) => e.label === 'wrtc-unordered')!.stream;
      const onReliable = collect(wrtcOrdered);
      const onLossy = collect(wrtcUnordered);
      // Every 10th datagram we send is lost: SCTP DATA, SACKs and retransmissions alike.
      gw.dropOutgoing = (i) => i % 10 === 9;
      const count = 300;
      const messages = Array.from({ length: count }, (_, i) => `m${i}-${'x'.repeat(200)}`);
      // Paced in bursts of 30 so the 1 MiB buffer never fills; each burst's datagrams meet the loss pattern.
      for (let i = 0; i < count; i += 30) {
        for (const m of messages.slice(i, i + 30)) {
          assert.equal(gw.transport.sendData(reliable, m), 'ok');
          assert.equal(gw.transport.sendData(lossy, m), 'ok');
        }
        gw.flush();
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor(() => onReliable.length === count, 20000, `the reliable channel delivers all ${count} (${onReliable.length} so far)`);
      assert.deepEqual(onReliable, messages, 'every message, in order, despite the loss');
      assert.ok(gw.dropped >= 20, `${gw.dropped} datagrams were dropped`);
      // Without retransmissions a lost message stays lost (RFC 3758 FORWARD-TSN moves the peer on).
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(onLossy.length < count, `${onLossy.length} of ${count} on the maxRetransmits 0 channel`);
      assert.ok(onLossy.length >= 1, `${onLossy.length} of ${count} on the maxRetransmits 0 channel`);
      assert.equal(new Set(onLossy).size, onLossy.length, 'no duplicates');
      assert.ok(onLossy.every((m) => messages.includes(m as string)), 'only messages that were sent');

      // Blackout: everything we send is lost, then the path comes back. No SACK can trigger a fast
      // retransmission, so only usrsctp's T3-rtx timer, advanced by handleTimeout, resends.
      gw.dropOutgoing = () => true;
      const late = ['after-blackout-1', 'after-blackout-2', 'after-blackout-3'];
      for (const m of late) assert.equal(gw.transport.sendData(reliable, m), 'ok');
      gw.flush();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(onReliable.length, count, 'nothing arrives during the blackout');
      gw.dropOutgoing = undefined;
      await waitFor(() => onReliable.length === count + late.length, 10000, 'the retransmission timer resends after the blackout');
      assert.deepEqual(onReliable.slice(count), late);
    } finally {
      for (const f of cleanup.reverse()) f();
    }
  });
});
