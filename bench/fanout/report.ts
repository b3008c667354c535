/** The fan-out benchmark's table: one row per system and number of viewers. */
import type { FanoutResult } from './fanoutRun.js';

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
];

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export const meanLoss = (r: FanoutResult) => r.loss.reduce((s, l) => s + l, 0) / r.loss.length;

/** A row for a system and N that has no measurement: `text` in the setup column. */
export const noteRow = (system: string, n: number | string, text: string): string[] => [system, String(n), text, ...HEADER.slice(3).map(() => '')];

/** `floorNsPerPacket`: the send floor's CPU per packet, for the 'of floor' column. */
export function resultRow(r: FanoutResult, floorNsPerPacket?: number): string[] {
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
  ];
}
