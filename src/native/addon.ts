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
  openUdpPort(ip: string, port: number): { handle: number; ip: string; port: number };
  closeUdpPort(handle: number): boolean;
  openSharedSocket(ip: string, port: number): { ip: string; port: number };
  portStats(handle: number): RawPortStats | undefined;
  stats(): RawEngineStats;
  createTransport(options: RawTransportOptions & { bindAddresses: string[] }): RawLocalParameters & { handle: number };
  transportSetRemote(handle: number, remote: RawRemoteParameters): void;
  transportAddCandidate(handle: number, candidate: RawCandidate): void;
  transportEndOfCandidates(handle: number): void;
  transportSetRedirect(handle: number, kind: 'rtp' | 'rtcp', media: MediaKind, ip: string | null, port?: number): void;
  transportSetOutbound(handle: number, media: MediaKind, stream: RawOutboundStream | null): void;
  transportSetInbound(handle: number, inbound: RawInboundRouting): void;
  transportRequestKeyframe(handle: number): boolean;
  transportStats(handle: number): RawHostedTransportStats;
  transportMediaStats(handle: number): RawMediaStats;
  closeTransport(handle: number): boolean;
  attachPort(portHandle: number, transportHandle: number, kind: 'rtp' | 'rtcp', media: MediaKind): boolean;
  detachPort(portHandle: number, transportHandle: number): boolean;
  close(): void;
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
  /** UDP, TCP (RFC 6062 framing of STUN and ChannelData on the stream) or TLS over TCP (turns:). */
  transport: 'udp' | 'tcp' | 'tls';
  /** The host as configured: the TLS server name for turns:, the IP literal otherwise. */
  host: string;
  username: string;
  credential: string;
  /** The configured URL, e.g. "turn:turn.example.com:3478?transport=udp", for status and logs. */
  url: string;
}

/** Options shared by engine transports and sans-IO transports. */
export interface RawTransportOptions {
  role: 'controlling' | 'controlled';
  srtpProfiles?: SrtpProfileName[];
  stunServers?: { ip: string; port: number }[];
  /** TURN servers to gather relay candidates from (turn: false peers get none). */
  turnServers?: RawTurnServer[];
  /** ice_transport_policy = relay: only relay candidates are offered and checked. */
  relayOnly?: boolean;
  /** media_advertised_addresses: the public address of each bind address, in order (1:1 NAT). */
  advertisedAddresses?: string[];
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
    | 'failed';
  text: string;
  detail: string;
  candidate?: RawCandidate;
}

export interface RawTransportStats {
  iceState: string;
  iceRole: 'controlling' | 'controlled';
  dtlsState: string;
  connected: boolean;
  srtpProfile?: SrtpProfileName;
  selectedLocal?: RawCandidate;
  selectedRemote?: RawCandidate;
  [counter: string]: unknown;
}

/** A transport the engine runs: the transport's own counters plus what its host routed. */
export interface RawHostedTransportStats extends RawTransportStats {
  /** RTP and RTCP sent as plain UDP to the user's redirect addresses, counted once the kernel accepted them. */
  redirected: number;
  /** Redirects the kernel refused (no route, a firewall rule, a full socket buffer) or that could not be sent at all. */
  redirectDropped: number;
}

/** The sans-IO transport: no sockets, no clock; the caller moves datagrams and time. */
export interface RawSansIoTransport {
  localParameters(): RawLocalParameters;
  start(nowUs: number): void;
  setRemoteParameters(nowUs: number, remote: RawRemoteParameters): void;
  addRemoteCandidate(nowUs: number, candidate: RawCandidate): void;
  endOfRemoteCandidates(nowUs: number): void;
  handleDatagram(nowUs: number, socketIndex: number, fromIp: string, fromPort: number, data: Uint8Array): void;
  handleTimeout(nowUs: number): void;
  nextTimeout(): number | null;
  dtlsTimeout(): number | null;
  sendRtp(packet: Uint8Array): boolean;
  sendRtcp(packet: Uint8Array): boolean;
  close(): void;
  takeTransmits(): { socketIndex: number; ip: string; port: number; data: Buffer }[];
  takeEvents(): RawTransportEvent[];
  takeReceived(): { kind: 'rtp' | 'rtcp'; data: Buffer }[];
  stats(): RawTransportStats;
}

