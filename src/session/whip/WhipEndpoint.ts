import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

import type { MediaConstraints, MediaRedirects } from '../media/MediaRequest.js';
import type { WhipSession } from './WhipSession.js';

/**
 * A WHIP endpoint made by POST /whip/endpoints: what publishers to it may send (codecs and the
 * payload types to rewrite to), where their media goes, and the bearer token that guards it.
 * At most one live session: a second POST while one is live is refused (409) until DELETE.
 */
export class WhipEndpoint {
  readonly id = `wi-${randomUUID()}`;
  /** 256 random bits, base64url: the token publishers present (RFC 9725 section 4.5). */
  readonly token = randomBytes(32).toString('base64url');
  private readonly tokenDigest = digest(this.token);
  session: WhipSession | undefined;

  constructor(
    readonly constraints: MediaConstraints,
    readonly redirects: MediaRedirects,
  ) {}

  /** Constant time, through digests so lengths do not leak either. */
  accepts(token: string): boolean {
    return timingSafeEqual(digest(token), this.tokenDigest);
  }

  get liveSession(): WhipSession | undefined {
    return this.session && this.session.state !== 'closed' ? this.session : undefined;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
