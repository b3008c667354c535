import { codecByEncodingName, codecSpec, parseFmtp, TRANSPORT_CC_URI, videoFeedback, type CodecName, type CodecSpec, type FeedbackPolicy } from './codecs.js';
import { SdpError } from './SdpError.js';
import type { Direction, HeaderExtension, LocalMediaSection, LocalSource, MediaKind, RemoteDescription, RemoteMediaSection, RtpCodec } from './SessionDescription.js';

/** What the user asked for one kind of media (constraints.video / video_params, …). */
export interface MediaIntent {
  readonly kind: MediaKind;
  readonly send: boolean;
  readonly receive: boolean;
  readonly codec: CodecName;
  /** The user's payload_type: offered as is when usable, and what received media is rewritten to. */
  readonly payloadType?: number;
  readonly bandwidthKbps?: number;
  /** Our stream, when sending. */
  readonly source?: LocalSource;
}

/** One kind of media as both sides agreed on it. */
export interface NegotiatedMedia {
  readonly kind: MediaKind;
  readonly mid: string;
  readonly codec: CodecSpec;
  /** The payload type on the wire, both ways (the answer's numbering, RFC 3264 section 6.1). */
  readonly payloadType: number;
  /** Other payload types the remote may use for the same codec (an offer's numbering). */
  readonly alsoReceives: readonly number[];
  readonly send: boolean;
  readonly receive: boolean;
  readonly remoteSsrcs: readonly number[];
  /** The remote's RTX SSRC for each media SSRC (a=ssrc-group:FID), which carries its retransmissions. */
  readonly remoteRtx: readonly { readonly ssrc: number; readonly rtxSsrc: number }[];
  /** The RTCP feedback both sides agreed on for the codec (a=rtcp-fb). */
  readonly feedback: readonly string[];
  /** RTX (RFC 4588) for the codec, on the wire both ways. */
  readonly rtxPayloadType?: number;
  /** The transport-cc header extension id the remote stamps on what it sends. */
  readonly transportCcId?: number;
}

export interface AnswerPlan {
  readonly sections: readonly LocalMediaSection[];
  readonly media: readonly NegotiatedMedia[];
}

const sends = (d: Direction): boolean => d === 'sendrecv' || d === 'sendonly';
const receives = (d: Direction): boolean => d === 'sendrecv' || d === 'recvonly';

