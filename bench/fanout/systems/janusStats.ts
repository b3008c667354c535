/**
 * The counters Janus keeps for the benchmark's {type: 'stats'}, from the admin API's handle_info
 * of every current viewer handle (Janus's core counts per PeerConnection and medium):
 * - received: null. The streaming plugin counts nothing a mountpoint receives; its `info` only
 *   tells how long ago the last packet came (age_ms).
 * - forwarded: RTP packets Janus sent to the viewers (webrtc.media.*.stats.out.packets, audio and
 *   video, summed over the current viewers; viewers already removed no longer count).
 * - errors: packets the viewers reported lost in their RTCP receiver reports
 *   (webrtc.media.*.rtcp.main["lost-by-remote"], summed the same way). Janus has no counter of
 *   failed sends.
 */
import { post } from './janusApi.js';
import type { JanusDaemon } from './janusDaemon.js';

/** handle_info requests in flight at once: a thousand viewers are not a thousand connections at once. */
const PARALLEL = 16;

export interface JanusStats {
  received: number | null;
  forwarded: number;
  errors: number;
}

export async function janusStats(daemon: JanusDaemon, session: number, viewers: number[]): Promise<JanusStats> {
  const stats: JanusStats = { received: null, forwarded: 0, errors: 0 };
  const queue = [...viewers];
  const worker = async (): Promise<void> => {
    for (let handle = queue.shift(); handle !== undefined; handle = queue.shift()) {
      const { info } = await post(`${daemon.admin}/${session}/${handle}`, { janus: 'handle_info', transaction: `s${handle}`, admin_secret: daemon.adminSecret });
      for (const medium of Object.values<any>(info?.webrtc?.media ?? {})) {
        stats.forwarded += medium.stats?.out?.packets ?? 0;
        stats.errors += medium.rtcp?.main?.['lost-by-remote'] ?? 0;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return stats;
}
