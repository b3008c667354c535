/**
 * The WHEP player side (draft-ietf-wish-whep) of the fan-out benchmark's gateway-whep system, fed
 * by PeerJS calls: it registers one id on gateway B's signaling server; every media OFFER B's peer
 * sends it (a receive-only call) becomes a WHEP POST of that offer to the endpoint, and the 201's
 * SDP answer goes back to B as the PeerJS ANSWER. So the viewers are B's connections for every
 * system, only here B offers and the system answers.
 *
 * Nothing is trickled either way. Our gateway's answer carries all its candidates (WHEP
 * non-trickle). B's offer carries B's host candidates, and B trickles only candidates gathered
 * later (none on loopback; a CANDIDATE would need WHEP's PATCH, which we do not send): they are
 * counted in `trickledIgnored` and dropped. A, the ICE-controlled side, would learn B's address
 * from B's checks (peer-reflexive, RFC 8445 section 7.3.1.3) if the offer had none.
 */
import WebSocket from 'ws';

import { atMostConcurrently } from './atMostConcurrently.js';
import { HEARTBEAT_MS, openPeerjsSocket } from './peerjsRelay.js';

/** The first errors kept for the report; the rest are only counted. */
const ERRORS_KEPT = 20;
/** One POST or DELETE to the WHEP resource, at most. */
const REQUEST_TIMEOUT_MS = 15_000;

export class WhepRelay {
  /** Per PeerJS connectionId, the WHEP session's URL (the 201's Location), for the DELETE. */
  private readonly sessions = new Map<string, string>();
  private readonly errorList: string[] = [];
  private failures = 0;
  private ignoredCandidates = 0;
  private offersWithCandidates = 0;
  private readonly heartbeat: NodeJS.Timeout;

  private constructor(
    private readonly ws: WebSocket,
    /** The id B's peer calls. */
    readonly id: string,
    /** The WHEP endpoint's URL (POST /whep/endpoints' `url`) and bearer token. */
    private readonly endpointUrl: string,
    private readonly token: string,
  ) {
    ws.on('message', (data) => this.receive(JSON.parse(String(data))));
    this.heartbeat = setInterval(() => this.send({ type: 'HEARTBEAT' }), HEARTBEAT_MS);
  }

  static async open(signalingUrl: string, id: string, endpointUrl: string, token: string): Promise<WhepRelay> {
    return new WhepRelay(await openPeerjsSocket(signalingUrl, id), id, endpointUrl, token);
  }

  /** Sessions the endpoint answered and that are not deleted yet. */
  get liveSessions(): number {
    return this.sessions.size;
  }

  /** What the relay saw: offers whose SDP listed candidates, CANDIDATEs B trickled (dropped), failed POSTs. */
  get counts(): { offersWithCandidates: number; trickledIgnored: number; failedOffers: number } {
    return { offersWithCandidates: this.offersWithCandidates, trickledIgnored: this.ignoredCandidates, failedOffers: this.failures };
  }

  /** The first few errors of offers the endpoint did not answer. */
  get errors(): readonly string[] {
    return this.errorList;
  }

  /**
   * DELETEs every session (draft-ietf-wish-whep section 4.2: a player ends its session by a DELETE
   * of the session URL), `concurrency` at a time; the errors of those that did not answer 200.
   */
  async deleteSessions(concurrency = 16): Promise<string[]> {
    const urls = [...this.sessions.entries()];
    return atMostConcurrently(urls.length, concurrency, async (i) => {
      const [connectionId, url] = urls[i]!;
      this.sessions.delete(connectionId);
      const res = await fetch(url, { method: 'DELETE', headers: this.authorization, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      if (res.status !== 200) throw new Error(`DELETE ${url}: ${res.status} ${await res.text()}`);
    });
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.ws.close();
  }

  private get authorization(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  private send(message: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private receive(message: { type: string; src?: string; payload?: any }): void {
    const payload = message.payload;
    if (payload?.type !== 'media') return;
    if (message.type === 'CANDIDATE') this.ignoredCandidates++;
    else if (message.type === 'OFFER' && message.src && typeof payload.connectionId === 'string' && typeof payload.sdp?.sdp === 'string') {
      void this.play(message.src, payload.connectionId, payload.sdp.sdp);
    }
  }

  /** One player: the offer POSTed to the endpoint, its answer sent back to `caller`. */
  private async play(caller: string, connectionId: string, offer: string): Promise<void> {
    if (/^a=candidate:/m.test(offer)) this.offersWithCandidates++;
    try {
      const res = await fetch(this.endpointUrl, {
        method: 'POST',
        headers: { ...this.authorization, 'Content-Type': 'application/sdp' },
        body: offer,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const body = await res.text();
      const location = res.headers.get('location');
      if (res.status !== 201 || !location) throw new Error(`${res.status} ${location ? '' : '(no Location) '}${body.slice(0, 300)}`);
      this.sessions.set(connectionId, new URL(location, this.endpointUrl).href);
      this.send({ type: 'ANSWER', dst: caller, payload: { sdp: { type: 'answer', sdp: body }, type: 'media', connectionId } });
    } catch (e) {
      // B's call gets no answer; the caller's wait for it times out and names the viewer.
      this.failures++;
      if (this.errorList.length < ERRORS_KEPT) this.errorList.push(`WHEP POST for ${connectionId}: ${(e as Error).message}`);
    }
  }
}
