/**
 * The offer-flood phase of bench/soak.ts: `peers` gateway peers, each flooded at the same time by
 * a hostile client of its own (offerFlood.ts), `rounds` times. Each round is measured against
 * the same settled "before": its peak (a sample every 200 ms while it lasts), a sample 1 s after
 * the flooders left, and a snapshot after offer_timeout_ms and settling. Meanwhile a REST client
 * polls GET /peers/{id}/status every second, to see whether the API still answers and the
 * peers stay connected to the signaling server.
 */
import { openPeer, type RestPeer } from '../lib/mediaCall.js';
import { rest } from '../../test/support/rest.js';
import { sleep, type GatewayUnderTest, type Snapshot } from './gatewayUnderTest.js';
import { floodOffers, offerSdps, type FloodResult } from './offerFlood.js';
import { peakOf, type ProcessSample } from './processSample.js';

export interface FloodSettings {
  rounds: number;
  peers: number;
  dataOffers: number;
  mediaOffers: number;
  mediaOfferBytes: number;
  offerTimeoutMs: number;
  settleMs: number;
  /** Each round's sending stops after this long. */
  roundSeconds: number;
  signal: AbortSignal;
}

export interface FloodRound {
  /** All flooders together; `seconds` is the longest one's. */
  flood: FloodResult;
  peak: ProcessSample;
  left: ProcessSample;
  after: Snapshot;
  /** Seconds from the start of the flood to `left` and to `after`. */
  leftAt: number;
  afterAt: number;
  /** Offers refused in this round, by reason, all peers together. */
  refused: [string, number][];
  statusPolls: { ok: number; failed: number };
  /** Whether a poll found a flooded peer disconnected from the signaling server. */
  disconnected: boolean;
}

const SAMPLE_MS = 200;
const POLL_MS = 1000;

export async function runFloodPhase(gateway: GatewayUnderTest, s: FloodSettings): Promise<{ before: Snapshot; rounds: FloodRound[]; logFrom: number }> {
  const sdps = await offerSdps();
  const targets: RestPeer[] = [];
  for (let i = 0; i < s.peers; i++) targets.push(await openPeer(gateway.api, `soak-target-${i}`));
  const before = await gateway.settle(s.settleMs);
  const logFrom = gateway.process.logs.length;
  const rounds: FloodRound[] = [];
  let refusedSoFar = new Map<string, number>();
  for (let round = 1; round <= s.rounds && !s.signal.aborted; round++) {
    console.log(`\noffer flood ${round}: ${s.dataOffers} data + ${s.mediaOffers} media OFFERs of ~${Math.round(s.mediaOfferBytes / 1024)} KiB to each of ${s.peers} peer(s)...`);
    const result = await floodRound(gateway, targets, sdps, refusedSoFar, s);
    refusedSoFar = result.refusedTotals;
    rounds.push(result.round);
  }
  for (const t of targets) await rest(gateway.api, 'DELETE', `/peers/${t.id}?token=${t.token}`);
  return { before, rounds, logFrom };
}

async function floodRound(
  gateway: GatewayUnderTest,
  targets: RestPeer[],
  sdps: { data: string; media: string },
  refusedBefore: Map<string, number>,
  s: FloodSettings,
): Promise<{ round: FloodRound; refusedTotals: Map<string, number> }> {
  const during: ProcessSample[] = [gateway.sample()];
  const statusPolls = { ok: 0, failed: 0 };
  let disconnected = false;
  let polled = 0;
  const sampler = setInterval(() => {
    try {
      during.push(gateway.sample());
    } catch {
      // The gateway exited; the status request below fails and says so.
    }
  }, SAMPLE_MS);
  const poller = setInterval(() => {
    const t = targets[polled++ % targets.length]!;
    status(gateway.api, t).then(
      (st) => {
        statusPolls.ok++;
        disconnected ||= st.disconnected === true;
      },
      () => statusPolls.failed++,
    );
  }, POLL_MS);
  const t0 = performance.now();
  let floods: FloodResult[];
  try {
    const deadline = Date.now() + s.roundSeconds * 1000;
    floods = await Promise.all(
      targets.map((t) =>
        floodOffers(
          { signalingPort: gateway.signalingPort, targetId: t.id, dataOffers: s.dataOffers, mediaOffers: s.mediaOffers, mediaOfferBytes: s.mediaOfferBytes, deadline },
          sdps,
        ),
      ),
    );
    // What the gateway does right after the flooders left (a departure frees unopened offers).
    await sleep(1000);
  } finally {
    clearInterval(sampler);
    clearInterval(poller);
  }
  const peak = peakOf(during);
  const left = gateway.sample();
  const leftAt = (performance.now() - t0) / 1000;
  // Past offer_timeout_ms, whatever the departures did not free has expired.
  await sleep(Math.max(0, s.offerTimeoutMs - 1000));
  const after = await gateway.settle(s.settleMs);
  const afterAt = (performance.now() - t0) / 1000;

  const refusedTotals = new Map<string, number>();
  for (const t of targets) {
    const st = await status(gateway.api, t);
    disconnected ||= st.disconnected === true;
    for (const [reason, n] of Object.entries(st.refused_offers as Record<string, number>)) refusedTotals.set(reason, (refusedTotals.get(reason) ?? 0) + n);
  }
  const refused = [...refusedTotals].map(([reason, n]) => [reason, n - (refusedBefore.get(reason) ?? 0)] as [string, number]).filter(([, n]) => n > 0);
  return { round: { flood: combine(floods), peak, left, after, leftAt, afterAt, refused, statusPolls, disconnected }, refusedTotals };
}

async function status(api: string, peer: RestPeer): Promise<any> {
  const res = await fetch(`${api}/peers/${peer.id}/status?token=${peer.token}`, { signal: AbortSignal.timeout(5000) });
  if (res.status !== 200) throw new Error(`GET /peers/${peer.id}/status: ${res.status}`);
  return res.json();
}

function combine(floods: FloodResult[]): FloodResult {
  const received: Record<string, number> = {};
  for (const f of floods) for (const [type, n] of Object.entries(f.received)) received[type] = (received[type] ?? 0) + n;
  const closed = floods.map((f) => f.closedByServer).filter(Boolean);
  return {
    sent: { data: sum(floods.map((f) => f.sent.data)), media: sum(floods.map((f) => f.sent.media)) },
    bytes: sum(floods.map((f) => f.bytes)),
    seconds: Math.max(...floods.map((f) => f.seconds)),
    received,
    ...(closed.length ? { closedByServer: `${closed.length}× ${closed[0]}` } : {}),
  };
}

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