export function directionOf(send: boolean, receive: boolean): Direction {
  if (send && receive) return 'sendrecv';
  if (send) return 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/** The remote's entry for `name`, preferring the gateway's own fmtp (H264: Constrained Baseline). */
function findCodec(section: RemoteMediaSection, name: CodecName): RtpCodec | undefined {
  const spec = codecSpec(name);
  const matching = section.codecs.filter(
    (c) => codecByEncodingName(spec.kind, c.encodingName)?.name === name && (spec.accepts?.(parseFmtp(c.fmtp)) ?? true),
  );
  const preferred = spec.fmtp && parseFmtp(spec.fmtp)['profile-level-id'];
  return matching.find((c) => preferred && parseFmtp(c.fmtp)['profile-level-id']?.toLowerCase() === preferred) ?? matching[0];
}

/** The remote's RTX payload type for `apt` (RFC 4588 section 8.6: a=fmtp:<rtx> apt=<apt>). */
function findRtx(section: RemoteMediaSection, apt: number): number | undefined {
  return section.codecs.find((c) => c.encodingName.toLowerCase() === 'rtx' && parseFmtp(c.fmtp)['apt'] === String(apt))?.payloadType;
}

function rtxPairsOf(section: RemoteMediaSection): { ssrc: number; rtxSsrc: number }[] {
  return section.ssrcGroups.filter((g) => g.semantics === 'FID' && g.ssrcs.length === 2).map((g) => ({ ssrc: g.ssrcs[0]!, rtxSsrc: g.ssrcs[1]! }));
}

function codecLine(
  spec: CodecSpec,
  payloadType: number,
  fmtp: string | undefined,
  remoteFb: readonly string[] | undefined,
  policy: FeedbackPolicy,
): RtpCodec {
  const ours = spec.kind === 'video' ? videoFeedback(policy) : [];
  return {
    payloadType,
    encodingName: spec.encodingName,
    clockRate: spec.clockRate,
    ...(spec.channels && { channels: spec.channels }),
    ...(fmtp && { fmtp }),
    rtcpFb: remoteFb ? ours.filter((fb) => remoteFb.includes(fb)) : [...ours],
  };
}

function offeredNames(section: RemoteMediaSection): string {
  const names = [...new Set(section.codecs.map((c) => c.encodingName.toUpperCase()))];
  return names.length > 0 ? names.join(', ') : 'nothing';
}

/**
 * Answers a remote offer (RFC 3264 section 6, RFC 8829 section 5.3): the first audio and the
 * first video section get the user's codec in the remote's numbering and the direction both
 * sides allow; everything else (a second section of a kind, the DataChannel section peerjs adds
 * to media calls) is rejected with port 0. A codec the user needs but the remote lacks is an
 * SdpError('CODEC_UNAVAILABLE').
 */
export function planAnswer(remote: RemoteDescription, intents: readonly MediaIntent[], policy: FeedbackPolicy): AnswerPlan {
  const sections: LocalMediaSection[] = [];
  const media: NegotiatedMedia[] = [];
  const taken = new Set<MediaKind>();
  let sawApplication = false;
  for (const section of remote.sections) {
    const reject = (): void => {
      sections.push({ mid: section.mid, kind: section.kind, rejected: { protocol: section.protocol, formats: section.formats }, direction: 'inactive' });
    };
    if (section.kind === 'application' && !section.rejected && section.sctpPort !== undefined && !sawApplication) {
      // peerjs 1.5 adds a DataChannel to every call and hangs up when it closes; rejecting the
      // section closes it at once. Accepted, the channel stays "connecting": calls live, and a
      // hang-up is seen through DTLS close_notify or consent loss instead (docs/MEDIA.md).
      sawApplication = true;
      sections.push({ mid: section.mid, kind: 'application', direction: 'sendrecv', sctpPort: section.sctpPort });
      continue;
    }
    if (section.rejected || (section.kind !== 'video' && section.kind !== 'audio') || taken.has(section.kind)) {
      reject();
      continue;
    }
    const kind = section.kind;
    taken.add(kind);
    const intent = intents.find((i) => i.kind === kind);
    const send = !!intent?.send && receives(section.direction);
    const receive = !!intent?.receive && sends(section.direction);
    const chosen = intent && findCodec(section, intent.codec);
    if (!intent || !chosen) {
      if (intent && (send || receive)) {
        throw new SdpError('CODEC_UNAVAILABLE', `the remote offers no ${intent.codec} for ${kind} (it offers ${offeredNames(section)})`);
      }
      reject();
      continue;
    }
    const spec = codecSpec(intent.codec);
    const codec = codecLine(spec, chosen.payloadType, chosen.fmtp, chosen.rtcpFb, policy);
    // RTX only carries what NACK asks for; transport-cc only matters for what we receive.
    const rtxPayloadType = codec.rtcpFb.includes('nack') ? findRtx(section, chosen.payloadType) : undefined;
    const transportCc = receive && codec.rtcpFb.includes('transport-cc') ? section.extensions.find((e) => e.uri === TRANSPORT_CC_URI) : undefined;
    sections.push({
      mid: section.mid,
      kind,
      direction: directionOf(send, receive),
      codec,
      ...(rtxPayloadType !== undefined && { rtxPayloadType }),
      ...(transportCc && { extensions: [transportCc] }),
      ...(send && intent.source && { source: intent.source }),
      ...(intent.bandwidthKbps && { bandwidthKbps: intent.bandwidthKbps }),
    });
    media.push({
      kind,
      mid: section.mid,
      codec: spec,
      payloadType: chosen.payloadType,
      alsoReceives: [],
      send,
      receive,
      remoteSsrcs: section.ssrcs,
      remoteRtx: rtxPairsOf(section),
      feedback: codec.rtcpFb,
      ...(rtxPayloadType !== undefined && { rtxPayloadType }),
      ...(transportCc && { transportCcId: transportCc.id }),
    });
  }
  return { sections, media };
}

/**
 * The gateway's offer: one section per kind the user sends or receives, video first, with the
 * user's codec under their payload_type when it is a usable one (dynamic, or the codec's static
 * number) and unique across the sections, as BUNDLE requires (RFC 8843 section 7.5).
 */
export function planOffer(intents: readonly MediaIntent[], policy: FeedbackPolicy): LocalMediaSection[] {
  const used = new Set<number>();
  const unused = (from: number): number => {
    let payloadType = from;
    while (used.has(payloadType)) payloadType = payloadType >= 127 ? 96 : payloadType + 1;
    used.add(payloadType);
    return payloadType;
  };
  const wantedTypes = new Set(intents.map((i) => i.payloadType));
  const sections: LocalMediaSection[] = [];
  for (const kind of ['video', 'audio'] as const) {
    const intent = intents.find((i) => i.kind === kind);
    if (!intent || (!intent.send && !intent.receive)) continue;
    const spec = codecSpec(intent.codec);
    const wanted = intent.payloadType;
    const usable = wanted !== undefined && (wanted === spec.defaultPayloadType || (wanted >= 96 && wanted <= 127)) && !used.has(wanted);
    const payloadType = unused(usable ? wanted : spec.defaultPayloadType);
    const codec = codecLine(spec, payloadType, spec.fmtp, undefined, policy);
    let rtxPayloadType: number | undefined;
    if (codec.rtcpFb.includes('nack')) {
      // Clear of the payload types the user asked for, so a later section can still have its own.
      let candidate = payloadType >= 127 ? 96 : payloadType + 1;
      while (wantedTypes.has(candidate) || used.has(candidate)) candidate = candidate >= 127 ? 96 : candidate + 1;
      rtxPayloadType = unused(candidate);
    }
    const extensions: HeaderExtension[] = intent.receive && codec.rtcpFb.includes('transport-cc') ? [{ id: 3, uri: TRANSPORT_CC_URI }] : [];
    sections.push({
      mid: String(sections.length),
      kind,
      direction: directionOf(intent.send, intent.receive),
      codec,
      ...(rtxPayloadType !== undefined && { rtxPayloadType }),
      ...(extensions.length > 0 && { extensions }),
      ...(intent.send && intent.source && { source: intent.source }),
      ...(intent.bandwidthKbps && { bandwidthKbps: intent.bandwidthKbps }),
    });
  }
  return sections;
}

/**
 * Reads the remote's answer to our offer: per offered section, whether it was accepted, the
 * payload type it uses for our codec and which directions survive.
 */
export function acceptAnswer(remote: RemoteDescription, offered: readonly LocalMediaSection[]): NegotiatedMedia[] {
  const media: NegotiatedMedia[] = [];
  for (const ours of offered) {
    const theirs = remote.sections.find((s) => s.mid === ours.mid);
    if (!theirs || theirs.rejected || !ours.codec || (ours.kind !== 'video' && ours.kind !== 'audio')) continue;
    const spec = codecByEncodingName(ours.kind, ours.codec.encodingName)!;
    const chosen = findCodec(theirs, spec.name);
    if (!chosen) {
      throw new SdpError('CODEC_UNAVAILABLE', `the remote answered ${ours.kind} without ${spec.name} (it answered ${offeredNames(theirs)})`);
    }
    const send = sends(ours.direction) && receives(theirs.direction);
    const receive = receives(ours.direction) && sends(theirs.direction);
    const alsoReceives = chosen.payloadType === ours.codec.payloadType ? [] : [ours.codec.payloadType];
    const feedback = ours.codec.rtcpFb.filter((fb) => chosen.rtcpFb.includes(fb));
    const rtxPayloadType = ours.rtxPayloadType !== undefined && feedback.includes('nack') ? findRtx(theirs, chosen.payloadType) : undefined;
    const transportCc =
      receive && feedback.includes('transport-cc') && ours.extensions?.length ? theirs.extensions.find((e) => e.uri === TRANSPORT_CC_URI) : undefined;
    media.push({
      kind: ours.kind,
      mid: ours.mid,
      codec: spec,
      payloadType: chosen.payloadType,
      alsoReceives,
      send,
      receive,
      remoteSsrcs: theirs.ssrcs,
      remoteRtx: rtxPairsOf(theirs),
      feedback,
      ...(rtxPayloadType !== undefined && { rtxPayloadType }),
      ...(transportCc && { transportCcId: transportCc.id }),
    });
  }
  return media;
}
