/**
 * The types the rest of the gateway uses to talk to the native engine. They are the binding's
 * shapes (src/native/addon.ts), named here so nothing outside src/native imports the addon.
 */
import type {
  MediaKind,
  RawCandidate,
  RawDataChannel,
  RawDataChannelOptions,
  RawDataDropReason,
  RawDataOptions,
  RawDataSendStatus,
  RawDataStats,
  RawEngineStats,
  RawInboundRouting,
  RawLocalParameters,
  RawMediaStats,
  RawOutboundStream,
  RawPortStats,
  RawReceiveStreamStats,
  RawRelayStreamStats,
  RawRemoteParameters,
  RawSendStreamStats,
  RawTransportOptions,
  RawTurnServer,
  RawTurnStats,
  SrtpProfileName,
} from './addon.js';

export type { MediaKind, SrtpProfileName };
export type Candidate = RawCandidate;
export type TurnServerSpec = RawTurnServer;
export type TransportIceOptions = RawTransportOptions;
export type LocalParameters = RawLocalParameters;
export type RemoteParameters = RawRemoteParameters;
export type OutboundStream = RawOutboundStream;
export type InboundRouting = RawInboundRouting;
export type InboundRoute = RawInboundRouting['routes'][number];
export type MediaStats = RawMediaStats;
export type SendStreamStats = RawSendStreamStats;
export type ReceiveStreamStats = RawReceiveStreamStats;
export type PortStats = RawPortStats;
export type EngineStats = RawEngineStats;
export type DataTransportOptions = RawDataOptions;
export type DataChannelInit = RawDataChannelOptions;
export type DataChannelInfo = RawDataChannel;
export type DataSendStatus = RawDataSendStatus;
export type DataDropReason = RawDataDropReason;
export type DataDrops = Record<RawDataDropReason, number>;
/** A data transport's channel, counters and drops (native/binding; names as in DropReason.ts). */
export type DataStats = RawDataStats;

/** One TURN allocation of a transport: its server, state, relayed address and counters. */
export type TurnRelayStats = RawTurnStats & RawRelayStreamStats & { url: string; transport: 'udp' | 'tcp' | 'tls'; state: string; relayed?: string };

/**
 * A transport's state and counters as the engine reports them (transportSnapshotToJs in
 * native/binding/TransportConfigFromJs.cpp plus the host's routing counters in EngineWrap.cpp).
 */
export interface TransportStats {
  iceState: string;
  iceRole: 'controlling' | 'controlled';
  dtlsState: string;
  connected: boolean;
  srtpProfile?: SrtpProfileName;
  selectedLocal?: Candidate;
  selectedRemote?: Candidate;
  rtpSent: number;
  rtpBytesSent: number;
  rtcpSent: number;
  rtpReceived: number;
  rtpBytesReceived: number;
  rtcpReceived: number;
  /** RTP and RTCP sent as plain UDP to the user's redirect addresses, counted once the kernel accepted them. */
  redirected: number;
  /** Redirects the kernel refused (no route, a firewall rule, a full socket buffer) or that could not be sent at all. */
  redirectDropped: number;
  videoSent: number;
  audioSent: number;
  outboundDropped: number;
  outboundSourceRestarts: number;
  videoReceived: number;
  audioReceived: number;
  videoRtcpReceived: number;
  audioRtcpReceived: number;
  /** Remote RTCP the gateway handled whole (an answered NACK, a coalesced PLI): received - withheld reached the user. */
  videoRtcpWithheld: number;
  audioRtcpWithheld: number;
  droppedUnknownPayloadType: number;
  droppedMalformedMedia: number;
  retransmissionsReceived: number;
  rtxPaddingReceived: number;
  userSenderReportsReplaced: number;
  keyframeRequestsForwarded: number;
  keyframeRequestsCoalesced: number;
  dtlsReceived: number;
  stunReceived: number;
  droppedUnauthenticatedSource: number;
  droppedBeforeKeys: number;
  droppedSrtpAuth: number;
  droppedSrtpReplay: number;
  droppedMalformed: number;
  droppedUnknown: number;
  droppedNotRelayed: number;
  sendDropped: number;
  checksSent: number;
  checksReceived: number;
  stunResponsesReceived: number;
  consentRequestsSent: number;
  consentResponses: number;
  roleConflicts: number;
  stunUnauthenticated: number;
  stunMalformed: number;
  /** ICE restarts (RFC 8445 section 9) this transport made. */
  iceRestarts: number;
  turn: TurnRelayStats[];
}
