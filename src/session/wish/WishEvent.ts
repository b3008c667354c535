/**
 * GET /whip|whep/endpoints/{id}/events: what happened to the endpoint's sessions, as a
 * MediaConnection's events say it (READY answered, STREAM ICE and DTLS up, CLOSE, ERROR), with the
 * session it concerns.
 */
export type WishEvent =
  | { readonly event: 'READY'; readonly session_id: string }
  | { readonly event: 'STREAM'; readonly session_id: string }
  | { readonly event: 'CLOSE'; readonly session_id: string; readonly close_options: { readonly reason: string } }
  | { readonly event: 'ERROR'; readonly session_id: string; readonly error_message: string };
