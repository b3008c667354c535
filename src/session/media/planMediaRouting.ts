import type { InboundRouting, MediaKind, OutboundStream } from '../../native/NativeTypes.js';
import type { NegotiatedMedia } from '../../sdp/negotiateMedia.js';
import type { LocalSource } from '../../sdp/SessionDescription.js';

/** What the user named for one media kind: its ports, payload type and band_width. */
export interface RoutingParams<Port> {
  readonly mediaPort: Port | undefined;
  readonly rtcpPort: Port | undefined;
  readonly payloadType: number | undefined;
  readonly bandwidthKbps: number | undefined;
}

export interface RoutingAddress {
  readonly address: string;
  readonly port: number;
}

export interface RoutingRequest<Port> {
  /** What the offer/answer agreed. */
  readonly media: readonly NegotiatedMedia[];
  readonly params: Readonly<Record<MediaKind, RoutingParams<Port>>>;
  /** redirect_params: where received RTP and RTCP of each kind go. */
  readonly redirects: Readonly<Partial<Record<MediaKind, { rtp?: RoutingAddress | undefined; rtcp?: RoutingAddress | undefined }>>>;
  /** Our SSRCs per kind (the ones the SDP announced). */
  readonly sources: ReadonlyMap<MediaKind, LocalSource>;
  /** The CNAME of our RTCP. */
  readonly cname: string;
}

/** A port to feed a transport's stream; `field` is the REST field that named it. */
export interface PortAttachment<Port> {
  readonly port: Port;
  readonly media: MediaKind;
  readonly kind: 'rtp' | 'rtcp';
  readonly field: string;
}

/** Everything the native transport is told about one connection's media, decided up front. */
export interface MediaRoutingPlan<Port> {
  readonly outbound: readonly { readonly media: MediaKind; readonly stream: OutboundStream }[];
  readonly attachments: readonly PortAttachment<Port>[];
  readonly redirects: readonly { readonly kind: 'rtp' | 'rtcp'; readonly media: MediaKind; readonly to: { ip: string; port: number } }[];
  readonly inbound: Required<InboundRouting>;
}

/**
 * Which ports feed which stream, what each stream sent looks like, which payload types of the
 * remote are routed where, and where decrypted media goes: a pure function of the negotiation
 * and the user's request, so a mistake is found before anything native is touched.
 */
export function planMediaRouting<Port>(request: RoutingRequest<Port>): MediaRoutingPlan<Port> {
  const outbound: { media: MediaKind; stream: OutboundStream }[] = [];
  const attachments: PortAttachment<Port>[] = [];
  const redirects: { kind: 'rtp' | 'rtcp'; media: MediaKind; to: { ip: string; port: number } }[] = [];
  const inbound: Required<InboundRouting> = { routes: [], remoteSsrcs: [], remoteRtx: [], feedback: {} };
  for (const m of request.media) {
    const params = request.params[m.kind];
    const source = request.sources.get(m.kind);
    const nack = m.feedback.includes('nack');
    if (m.send && params.mediaPort && source) {
      outbound.push({
        media: m.kind,
        stream: {
          ssrc: source.ssrc,
          payloadType: m.payloadType,
          ...(params.payloadType !== undefined && { inputPayloadType: params.payloadType }),
          clockRate: m.codec.clockRate,
          nack,
          ...(nack && m.rtxPayloadType !== undefined && { rtxSsrc: source.rtxSsrc, rtxPayloadType: m.rtxPayloadType }),
        },
      });
      attachments.push({ port: params.mediaPort, media: m.kind, kind: 'rtp', field: `${m.kind}_params.media_id` });
    }
    // Also on a receive-only call: the user's receiver may report on or ask for keyframes of the remote's stream.
    if (params.rtcpPort && (m.send || m.receive)) attachments.push({ port: params.rtcpPort, media: m.kind, kind: 'rtcp', field: `${m.kind}_params.rtcp_id` });
    if (m.receive) {
      const redirectPayloadType = params.payloadType;
      for (const payloadType of [m.payloadType, ...m.alsoReceives]) {
        inbound.routes.push({ payloadType, media: m.kind, clockRate: m.codec.clockRate, ...(redirectPayloadType !== undefined && { redirectPayloadType }) });
      }
      if (m.rtxPayloadType !== undefined) inbound.routes.push({ payloadType: m.rtxPayloadType, media: m.kind, rtxFor: m.payloadType });
      for (const ssrc of m.remoteSsrcs) inbound.remoteSsrcs.push({ ssrc, media: m.kind });
      inbound.remoteRtx.push(...m.remoteRtx);
      if (m.kind === 'video') {
        inbound.feedback = {
          nack,
          ...(m.transportCcId !== undefined && { transportCcId: m.transportCcId }),
          // REMB caps the remote's sender at the user's band_width; transport-cc does the rest.
          ...(m.feedback.includes('goog-remb') && params.bandwidthKbps && { rembBps: params.bandwidthKbps * 1000 }),
        };
      }
    }
    const { rtp, rtcp } = request.redirects[m.kind] ?? {};
    if (rtp && m.receive) redirects.push({ kind: 'rtp', media: m.kind, to: { ip: rtp.address, port: rtp.port } });
    if (rtcp) redirects.push({ kind: 'rtcp', media: m.kind, to: { ip: rtcp.address, port: rtcp.port } });
  }
  inbound.feedback = { ...inbound.feedback, cname: request.cname };
  return { outbound, attachments, redirects, inbound };
}
