import { randomBytes, randomInt } from 'node:crypto';

import type { Candidate, LocalParameters, MediaKind } from '../../native/NativeTypes.js';
import { offerCandidatesOnBundleTransport, onBundleTransport, type CandidateSection } from '../../sdp/bundleTransport.js';
import type { FeedbackPolicy } from '../../sdp/codecs.js';
import { acceptAnswer, planAnswer, planOffer, type AnswerPlan, type MediaIntent, type NegotiatedMedia } from '../../sdp/negotiateMedia.js';
import { parseSessionDescription } from '../../sdp/parseSessionDescription.js';
import type { DtlsSetup, LocalMediaSection, LocalSource, RemoteDescription } from '../../sdp/SessionDescription.js';
import { writeLocalDescription } from '../../sdp/writeSessionDescription.js';
import type { MediaConstraints, StreamParams } from './MediaRequest.js';

/** Trickled candidates kept until the remote description is in. */
const MAX_PENDING_CANDIDATES = 64;

/**
 * The SDP side of one MediaConnection, in the order offer/answer runs (RFC 3264): our sources,
 * the offer we sent or the remote's we answer, what was agreed, and the remote candidates that
 * trickle in before the remote description. Pure bookkeeping: nothing native, nothing sent.
 */
export class MediaNegotiation {
  private remoteOffer: string | undefined;
  private offered: readonly LocalMediaSection[] = [];
  private negotiatedMedia: readonly NegotiatedMedia[] = [];
  /** The remote's MediaStream id of each negotiated kind (a=msid), when it named one. */
  private readonly remoteStreamIds = new Map<MediaKind, string>();
  private readonly sourceMap = new Map<MediaKind, LocalSource>();
  private pendingCandidates: { candidate: Candidate; section: CandidateSection }[] = [];
  /** An answered call: the remote offer and the mid of its BUNDLE transport, which trickled candidates must name. */
  private bundle: { remote: RemoteDescription; taggedMid: string } | undefined;
  private remoteSet = false;
  private firstMidValue = { mid: '0', index: 0 };

  constructor(
    /** "gateway-<8 characters of the REST id>": our CNAME and MediaStream id. */
    private readonly streamId: string,
    private readonly policy: FeedbackPolicy,
  ) {}

  get hasRemoteOffer(): boolean {
    return this.remoteOffer !== undefined;
  }

  get hasRemoteDescription(): boolean {
    return this.remoteSet;
  }

  get negotiated(): readonly NegotiatedMedia[] {
    return this.negotiatedMedia;
  }

  get sources(): ReadonlyMap<MediaKind, LocalSource> {
    return this.sourceMap;
  }

  /** The first live m= section: the one our trickled candidates name. */
  get firstMid(): { mid: string; index: number } {
    return this.firstMidValue;
  }

  get cname(): string {
    return [...this.sourceMap.values()][0]?.cname ?? this.streamId;
  }

  receiveOffer(sdp: string): void {
    this.remoteOffer = sdp;
  }

  /** Our offer's sections for a call; empty when nothing would be sent or received. */
  planOffer(constraints: MediaConstraints): readonly LocalMediaSection[] {
    this.offered = planOffer(this.intents(constraints), this.policy);
    return this.offered;
  }

  /** The remote's offer and what our answer to it would agree; throws SdpError when it is unusable. */
  planAnswer(constraints: MediaConstraints): { remote: RemoteDescription; plan: AnswerPlan } {
    const remote = parseSessionDescription(this.remoteOffer ?? '');
    return { remote, plan: planAnswer(remote, this.intents(constraints), this.policy) };
  }

  /** The remote's answer to our offer, and what it agreed; throws SdpError when it is unusable. */
  acceptAnswer(sdp: string): { remote: RemoteDescription; media: readonly NegotiatedMedia[] } {
    const remote = parseSessionDescription(sdp);
    return { remote, media: acceptAnswer(remote, this.offered) };
  }

  /** Our description of `sections` on this transport; its first live section becomes the BUNDLE tag. */
  describe(sections: readonly LocalMediaSection[], setup: DtlsSetup, local: LocalParameters): string {
    this.tagFirstLive(sections);
    return writeLocalDescription(local, setup, sections, String(randomInt(1, 2 ** 47)));
  }

