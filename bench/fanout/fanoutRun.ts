/**
 * One measurement of the fan-out benchmark: a fresh gateway B (the viewers), the system under
 * test, `viewers` calls from the system to B, then the recorded input replayed into the system's
 * ports for `seconds`. With `quality` (the default) 3 decoding viewers and 2 latency probes
 * (quality/) join B's signaling server too and the system calls them as well: probe-0 before
 * the viewers, the decoders and probe-1 after them (only the viewers' setup is timed). Their
 * failure leaves the result's quality empty with a note, never fails the run. Everything it
 * starts is stopped before it returns or throws, and the whole run is bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { TsChild } from '../lib/tsChild.js';
import { startLatencyProbes, type LatencyProbes, type SinkResult } from './quality/latencyProbes.js';
import { startDecodingViewers, type DecoderStats, type DecodingViewers } from './quality/wrtcViewers.js';
import type { SendTimes } from './replayProcess.js';
import { machineBusyNs, treeCpuNs, treeRssMb } from './processTree.js';
import { killQuietly, withTimeout } from './stopping.js';
import { startSystem, type SystemName } from './systemsUnderTest.js';
import { ViewerGateway } from './viewerGateway.js';

/** A recorded packet as the replay process takes it over IPC. */
export interface EncodedPacket {
  atUs: number;
  video: boolean;
  data: string;
}

export interface FanoutOptions {
  system: SystemName;
  viewers: number;
  seconds: number;
  concurrency: number;
  packets: EncodedPacket[];
  /** B's ports start here, our gateway's 100 above, the latency probes' gateway's 200 above. */
  portMin: number;
  /** Decoding viewers and latency probes (default true). */
  quality?: boolean;
  /** perf record of the system's process during the replay, into `${perfFile}.${system}.${viewers}`. */
  perfFile?: string;
  /** Ends the run at once (its processes stopped) with an error. */
  signal?: AbortSignal;
}

export interface FanoutResult {
  system: SystemName;
  viewers: number;
  /** Setups that succeeded, and the first few errors of those that did not. */
  connected: number;
  failures: string[];
  setupPerSecond: number;
  /** Packets the replay sent to the system. */
  packetsIn: number;
  /** RTP packets B received on all viewers. */
  packetsOut: number;
  /** What the system counts as sent (our gateway: all datagrams, RTCP too) and failed sends. */
  systemSent: number;
  systemErrors: number | null;
  /** CPU of the system's process tree during the replay and the time it was read over. */
  cpuNs: number;
  wallSeconds: number;
  /** CPU of gateway B over the same time: B saturated means the loss may be B's. */
  viewersCpuNs: number;
  /** CPU the machine spent on processes not of this benchmark (other users of a shared machine). */
  otherCpuNs: number;
  rssMb: number;
  rssBeforeMb: number;
  /** Per viewer, the fraction of the input's packets B did not get (1 for a viewer B never had). */
  loss: number[];
  replayLateMs: number;
  /** null: run without quality probes. */
  quality: QualityResult | null;
}

export interface QualityResult {
  /** Per decoding viewer since the replay began (null: one did not connect, or reading failed). */
  decoders: DecoderStats[] | null;
  /** The latency probes' result (null: neither connected, or reading failed). */
  latency: SinkResult | null;
  /** CPU of the decoders' and probes' processes over the system's window: on a small machine they compete with it. */
  cpuNs: number;
  /** Why something above is missing or partial. */
  notes: string[];
}

const DECODERS = 3;
const PROBES = 2;

export class RunError extends Error {
  constructor(
    readonly phase: string,
    message: string,
  ) {
    super(message);
  }
}

