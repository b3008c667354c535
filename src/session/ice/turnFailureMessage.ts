/**
 * What a connection's ERROR event says when one of its STUN/TURN servers could not be used: the
 * server's URL and its answer. `code` is the STUN error code the server answered with (RFC 8489
 * section 14.8: 401 when the credentials were refused), 0 when it gave none; libwebrtc's
 * icecandidateerror uses 701 for "no answer / no connection" (W3C webrtc-pc section 4.8.2), which
 * is no STUN code either. `cause` is the reason phrase or what went wrong.
 */
export function turnFailureMessage(url: string, code: number, cause: string): string {
  const why = cause.trim();
  if (code === 401) return `TURN server ${url} refused the credentials: 401 ${why || 'Unauthorized'}`;
  if (code >= 300 && code <= 699) return `TURN server ${url} refused the allocation: ${code} ${why}`.trimEnd();
  return `TURN server ${url} is unusable: ${why || 'no reason given'}`;
}

/**
 * The cause in a native `turn-failed` event's text ("<url> <code> <reason>" or "<url> <what
 * went wrong>", native TurnError::describe): the text after the URL and the code.
 */
export function nativeTurnFailureCause(text: string, url: string, code: number): string {
  let rest = url && text.startsWith(url) ? text.slice(url.length).trimStart() : text;
  if (code > 0 && rest.startsWith(`${code}`)) rest = rest.slice(String(code).length).trimStart();
  return rest;
}
