import type { TransportStats } from '../../native/NativeTypes.js';

/**
 * `transport` in GET /media/connections/{id}/status: the REST names of the transport's state and
 * counters, mapped one by one (in this order) from what the native engine reports. A native
 * counter added or renamed does not reach the REST shape until it is listed here.
 */
export function transportStatusView(s: TransportStats) {
  return {
    iceState: s.iceState,
    iceRole: s.iceRole,
    dtlsState: s.dtlsState,
    connected: s.connected,
    srtpProfile: s.srtpProfile,
    selectedLocal: s.selectedLocal,
    selectedRemote: s.selectedRemote,
    rtpSent: s.rtpSent,
    rtpBytesSent: s.rtpBytesSent,
    rtcpSent: s.rtcpSent,
    rtpReceived: s.rtpReceived,
    rtpBytesReceived: s.rtpBytesReceived,
    rtcpReceived: s.rtcpReceived,
    redirected: s.redirected,
    redirectDropped: s.redirectDropped,
    videoSent: s.videoSent,
    audioSent: s.audioSent,
    outboundDropped: s.outboundDropped,
    outboundSourceRestarts: s.outboundSourceRestarts,
    videoReceived: s.videoReceived,
    audioReceived: s.audioReceived,
    videoRtcpReceived: s.videoRtcpReceived,
    audioRtcpReceived: s.audioRtcpReceived,
    videoRtcpWithheld: s.videoRtcpWithheld,
    audioRtcpWithheld: s.audioRtcpWithheld,
    droppedUnknownPayloadType: s.droppedUnknownPayloadType,
    droppedMalformedMedia: s.droppedMalformedMedia,
    retransmissionsReceived: s.retransmissionsReceived,
    rtxPaddingReceived: s.rtxPaddingReceived,
    userSenderReportsReplaced: s.userSenderReportsReplaced,
    keyframeRequestsForwarded: s.keyframeRequestsForwarded,
    keyframeRequestsCoalesced: s.keyframeRequestsCoalesced,
    dtlsReceived: s.dtlsReceived,
    stunReceived: s.stunReceived,
    droppedUnauthenticatedSource: s.droppedUnauthenticatedSource,
    droppedBeforeKeys: s.droppedBeforeKeys,
    droppedSrtpAuth: s.droppedSrtpAuth,
    droppedSrtpReplay: s.droppedSrtpReplay,
    droppedMalformed: s.droppedMalformed,
    droppedUnknown: s.droppedUnknown,
    droppedNotRelayed: s.droppedNotRelayed,
    sendDropped: s.sendDropped,
    checksSent: s.checksSent,
    checksReceived: s.checksReceived,
    stunResponsesReceived: s.stunResponsesReceived,
    consentRequestsSent: s.consentRequestsSent,
    consentResponses: s.consentResponses,
    roleConflicts: s.roleConflicts,
    stunUnauthenticated: s.stunUnauthenticated,
    stunMalformed: s.stunMalformed,
    turn: s.turn,
  };
}

export type TransportStatusView = ReturnType<typeof transportStatusView>;