export interface RawSrtpSession {
  protectRtp(packet: Uint8Array): Buffer | { error: string };
  protectRtcp(packet: Uint8Array): Buffer | { error: string };
  unprotectRtp(packet: Uint8Array): Buffer | { error: string };
  unprotectRtcp(packet: Uint8Array): Buffer | { error: string };
  setRolloverCounter(ssrc: number, roc: number): void;
  setSrtcpIndex(ssrc: number, index: number): void;
}

export interface RawSrtpSessionOptions {
  profile: SrtpProfileName;
  direction: 'outbound' | 'inbound';
  masterKey?: Uint8Array;
  masterSalt?: Uint8Array;
  sessionKeys?: {
    rtp: { key: Uint8Array; salt: Uint8Array; auth?: Uint8Array };
    rtcp: { key: Uint8Array; salt: Uint8Array; auth?: Uint8Array };
  };
}

export interface RawStunMessage {
  method: number;
  class: 'request' | 'indication' | 'success' | 'error';
  transactionId: string;
  username?: string;
  priority?: number;
  iceControlling?: string;
  iceControlled?: string;
  useCandidate: boolean;
  xorMappedAddress?: string;
  errorCode?: { code: number; reason: string };
  software?: string;
  realm?: string;
  nonce?: string;
  hasMessageIntegrity: boolean;
  hasFingerprint: boolean;
  fingerprintValid: boolean;
  integrityValid?: boolean;
}

/** An RTCP reception report block (RFC 3550 section 6.4.1; native/core/rtcp/RtcpWriters.hpp). */
export interface RawReportBlock {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp. */
  lastSenderReport: number;
  /** 1/65536 s. */
  delaySinceLastSenderReport: number;
}

/** RtcpSessionConfig (native/core/media/RtcpSession.hpp). */
export interface RawRtcpSessionConfig {
  cname?: string;
  /** Our SSRC in reports while no send stream is set. */
  receiverSsrc?: number;
  nack?: boolean;
  /** RFC 8285 id of the transport-wide sequence number extension; absent: no transport-cc feedback. */
  transportCcExtensionId?: number;
  /** REMB maximum for received video; 0: none. */
  rembBps?: number;
  reportIntervalUs?: number;
  transportFeedbackIntervalUs?: number;
}

/** One of our outgoing streams when a report is due (media::SenderSnapshot). */
export interface RawSenderSnapshot {
  ssrc: number;
  rtpTimestamp?: number;
  packets?: number;
  payloadOctets?: number;
  bytes?: number;
}

/** What the remote told us about one of our streams (media::SendFeedbackStats). */
export interface RawSendFeedbackStats {
  ssrc: number;
  pliReceived: number;
  firReceived: number;
  nackReceived: number;
  remoteCumulativeLost: number;
  /** 1/256 units, as in the report block. */
  remoteFractionLost: number;
  remoteJitter: number;
  rttUs: number | null;
  bitrateBps: number;
}

/**
 * One remote source as the sans-IO RtcpSession sees it (media::ReceiveStreamStats); the engine's
 * stats give RawReceiveStreamStats instead (two interfaces of one name would merge into one).
 */
export interface RawSansIoReceiveStreamStats {
  kind: MediaKind;
  ssrc: number;
  clockRate: number;
  packets: number;
  bytes: number;
  lost: number;
  jitterSeconds: number;
  retransmissions: number;
  bitrateBps: number;
}

