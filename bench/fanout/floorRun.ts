/**
 * The fan-out floor at N for bench/fanout.ts: N udpSinks stand in for the viewers, fanoutFloor.cc
 * gets the same replay (video and audio to its one port) for the same seconds and sends each
 * packet sealed to every sink. No gateway B. Bounded in time; the sinks and the replay are
 * stopped however it ends (fanoutFloor ends by itself after its own limit).
 */
import { startFanoutFloor, startUdpSinks, type FanoutFloorResult, type UdpSinksCounts } from '../lib/floorPrograms.js';
import { TsChild } from '../lib/tsChild.js';
import type { EncodedPacket } from './fanoutRun.js';
import { withTimeout } from './stopping.js';

export interface FloorRun {
  /** Packets the replay sent. */
  sent: number;
  floor: FanoutFloorResult;
  sinks: UdpSinksCounts;
}

export async function runFanoutFloor(n: number, seconds: number, packets: EncodedPacket[]): Promise<FloorRun> {
  const sinks = await startUdpSinks(n, seconds + 90);
  const replay = new TsChild('../fanout/replayProcess.ts');
  try {
    return await withTimeout(
      (async () => {
        const floor = await startFanoutFloor(
          sinks.ports.map((port) => ({ host: '127.0.0.1', port })),
          seconds + 30,
        );
        const done = replay.next('done', (seconds + 30) * 1000);
        replay.send({ type: 'start', packets, videoPort: floor.port, audioPort: floor.port, seconds });
        const sent = (await done) as { sent: { video: number; audio: number } };
        const result = await floor.result;
        return { sent: sent.sent.video + sent.sent.audio, floor: result, sinks: await sinks.stop() };
      })(),
      (seconds + 60) * 1000,
      `fan-out floor with ${n} sinks`,
    );
  } finally {
    replay.kill();
    await sinks.stop().catch(() => {});
  }
}
