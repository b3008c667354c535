import type { Response } from 'express';

import { GatewayError } from '../errors/GatewayError.js';
import type { EventQueue } from '../session/events/EventQueue.js';

export interface LongPollSource<T> {
  readonly events: EventQueue<T>;
  /** Whether the resource has ended: once its queue is empty, polls answer 404. */
  readonly ended: () => boolean;
  /** The 404 to answer then. */
  readonly gone: () => GatewayError;
}

/**
 * SkyWay long polling: answers with the next queued event, 408 after `timeoutMs` without one,
 * 404 once the resource has ended and its last event was taken. A poll whose client went away
 * takes no event, so none is lost.
 */
export async function answerLongPoll<T>(res: Response, source: LongPollSource<T>, timeoutMs: number): Promise<void> {
  if (source.ended() && source.events.length === 0) throw source.gone();
  const left = new AbortController();
  res.on('close', () => left.abort());
  const event = await source.events.next(timeoutMs, left.signal);
  if (event === undefined) {
    if (left.signal.aborted) return;
    if (source.ended()) throw source.gone();
    throw new GatewayError('REQUEST_TIMEOUT', [{ field: '', message: `no event within ${timeoutMs / 1000} s; poll again` }]);
  }
  res.status(200).json(event);
}
