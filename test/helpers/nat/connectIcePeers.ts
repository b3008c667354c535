// Offer/answer and trickled candidates between two IcePeers, relayed by the test process (the
// signaling path is no part of what the NAT suite tests), and the ICE outcome.
import type { IcePeer } from './IcePeer.js';

export interface IceOutcome {
  /** 'connected' once both report connected/completed; 'failed' once either reports failed. */
  outcome: 'connected' | 'failed';
  /** From the offer to the outcome. */
  ms: number;
}

const CONNECTED = new Set(['connected', 'completed']);
const POLL_MS = 50;

/** Relays `from`'s description and candidates to `to`; returns the function that stops it. */
function relay(from: IcePeer, to: IcePeer): () => void {
  return from.events.subscribe((e) => {
    if (e.event === 'description') to.send({ cmd: 'description', description: e['description'] });
    if (e.event === 'candidate') to.send({ cmd: 'candidate', candidate: e['candidate'] });
  });
}

/**
 * `offerer` offers a DataChannel to `answerer`; resolves with the ICE outcome, or rejects when
 * neither connected nor failed within `timeoutMs` (the states are in the message). The relay goes
 * on after the outcome (late candidates still trickle), for as long as the peers run.
 */
export async function connectIcePeers(offerer: IcePeer, answerer: IcePeer, timeoutMs: number): Promise<IceOutcome> {
  const stops = [relay(offerer, answerer), relay(answerer, offerer)];
  const start = performance.now();
  offerer.send({ cmd: 'offer' });
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = [offerer.iceState(), answerer.iceState()];
      if (states.includes('failed')) return { outcome: 'failed', ms: performance.now() - start };
      if (states.every((s) => CONNECTED.has(s))) return { outcome: 'connected', ms: performance.now() - start };
      if (Date.now() >= deadline) {
        const errors = [...offerer.errors(), ...answerer.errors()].map((e) => e['message']);
        throw new Error(
          `ICE reached neither connected nor failed within ${timeoutMs} ms: ${offerer.name} ${states[0]}, ${answerer.name} ${states[1]}; ` +
            `errors ${JSON.stringify(errors)}; stderr ${offerer.stderr()}${answerer.stderr()}`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } catch (e) {
    stops.forEach((stop) => stop());
    throw e;
  }
}
