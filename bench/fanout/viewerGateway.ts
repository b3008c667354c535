/**
 * The fan-out benchmark's viewers, the same for every system: gateway B in its own process,
 * whose one peer answers every media call receive-only (VP8 + Opus) without redirecting what
 * arrives, or, for a system that answers (WHEP), places receive-only calls itself; each
 * connection counts its packets and losses, read at the end from GET /media/connections/{id}/stats.
 */
import { autoAnswer, awaitEvent, openPeer, postReceiveOnlyCall, type RestPeer } from '../lib/mediaCall.js';
import { MediaGateway } from '../lib/mediaGateway.js';
import { rest } from '../../test/support/rest.js';
import { stopGateway } from './stopping.js';

export interface ViewerCounts {
  connection: string;
  videoPackets: number;
  audioPackets: number;
  videoLost: number;
  audioLost: number;
}

export class ViewerGateway {
  private readonly answerer: { answered: string[]; stop(): void };
  private readonly placed: string[] = [];

  private constructor(
    readonly gateway: MediaGateway,
    readonly peer: RestPeer,
  ) {
    this.answerer = autoAnswer(peer);
  }

  static async start(portMin: number, peerId = 'viewers'): Promise<ViewerGateway> {
    const gateway = await MediaGateway.start(portMin);
    return new ViewerGateway(gateway, await openPeer(gateway.api, peerId));
  }

  get signalingUrl(): string {
    return this.gateway.signalingUrl;
  }

  /** The callee's media_connection_ids, in answer order. */
  get answered(): readonly string[] {
    return this.answerer.answered;
  }

  /**
   * A receive-only call from B's peer to `target` (a system that answers, e.g. through
   * whepRelay.ts), counted with the answered ones; resolves once its media transport is up (STREAM).
   */
  async callReceiveOnly(target: string): Promise<void> {
    const id = await postReceiveOnlyCall(this.peer, target);
    this.placed.push(id);
    await awaitEvent(this.peer.base, id, 'STREAM');
  }

  /** What each answered or placed connection received, from its stats. */
  async counts(): Promise<ViewerCounts[]> {
    const out: ViewerCounts[] = [];
    for (const connection of [...this.answered, ...this.placed]) {
      const stats = await rest(this.peer.base, 'GET', `/media/connections/${connection}/stats`);
      const stream = (media: string) => stats.streams?.find((s: any) => s.direction === 'receive' && s.media === media);
      out.push({
        connection,
        videoPackets: stream('video')?.packets ?? 0,
        audioPackets: stream('audio')?.packets ?? 0,
        videoLost: stream('video')?.lost ?? 0,
        audioLost: stream('audio')?.lost ?? 0,
      });
    }
    return out;
  }

  /** Within 10 s: then B is killed. */
  async stop(): Promise<void> {
    this.answerer.stop();
    await stopGateway(this.gateway);
  }
}