export async function runFanout(o: FanoutOptions): Promise<FanoutResult> {
  const stops: (() => Promise<void> | void)[] = [];
  let closed = false;
  /** Registers how to stop what was just started; at once if the run is already over. */
  const own = (stop: () => Promise<void> | void) => (closed ? void stop() : stops.push(stop));
  let phase = 'starting gateway B';
  // Generous: werift sets up ~20 viewers/s; stats of a thousand Janus handles take a few seconds.
  // Quality probes: up to 30 s each to start (in parallel), 5 calls, their stats.
  const limitMs = 90_000 + o.viewers * 300 + o.seconds * 2000 + (o.quality === false ? 0 : 120_000);
  const work = measure(o, own, (p) => (phase = p));
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => (onAbort = () => reject(new Error('interrupted'))));
  aborted.catch(() => {});
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await withTimeout(Promise.race([work, aborted]), limitMs, `${o.system} with ${o.viewers} viewers`);
  } catch (e) {
    throw e instanceof RunError ? e : new RunError(phase, `${phase}: ${(e as Error).message}`);
  } finally {
    closed = true;
    o.signal?.removeEventListener('abort', onAbort);
    work.catch(() => {}); // after a timeout it fails once its processes are gone
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (e) {
        console.error(`stopping after ${o.system} ${o.viewers}: ${(e as Error).message}`);
      }
    }
  }
}

