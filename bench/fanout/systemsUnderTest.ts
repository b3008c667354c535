/**
 * The systems the fan-out benchmark compares, behind one interface: each takes the input on two
 * UDP ports and forwards it to viewers that are calls to gateway B's answering peer.
 * - gateway: ours, in its own process, calling B through the REST API (one call per viewer);
 * - gateway-shared-port: the same with media_shared_port (one UDP socket for all connections);
 * - gateway-whep: ours playing to WHEP players: B's peer offers, a relay POSTs each offer to one
 *   WHEP endpoint on the two ports (gatewayWhepSystem.ts);
 * - node-datachannel, werift, janus: a child speaking systemProcess.ts's protocol, whose offers
 *   go to B through the PeerJS relay.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { callSendOnly, openPeer, type RestPeer } from '../lib/mediaCall.js';
import { MediaGateway } from '../lib/mediaGateway.js';
import { rest } from '../../test/support/rest.js';
import { atMostConcurrently } from './atMostConcurrently.js';
import { GatewayWhepSystem, type QualityPlayers } from './gatewayWhepSystem.js';
import { PeerjsRelay } from './peerjsRelay.js';
import { stopGateway } from './stopping.js';
import { addViewer, addViewers, SystemProcess } from './systemProcess.js';
import { janusLibDir } from './systems/janusConfig.js';
import type { ViewerGateway } from './viewerGateway.js';

export const SYSTEM_NAMES = ['gateway', 'gateway-shared-port', 'gateway-whep', 'node-datachannel', 'werift', 'janus'] as const;
export type SystemName = (typeof SYSTEM_NAMES)[number];

export interface SystemUnderTest {
  /** The process whose tree's CPU and RSS are measured (for Janus the janus daemon). */
  readonly measurePid: number;
  readonly videoPort: number;
  readonly audioPort: number;
  /** Connects `n` viewers, `concurrency` at a time; the errors of those that failed. */
  connect(n: number, concurrency: number): Promise<string[]>;
  /** Calls each of `targets` (other peers on B's signaling server), one after another; the errors of those that failed. */
  callExtra(targets: string[]): Promise<string[]>;
  /** What the system itself counts: packets sent to viewers, and failed sends (null: not counted). */
  counters(): Promise<{ sent: number; errors: number | null }>;
  stop(): Promise<void>;
}

