/**
 * The cost of the gateway's own RTCP per forwarded packet: the same two-gateway path as
 * bench/media.ts (source -> A -> B -> sink on loopback), once with NACK and bandwidth feedback on
 * (the defaults: A keeps every packet it sends in its NACK cache; B keeps receive statistics,
 * loss detection and transport-cc arrival times for every packet and sends RR, NACK, REMB and
 * transport-cc feedback) and once with both off (media_nack and media_bandwidth_feedback false:
 * forwarding plus 1 s reports only). The source stamps a transport-wide sequence number on every
 * packet as a browser does, so B's transport-cc path runs. Each mode gets fresh gateway
 * processes; the modes alternate run by run so machine drift hits both alike.
 * Usage: node --import tsx bench/rtcp.ts [realisticSeconds] [burstPackets] [runs]
 */
import { forwardingRun, type Leg, type RunResult } from './lib/forwardingRun.js';
import { autoAnswer, openPeer, placeCall } from './lib/mediaCall.js';
import { MediaGateway } from './lib/mediaGateway.js';
import { rest } from '../test/support/rest.js';
import type { BlastRequest } from './lib/rtpBlaster.js';
import { markdownTable } from './lib/table.js';
import { TsChild } from './lib/tsChild.js';

const REALISTIC_SECONDS = Number(process.argv[2] ?? 15);
const BURST_PACKETS = Number(process.argv[3] ?? 60_000);
const RUNS = Number(process.argv[4] ?? 3);

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

interface Mode {
  name: 'off' | 'on';
  videoPort: number;
  audioPort: number;
  a: MediaGateway;
  b: MediaGateway;
  outbound: Leg;
  inbound: Leg;
  stop(): Promise<void>;
}

const sink = new TsChild('rtpSink.ts');
const source = new TsChild('rtpBlaster.ts');
const { gatewayPort } = (await sink.next('ready')) as { gatewayPort: number; directPort: number };

async function startMode(name: Mode['name'], portBase: number): Promise<Mode> {
  const a = await MediaGateway.start(portBase, undefined, { rtcpFeedback: name === 'on' });
  const b = await MediaGateway.start(portBase + 100, a.signalingUrl, { rtcpFeedback: name === 'on' });
  const answerer = autoAnswer(await openPeer(b.api, `rtcp-b-${name}`), gatewayPort);
  const call = await placeCall(await openPeer(a.api, `rtcp-a-${name}`), `rtcp-b-${name}`, true);
  return {
    name,
    videoPort: call.videoPort,
    audioPort: call.audioPort,
    a,
    b,
    outbound: { gateway: a, connection: call.id, counters: ['videoSent', 'audioSent'] },
    inbound: { gateway: b, connection: answerer.answered.at(-1)!, counters: ['videoReceived', 'audioReceived'] },
    async stop() {
      answerer.stop();
      await Promise.all([a.stop(), b.stop()]);
    },
  };
}

const loads: { name: string; request(video: number, audio: number): BlastRequest }[] = [
  { name: '2 Mbit/s VP8 + Opus', request: (videoPort, audioPort) => ({ mode: 'realistic', videoPort, audioPort, seconds: REALISTIC_SECONDS, transportCc: true }) },
  {
    name: 'burst: 30,000 pps of 1,200 B',
    request: (videoPort, audioPort) => ({ mode: 'burst', videoPort, audioPort, packets: BURST_PACKETS, rate: 30_000, maxSeconds: 10, transportCc: true }),
  },
];

const modes = [await startMode('off', 43000), await startMode('on', 43200)];
try {
  const rows: (string | number)[][] = [];
  const feedbackRows: (string | number)[][] = [];
  for (const load of loads) {
    const results = new Map<Mode['name'], RunResult[]>([['off', []], ['on', []]]);
    for (let i = 0; i < RUNS; i++) {
      for (const m of i % 2 === 0 ? modes : [...modes].reverse()) {
        results.get(m.name)!.push(await forwardingRun(source, sink, load.request(m.videoPort, m.audioPort), m.outbound, m.inbound));
      }
    }
    for (const [leg, label] of [[0, 'outbound, A: RTP in → SRTP out'], [1, 'inbound, B: SRTP in → RTP out']] as const) {
      const perPacket = (name: Mode['name']) => median(results.get(name)!.map((r) => r.legs[leg].ioThreadNs / r.legs[leg].packets / 1000));
      const off = perPacket('off');
      const on = perPacket('on');
      rows.push([label, load.name, fmt(median(results.get('on')!.map((r) => r.legs[leg].packets))), fmt(off, 2), fmt(on, 2), fmt(on - off, 2), `${fmt(((on - off) / off) * 100, 1)} %`]);
    }
  }
  for (const m of modes) {
    const stats = await rest(m.b.api, 'GET', `/media/connections/${m.inbound.connection}/stats`);
    feedbackRows.push([m.name, stats.feedback?.reports_sent ?? 0, stats.feedback?.transport_cc_sent ?? 0, stats.feedback?.remb_sent ?? 0]);
  }
  console.log(`\nCPU of the I/O thread per forwarded packet, RTCP feedback off vs on, median of ${RUNS} runs (realistic: ${REALISTIC_SECONDS} s; burst: ${fmt(BURST_PACKETS)} packets)\n`);
  console.log(markdownTable(['forwarder', 'load', 'forwarded', 'off µs / packet', 'on µs / packet', 'on − off µs', 'on − off'], rows));
  console.log('\nRTCP B sent over the whole run\n');
  console.log(markdownTable(['mode', 'reports', 'transport-cc feedback', 'REMB'], feedbackRows));
} finally {
  source.kill();
  sink.kill();
  await Promise.all(modes.map((m) => m.stop()));
}
process.exit(0);
