import { createHmac } from 'node:crypto';

/** How the gateway authenticates to its TURN servers (RFC 8489 section 9.2, long-term credentials). */
export type TurnAuth =
  /** turn_username + turn_credential: the same pair for every connection. */
  | { readonly kind: 'static'; readonly username: string; readonly credential: string }
  /**
   * turn_secret: the TURN REST API scheme coturn implements with `use-auth-secret`, a pair minted
   * per connection that the server checks with the shared secret alone.
   */
  | { readonly kind: 'secret'; readonly secret: string; readonly lifetimeSeconds: number };

export interface TurnCredential {
  readonly username: string;
  readonly credential: string;
  /** Unix time in seconds after which the server refuses it; undefined for static credentials. */
  readonly expiresAt: number | undefined;
}

/**
 * Hands out TURN credentials. With a secret: username `<unix expiry>:<name>`, password
 * base64(HMAC-SHA1(secret, username)), expiry = now + lifetime, so a credential given away (to a
 * browser) stops working on its own and the secret never leaves the gateway.
 */
export class TurnCredentialMinter {
  constructor(private readonly auth: TurnAuth) {}

  /** Whether credentials are minted (from a secret), so that each expires. */
  get mints(): boolean {
    return this.auth.kind === 'secret';
  }

  /**
   * `name` becomes the user part of a minted username (a peer id); `maxLifetimeSeconds` shortens
   * the configured lifetime. Static credentials ignore both.
   */
  mint(name: string, nowMs: number = Date.now(), maxLifetimeSeconds = Infinity): TurnCredential {
    const { auth } = this;
    if (auth.kind === 'static') return { username: auth.username, credential: auth.credential, expiresAt: undefined };
    const expiresAt = Math.floor(nowMs / 1000) + Math.min(auth.lifetimeSeconds, maxLifetimeSeconds);
    const username = `${expiresAt}:${name}`;
    const credential = createHmac('sha1', auth.secret).update(username).digest('base64');
    return { username, credential, expiresAt };
  }
}
