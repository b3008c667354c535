/**
 * Latency probes for the fan-out benchmark: K PeerJS peers `probe-0`... on a small gateway of
 * their own (its own process, on the viewers' signaling server, so any system calls them as it
 * calls gateway B's 'viewers'). Each answers its calls receive-only and redirects the plain RTP
 * to its own socket of a sink process (latencySinkProcess.ts). The sink matches every arrival to
 * the replay's send by payload (see payloadKey.ts), so a latency is arrival minus send, both on
 * CLOCK_MONOTONIC. The replay can mirror every packet straight to the sink as well: that path,
 * with no system in it, is the floor, and "added" is each packet's latency minus its floor.
 *
 * What a probe's latency contains besides the system: the probe gateway's receive path (SRTP
 * decrypt, redirect; lightly loaded, two connections at most) and the hop to the sink, the same
 * for every system measured. The floor takes out the replay-to-sink hop and any scheduling delay
 * of sink and replay that hits both copies, not the probe gateway's share, so "added" is an upper
 * bound for the system's own.
 */
import type { SendTimes } from '../replayProcess.js';
import { autoAnswer, awaitEvent, openPeer, postReceiveOnlyCall, type RestPeer } from '../../lib/mediaCall.js';
import { MediaGateway } from '../../lib/mediaGateway.js';
import { TsChild } from '../../lib/tsChild.js';
import { killQuietly } from '../stopping.js';
import { bounded, nextOrExit, stopChild } from './children.js';
import type { SinkResult } from './latencySinkProcess.js';

export type { PathLatency, Percentiles, SinkResult } from './latencySinkProcess.js';

export interface LatencyProbes {
  /** The PeerJS ids to call, one call each. */
  readonly ids: string[];
  /** Pass as the replay's mirrorPort for the floor. */
  readonly mirrorPort: number;
  /** The sink's and the probe gateway's, for their CPU. */
  readonly pids: number[];
  /**
   * For a system that answers instead of calling (gateway-whep): probe `id` places a receive-only
   * call to `target`, redirected to its sink as an answered call is; resolves at STREAM.
   */
  callReceiveOnly(id: string, target: string): Promise<void>;
  /** Latencies of everything that arrived so far, given the replay's send times (its done message's sendTimes). */
  result(sendTimes: SendTimes): Promise<SinkResult>;
  /** Stops answering, ends the probe gateway and the sink (each killed after 5 s). */
  stop(): Promise<void>;
}

/** `portMin`: the probe gateway's 100 media ports start there. */
export async function startLatencyProbes(signalingUrl: string, portMin: number, k = 2, idPrefix = 'probe-'): Promise<LatencyProbes> {
  const ids = Array.from({ length: k }, (_, i) => `${idPrefix}${i}`);
  const sink = new TsChild('../fanout/quality/latencySinkProcess.ts', [String(k)]);
  let gateway: MediaGateway | undefined;
  const answerers: { stop(): void }[] = [];
  const stop = async (): Promise<void> => {
    answerers.forEach((a) => a.stop());
    const g = gateway;
    await Promise.all([g ? bounded(g.stop(), () => killQuietly(g.pid, 'SIGTERM')) : undefined, stopChild(sink)]);
  };
  try {
    const ready = await nextOrExit(sink, 'ready', 30_000);
    gateway = await MediaGateway.start(portMin, signalingUrl);
    const peers = new Map<string, { peer: RestPeer; port: number }>();
    for (const [i, id] of ids.entries()) {
      const peer = await openPeer(gateway.api, id);
      peers.set(id, { peer, port: ready.probePorts[i] });
      answerers.push(autoAnswer(peer, ready.probePorts[i]));
    }
    return {
      ids,
      mirrorPort: ready.directPort,
      pids: [sink.process.pid!, gateway.pid],
      callReceiveOnly: async (id, target) => {
        const probe = peers.get(id);
        if (!probe) throw new Error(`no latency probe ${id}`);
        await awaitEvent(probe.peer.base, await postReceiveOnlyCall(probe.peer, target, probe.port), 'STREAM');
      },
      result: async (sendTimes) => {
        const ask = { type: 'result', sendTimes };
        const { type: _, ...r } = await sink.request(ask, 30_000);
        return r as SinkResult;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
