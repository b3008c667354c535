/**
 * The floor path of bench/media.ts: the same load through two minimal native forwarders on
 * loopback, one sealing (where gateway A is) and one opening (where gateway B is), to the sink's
 * gateway socket, with the same mirror to its direct socket.
 */
import { startForwardFloor, type ForwardFloorResult } from './floorPrograms.js';
import type { BlastRequest } from './rtpBlaster.js';
import type { SinkReport } from './rtpSink.js';
import type { TsChild } from './tsChild.js';

export interface FloorChainResult {
  sent: { video: number; audio: number; seconds: number };
  received: SinkReport;
  seal: ForwardFloorResult;
  open: ForwardFloorResult;
}

/** `request(port)` is the load with both streams sent to `port`. */
export async function floorChainRun(source: TsChild, sink: TsChild, request: (port: number) => BlastRequest, sinkPort: number, maxSeconds: number): Promise<FloorChainResult> {
  const open = await startForwardFloor('open', maxSeconds, sinkPort);
  const seal = await startForwardFloor('seal', maxSeconds, open.port);
  sink.send({ type: 'reset' });
  source.send({ type: 'run', request: request(seal.port) });
  const sent = await source.next('sent', 120_000);
  const [sealed, opened] = await Promise.all([seal.result, open.result]);
  const received = (await sink.request({ type: 'report' })) as SinkReport;
  return { sent, received, seal: sealed, open: opened };
}
