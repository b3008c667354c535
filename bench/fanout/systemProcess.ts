/**
 * The parent's handle on a system under test of the fan-out benchmark: a child process that takes
 * one RTP stream (VP8 PT 96 + Opus PT 111 on two UDP ports) and forwards it to WebRTC viewers.
 * Every system, whatever it is written in, speaks this IPC protocol with the parent:
 *   child → parent  {type:'ready', videoPort, audioPort, measurePid}
 *   {type:'offer'}                  → {type:'offer', viewer, sdp}   a send-only offer for a new viewer
 *   {type:'answer', viewer, sdp}    → {type:'answer', viewer}       once applied
 *   {type:'candidate', viewer, candidate:{candidate, sdpMid, sdpMLineIndex}}   (no reply)
 *   child → parent  {type:'viewerCandidate', viewer, candidate}      if the system trickles
 *   child → parent  {type:'connected', viewer}                       media can flow to the viewer
 *   {type:'stats'}                  → {type:'stats', received, forwarded, errors}
 *   {type:'remove', viewer}         → {type:'remove', viewer}
 *   {type:'exit'}                   the child frees everything and ends
 */
import { TsChild } from '../lib/tsChild.js';
import type { IceCandidate, PeerjsRelay } from './peerjsRelay.js';

export interface SystemStats {
  /** RTP packets received on the system's two ports. */
  received: number;
  /** Packets handed to viewers (one per viewer per packet). */
  forwarded: number;
  /** Send errors. */
  errors: number;
}

export class SystemProcess {
  /** Where the system's candidates for a viewer go, once its call is placed. */
  private readonly trickle = new Map<string, (candidate: IceCandidate) => void>();
  /** Candidates the system gave before the viewer's call was placed. */
  private readonly early = new Map<string, IceCandidate[]>();

  private constructor(
    private readonly child: TsChild,
    readonly videoPort: number,
    readonly audioPort: number,
    /** The process whose CPU and RSS the benchmark reads. */
    readonly measurePid: number,
  ) {
    child.listen('viewerCandidate', (m: { viewer: string; candidate: IceCandidate }) => {
      const forward = this.trickle.get(m.viewer);
      if (forward) forward(m.candidate);
      else this.early.set(m.viewer, [...(this.early.get(m.viewer) ?? []), m.candidate]);
    });
  }

