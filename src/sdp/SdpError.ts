/** Why a session description cannot be used. Raised as an ERROR event, never into the media path. */
export type SdpErrorCode =
  /** The description lacks something WebRTC requires (ICE credentials, a fingerprint, rtcp-mux). */
  | 'INVALID_SDP'
  /** The remote offers none of the codecs the user asked for. */
  | 'CODEC_UNAVAILABLE';

export class SdpError extends Error {
  constructor(
    readonly code: SdpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SdpError';
  }
}
