// The test addon (native/testing/): the sans-IO core, native benchmark loops and the C++ unit
// tests, for tests and bench/ only; the shipped addon (src/native/addon.ts) has none of it.
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { PACKAGE_ROOT, type MediaKind, type RawInboundRouting, type RawOutboundStream, type RawTransportOptions, type RawTurnServer, type SrtpProfileName } from '../../../src/native/addon.js';
import type { RawSansIoData } from './sansIoDataTypes.js';
import type { RawSansIoFanoutSource, RawSansIoMediaSession, RawSansIoMediaSessionOptions } from './sansIoMediaTypes.js';
import type { RawSansIoRtcp } from './sansIoRtcpTypes.js';
import type { RawSansIoTransport, RawSansIoTurnClient, RawSrtpSession, RawSrtpSessionOptions, RawStunMessage, RawTcpConnectionProbe, RawTcpConnectionProbeOptions, RawTlsClientStream, RawTlsClientStreamOptions, RawTurnTimings } from './sansIoTypes.js';

export type * from './sansIoDataTypes.js';
export type * from './sansIoMediaTypes.js';
export type * from './sansIoRtcpTypes.js';
export type * from './sansIoTypes.js';

export interface RawSansIo extends RawSansIoRtcp, RawSansIoData {
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
  FanoutSource: new () => RawSansIoFanoutSource;
  MediaSession: new (options?: RawSansIoMediaSessionOptions) => RawSansIoMediaSession;
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

/** Measurement loops that must run natively to mean anything (native/testing/bench/BenchmarkFunctions.hpp). */
export interface RawBench {
  srtp(o: { profile: SrtpProfileName; size: number; packets: number; direction: 'protect' | 'unprotect' }): { nsPerPacket: number; cpuNsPerPacket: number };
  cipherBaseline(o: { profile: SrtpProfileName; size: number; packets: number }): { nsPerPacket: number };
  protectSend(o: { profile: SrtpProfileName; size: number; packets: number }): { nsPerPacket: number; cpuNsPerPacket: number; packetsPerSecond: number; sent: number; sendDropped: number; sendCalls: number };
}

/** One run of the doctest C++ unit tests (native/testing/tests/CoreTestResults.hpp). */
export interface RawCoreTestResults {
  testCases: number;
  testCasesFailed: number;
  asserts: number;
  assertsFailed: number;
  /** Test suites that ran: one per core class tested. */
  suites: string[];
  /** "suite/name" of every test case that ran. */
  testNames: string[];
  /** "file:line: suite/name: expression with values" per failed check (at most 200). */
  failures: string[];
}

export interface RawTestAddon {
  sansio: RawSansIo;
  bench: RawBench;
  /** Filters are doctest wildcards; includeSkipped also runs the runner's own self-check cases. */
  runCoreTests(options?: { testCase?: string; testSuite?: string; includeSkipped?: boolean }): RawCoreTestResults;
}

/** Where the test addon lives: its build/Release when built here, else its committed prebuild. */
export const TEST_ADDON_DIR = join(PACKAGE_ROOT, 'native', 'testing');

let loaded: RawTestAddon | undefined;

/** Loads the test addon through node-gyp-build, as the product's loadAddon() does (PREBUILDS_ONLY=1 skips a local build). */
export function loadTestAddon(): RawTestAddon {
  if (!loaded) {
    const nodeGypBuild = createRequire(import.meta.url)('node-gyp-build') as (dir: string) => unknown;
    loaded = nodeGypBuild(TEST_ADDON_DIR) as RawTestAddon;
  }
  return loaded;
}