  /**
   * Starts `script` (a TypeScript program; absolute, or relative to bench/lib) and waits for ready.
   * A child that cannot start says {type:'failed', reason} or exits; either way it is gone after.
   */
  static async start(script: string, args: string[] = [], timeoutMs = 60_000): Promise<SystemProcess> {
    const child = new TsChild(script, args);
    const exited = new Promise<never>((_, reject) => child.process.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal}) before ready`))));
    const failed = new Promise<never>((_, reject) => child.listen('failed', (m: { reason: string }) => reject(new Error(m.reason))));
    // Both settle later in a run that went well (the exit at the end): nobody waits for them then.
    exited.catch(() => {});
    failed.catch(() => {});
    try {
      const ready = await Promise.race([child.next('ready', timeoutMs), failed, exited]);
      return new SystemProcess(child, ready.videoPort, ready.audioPort, ready.measurePid);
    } catch (e) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      throw e;
    }
  }

  get pid(): number {
    return this.child.process.pid!;
  }

  /** A new viewer and its send-only offer. */
  async offer(timeoutMs = 30_000): Promise<{ viewer: string; sdp: string }> {
    const m = await this.child.request({ type: 'offer' }, timeoutMs);
    return { viewer: m.viewer, sdp: m.sdp };
  }

  async answer(viewer: string, sdp: string, timeoutMs = 30_000): Promise<void> {
    const applied = this.child.next('answer', timeoutMs, (m) => m.viewer === viewer);
    this.child.send({ type: 'answer', viewer, sdp });
    await applied;
  }

  /** A candidate of the viewer (gateway B) for the system. */
  candidate(viewer: string, candidate: IceCandidate): void {
    this.child.send({ type: 'candidate', viewer, candidate: { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex } });
  }

  /** Sends the system's candidates for `viewer` to `forward`, those given so far first. */
  routeCandidates(viewer: string, forward: (candidate: IceCandidate) => void): void {
    for (const c of this.early.get(viewer) ?? []) forward(c);
    this.early.delete(viewer);
    this.trickle.set(viewer, forward);
  }

  async connected(viewer: string, timeoutMs = 30_000): Promise<void> {
    await this.child.next('connected', timeoutMs, (m) => m.viewer === viewer);
  }

  async stats(): Promise<SystemStats> {
    const m = await this.child.request({ type: 'stats' });
    return { received: m.received, forwarded: m.forwarded, errors: m.errors };
  }

  async remove(viewer: string, timeoutMs = 30_000): Promise<void> {
    this.trickle.delete(viewer);
    this.early.delete(viewer);
    const removed = this.child.next('remove', timeoutMs, (m) => m.viewer === viewer);
    this.child.send({ type: 'remove', viewer });
    await removed;
  }

  /** Asks the child to exit; SIGTERM if it has not within `timeoutMs`, SIGKILL 5 s later. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const proc = this.child.process;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    this.child.send({ type: 'exit' });
    const term = setTimeout(() => proc.kill('SIGTERM'), timeoutMs);
    const kill = setTimeout(() => proc.kill('SIGKILL'), timeoutMs + 5000);
    await exited;
    clearTimeout(term);
    clearTimeout(kill);
  }
}

export interface ViewerSetup {
  viewer?: string;
  /** From asking the system for the offer to its 'connected'; NaN when the viewer failed. */
  setupMs: number;
  /** The parts of setupMs: the system's offer, B's answer applied, then ICE and DTLS to 'connected'. */
  offerMs: number;
  answerMs: number;
  connectMs: number;
  error?: string;
}

/**
 * Connects one viewer: the system's offer through the relay to `target` (B unless given), the
 * answer and candidates back.
 */
export async function addViewer(system: SystemProcess, relay: PeerjsRelay, target?: string): Promise<ViewerSetup> {
  const t0 = performance.now();
  let viewer: string | undefined;
  const times = { offerMs: NaN, answerMs: NaN, connectMs: NaN };
  try {
    const offer = await system.offer();
    viewer = offer.viewer;
    const t1 = performance.now();
    times.offerMs = t1 - t0;
    // Candidates both ways wait until the system has applied B's answer. B's, because a WebRTC
    // stack may refuse candidates before it has a remote description. The system's (those it
    // trickles, not those in its offer), because B is the DTLS client and starts its handshake as
    // soon as ICE works: libdatachannel fails a handshake that comes before it has B's fingerprint
    // ("certificate verify failed", then "Got a remote candidate without ICE transport").
    const held = { fromB: [] as IceCandidate[], fromSystem: [] as IceCandidate[], open: false };
    const call = relay.call(offer.sdp, (c) => (held.open ? system.candidate(offer.viewer, c) : held.fromB.push(c)), undefined, target);
    system.routeCandidates(viewer, (c) => (held.open ? call.sendCandidate(c) : held.fromSystem.push(c)));
    await system.answer(viewer, await call.answer);
    held.open = true;
    for (const c of held.fromB) system.candidate(viewer, c);
    for (const c of held.fromSystem) call.sendCandidate(c);
    const t2 = performance.now();
    times.answerMs = t2 - t1;
    await system.connected(viewer);
    const t3 = performance.now();
    times.connectMs = t3 - t2;
    return { viewer, setupMs: t3 - t0, ...times };
  } catch (error) {
    return { ...(viewer && { viewer }), setupMs: NaN, ...times, error: (error as Error).message };
  }
}

/**
 * Connects `n` viewers to `system` through `relay`, at most `concurrency` at a time. A viewer that
 * fails has its error in the result instead of a setup time; the others go on.
 */
export async function addViewers(system: SystemProcess, relay: PeerjsRelay, n: number, concurrency: number): Promise<ViewerSetup[]> {
  const setups: ViewerSetup[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      setups.push(await addViewer(system, relay));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  return setups;
}
