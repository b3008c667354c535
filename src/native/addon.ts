import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Events exactly as the binding hands them over (see native/io/EngineEvent.hpp). */
export interface RawEngineEvent {
  kind: string;
  subject: number;
  value: number;
  detail: string;
  event?: RawTransportEvent;
}

export interface RawPortStats {
  packets: number;
  bytes: number;
  droppedOversize: number;
  socketErrors: number;
  sourceChanges: number;
  lastSource: string | null;
}

export interface RawEngineStats {
  running: boolean;
  ports: number;
  eventsDelivered?: number;
  eventsDropped?: number;
  loopWakeups?: number;
  /** epoll_wait failures other than EINTR (expected to stay 0). */
  loopWaitErrors?: number;
  datagramsSent?: number;
  datagramsSendDropped?: number;
  sendCalls?: number;
  /** TURN connections (TCP/TLS) of closed transports still sending their deallocation and closing (bounded in time). */
  turnStreamsClosing?: number;
  /** TLS client contexts the engine's turns: servers share, one per verification policy (per CA file). */
  tlsContexts?: number;
  /** One per socket opened with openSharedSocket. */
  sharedSockets?: RawSharedSocketStats[];
}

/** How a shared media socket routed what it received (native/io/SharedTransportSocket.hpp). */
export interface RawSharedSocketStats {
  address: string;
  transports: number;
  routedByUfrag: number;
  routedByTransaction: number;
  routedByAddress: number;
  /** Datagrams no transport on the socket could be found for. */
  droppedUnknown: number;
  /** A remote address proven by a second transport (a remote that shares one socket too). */
  addressTakeovers: number;
  ufragCollisions: number;
}

export interface RawEngine {
  readonly threadId: number;
  readonly fingerprint: string;
  /** `maxDatagramBytes` above the engine's recvSlotBytes (data ports: 65535) receives datagrams up to that size whole. */
  openUdpPort(ip: string, port: number, options?: { maxDatagramBytes?: number }): { handle: number; ip: string; port: number };
  closeUdpPort(handle: number): boolean;
  openSharedSocket(ip: string, port: number): { ip: string; port: number };
  portStats(handle: number): RawPortStats | undefined;
  stats(): RawEngineStats;
  createTransport(options: RawTransportOptions & { bindAddresses: string[]; data?: RawDataOptions }): RawLocalParameters & { handle: number };
  transportSetRemote(handle: number, remote: RawRemoteParameters): void;
  transportAddCandidate(handle: number, candidate: RawCandidate): void;
  transportEndOfCandidates(handle: number): void;
  /** ICE restart (RFC 8445 section 9) with the peer's new credentials: our new ones come back. */
  transportRestartIce(handle: number, remote: { ufrag: string; password: string }): RawRestartedIce;
  transportSetRedirect(handle: number, kind: 'rtp' | 'rtcp', media: MediaKind, ip: string | null, port?: number): void;
  transportSetOutbound(handle: number, media: MediaKind, stream: RawOutboundStream | null): void;
  transportSetInbound(handle: number, inbound: RawInboundRouting): void;
  transportRequestKeyframe(handle: number): boolean;
  transportStats(handle: number): RawHostedTransportStats;
  transportMediaStats(handle: number): RawMediaStats;
  closeTransport(handle: number): boolean;
  attachPort(portHandle: number, transportHandle: number, kind: 'rtp' | 'rtcp', media: MediaKind): boolean;
  /** Also detaches a data port. */
  detachPort(portHandle: number, transportHandle: number): boolean;
  /**
   * Data channels (transports created with dataChannels). The stream id, or null while SCTP is
   * not up (or the id is taken). With negotiatedId the channel is pre-negotiated (no DCEP, both
   * sides call this). ERR_INVALID_ARG for maxRetransmits with maxPacketLifeTime, or a bad id.
   */
  transportOpenDataChannel(handle: number, options: RawDataChannelOptions): number | null;
  /** The remote's a=max-message-size; 0: no limit. */
  transportSetDataMaxMessageSize(handle: number, bytes: number): void;
  /** Where decoded messages go as datagrams: from the feeding data port's socket when it has the same family, else the engine's redirect socket. */
  transportSetDataRedirect(handle: number, ip: string | null, port?: number): void;
  /** This port's datagrams feed this transport's channel; false if either is unknown or the transport has no data channels. */
  attachDataPort(portHandle: number, transportHandle: number): boolean;
  /** One raw message on the connection's channel, no serialization (the TS slow path). */
  transportSendDataMessage(handle: number, binary: boolean, data: Buffer): RawDataSendStatus;
  /** A datagram the TS side decoded, sent to the data redirect like the native ones; false without a redirect (counted 'no_redirect'). */
  transportDeliverDatagram(handle: number, data: Buffer): boolean;
  transportDataStats(handle: number): RawDataStats;
  close(): void;
}

