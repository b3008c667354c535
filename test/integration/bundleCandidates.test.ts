// An offerer with BUNDLE gathers a transport per m= section until the answer comes (browsers do:
// peerjs's media offer has a video and a DataChannel section), and trickles the candidates of both.
// The gateway answers with one BUNDLE transport, the tagged first section's: candidates of the
// other section's transport must not be checked. Behind a NAT, checking one first (same foundation,
// so the right one waits frozen) left a call through port-restricted cone NATs without a pair.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import type { Gateway } from '../../src/Gateway.js';
import { createPeer, type RestPeer } from '../helpers/dataPath.js';
import { freeUdpPort, peerEvent } from '../helpers/media.js';
import { RawPeer } from '../helpers/signaling.js';
import { call, startTestGateway } from '../helpers/testGateway.js';

/** A UDP socket standing for one remote transport: counts the STUN Binding requests it gets (RFC 8489 section 5). */
class CheckCounter {
  checks = 0;
  private constructor(private readonly socket: Socket) {
    socket.on('message', (m) => {
      if (m.length >= 20 && m.readUInt16BE(0) === 0x0001 && m.readUInt32BE(4) === 0x2112a442) this.checks++;
    });
  }
  static async open(): Promise<CheckCounter> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    return new CheckCounter(socket);
  }
  get port(): number {
    return this.socket.address().port;
  }
  close(): void {
    this.socket.close();
  }
}

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':');
const ICE = ['a=ice-ufrag:bndl', 'a=ice-pwd:bundle-candidates-password', 'a=ice-options:trickle', `a=fingerprint:sha-256 ${FINGERPRINT}`, 'a=setup:actpass'];
const host = (foundation: string, port: number) => `candidate:${foundation} 1 udp 2122260223 127.0.0.1 ${port} typ host generation 0`;

/** An initial BUNDLE offer as peerjs's media call makes it: video (mid 0, the tag) and a DataChannel (mid 1), each with its ICE attributes. */
function offer(listedInSection1: string): string {
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    ...ICE,
    'a=mid:0',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    ...ICE,
    'a=mid:1',
    'a=sctp-port:5000',
    `a=${listedInSection1}`,
    '',
  ].join('\r\n');
}

describe('remote candidates of an answered call: only the BUNDLE transport of the offer is checked', () => {
  let gateway: Gateway;
  let base: string;
  let target: RestPeer;
  let remote: RawPeer;
  const sockets: CheckCounter[] = [];
  before(async () => {
    ({ gateway, base } = await startTestGateway({ logLevel: 'warn', eventTimeoutMs: 1000 }));
    target = await createPeer(base, 'bundle-target');
    remote = await RawPeer.connect(`ws://127.0.0.1:${gateway.signaling!.address.port}/`, { id: 'bundle-remote', token: 't', key: 'peerjs' });
    await remote.waitFor((m) => m.type === 'OPEN');
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    remote.close();
    await gateway.stop();
  });

  it("checks the tagged section's candidates and none of the other section's (trickled by mid or by index, or listed in the offer)", async () => {
    const [tagged, byMid, byIndex, listed] = await Promise.all([CheckCounter.open(), CheckCounter.open(), CheckCounter.open(), CheckCounter.open()]);
    sockets.push(tagged, byMid, byIndex, listed);
    const connectionId = 'mc_bundle1';
    const candidate = (line: string, sdpMid: string | null, sdpMLineIndex: number | null) =>
      remote.send({ type: 'CANDIDATE', dst: target.id, payload: { candidate: { candidate: line, sdpMid, sdpMLineIndex, usernameFragment: 'bndl' }, type: 'media', connectionId } });
    remote.send({ type: 'OFFER', dst: target.id, payload: { sdp: { type: 'offer', sdp: offer(host('7', listed.port)) }, type: 'media', connectionId } });
    // As Chrome trickles them: the same foundation on both transports, the other section's first.
    candidate(host('1', byMid.port), '1', 1);
    candidate(host('2', byIndex.port), null, 1);
    candidate(host('1', tagged.port), '0', 0);
    const id = (await peerEvent(target, 'CALL')).call_params.media_connection_id as string;
    const res = await call(base, 'POST', `/media/connections/${id}/answer`, {
      constraints: { video: false, videoReceiveEnabled: true, audio: false, video_params: { codec: 'VP8', payload_type: 96 } },
      redirect_params: { video: { ip_v4: '127.0.0.1', port: await freeUdpPort() } },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    // One more of the other section after the answer (a browser may still be gathering it).
    const late = await CheckCounter.open();
    sockets.push(late);
    candidate(host('1', late.port), '1', 1);

    // Checks start at once and retransmit after 0.5, 1.5 and 3.5 s (RFC 8445 section 14.3).
    await new Promise((r) => setTimeout(r, 2000));
    assert.ok(tagged.checks >= 2, `the tagged section's candidate got ${tagged.checks} checks`);
    assert.deepEqual(
      { byMid: byMid.checks, byIndex: byIndex.checks, listed: listed.checks, late: late.checks },
      { byMid: 0, byIndex: 0, listed: 0, late: 0 },
      'no check went to a transport the offerer drops',
    );
    assert.equal((await call(base, 'DELETE', `/media/connections/${id}`)).status, 204);
  });
});
