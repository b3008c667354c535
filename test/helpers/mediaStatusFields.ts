/** The fields of `transport` in a media connection's status, in the order the REST answer has them. */
export const TRANSPORT_STATUS_FIELDS = [
  'iceState', 'iceRole', 'dtlsState', 'connected', 'srtpProfile', 'selectedLocal', 'selectedRemote',
  'rtpSent', 'rtpBytesSent', 'rtcpSent', 'rtpReceived', 'rtpBytesReceived', 'rtcpReceived',
  'redirected', 'redirectDropped', 'videoSent', 'audioSent', 'outboundDropped', 'outboundSourceRestarts',
  'videoReceived', 'audioReceived', 'videoRtcpReceived', 'audioRtcpReceived', 'videoRtcpWithheld', 'audioRtcpWithheld',
  'droppedUnknownPayloadType', 'droppedMalformedMedia', 'retransmissionsReceived', 'rtxPaddingReceived',
  'userSenderReportsReplaced', 'keyframeRequestsForwarded', 'keyframeRequestsCoalesced',
  'dtlsReceived', 'stunReceived', 'droppedUnauthenticatedSource', 'droppedBeforeKeys', 'droppedSrtpAuth', 'droppedSrtpReplay',
  'droppedMalformed', 'droppedUnknown', 'droppedNotRelayed', 'sendDropped', 'checksSent', 'checksReceived',
  'stunResponsesReceived', 'consentRequestsSent', 'consentResponses', 'roleConflicts', 'stunUnauthenticated', 'stunMalformed', 'turn',
];
