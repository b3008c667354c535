import type { RtcIceServer } from '../session/ice/IceConfiguration.js';

/** RFC 8288 section 3: a parameter value as a quoted-string (backslash escapes '"' and '\'). */
const quoted = (value: string): string => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/**
 * ICE servers as WHIP Link header values (RFC 9725 section 4.6): one per URL,
 * `<url>; rel="ice-server"`, with `username`, `credential` and `credential-type="password"` for a
 * server that has credentials (TURN).
 */
export function iceServerLinks(servers: readonly RtcIceServer[]): string[] {
  return servers.flatMap((server) => {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    const auth =
      server.username !== undefined && server.credential !== undefined
        ? `; username=${quoted(server.username)}; credential=${quoted(server.credential)}; credential-type="password"`
        : '';
    return urls.map((url) => `<${url}>; rel="ice-server"${auth}`);
  });
}