  /**
   * As the answerer of `sections`, our answer BUNDLEs every live section with the first as its
   * tag (RFC 8843 section 7.3); known before the answer is described (a WHIP answer waits for candidates).
   */
  answeredOn(remote: RemoteDescription, sections: readonly LocalMediaSection[]): void {
    this.tagFirstLive(sections);
    this.bundle = { remote, taggedMid: this.firstMidValue.mid };
  }

  private tagFirstLive(sections: readonly LocalMediaSection[]): void {
    const index = sections.findIndex((s) => !s.rejected);
    this.firstMidValue = { mid: sections[index]?.mid ?? '0', index: Math.max(0, index) };
  }

  /** The remote description is in: what was agreed, and the candidates it lists (BUNDLE transport only, as the answerer). */
  remoteDescription(remote: RemoteDescription, media: readonly NegotiatedMedia[]): readonly Candidate[] {
    this.negotiatedMedia = media;
    for (const m of media) {
      const streamId = remote.sections.find((s) => s.mid === m.mid)?.streamId;
      if (streamId !== undefined) this.remoteStreamIds.set(m.kind, streamId);
    }
    this.remoteSet = true;
    return this.bundle ? offerCandidatesOnBundleTransport(remote, this.bundle.taggedMid) : remote.candidates;
  }

  /** Keeps a trickled candidate until the remote description is in; false when too many wait. */
  queueCandidate(candidate: Candidate, section: CandidateSection): boolean {
    if (this.pendingCandidates.length >= MAX_PENDING_CANDIDATES) return false;
    this.pendingCandidates.push({ candidate, section });
    return true;
  }

  takeQueuedCandidates(): { candidate: Candidate; section: CandidateSection }[] {
    const queued = this.pendingCandidates;
    this.pendingCandidates = [];
    return queued;
  }

  /** As the answerer, only the offerer's BUNDLE transport counts; an answerer sends no other. */
  usable(section: CandidateSection): boolean {
    return !this.bundle || onBundleTransport(section, this.bundle.taggedMid, this.bundle.remote);
  }

  /** Whether we send `kind`: as negotiated once the remote's description is in, as offered before. */
  sends(kind: MediaKind): boolean {
    return this.remoteSet
      ? this.negotiatedMedia.some((m) => m.kind === kind && m.send)
      : this.offered.some((s) => s.kind === kind && (s.direction === 'sendrecv' || s.direction === 'sendonly'));
  }

  /** The MediaStream id a STREAM event gives: the remote's when it sends this media, ours otherwise. */
  streamIdOf(kind: MediaKind, receiving: boolean): string {
    return (receiving ? this.remoteStreamIds.get(kind) : undefined) ?? this.sourceFor(kind).streamId;
  }

  clockRateOf(kind: MediaKind): number {
    return this.negotiatedMedia.find((m) => m.kind === kind)?.codec.clockRate ?? 90000;
  }

  private intents(c: MediaConstraints): MediaIntent[] {
    const intent = (kind: MediaKind, send: boolean, receive: boolean, params: StreamParams<string>): MediaIntent => ({
      kind,
      send: send && params.mediaPort !== undefined,
      receive,
      codec: params.codec as MediaIntent['codec'],
      ...(params.payloadType !== undefined && { payloadType: params.payloadType }),
      ...(params.bandwidthKbps && { bandwidthKbps: params.bandwidthKbps }),
      source: this.sourceFor(kind),
    });
    return [intent('video', c.video, c.videoReceiveEnabled, c.videoParams), intent('audio', c.audio, c.audioReceiveEnabled, c.audioParams)];
  }

  private sourceFor(kind: MediaKind): LocalSource {
    let source = this.sourceMap.get(kind);
    if (!source) {
      source = {
        ssrc: randomInt(1, 2 ** 32 - 1),
        rtxSsrc: randomInt(1, 2 ** 32 - 1),
        cname: this.streamId,
        streamId: this.streamId,
        trackId: `${kind}-${randomBytes(4).toString('hex')}`,
      };
      this.sourceMap.set(kind, source);
    }
    return source;
  }
}
