import type { MediaKind } from './SessionDescription.js';

/** The codec names the REST API accepts in video_params.codec / audio_params.codec. */
export const VIDEO_CODECS = ['VP8', 'VP9', 'H264', 'AV1'] as const;
export const AUDIO_CODECS = ['OPUS', 'PCMU', 'PCMA', 'G722'] as const;
export type VideoCodecName = (typeof VIDEO_CODECS)[number];
export type AudioCodecName = (typeof AUDIO_CODECS)[number];
export type CodecName = VideoCodecName | AudioCodecName;

export interface CodecSpec {
  readonly name: CodecName;
  readonly kind: MediaKind;
  /** The encoding name in a=rtpmap (RFC 8866 section 6.6). */
  readonly encodingName: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** The payload type the gateway offers when the user names none. */
  readonly defaultPayloadType: number;
  /** What the gateway puts in a=fmtp when it offers the codec. */
  readonly fmtp?: string;
  /** Whether a remote's a=fmtp for this codec describes a stream the gateway can relay. */
  readonly accepts?: (fmtp: Record<string, string>) => boolean;
}

/** The RTCP feedback the gateway takes part in: the `media_nack` and `media_bandwidth_feedback` settings. */
export interface FeedbackPolicy {
  readonly nack: boolean;
  readonly bandwidthFeedback: boolean;
}

/** draft-holmer-rmcat-transport-wide-cc-extensions-01: the header extension transport-cc feedback is about. */
export const TRANSPORT_CC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * Video feedback the gateway negotiates: keyframe requests always (RFC 4585 PLI, RFC 5104 FIR),
 * generic NACK (RFC 4585 section 6.2.1) with `nack`, REMB (draft-alvestrand-rmcat-remb) and
 * transport-cc with `bandwidthFeedback`.
 */
export function videoFeedback(policy: FeedbackPolicy): string[] {
  return [...(policy.bandwidthFeedback ? ['goog-remb', 'transport-cc'] : []), 'ccm fir', ...(policy.nack ? ['nack'] : []), 'nack pli'];
}

const CATALOG: Record<CodecName, CodecSpec> = {
  VP8: { name: 'VP8', kind: 'video', encodingName: 'VP8', clockRate: 90000, defaultPayloadType: 96 },
  VP9: { name: 'VP9', kind: 'video', encodingName: 'VP9', clockRate: 90000, defaultPayloadType: 98, fmtp: 'profile-id=0' },
  // RFC 6184 section 8.1: only packetization-mode 1 carries what encoders send (FU-A, STAP-A).
  // Constrained Baseline level 3.1 is what every browser decodes.
  H264: {
    name: 'H264',
    kind: 'video',
    encodingName: 'H264',
    clockRate: 90000,
    defaultPayloadType: 100,
    fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    accepts: (fmtp) => fmtp['packetization-mode'] === '1',
  },
  AV1: { name: 'AV1', kind: 'video', encodingName: 'AV1', clockRate: 90000, defaultPayloadType: 45 },
  OPUS: {
    name: 'OPUS',
    kind: 'audio',
    encodingName: 'opus',
    clockRate: 48000,
    channels: 2,
    defaultPayloadType: 111,
    fmtp: 'minptime=10;useinbandfec=1',
  },
  PCMU: { name: 'PCMU', kind: 'audio', encodingName: 'PCMU', clockRate: 8000, defaultPayloadType: 0 },
  PCMA: { name: 'PCMA', kind: 'audio', encodingName: 'PCMA', clockRate: 8000, defaultPayloadType: 8 },
  // RFC 3551 section 4.5.2: G.722's RTP clock is 8000 although it samples at 16 kHz.
  G722: { name: 'G722', kind: 'audio', encodingName: 'G722', clockRate: 8000, defaultPayloadType: 9 },
};

export function codecSpec(name: CodecName): CodecSpec {
  return CATALOG[name];
}

/** The catalog entry for an a=rtpmap encoding name, if the gateway knows it. */
export function codecByEncodingName(kind: MediaKind, encodingName: string): CodecSpec | undefined {
  const upper = encodingName.toUpperCase();
  return Object.values(CATALOG).find((c) => c.kind === kind && c.encodingName.toUpperCase() === upper);
}

/** "a=1;b=2" as a map (RFC 8866 section 6.15 leaves the format to the codec; these all use it). */
export function parseFmtp(config: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (config ?? '').split(';')) {
    const [key, ...value] = part.split('=');
    if (key?.trim()) out[key.trim().toLowerCase()] = value.join('=').trim();
  }
  return out;
}
