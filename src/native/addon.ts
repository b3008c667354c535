import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Events exactly as the binding hands them over (see native/io/EngineEvent.hpp). */
export interface RawEngineEvent {
  kind: string;
  subject: number;
  value: number;
  detail: string;
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
}

export interface RawEngine {
  readonly threadId: number;
  openUdpPort(ip: string, port: number): { handle: number; ip: string; port: number };
  closeUdpPort(handle: number): boolean;
  portStats(handle: number): RawPortStats | undefined;
  stats(): RawEngineStats;
  close(): void;
}

export interface RawEngineOptions {
  onEvents: (events: RawEngineEvent[]) => void;
  eventQueueSize?: number;
  recvBatchCount?: number;
  recvSlotBytes?: number;
}

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
