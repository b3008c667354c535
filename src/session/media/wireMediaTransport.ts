import { GatewayError } from '../../errors/GatewayError.js';
import type { NativeTransport } from '../../native/NativeTransport.js';
import type { NegotiatedMedia } from '../../sdp/negotiateMedia.js';
import type { RemoteDescription } from '../../sdp/SessionDescription.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';
import type { MediaNegotiation } from './MediaNegotiation.js';
import type { MediaConstraints, MediaRedirects } from './MediaRequest.js';
import { planMediaRouting, type MediaRoutingPlan } from './planMediaRouting.js';

/** The routing plan of a negotiation under the user's constraints and redirect_params. */
export function planRoutingFor(negotiation: MediaNegotiation, media: readonly NegotiatedMedia[], c: MediaConstraints, r: MediaRedirects): MediaRoutingPlan<NativeUdpPort> {
  return planMediaRouting({
    media,
    params: { video: c.videoParams, audio: c.audioParams },
    redirects: { video: { rtp: r.video, rtcp: r.videoRtcp }, audio: { rtp: r.audio, rtcp: r.audioRtcp } },
    sources: negotiation.sources,
    cname: negotiation.cname,
  });
}

/**
 * Gives the transport the remote's parameters and wires ports to streams and streams to redirect
 * addresses, natively. Each port attached is pushed on `attached` as it is, so a caller that
 * catches a throw can detach exactly those.
 */
export function wireMediaTransport(transport: NativeTransport, remote: RemoteDescription, dtlsRole: 'client' | 'server', plan: MediaRoutingPlan<NativeUdpPort>, attached: NativeUdpPort[]): void {
  transport.setRemote({ ufrag: remote.iceUfrag, password: remote.icePwd, fingerprintAlgorithm: remote.fingerprint.algorithm, fingerprint: remote.fingerprint.hash, dtlsRole });
  for (const { media: kind, stream } of plan.outbound) transport.setOutboundStream(kind, stream);
  for (const a of plan.attachments) {
    if (!transport.attachPort(a.port.native, a.kind, a.media)) throw GatewayError.notFound(a.field, a.port.id);
    attached.push(a.port);
  }
  for (const { kind, media: m, to } of plan.redirects) transport.setRedirect(kind, m, to);
  transport.setInboundRouting(plan.inbound);
}

/** The undo of wireMediaTransport: detaches every port it attached (emptying `attached`) and closes the transport. */
export function unwireMediaTransport(transport: NativeTransport | undefined, attached: NativeUdpPort[]): void {
  for (const port of attached) transport?.detachPort(port.native);
  attached.length = 0;
  transport?.close();
}
