import type { Candidate } from '../native/NativeTypes.js';

export type MediaKind = 'video' | 'audio';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type DtlsSetup = 'actpass' | 'active' | 'passive';

/** One a=rtpmap with its a=fmtp and a=rtcp-fb lines. */
export interface RtpCodec {
  readonly payloadType: number;
  readonly encodingName: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly fmtp?: string;
  readonly rtcpFb: readonly string[];
}

/** One m= section of a remote description, as far as the gateway reads it. */
export interface RemoteMediaSection {
  readonly index: number;
  readonly kind: MediaKind | 'application' | 'other';
  readonly mid: string;
  /** Port 0: the section is rejected (RFC 8843 section 7.3.3 "bundle-only" aside). */
  readonly rejected: boolean;
  readonly direction: Direction;
  readonly codecs: readonly RtpCodec[];
  /** SSRCs the remote announced (a=ssrc), the first being its media stream. */
  readonly ssrcs: readonly number[];
  /** a=ssrc-group lines, e.g. FID pairing a media SSRC with its RTX SSRC (RFC 4588 section 8.3). */
  readonly ssrcGroups: readonly SsrcGroup[];
  /** The MediaStream the remote sends this section's track in (a=msid, RFC 8830 section 2), if it names one. */
  readonly streamId?: string;
  /** a=extmap lines (RFC 8285 section 8). */
  readonly extensions: readonly HeaderExtension[];
  /** a=sctp-port of a DataChannel section (RFC 8841 section 5). */
  readonly sctpPort?: number;
  /** a=max-message-size of a DataChannel section, as written (RFC 8841 section 6); absent when not given. */
  readonly maxMessageSize?: number;
  /** The m= line's protocol and format list, echoed when a section is rejected. */
  readonly protocol: string;
  readonly formats: string;
  /** This section's a=candidate lines (in an initial BUNDLE offer, each section's transport has its own). */
  readonly candidates: readonly Candidate[];
}

export interface SsrcGroup {
  readonly semantics: string;
  readonly ssrcs: readonly number[];
}

export interface HeaderExtension {
  readonly id: number;
  readonly uri: string;
}

/** What the gateway needs from a remote description (RFC 8829 sections 5.7, 5.8). */
export interface RemoteDescription {
  readonly iceUfrag: string;
  readonly icePwd: string;
  readonly fingerprint: { readonly algorithm: string; readonly hash: string };
  readonly setup: DtlsSetup;
  readonly sections: readonly RemoteMediaSection[];
  readonly candidates: readonly Candidate[];
}

/** A stream the gateway sends in a section. */
export interface LocalSource {
  readonly ssrc: number;
  readonly cname: string;
  readonly streamId: string;
  readonly trackId: string;
  /** The SSRC retransmissions go out on when RTX is negotiated (RFC 4588), grouped with `ssrc` by FID. */
  readonly rtxSsrc: number;
}

/** One m= section the gateway writes. */
export interface LocalMediaSection {
  readonly mid: string;
  readonly kind: MediaKind | 'application' | 'other';
  /** Rejected sections get port 0 and nothing else (RFC 8829 section 5.3.1). */
  readonly rejected?: { readonly protocol: string; readonly formats: string };
  readonly direction: Direction;
  readonly codec?: RtpCodec;
  /** The RTX payload type for `codec` (RFC 4588 section 8.1: a=rtpmap rtx, a=fmtp apt). */
  readonly rtxPayloadType?: number;
  /** a=extmap lines offered or answered. */
  readonly extensions?: readonly HeaderExtension[];
  readonly source?: LocalSource;
  /** b=AS in kbit/s and b=TIAS in bit/s (RFC 3890). */
  readonly bandwidthKbps?: number;
  /** An accepted DataChannel section (RFC 8841): its SCTP port, echoed. */
  readonly sctpPort?: number;
  /** A DataChannel section: the largest message we accept (RFC 8841 section 6). */
  readonly maxMessageSize?: number;
}

export interface LocalDescription {
  readonly sessionId: string;
  readonly sessionVersion: number;
  readonly iceUfrag: string;
  readonly icePwd: string;
  readonly fingerprint: string;
  readonly setup: DtlsSetup;
  readonly sections: readonly LocalMediaSection[];
  readonly candidates: readonly Candidate[];
}