export type RawSerialization = 'NONE' | 'BINARY' | 'BINARY_UTF8' | 'JSON';

/** createTransport's data options (with dataChannels: true). */
export interface RawDataOptions {
  serialization: RawSerialization;
  /** data_buffer_limit: a datagram that would leave more queued in SCTP is dropped 'buffer_full'; 0: no limit of ours. */
  bufferLimitBytes: number;
  /** The remote's a=max-message-size (0 = no limit); also transportSetDataMaxMessageSize. */
  maxMessageSize?: number;
}

export interface RawDataChannelOptions {
  label?: string;
  protocol?: string;
  ordered?: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  negotiatedId?: number;
}

export type RawDataSendStatus = 'ok' | 'not-connected' | 'too-large' | 'full' | 'failed';

export interface RawDataChannel {
  stream: number;
  label: string;
  protocol: string;
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
}

/** The names of src/session/data/DropReason.ts. */
export type RawDataDropReason =
  | 'channel_not_open'
  | 'buffer_full'
  | 'too_large'
  | 'invalid_json'
  | 'invalid_utf8'
  | 'malformed'
  | 'incomplete'
  | 'no_redirect'
  | 'send_failed';

export interface RawDataStats {
  /** The connection's channel (the first opened, by either side), null before one. */
  channel: RawDataChannel | null;
  open: boolean;
  /** Bytes queued in SCTP, not yet acknowledged. */
  bufferedAmount: number;
  /** bufferedAmount is at least half of bufferLimitBytes. */
  congested: boolean;
  /** Datagrams sent as messages (a chunked one counts once) and their bytes. */
  sentMessages: number;
  sentBytes: number;
  /** Messages received on the connection's channel and their bytes. */
  receivedMessages: number;
  receivedBytes: number;
  /** Both directions together. */
  dropped: Record<RawDataDropReason, number>;
  droppedToRemote: Record<RawDataDropReason, number>;
  droppedFromRemote: Record<RawDataDropReason, number>;
}

export interface RawEngineOptions {
  onEvents: (events: RawEngineEvent[]) => void;
  eventQueueSize?: number;
  recvBatchCount?: number;
  recvSlotBytes?: number;
}

export type MediaKind = 'video' | 'audio';

/** What a stream sent to the remote looks like (native/core/media/OutboundRtpRewriter.hpp). */
export interface RawOutboundStream {
  ssrc: number;
  /** The payload type the remote negotiated. */
  payloadType: number;
  /** The payload type the user sends; others are dropped. Absent: any. */
  inputPayloadType?: number;
  clockRate: number;
  /** Keep recent packets and answer the remote's NACKs from them. */
  nack?: boolean;
  /** RTX (RFC 4588) for retransmissions; both or neither. */
  rtxSsrc?: number;
  rtxPayloadType?: number;
}

/** How RTP from the remote is told apart and rewritten (native/core/media/InboundMediaRouter.hpp). */
export interface RawInboundRouting {
  /** `rtxFor`: this payload type is RTX for that one, unwrapped before it is routed. */
  routes: { payloadType: number; media: MediaKind; redirectPayloadType?: number; clockRate?: number; rtxFor?: number }[];
  remoteSsrcs?: { ssrc: number; media: MediaKind }[];
  /** a=ssrc-group:FID pairs: the remote's RTX SSRC for its media SSRC. */
  remoteRtx?: { rtxSsrc: number; ssrc: number }[];
  /** The connection's own RTCP (native/core/media/RtcpSession.hpp). */
  feedback?: { cname?: string; nack?: boolean; transportCcId?: number; rembBps?: number };
}

/** One stream the connection sends (native/binding/MediaStatsToJs.cpp). */
export interface RawSendStreamStats {
  media: MediaKind;
  ssrc: number;
  packets: number;
  bytes: number;
  bitrateBps: number;
  nacksReceived: number;
  nackedPackets: number;
  retransmittedPackets: number;
  retransmissionMisses: number;
  pliReceived: number;
  firReceived: number;
  remoteLost: number;
  remoteFractionLost: number;
  remoteJitter: number;
  rttMs: number | null;
}