async function measure(o: FanoutOptions, own: (stop: () => Promise<void> | void) => void, at: (phase: string) => void): Promise<FanoutResult> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const b = await ViewerGateway.start(o.portMin);
  own(() => b.stop());
  const notes: string[] = [];
  let decoders: DecodingViewers | undefined;
  let probes: LatencyProbes | undefined;
  if (o.quality !== false) {
    at('starting the quality probes');
    const [d, p] = await Promise.allSettled([startDecodingViewers(b.signalingUrl, DECODERS), startLatencyProbes(b.signalingUrl, o.portMin + 200, PROBES)]);
    if (d.status === 'fulfilled') {
      const started = (decoders = d.value);
      own(() => started.stop());
    }
    else notes.push(`decoding viewers did not start: ${(d.reason as Error).message}`);
    if (p.status === 'fulfilled') {
      const started = (probes = p.value);
      own(() => started.stop());
    }
    else notes.push(`latency probes did not start: ${(p.reason as Error).message}`);
  }
  at('starting the system');
  const system = await startSystem(o.system, b, o.portMin + 100, { decoders, probes });
  const pid = system.measurePid;
  // The last resort for a measured process that outlives its stop (stops run in reverse order).
  own(() => killQuietly(pid));
  own(() => system.stop());
  const rssBeforeMb = treeRssMb(pid);

  // probe-0 first and probe-1 last in the system's fan-out order, so latency shows both ends.
  const extraFailed = new Set<string>();
  const callExtra = async (targets: string[]) => {
    if (!targets.length) return;
    at(`calling ${targets.join(', ')}`);
    for (const error of await system.callExtra(targets)) {
      extraFailed.add(error.split(':')[0]!);
      notes.push(`quality call failed: ${error}`);
    }
  };
  await callExtra(probes ? [probes.ids[0]!] : []);
  at(`connecting ${o.viewers} viewers`);
  const t0 = performance.now();
  const failures = await system.connect(o.viewers, o.concurrency);
  const setupSeconds = (performance.now() - t0) / 1000;
  await callExtra([...(decoders?.ids ?? []), ...(probes ? [probes.ids[1]!] : [])]);
  await sleep(1000); // the last connections' first RTCP
  if (decoders && decoders.ids.some((id) => extraFailed.has(id))) decoders = undefined;
  if (probes && probes.ids.every((id) => extraFailed.has(id))) probes = undefined;
  if (decoders) {
    try {
      await decoders.mark();
    } catch (e) {
      notes.push((e as Error).message);
      decoders = undefined;
    }
  }

  at('replaying the input');
  const replay = new TsChild('../fanout/replayProcess.ts');
  own(() => replay.kill());
  const before = await system.counters();
  const cpu0 = treeCpuNs(pid);
  const viewersCpu0 = treeCpuNs(b.gateway.pid);
  const qualityPids = [...(decoders ? [decoders.pid] : []), ...(probes?.pids ?? [])];
  const qualityCpu = () => qualityPids.reduce((sum, p) => sum + treeCpuNs(p), 0);
  const qualityCpu0 = qualityCpu();
  const machine0 = machineBusyNs();
  const ours0 = treeCpuNs(process.pid);
  const wall0 = performance.now();
  const done = replay.next('done', (o.seconds + 30) * 1000);
  let perf: ChildProcess | undefined;
  if (o.perfFile) {
    perf = spawn('perf', ['record', '-e', 'cpu-clock', '-g', '-p', String(pid), '-o', `${o.perfFile}.${o.system}.${o.viewers}`, '--', 'sleep', String(o.seconds)], { stdio: 'ignore' });
    const p = perf;
    own(() => killQuietly(p.pid, 'SIGINT'));
  }
  const timed = probes ? { sendTimes: true, mirrorPort: probes.mirrorPort } : {};
  replay.send({ type: 'start', packets: o.packets, videoPort: system.videoPort, audioPort: system.audioPort, seconds: o.seconds, ...timed });
  const sent = (await done) as { sent: { video: number; audio: number }; lateMs: number; sendTimes?: SendTimes };
  if (perf && perf.exitCode === null) await once(perf, 'exit');
  await sleep(500); // what is still queued
  const cpuNs = treeCpuNs(pid) - cpu0;
  const viewersCpuNs = treeCpuNs(b.gateway.pid) - viewersCpu0;
  const qualityCpuNs = qualityCpu() - qualityCpu0;
  const otherCpuNs = Math.max(0, machineBusyNs() - machine0 - (treeCpuNs(process.pid) - ours0));
  const wallSeconds = (performance.now() - wall0) / 1000;
  const rssMb = treeRssMb(pid);
  replay.kill();

  let quality: QualityResult | null = null;
  if (o.quality !== false) {
    at('reading the quality probes');
    quality = { decoders: null, latency: null, cpuNs: qualityCpuNs, notes };
    if (decoders) quality.decoders = await decoders.stats().catch((e: Error) => (notes.push(e.message), null));
    if (probes && sent.sendTimes) quality.latency = await probes.result(sent.sendTimes).catch((e: Error) => (notes.push(`latency probes' result: ${e.message}`), null));
  }

  at('reading the counters');
  const after = await system.counters();
  const counts = await b.counts();
  const packetsIn = sent.sent.video + sent.sent.audio;
  // RFC 3550 A.1: B counts a stream's packets once two in sequence validated it, so the first of
  // each is not in its count: one packet per stream that got any is added back.
  const delivered = (packets: number) => (packets > 0 ? packets + 1 : 0);
  const packetsOut = counts.reduce((s, c) => s + delivered(c.videoPackets) + delivered(c.audioPackets), 0);
  const missing = (c: (typeof counts)[number]) =>
    Math.max(0, sent.sent.video - delivered(c.videoPackets)) + Math.max(0, sent.sent.audio - delivered(c.audioPackets));
  const loss = counts.map((c) => missing(c) / packetsIn);
  // A viewer whose call never reached B lost everything.
  while (loss.length < o.viewers) loss.push(1);
  return {
    system: o.system,
    viewers: o.viewers,
    connected: o.viewers - failures.length,
    failures: failures.slice(0, 5),
    setupPerSecond: (o.viewers - failures.length) / setupSeconds,
    packetsIn,
    packetsOut,
    systemSent: after.sent - before.sent,
    systemErrors: after.errors === null || before.errors === null ? null : after.errors - before.errors,
    cpuNs,
    wallSeconds,
    viewersCpuNs,
    otherCpuNs,
    rssMb,
    rssBeforeMb,
    loss,
    replayLateMs: sent.lateMs,
    quality,
  };
}
