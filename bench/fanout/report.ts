/**
 * The fan-out benchmark's table: one row per system and number of viewers, and one per N for the
 * floor (fanoutFloor.cc to N udpSinks). Packets, loss, CPU and RSS columns are the N viewers'
 * (B's counts); the system also sends to the 3 decoders and 2 latency probes, whose copies are
 * not in "packets out" while their CPU is in the system's (5 / (N + 5) of the copies: 4.8 % at
 * 100, 0.5 % at 1000; not corrected). The last six columns are theirs: the fewest frames any
 * decoder decoded (and that over the input's seconds), the longest gap between two decoded
 * frames of any decoder, the probes' latency minus the replay's direct path to them, and the
 * CPU of the decoders' and probes' processes (on a 2-core machine it competes with the system).
 */
import type { FanoutResult } from './fanoutRun.js';
import type { FanoutFloorResult, UdpSinksCounts } from '../lib/floorPrograms.js';

export const HEADER = [
  'system',
  'viewers',
  'setup / s',
  'packets in',
  'packets out (at B)',
  'sent (system)',
  'send errors',
  'CPU µs / packet out',
  'of floor',
  'CPU of one core',
  'viewers with loss',
  'worst loss',
  'loss (all)',
  'RSS MB',
  'MB / viewer',
  'B CPU of one core',
  'replay p99 late ms',
  'other load, cores',
  'decoded frames (min of 3)',
  'decoded fps (min)',
  'worst frame gap ms',
  'latency added p50 ms',
  'latency added p99 ms',
  'probes CPU of one core',
];

export const FLOOR_SYSTEM = 'floor (fanoutFloor.cc)';

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const meanLoss = (r: FanoutResult) => r.loss.reduce((s, l) => s + l, 0) / r.loss.length;

/** A row for a system and N that has no measurement: `text` in the setup column. */
export const noteRow = (system: string, n: number | string, text: string): string[] => [system, String(n), text, ...HEADER.slice(3).map(() => '')];

/** The five quality columns ('-' where there is no measurement). */
function qualityCells(r: FanoutResult, seconds: number): string[] {
  const q = r.quality;
  const d = q?.decoders;
  const frames = d && d.length ? Math.min(...d.map((s) => s.framesDecoded ?? 0)) : undefined;
  const added = q?.latency?.added;
  const hasLatency = added && added.samples > 0;
  return [
    frames === undefined ? '-' : fmt(frames),
    frames === undefined ? '-' : fmt(frames / seconds, 1),
    d && d.length ? fmt(Math.max(...d.map((s) => s.maxGapMs))) : '-',
    hasLatency ? fmt(added.p50Ms, 2) : '-',
    hasLatency ? fmt(added.p99Ms, 2) : '-',
    q ? `${fmt((q.cpuNs / 1e9 / r.wallSeconds) * 100)} %` : '-',
  ];
}

/**
 * `floorNsPerPacket`: the fan-out floor's CPU per packet at the same N, for the 'of floor'
 * column; `seconds`: the input's length, for the decoders' fps.
 */
export function resultRow(r: FanoutResult, floorNsPerPacket: number | undefined, seconds: number): string[] {
  const perPacketNs = r.cpuNs / r.packetsOut;
  const lossy = r.loss.filter((l) => l > 0).length;
  return [
    r.system,
    String(r.viewers),
    r.connected < r.viewers ? `${fmt(r.setupPerSecond)} (${r.viewers - r.connected} failed)` : fmt(r.setupPerSecond),
    fmt(r.packetsIn),
    fmt(r.packetsOut),
    fmt(r.systemSent),
    r.systemErrors === null ? 'n/a' : fmt(r.systemErrors),
    fmt(perPacketNs / 1000, 2),
    floorNsPerPacket ? fmt(perPacketNs / floorNsPerPacket, 1) : '-',
    `${fmt((r.cpuNs / 1e9 / r.wallSeconds) * 100)} %`,
    `${lossy} / ${r.viewers}`,
    `${fmt(Math.max(0, ...r.loss) * 100, 2)} %`,
    `${fmt(meanLoss(r) * 100, 2)} %`,
    fmt(r.rssMb),
    fmt((r.rssMb - r.rssBeforeMb) / r.viewers, 2),
    `${fmt((r.viewersCpuNs / 1e9 / r.wallSeconds) * 100)} %`,
    fmt(r.replayLateMs, 1),
    fmt(r.otherCpuNs / 1e9 / r.wallSeconds, 2),
    ...qualityCells(r, seconds),
  ];
}

/**
 * The floor's row at N: its copies and CPU; "viewers with loss" and the loss columns are the
 * sinks' (per-sink fewest against what the replay sent, and the total).
 */
export function floorRow(n: number, sent: number, f: FanoutFloorResult, sinks: UdpSinksCounts, seconds: number): string[] {
  const short = sinks.min < sent;
  return [
    FLOOR_SYSTEM,
    String(n),
    '-',
    fmt(sent),
    `${fmt(sinks.total)} (at sinks)`,
    fmt(f.packetsOut),
    fmt(f.dropped),
    fmt(f.cpuNsPerPacketOut / 1000, 2),
    '1.0',
    `${fmt(((f.cpuNsPerPacketOut * f.packetsOut) / 1e9 / seconds) * 100)} %`,
    short ? `some (fewest ${fmt(sinks.min)} of ${fmt(sent)})` : `0 / ${n} (all got everything)`,
    `${fmt(Math.max(0, 1 - sinks.min / sent) * 100, 2)} %`,
    `${fmt(Math.max(0, 1 - sinks.total / (sent * n)) * 100, 2)} %`,
    ...HEADER.slice(13).map(() => ''),
  ];
}