/** RTCP writers and receive-side RTCP state (native/binding/sansio/RtcpFunctions.hpp). Writers return null when the packet does not fit `capacity` (default 1500). */
export interface RawSansIoRtcp {
  rtcpWriteSenderReport(
    ssrc: number,
    info: { ntpTimestamp: bigint; rtpTimestamp?: number; packetCount?: number; octetCount?: number },
    blocks: Partial<RawReportBlock>[],
    capacity?: number,
  ): Buffer | null;
  rtcpWriteReceiverReport(ssrc: number, blocks: Partial<RawReportBlock>[], capacity?: number): Buffer | null;
  rtcpWriteSdesCname(ssrc: number, cname: string, capacity?: number): Buffer | null;
  rtcpWriteGenericNack(senderSsrc: number, mediaSsrc: number, sequences: number[], capacity?: number): Buffer | null;
  rtcpWriteRemb(senderSsrc: number, bitrateBps: number, ssrcs: number[], capacity?: number): Buffer | null;
  rtcpReadReportBlock(bytes: Uint8Array): RawReportBlock | null;
  rtcpNackedSequences(fci: Uint8Array): number[];
  rtpFindHeaderExtension(packet: Uint8Array, id: number): Buffer | null;
  ntpFromUnixMicros(unixUs: number): bigint;
  microsToQ16(us: number): number;
  q16ToMicros(units: number): number;
  /** A - LSR - DLSR in microseconds, or -1. */
  rtcpRoundTripMicros(arrivalMiddle32: number, lsr: number, dlsr: number): number;
  ReceiveStatistics: new (ssrc: number, clockRate: number) => {
    onPacket(seq: number, rtpTimestamp: number, arrivalUs: number, bytes: number, retransmission?: boolean): void;
    onSenderReport(ntpTimestamp: bigint, arrivalUs: number): void;
    makeReportBlock(nowUs: number): RawReportBlock;
    stats(): Record<'ssrc' | 'clockRate' | 'packets' | 'bytes' | 'cumulativeLost' | 'jitter' | 'jitterSeconds' | 'extendedHighestSequence' | 'restarts', number>;
  };
  NackGenerator: new (config?: { reorderDelayUs?: number; maxRetries?: number; maxMissing?: number; maxAgeUs?: number; minRetryIntervalUs?: number }) => {
    onPacket(seq: number, nowUs: number): boolean;
    collectDue(nowUs: number, rttUs: number, capacity?: number): number[];
    nextDueUs(rttUs: number): number | null;
    needsKeyframe(): boolean;
    stats(): Record<'requested' | 'recovered' | 'reordered' | 'abandoned' | 'overflows' | 'missing', number>;
  };
  /** Which transport a datagram on a shared socket is for (native/core/ice/SharedSocketDemux.hpp). */
  SharedSocketDemux: new () => {
    addOwner(owner: number, ufrag: string): boolean;
    removeOwner(owner: number): void;
    onSend(owner: number, ip: string, port: number, datagram: Uint8Array, nowUs: number): void;
    route(ip: string, port: number, datagram: Uint8Array, nowUs: number): number | null;
    stats(): Record<'byUfrag' | 'byTransaction' | 'byAddress' | 'unknown' | 'addressTakeovers' | 'owners' | 'addresses' | 'pendingTransactions', number>;
  };
  /** A connection's own RTCP (native/core/media/RtcpSession.hpp). */
  RtcpSession: new (config?: RawRtcpSessionConfig) => {
    setSendStream(kind: MediaKind, ssrc: number | null): void;
    /** True when the packet gave poll() new work: ask nextDeadlineUs() again. */
    onReceivedRtp(kind: MediaKind, ssrc: number, seq: number, timestamp: number, clockRate: number, size: number, nowUs: number, retransmission?: boolean): boolean;
    onTransportSequence(transportSequence: number, nowUs: number): boolean;
    onRemoteRtcp(datagram: Uint8Array, nowUs: number, nowNtp: bigint): void;
    countPliSent(): void;
    /** One compound datagram of what is due, or null; `capacity` (default 1500) includes 64 bytes kept for SRTCP. */
    poll(nowUs: number, nowNtp: bigint, senders?: Partial<Record<MediaKind, RawSenderSnapshot | null>> | null, capacity?: number): Buffer | null;
    nextDeadlineUs(): number;
    rttEstimateUs(): number;
    rttUs(): number | null;
    sendStats(): Record<MediaKind, RawSendFeedbackStats | null>;
    receiveStats(): RawSansIoReceiveStreamStats[];
    receiveFeedback(): Record<'nackSent' | 'nackedSequences' | 'recovered' | 'abandoned' | 'pliSent' | 'transportFeedbackSent' | 'rembSent' | 'reportsSent', number> & { rttUs: number | null };
  };
  /** NACK answers for one outgoing stream (native/core/media/RetransmissionSender.hpp). */
  /** With `stream`, onSent takes the user's packet (as a source port keeps it) and returns it rewritten into the stream. */
  RetransmissionSender: new (config?: { rtxSsrc?: number; rtxPayloadType?: number; rtxFirstSequence?: number; stream?: { ssrc: number; payloadType: number } }) => {
    onSent(seq: number, packet: Uint8Array, nowUs: number): Buffer | null | undefined;
    /** The packets sent in answer to one generic NACK's FCI, in order; `capacity` (default 2048) as the scratch buffer. */
    onNack(fci: Uint8Array, nowUs: number, minIntervalUs: number, capacity?: number): Buffer[];
    stats(): Record<'nackPackets' | 'nackedSequences' | 'retransmitted' | 'notCached' | 'suppressed', number>;
    usesRtx(): boolean;
  };
  TransportWideFeedback: new () => {
    onPacket(transportSequence: number, arrivalUs: number): void;
    hasPending(): boolean;
    pendingCount(): number;
    writeFeedback(senderSsrc: number, mediaSsrc: number, capacity?: number): Buffer | null;
    stats(): Record<'late' | 'duplicates' | 'dropped' | 'feedbackPackets', number>;
  };
}

