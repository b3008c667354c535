import type { Logger } from '../../log/createLogger.js';

let told = false;

/**
 * `turn: true` in POST /peers (the SkyWay default) asks for a TURN relay, and ice_servers names
 * none: the peer is created all the same, and the log says so once per process rather than once
 * per peer.
 */
export function noteTurnRequested(logger: Logger): void {
  if (told) return;
  told = true;
  logger.warn(
    'a peer asked for TURN ("turn": true, the SkyWay default) but no TURN server is configured (ice_servers): connections get no relay candidates (said once)',
  );
}
