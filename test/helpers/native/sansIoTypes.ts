// Types of the sans-IO wrappers in the test addon (native/testing/sansio/): transport, TURN,
// SRTP, TLS, TCP and STUN. The product's own types come from src/native/addon.ts.
import type { RawCandidate, RawTransportStats, RawTransportEvent, RawLocalParameters, RawRemoteParameters, SrtpProfileName, RawTurnStats } from '../../../src/native/addon.js';

/** What became of a packet handed to the transport (native/core/transport/SendStatus.hpp). */
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
  /** Data channels (options.dataChannels): a stream id of our DTLS role's parity, or null when SCTP is not up. */
  openDataChannel(label: string, protocol: string, reliability: RawChannelReliability): number | null;
  /** A string goes as a string message, bytes as binary (native/core/sctp/SctpAssociation.hpp). */
  sendData(stream: number, data: string | Uint8Array): RawSctpSendStatus;
  closeDataChannel(stream: number): boolean;
  takeDataEvents(): RawDataChannelEvent[];
  sctpStats(): RawSctpStats | null;
}

export interface RawChannelReliability {
  ordered?: boolean;
  maxRetransmits?: number;
  maxLifetimeMs?: number;
}

export type RawSctpSendStatus = 'ok' | 'not-connected' | 'unknown-channel' | 'too-large' | 'full' | 'failed';

/** native/core/sctp/DataChannelEvent.hpp; label..maxLifetimeMs on channel-opened, binary/data on message. */
export interface RawDataChannelEvent {
  kind: 'association-up' | 'channel-opened' | 'message' | 'channel-closed' | 'association-failed';
  stream: number;
  binary?: boolean;
  data?: Buffer;
  remote?: boolean;
  label?: string;
  protocol?: string;
  ordered?: boolean;
  maxRetransmits?: number;
  maxLifetimeMs?: number;
  text?: string;
}

export interface RawSctpStats {
  up: boolean;
  messagesSent: number;
  messagesReceived: number;
  droppedTooLarge: number;
  droppedMalformed: number;
  droppedQueueFull: number;
  sendFull: number;
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


export type RawTurnEvent =
  | { kind: 'allocated'; relayed: string; mapped: string; lifetime: number }
  | { kind: 'failed'; code: number; reason: string; server: string; text: string }
  | { kind: 'closed' };

/** The sans-IO TURN client (native/testing/sansio/TurnClientWrap.hpp): the caller moves bytes and time. */
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