export interface RawReceiveStreamStats {
  media: MediaKind;
  ssrc: number;
  packets: number;
  bytes: number;
  bitrateBps: number;
  lost: number;
  jitterMs: number;
  retransmissionsReceived: number;
}

export interface RawMediaStats {
  send: RawSendStreamStats[];
  receive: RawReceiveStreamStats[];
  receiveFeedback: {
    nacksSent: number;
    nackedPackets: number;
    recovered: number;
    abandoned: number;
    pliSent: number;
    transportFeedbackSent: number;
    rembSent: number;
    reportsSent: number;
  };
  rttMs: number | null;
}

/** An ICE candidate as the core describes it (and accepts it for remote candidates). */
export interface RawCandidate {
  sdp?: string;
  foundation: string;
  component: number;
  protocol?: 'udp';
  priority: number;
  ip: string;
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  relatedIp?: string;
  relatedPort?: number;
  /** A local relay candidate: the URL of the TURN server it is allocated on. */
  url?: string;
}

export type SrtpProfileName = 'AEAD_AES_128_GCM' | 'AES_CM_128_HMAC_SHA1_80';

export interface RawTransportTimings {
  paceUs?: number;
  checkRtoUs?: number;
  nominationDelayUs?: number;
  consentIntervalUs?: number;
  consentTimeoutUs?: number;
  connectTimeoutUs?: number;
  gatherRtoUs?: number;
  dtlsInitialRetransmitUs?: number;
  dtlsMaxRetransmitUs?: number;
  dtlsHandshakeTimeoutUs?: number;
}

/** A TURN server a transport allocates a relay on (RFC 8656), with the credentials for this connection. */
export interface RawTurnServer {
  /** The server's address, resolved at start (a host name's A or AAAA record). */
  ip: string;
  port: number;
  /** UDP, TCP (STUN and ChannelData framed on the stream, RFC 8656 section 3.1) or TLS over TCP (turns:). */
  transport: 'udp' | 'tcp' | 'tls';
  /** The host as configured: the TLS server name for turns:, the IP literal otherwise. */
  host: string;
  username: string;
  credential: string;
  /** The configured URL, e.g. "turn:turn.example.com:3478?transport=udp", for status and logs. */
  url: string;
  /**
   * transport 'tls' (turns:): how the server's certificate is checked against `host` (SNI and
   * the name it must carry): the machine's trusted CAs ('system', the default), only the CAs in
   * `tlsCaFile` ('ca-file'), or not at all ('none': tests and labs only).
   */
  tlsVerify?: 'system' | 'ca-file' | 'none';
  /** PEM file of the CAs to trust; with tlsVerify 'ca-file' only (and required there). */
  tlsCaFile?: string;
}

/** Options shared by engine transports and sans-IO transports. */
export interface RawTransportOptions {
  role: 'controlling' | 'controlled';
  srtpProfiles?: SrtpProfileName[];
  stunServers?: { ip: string; port: number }[];
  /**
   * TURN servers: an allocation on each for every local address of its family, over UDP (a
   * shared media socket gets a TURN socket of the transport's own on its IP), TCP or TLS (a
   * connection from that address).
   */
  turnServers?: RawTurnServer[];
  /** ice_transport_policy "relay": only relayed candidates are signalled and paired. */
  relayOnly?: boolean;
  /** Per bind address, the public IP its host candidate advertises behind a 1:1 NAT. */
  advertisedAddresses?: string[];
  /**
   * WebRTC data channels: SCTP over this transport's DTLS (native/core/sctp). DTLS then also
   * connects without SRTP (a data-only session). Engine transports take `data` options too.
   */
  dataChannels?: boolean;
  ufrag?: string;
  password?: string;
  timings?: RawTransportTimings;
}

export interface RawLocalParameters {
  ufrag: string;
  password: string;
  fingerprintAlgorithm: 'sha-256';
  fingerprint: string;
  candidates: RawCandidate[];
}

/** Our ICE credentials and candidates after a restart (the DTLS fingerprint does not change). */
export type RawRestartedIce = Pick<RawLocalParameters, 'ufrag' | 'password' | 'candidates'>;

export interface RawRemoteParameters {
  ufrag: string;
  password: string;
  fingerprintAlgorithm: string;
  fingerprint: string;
  dtlsRole: 'client' | 'server';
}

