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
    | 'failed'
    /** A TURN server could not be used (text: "turn:... 401 Unauthorized"); the transport goes on without it. */
    | 'turn-failed';
  text: string;
  /** For 'turn-failed': the server's URL as configured. */
  detail: string;
  candidate?: RawCandidate;
  /** For 'turn-failed': the server's STUN error code (401 for refused credentials), 0 when it gave none. */
  code?: number;
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

export type RawSendStatus = 'ok' | 'not-connected' | 'no-route' | 'relay-dropped' | 'malformed' | 'no-room' | 'crypto-error';

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
  /** What became of the packet (native/core/transport/SendStatus.hpp); anything but 'ok' was dropped and counted in sendDropped. */
  sendRtp(packet: Uint8Array): RawSendStatus;
  sendRtcp(packet: Uint8Array): RawSendStatus;
  close(): void;
  takeTransmits(): { socketIndex: number; ip: string; port: number; data: Buffer }[];
  takeEvents(): RawTransportEvent[];
  takeReceived(): { kind: 'rtp' | 'rtcp'; data: Buffer }[];
  stats(): RawTransportStats;
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

/** TurnClient clocks (native/core/turn/TurnClientConfig.hpp), for tests that shorten them. */
export interface RawTurnTimings {
  rtoUs?: number;
  transmissions?: number;
  streamTimeoutUs?: number;
  permissionRefreshUs?: number;
  channelRefreshUs?: number;
  refreshMarginUs?: number;
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

export type RawTurnEvent =
  | { kind: 'allocated'; relayed: string; mapped: string; lifetime: number }
  | { kind: 'failed'; code: number; reason: string; server: string; text: string }
  | { kind: 'closed' };

/** The sans-IO TURN client (native/binding/sansio/TurnClientWrap.hpp): the caller moves bytes and time. */
export interface RawSansIoTurnClient {
  start(nowUs: number): void;
  handleDatagram(nowUs: number, datagram: Uint8Array): void;
  handleStreamBytes(nowUs: number, bytes: Uint8Array): void;
  handleTimeout(nowUs: number): void;
  nextTimeout(): number | null;
  createPermission(nowUs: number, ip: string, port: number): boolean;
  bindChannel(nowUs: number, ip: string, port: number): boolean;
  send(ip: string, port: number, payload: Uint8Array): boolean;
  channelFor(ip: string, port: number): number | null;
  close(nowUs: number): void;
  state(): 'new' | 'allocating' | 'allocated' | 'closing' | 'closed' | 'failed';
  stats(): RawTurnStats;
  takeTransmits(): Buffer[];
  takeEvents(): RawTurnEvent[];
  takeReceived(): { ip: string; port: number; data: Buffer }[];
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

/** How a TLS client judges the server's certificate (native/core/tls/TlsClientContext.hpp). */
export type TlsVerifyMode = 'system' | 'ca-file' | 'none';

export interface RawTlsClientStreamOptions {
  /** SNI (DNS names only) and the identity the certificate must carry (DNS name or IP address). */
  serverName: string;
  /** Default 'system': the machine's trusted CAs; 'ca-file' needs `caFile` (PEM); 'none' accepts anything. */
  verify?: TlsVerifyMode;
  caFile?: string;
  handshakeTimeoutMs?: number;
  /** What writePlaintext may queue before the handshake completes (default 64 KiB). */
  maxPendingPlaintextBytes?: number;
}

export type RawTlsEvent = { kind: 'connected' } | { kind: 'closed' } | { kind: 'failed'; reason: string };

export interface RawTlsStreamStats {
  state: 'new' | 'connecting' | 'connected' | 'closed' | 'failed';
  ciphertextReceived: number;
  ciphertextIgnored: number;
  ciphertextSent: number;
  plaintextReceived: number;
  plaintextSent: number;
  writesRefused: number;
  handshakeUs: number | null;
  /** Bytes the test wrapper dropped because they were not taken (16 MiB per buffer). */
  outputOverflow: number;
  verifyMode: TlsVerifyMode;
  trustSource: string;
  version?: string;
  cipher?: string;
  verified?: boolean;
  failureReason?: string;
}

/** The sans-IO TLS client (native/core/tls/TlsClientStream.hpp): the caller moves the bytes and the time. */
export interface RawTlsClientStream {
  start(nowUs: number): void;
  handleCiphertext(nowUs: number, ciphertext: Uint8Array): void;
  handleEndOfStream(nowUs: number): void;
  /** False when refused (pending bound before the handshake, or closed/failed). */
  writePlaintext(plaintext: Uint8Array): boolean;
  handleTimeout(nowUs: number): void;
  nextTimeout(): number | null;
  close(): void;
  takeCiphertext(): Buffer;
  takePlaintext(): Buffer;
  takeEvents(): RawTlsEvent[];
  state(): RawTlsStreamStats['state'];
  stats(): RawTlsStreamStats;
}

export type RawTcpProbeEvent =
  | { kind: 'connected'; text: string }
  | { kind: 'data'; data: Buffer }
  | { kind: 'closed'; error: number; text: string }
  | { kind: 'tls-connected'; text: string }
  | { kind: 'tls-closed' }
  | { kind: 'tls-failed'; text: string };

export interface RawTcpConnectionProbeOptions {
  onEvent: (event: RawTcpProbeEvent) => void;
  /** Bind here (port 0) before connecting. */
  localIp?: string;
  connectTimeoutMs?: number;
  closeTimeoutMs?: number;
  sendQueueBytes?: number;
  readChunkBytes?: number;
  /** A TlsClientStream on the connection: send() takes plaintext, data events carry plaintext. */
  tls?: { serverName: string; verify?: TlsVerifyMode; caFile?: string; handshakeTimeoutMs?: number };
}

export interface RawTcpConnectionStats {
  state: 'idle' | 'connecting' | 'connected' | 'finishing' | 'closed';
  bytesSent: number;
  bytesReceived: number;
  sendsDropped: number;
  bytesDropped: number;
  queuedBytes: number;
  queuePeakBytes: number;
  localIp: string | null;
  localPort: number;
  /** Events the probe could not hand to JavaScript (its queue holds 4096). */
  eventsDropped: number;
  tls?: { state: RawTlsStreamStats['state']; plaintextSent: number; plaintextReceived: number; ciphertextSent: number; ciphertextReceived: number; plaintextDropped: number };
}

/** One native TcpConnection (native/io/TcpConnection.hpp) on an event loop thread of its own: test surface. */
export interface RawTcpConnectionProbe {
  /** Throws with an errno `code` (EAFNOSUPPORT, EADDRNOTAVAIL...) when the connect cannot start. */
  connect(ip: string, port: number): void;
  /** Whole message queued (or sent), or false: dropped and counted. An array is one message in pieces (writev). */
  send(bytes: Uint8Array | Uint8Array[]): boolean;
  sendRoom(): number;
  /** close_notify (with tls), then FIN once the queue is sent. */
  shutdown(): void;
  close(): void;
  stats(): RawTcpConnectionStats;
  /** Ends the probe's thread; required before the process can exit cleanly. */
  dispose(): void;
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
  TurnClient: new (
    server: Omit<RawTurnServer, 'host' | 'url'> & { url?: string; lifetimeSeconds?: number; timings?: RawTurnTimings; seed?: number },
  ) => RawSansIoTurnClient;
  /** RFC 8489 section 9.2.2: the long-term key. */
  turnLongTermKey(algorithm: 'md5' | 'sha-256', username: string, realm: string, password: string): Buffer;
  /** RFC 8656 section 12.4: a ChannelData message; `stream` pads it to 4 bytes (section 12.5). */
  turnChannelData(channel: number, payload: Uint8Array, stream?: boolean): Buffer;
  /** A TURN byte stream in chunks, split into its STUN and ChannelData messages. */
  turnDeframe(chunks: Uint8Array[]): { frames: Buffer[]; failed: boolean; buffered: number };
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
  TlsClientStream: new (options: RawTlsClientStreamOptions) => RawTlsClientStream;
  TcpConnectionProbe: new (options: RawTcpConnectionProbeOptions) => RawTcpConnectionProbe;
  /** Where Node's OpenSSL looks for CAs, and what the 'system' policy loads here (null: nothing found). */
  tlsTrustPaths(): { certFile: string; certDir: string; certFileEnv: string; certDirEnv: string; systemTrust: string | null };
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
