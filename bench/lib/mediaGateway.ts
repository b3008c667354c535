/**
 * The parent's handle on a gateway process started from bench/lib/mediaGatewayProcess.ts: its
 * REST base, and the CPU time of its native I/O thread and of the whole process.
 */
import type { RawEngineStats } from '../../src/native/addon.js';
import { processCpuNanos, threadCpuNanos } from './cpu.js';
import { TsChild } from './tsChild.js';

export class MediaGateway {
  private constructor(
    private readonly child: TsChild,
    readonly api: string,
    readonly signalingUrl: string,
    readonly threadId: number,
  ) {}

  /**
   * A gateway whose ports start at `portMin`; with `signalingUrl` it uses that server instead of
   * its own. `rtcpFeedback: false` turns off NACK and bandwidth feedback (media_nack,
   * media_bandwidth_feedback); `sharedPort` sets media_shared_port (0: any free port).
   */
  static async start(portMin: number, signalingUrl?: string, options: { rtcpFeedback?: boolean; sharedPort?: number } = {}): Promise<MediaGateway> {
    const env = {
      ...process.env,
      BENCH_RTCP_FEEDBACK: options.rtcpFeedback === false ? 'off' : 'on',
      BENCH_MEDIA_SHARED_PORT: options.sharedPort === undefined ? '' : String(options.sharedPort),
    };
    const child = new TsChild('mediaGatewayProcess.ts', [String(portMin), ...(signalingUrl ? [signalingUrl] : [])], env);
    const ready = await child.next('ready', 30_000);
    return new MediaGateway(child, ready.api, ready.signalingUrl, ready.threadId);
  }

  get pid(): number {
    return this.child.process.pid!;
  }

  /** CPU time of the native I/O thread, ns. */
  ioThreadCpuNs(): number {
    return threadCpuNanos(this.pid, this.threadId);
  }

  /** CPU time of every thread of the process, ns. */
  processCpuNs(): number {
    return processCpuNanos(this.pid);
  }

  async engineStats(): Promise<RawEngineStats> {
    return (await this.child.request({ type: 'stats' })).stats as RawEngineStats;
  }

  /** What the fan-out bench reads as the system's own counts: datagrams sent, and sends dropped. */
  async sendCounters(): Promise<{ sent: number; errors: number }> {
    const stats = await this.engineStats();
    return { sent: stats.datagramsSent ?? 0, errors: stats.datagramsSendDropped ?? 0 };
  }

  async stop(): Promise<void> {
    if (this.child.process.exitCode !== null) return;
    const exited = new Promise((r) => this.child.process.once('exit', r));
    this.child.send({ type: 'exit' });
    await exited;
  }
}