/** Why `name` cannot run on this machine, or undefined. */
export function unavailable(name: SystemName): string | undefined {
  const require = createRequire(import.meta.url);
  const installed = (pkg: string) => {
    try {
      require.resolve(pkg);
      return undefined;
    } catch {
      return `npm package ${pkg} is not installed (a devDependency)`;
    }
  };
  switch (name) {
    case 'gateway':
    case 'gateway-shared-port':
    case 'gateway-whep':
      return undefined;
    case 'node-datachannel':
      return installed('node-datachannel');
    case 'werift':
      return installed('werift');
    case 'janus': {
      const version = spawnSync('janus', ['--version'], { stdio: 'ignore' });
      if (version.error) return `janus is not installed (Debian package janus): ${version.error.message}`;
      try {
        janusLibDir();
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
}

/**
 * Starts `name`; viewers will be calls to `b`. Our gateway's ports start at `portMin`. `quality`:
 * the run's decoders and latency probes, for a system that cannot call them (gateway-whep: they
 * become players instead).
 */
export async function startSystem(name: SystemName, b: ViewerGateway, portMin: number, quality: QualityPlayers = {}): Promise<SystemUnderTest> {
  if (name === 'gateway' || name === 'gateway-shared-port') return GatewaySystem.start(b, portMin, name === 'gateway-shared-port');
  if (name === 'gateway-whep') return GatewayWhepSystem.start(b, portMin, quality);
  const script = { 'node-datachannel': 'nodeDatachannel.ts', werift: 'werift.ts', janus: 'janus.ts' }[name];
  // FANOUT_JANUS_ARGS: e.g. "--event-loops 2" instead of Janus's thread per viewer.
  const args = name === 'janus' ? (process.env['FANOUT_JANUS_ARGS'] ?? '').split(/\s+/).filter(Boolean) : [];
  return ChildSystem.start(name, join(import.meta.dirname, 'systems', script), args, b);
}

class GatewaySystem implements SystemUnderTest {
  private constructor(
    private readonly gateway: MediaGateway,
    private readonly source: RestPeer,
    private readonly media: { video: string; audio: string },
    readonly videoPort: number,
    readonly audioPort: number,
    private readonly target: string,
  ) {}

  static async start(b: ViewerGateway, portMin: number, sharedPort: boolean): Promise<GatewaySystem> {
    // Gateway A uses B's signaling server, so its calls reach B's peer.
    const gateway = await MediaGateway.start(portMin, b.signalingUrl, sharedPort ? { sharedPort: 0 } : {});
    try {
      const source = await openPeer(gateway.api, 'source');
      const video = await rest(gateway.api, 'POST', '/media', { is_video: true });
      const audio = await rest(gateway.api, 'POST', '/media', { is_video: false });
      return new GatewaySystem(gateway, source, { video: video.media_id, audio: audio.media_id }, video.port, audio.port, b.peer.id);
    } catch (e) {
      await stopGateway(gateway);
      throw e;
    }
  }

  get measurePid(): number {
    return this.gateway.pid;
  }

  connect(n: number, concurrency: number): Promise<string[]> {
    return atMostConcurrently(n, concurrency, () => this.call());
  }

  async callExtra(targets: string[]): Promise<string[]> {
    const errors: string[] = [];
    for (const target of targets) {
      try {
        await this.call(target);
      } catch (e) {
        errors.push(`${target}: ${(e as Error).message}`);
      }
    }
    return errors;
  }

  counters(): Promise<{ sent: number; errors: number }> {
    return this.gateway.sendCounters();
  }

  stop(): Promise<void> {
    return stopGateway(this.gateway);
  }

  /** One send-only call to `target` (B's peer by default) from the two media ports; resolves at STREAM. */
  private call(target = this.target): Promise<void> {
    return callSendOnly(this.source, this.media, target);
  }
}

class ChildSystem implements SystemUnderTest {
  private constructor(
    private readonly system: SystemProcess,
    private readonly relay: PeerjsRelay,
    private readonly countsErrors: boolean,
  ) {}

  static async start(name: SystemName, script: string, args: string[], b: ViewerGateway): Promise<ChildSystem> {
    const system = await SystemProcess.start(script, args);
    try {
      const relay = await PeerjsRelay.open(b.signalingUrl, `fanout-${name}`, b.peer.id);
      // Janus counts no failed sends (its stats' errors are the viewers' reported losses).
      return new ChildSystem(system, relay, name !== 'janus');
    } catch (e) {
      await system.stop();
      throw e;
    }
  }

  get measurePid(): number {
    return this.system.measurePid;
  }

  get videoPort(): number {
    return this.system.videoPort;
  }

  get audioPort(): number {
    return this.system.audioPort;
  }

  async connect(n: number, concurrency: number): Promise<string[]> {
    const setups = await addViewers(this.system, this.relay, n, concurrency);
    return setups.flatMap((s) => (s.error ? [`${s.viewer ?? 'viewer'}: ${s.error}`] : []));
  }

  async callExtra(targets: string[]): Promise<string[]> {
    const errors: string[] = [];
    for (const target of targets) {
      const s = await addViewer(this.system, this.relay, target);
      if (s.error) errors.push(`${target}: ${s.error}`);
    }
    return errors;
  }

  async counters(): Promise<{ sent: number; errors: number | null }> {
    const stats = await this.system.stats();
    return { sent: stats.forwarded, errors: this.countsErrors ? stats.errors : null };
  }

  async stop(): Promise<void> {
    this.relay.close();
    await this.system.stop();
  }
}
