/**
 * One load run of bench/media.ts: the source sends through gateway A (outbound: RTP in, SRTP out)
 * to gateway B (inbound: SRTP in, plain RTP out to the sink); with a mirror port in the request
 * it also sends a copy of every packet straight to the sink. Before and after: CPU of each gateway's I/O thread and process, engine counters,
 * and the packets each call's transport forwarded (from its REST status).
 */
import type { RawEngineStats } from '../../src/native/addon.js';
import type { BlastRequest } from './rtpBlaster.js';
import type { MediaGateway } from './mediaGateway.js';
import { rest } from '../../test/support/rest.js';
import type { SinkReport } from './rtpSink.js';
import type { TsChild } from './tsChild.js';

export interface Leg {
  gateway: MediaGateway;
  /** The media_connection_id on this gateway. */
  connection: string;
  /** Status counters that count this leg's forwarded packets. */
  counters: string[];
}

export interface LegCost {
  packets: number;
  ioThreadNs: number;
  processNs: number;
  wakeups: number;
  sendCalls: number;
  sendDropped: number;
}

export interface RunResult {
  sent: { video: number; audio: number; seconds: number };
  received: SinkReport;
  /** Outbound at A, inbound at B. */
  legs: [LegCost, LegCost];
}

interface LegSnapshot {
  packets: number;
  ioThreadNs: number;
  processNs: number;
  engine: RawEngineStats;
}

async function snapshot(leg: Leg): Promise<LegSnapshot> {
  const status = await rest(leg.gateway.api, 'GET', `/media/connections/${leg.connection}/status`);
  const packets = leg.counters.reduce((sum, c) => sum + Number(status.transport?.[c] ?? 0), 0);
  const engine = await leg.gateway.engineStats();
  return { packets, ioThreadNs: leg.gateway.ioThreadCpuNs(), processNs: leg.gateway.processCpuNs(), engine };
}

function cost(before: LegSnapshot, after: LegSnapshot): LegCost {
  const delta = (k: 'loopWakeups' | 'sendCalls' | 'datagramsSendDropped') => (after.engine[k] ?? 0) - (before.engine[k] ?? 0);
  return {
    packets: after.packets - before.packets,
    ioThreadNs: after.ioThreadNs - before.ioThreadNs,
    processNs: after.processNs - before.processNs,
    wakeups: delta('loopWakeups'),
    sendCalls: delta('sendCalls'),
    sendDropped: delta('datagramsSendDropped'),
  };
}

/** Sends one load and collects what it cost at A (`outbound`) and B (`inbound`). */
export async function forwardingRun(source: TsChild, sink: TsChild, request: BlastRequest, outbound: Leg, inbound: Leg): Promise<RunResult> {
  const legs = [outbound, inbound];
  const before = await Promise.all(legs.map(snapshot));
  sink.send({ type: 'reset' });
  source.send({ type: 'run', request });
  const sent = await source.next('sent', 120_000);
  // What is still queued in the gateways and sockets arrives within this.
  await new Promise((r) => setTimeout(r, 300));
  const after = await Promise.all(legs.map(snapshot));
  const received = (await sink.request({ type: 'report' })) as SinkReport;
  return { sent, received, legs: [cost(before[0]!, after[0]!), cost(before[1]!, after[1]!)] };
}
