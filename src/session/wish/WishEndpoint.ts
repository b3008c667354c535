import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import { EventQueue } from '../events/EventQueue.js';
import type { MediaConstraints, MediaRedirects } from '../media/MediaRequest.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { WishEvent } from './WishEvent.js';
import type { WishSession } from './WishSession.js';

/**
 * WHIP (RFC 9725) ingests a publisher's media; WHEP (draft-ietf-wish-whep) plays the user's
 * media to players. Both come from the IETF WISH working group and share everything here.
 */
export type WishKind = 'whip' | 'whep';

/** Closed sessions an endpoint still shows in its status, newest last. */
const CLOSED_KEPT = 16;

/** Events kept for GET …/events while nobody polls (the oldest go first). */
const EVENTS_KEPT = 100;

/**
 * An endpoint made by POST /whip/endpoints or /whep/endpoints: what its sessions send or take
 * (constraints, as for a MediaConnection), where received media goes (redirects), the bearer
 * token that guards its resource, and its sessions, at most `maxSessions` live at once.
 */
export class WishEndpoint {
  readonly id: string;
  /** 256 random bits, base64url: the token clients present (RFC 9725 section 4.5). */
  readonly token = randomBytes(32).toString('base64url');
  private readonly tokenDigest = digest(this.token);
  private readonly live = new Map<string, WishSession>();
  private readonly closed: WishSession[] = [];
  /** Its sessions' READY, STREAM, CLOSE and ERROR, for GET …/events (long poll). */
  readonly events = new EventQueue<WishEvent>(EVENTS_KEPT);
  private deletedValue = false;

  constructor(
    readonly kind: WishKind,
    readonly constraints: MediaConstraints,
    readonly redirects: MediaRedirects,
    readonly maxSessions: number,
  ) {
    this.id = `${kind === 'whip' ? 'wi' : 'we'}-${randomUUID()}`;
    // A WHEP endpoint's ports are in use while it exists, as a MediaConnection's are (DELETE /media/{id} answers 403).
    for (const port of this.ports()) port.use(this.id);
  }

  /** Constant time, through digests so lengths do not leak either. */
  accepts(token: string): boolean {
    return timingSafeEqual(digest(token), this.tokenDigest);
  }

  get liveSessions(): number {
    return this.live.size;
  }

  session(id: string): WishSession | undefined {
    return this.live.get(id);
  }

  sessions(): WishSession[] {
    return [...this.closed, ...this.live.values()];
  }

  add(session: WishSession): void {
    this.live.set(session.id, session);
  }

  /** A session has closed: it leaves the live table; the newest few stay visible in the status. */
  retire(session: WishSession): void {
    if (!this.live.delete(session.id)) return;
    this.closed.push(session);
    if (this.closed.length > CLOSED_KEPT) this.closed.shift();
  }

  /** Whether DELETE or gateway stop ended it: its event polls then end with 404. */
  get deleted(): boolean {
    return this.deletedValue;
  }

  /**
   * Ends every session and gives back the ports the endpoint named (endpoint DELETE, gateway
   * stop); marks it deleted, which ends its event queue once the last event is taken.
   */
  closeAll(reason: string): void {
    for (const session of [...this.live.values()]) session.close(reason);
    for (const port of this.ports()) port.release(this.id);
    this.deletedValue = true;
  }

  private ports(): NativeUdpPort[] {
    const { videoParams: v, audioParams: a } = this.constraints;
    return [v.mediaPort, v.rtcpPort, a.mediaPort, a.rtcpPort].filter((p): p is NativeUdpPort => p !== undefined);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
