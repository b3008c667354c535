/**
 * The fan-out benchmark's viewers, the same for every system: gateway B in its own process,
 * whose one peer answers every media call receive-only (VP8 + Opus) without redirecting what
 * arrives; each connection counts its packets and losses, read at the end from
 * GET /media/connections/{id}/stats.
 */
import { openPeer, type RestPeer } from '../lib/mediaCall.js';
import { MediaGateway } from '../lib/mediaGateway.js';
import { rest } from '../lib/rest.js';
import { AUDIO_PT, VIDEO_PT } from './inputRecording.js';

export interface ViewerCounts {
  connection: string;
  videoPackets: number;
  audioPackets: number;
  videoLost: number;
  audioLost: number;
}

export class ViewerGateway {
  /** The callee's media_connection_ids, in answer order. */
  readonly answered: string[] = [];
  private running = true;

  private constructor(
    readonly gateway: MediaGateway,
    readonly peer: RestPeer,
  ) {
    void this.answerCalls().catch((error) => {
      if (this.running) console.error('viewer gateway: answering failed:', error);
    });
  }

  static async start(portMin: number, peerId = 'viewers'): Promise<ViewerGateway> {
    const gateway = await MediaGateway.start(portMin);
    return new ViewerGateway(gateway, await openPeer(gateway.api, peerId));
  }

  get signalingUrl(): string {
    return this.gateway.signalingUrl;
  }

  private async answerCalls(): Promise<void> {
    const { base, id, token } = this.peer;
    while (this.running) {
      const res = await fetch(`${base}/peers/${id}/events?token=${token}`);
      const text = await res.text();
      if (res.status === 408) continue; // the long poll ran out: poll again
      if (res.status !== 200) throw new Error(`peer events: ${res.status} ${text}`);
      const event = JSON.parse(text);
      if (!this.running || event.event !== 'CALL') continue;
      const connection = event.call_params.media_connection_id as string;
      this.answered.push(connection);
      // Not awaited: the next CALL is answered while this one connects.
      void rest(base, 'POST', `/media/connections/${connection}/answer`, {
        constraints: {
          video: false,
          videoReceiveEnabled: true,
          audio: false,
          audioReceiveEnabled: true,
          video_params: { codec: 'VP8', payload_type: VIDEO_PT },
          audio_params: { codec: 'OPUS', payload_type: AUDIO_PT },
        },
      });
    }
  }

  /** What each answered connection received, from its stats. */
  async counts(): Promise<ViewerCounts[]> {
    const out: ViewerCounts[] = [];
    for (const connection of this.answered) {
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

  async stop(): Promise<void> {
    this.running = false;
    await this.gateway.stop();
  }
}
