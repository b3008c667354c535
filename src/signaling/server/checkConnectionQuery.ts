import { decodeCredentialToken, verifyCredential } from '../PeerCredential.js';
import { SERVER_ERRORS, isValidPeerId } from '../protocol.js';
import type { SignalingConfig } from './SignalingConfig.js';

const MAX_TOKEN_LENGTH = 256;

/** What a connection's query presents, once it passed; or the ERROR text it is refused with. */
export type ConnectionQueryCheck =
  | { ok: true; id: string; token: string; /** Unix seconds; with auth only. */ expiresAt: number | undefined }
  | { ok: false; msg: string };

/**
 * The query of a WebSocket URL (`?key=&id=&token=&version=`), decoded the way clients write it.
 * The stock peerjs client puts the id and token into the URL as they are, so a "+" there is a
 * plus: it is not read as a space, as form encoding (and URLSearchParams) would, which would
 * turn the id "a+b" into "a b". Percent-escapes are decoded (%2B is "+", %20 a space). A
 * parameter that is not valid percent-encoding is left out; of a repeated one, the first counts.
 */
export function parseConnectionQuery(search: string): Map<string, string> {
  const query = new Map<string, string>();
  for (const part of search.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    try {
      const name = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
      if (!query.has(name)) query.set(name, value);
    } catch {
      // Malformed percent-encoding: as if the parameter were missing.
    }
  }
  return query;
}

/**
 * The PeerJS connection rules on `?key=&id=&token=`, in the stock server's order, plus our id and
 * credential checks. Whether the id is free is the caller's to decide.
 */
export function checkConnectionQuery(query: ReadonlyMap<string, string>, config: SignalingConfig, nowSeconds: number): ConnectionQueryCheck {
  const id = query.get('id');
  const token = query.get('token');
  const key = query.get('key');
  if (!id || !token || !key) return { ok: false, msg: SERVER_ERRORS.invalidParameters };
  if (key !== config.key) return { ok: false, msg: SERVER_ERRORS.invalidKey };
  if (!isValidPeerId(id) || token.length > MAX_TOKEN_LENGTH) return { ok: false, msg: SERVER_ERRORS.invalidId };
  if (config.secret === undefined) return { ok: true, id, token, expiresAt: undefined };
  const credential = decodeCredentialToken(token);
  const check = credential && verifyCredential(config.secret, id, credential, nowSeconds);
  if (!check || !check.ok) {
    return { ok: false, msg: check?.ok === false && check.reason === 'expired' ? SERVER_ERRORS.expiredCredential : SERVER_ERRORS.invalidCredential };
  }
  return { ok: true, id, token, expiresAt: check.expiresAt };
}
