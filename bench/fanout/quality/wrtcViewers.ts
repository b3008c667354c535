/**
 * Decoding viewers for the fan-out benchmark: K libwebrtc peers (@roamhq/wrtc behind the stock
 * peerjs client) registered on a PeerJS signaling server as `decoder-0`...; whatever system is
 * measured calls each id with a send-only VP8 + Opus offer, as it calls gateway B's 'viewers'.
 * They decode every frame, to show the picture holds while the ordinary viewers load the sender.
 * They run in their own process (wrtcViewersProcess.ts), so their decoding CPU is neither the
 * harness's nor the measured system's.
 */
import type { DecoderStats } from './wrtcViewersProcess.js';
import { TsChild } from '../../lib/tsChild.js';
import { nextOrExit, stopChild } from './children.js';

export type { DecoderStats };

export interface DecodingViewers {
  /** The PeerJS ids to call, one call each. */
  readonly ids: string[];
  readonly pid: number;
  /** Makes viewer `id` a WHEP player of the endpoint at `url` (bearer `token`); resolves once it is connected. */
  playWhep(id: string, url: string, token: string): Promise<void>;
  /** DELETEs the WHEP players' sessions (each within 3 s). */
  endWhep(): Promise<void>;
  /** Starts the measured window (frames and audio are counted from here): call just before the replay starts. */
  mark(): Promise<void>;
  /** What each viewer decoded since the mark. */
  stats(): Promise<DecoderStats[]>;
  /** Closes the calls and peers and ends the process (killed after 5 s). */
  stop(): Promise<void>;
}

export async function startDecodingViewers(signalingUrl: string, k = 3, idPrefix = 'decoder-'): Promise<DecodingViewers> {
  const ids = Array.from({ length: k }, (_, i) => `${idPrefix}${i}`);
  const child = new TsChild('../fanout/quality/wrtcViewersProcess.ts', [signalingUrl, ...ids]);
  const stop = () => stopChild(child);
  try {
    await nextOrExit(child, 'ready', 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ids,
    pid: child.process.pid!,
    playWhep: async (id, url, token) => {
      const played = child.next('whep', 30_000, (m) => m.id === id);
      child.send({ type: 'whep', id, url, token });
      const m = await played;
      if (m.error) throw new Error(m.error);
    },
    endWhep: async () => {
      await child.request({ type: 'whepEnd' }, 10_000);
    },
    mark: async () => {
      const m = await child.request({ type: 'mark' }, 10_000);
      if (m.error) throw new Error(`decoding viewers' mark: ${m.error}`);
    },
    stats: async () => {
      const m = await child.request({ type: 'stats' }, 10_000);
      if (m.error) throw new Error(`decoding viewers' stats: ${m.error}`);
      return m.viewers as DecoderStats[];
    },
    stop,
  };
}