export interface RawTransportEvent {
  kind:
    | 'local-candidate'
    | 'gathering-complete'
    | 'ice-state'
    | 'selected-pair'
    | 'dtls-state'
    | 'connected'
    | 'closed'
    | 'failed'
    /** A TURN server could not be used (text: "turn:... 401 Unauthorized"); the transport goes on without it. */
    | 'turn-failed'
    /** Data channels: the SCTP association is up (channels may be opened). */
    | 'sctp-up'
    /** `channel` (with `remote`: the peer opened it) and `stream`. */
    | 'data-channel-open'
    /** `stream`: the peer reset it (RFC 8831 section 6.7) or it was closed. */
    | 'data-channel-closed'
    /** text: why the association is lost, aborted or shut down; nothing follows. */
    | 'sctp-failed'
    /** The slow path only: `stream`, `binary`, `data` (a value the native codec hands up). Bounded per loop iteration. */
    | 'data-message'
    /** The PeerJS in-band close was received. */
    | 'data-remote-close'
    /** `direction`, `reason`, `count` (since the last report); at most once a second per transport. */
    | 'data-drops';
  text: string;
  /** For 'turn-failed': the server's URL as configured. */
  detail: string;
  candidate?: RawCandidate;
  /** For 'turn-failed': the server's STUN error code (401 for refused credentials), 0 when it gave none. */
  code?: number;
  /** Data channel events. */
  stream?: number;
  channel?: RawDataChannel & { remote: boolean };
  binary?: boolean;
  data?: Buffer;
  direction?: 'to_remote' | 'from_remote';
  reason?: RawDataDropReason;
  count?: number;
}

export interface RawTransportStats {
  iceState: string;
  iceRole: 'controlling' | 'controlled';
  dtlsState: string;
  connected: boolean;
  srtpProfile?: SrtpProfileName;
  selectedLocal?: RawCandidate;
  selectedRemote?: RawCandidate;
  /** One entry per TURN allocation: its server, state, relayed address and counters. */
  turn?: (RawTurnStats & RawRelayStreamStats & { url: string; transport: 'udp' | 'tcp' | 'tls'; state: string; relayed?: string })[];
  [counter: string]: unknown;
}

/** A transport the engine runs: the transport's own counters plus what its host routed. */
export interface RawHostedTransportStats extends RawTransportStats {
  /** RTP and RTCP sent as plain UDP to the user's redirect addresses, counted once the kernel accepted them. */
  redirected: number;
  /** Redirects the kernel refused (no route, a firewall rule, a full socket buffer) or that could not be sent at all. */
  redirectDropped: number;
}

/** A relay over TCP or TLS: its connection to the server (engine transports only). */
export interface RawRelayStreamStats {
  /** 'connecting', 'open', 'closed' or 'failed'. */
  streamState?: string;
  /** Connections tried: at most one per relay, never reopened. */
  streamConnectAttempts?: number;
  /** Whole TURN messages (ChannelData, STUN) written to the stream. */
  streamMessagesSent?: number;
  /** Whole messages dropped because the stream's send queue was full (never a part of one). */
  streamMessagesDropped?: number;
  streamBytesSent?: number;
  streamBytesReceived?: number;
  streamQueuedBytes?: number;
  streamQueuePeakBytes?: number;
  /** Over TLS, once connected: 'TLSv1.3', 'TLS_AES_256_GCM_SHA384', and whether the certificate was checked. */
  tlsVersion?: string;
  tlsCipher?: string;
  tlsVerified?: boolean;
}

/** Counters of one TURN allocation (native/core/turn/TurnStats.hpp). */
export type RawTurnStats = Record<
  | 'requests'
  | 'retransmits'
  | 'authRetries'
  | 'staleNonceRetries'
  | 'refreshes'
  | 'permissions'
  | 'channelBinds'
  | 'sendIndications'
  | 'dataIndications'
  | 'channelDataSent'
  | 'channelDataReceived'
  | 'bytesSent'
  | 'bytesReceived'
  | 'errors'
  | 'timeouts'
  | 'unauthenticated'
  | 'malformed'
  | 'sendDropped'
  | 'peersRefused'
  | 'transactionsRefused',
  number
>;

export interface RawAddon {
  Engine: new (options: RawEngineOptions) => RawEngine;
  opensslVersion(): string;
}

/** The package root: two levels above this file in both src/native and dist/native. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let loaded: RawAddon | undefined;

/**
 * Loads the addon through node-gyp-build: a local build (build/Release) if there is one,
 * else the committed prebuild for this platform. PREBUILDS_ONLY=1 skips the local build.
 */
export function loadAddon(): RawAddon {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const nodeGypBuild = require('node-gyp-build') as (root: string) => unknown;
    loaded = nodeGypBuild(PACKAGE_ROOT) as RawAddon;
  }
  return loaded;
}