export interface RawSansIo extends RawSansIoRtcp {
  Transport: new (options: RawTransportOptions & { localAddresses: { ip: string; port: number }[]; seed?: number }) => RawSansIoTransport;
  SrtpSession: new (options: RawSrtpSessionOptions) => RawSrtpSession;
  OutboundRtpRewriter: new (stream: RawOutboundStream) => {
    rewriteRtp(packet: Uint8Array, nowUs: number): Buffer | null;
    rewriteRtcp(packet: Uint8Array): Buffer | null;
    restoreRemoteRtcp(packet: Uint8Array): Buffer | null;
    stats(): { packets: number; malformed: number; wrongPayloadType: number; sourceRestarts: number };
  };
  InboundMediaRouter: new () => {
    setRoutes(routes: RawInboundRouting['routes']): void;
    expectRemoteSsrc(ssrc: number, media: MediaKind): void;
    setLocalSsrc(media: MediaKind, ssrc: number | null): void;
    routeRtp(packet: Uint8Array): { media: MediaKind; retransmission: boolean; packet: Buffer } | null;
    splitRtcp(packet: Uint8Array): Partial<Record<MediaKind, Buffer>> | null;
    remoteVideoSsrc(): number | null;
    stats(): Record<'videoRtp' | 'audioRtp' | 'videoRtcp' | 'audioRtcp' | 'unknownPayloadType' | 'malformed', number>;
  };
  stunParse(message: Uint8Array, key?: Uint8Array): RawStunMessage | null;
  stunBuild(options: {
    method: number;
    class: RawStunMessage['class'];
    transactionId: Uint8Array;
    attributes?: { type: number; value: Uint8Array }[];
    integrityKey?: Uint8Array;
    fingerprint?: boolean;
  }): Buffer;
  deriveSrtpKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer;
  rtpParse(packet: Uint8Array): Record<string, number | boolean | null> | null;
  rtcpParse(packet: Uint8Array): { type: number; count: number; size: number; senderSsrc: number }[] | null;
}

export interface RawAddon {
  Engine: new (options: RawEngineOptions) => RawEngine;
  opensslVersion(): string;
  sansio: RawSansIo;
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
