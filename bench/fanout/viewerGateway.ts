/**
 * The viewers of the fan-out benchmark: gateway process B with one REST peer that answers every
 * media call receive-only and redirects both streams to a UDP socket here, which counts them.
 * Per viewer, B's own statistics say what arrived (GET /media/connections/{id}/stats).
 */
import { createSocket, type Socket } from 'node:dgram';

import { autoAnswer, openPeer } from '../lib/mediaCall.js';
import { MediaGateway } from '../lib/mediaGateway.js';
import { rest } from '../lib/rest.js';
import { AUDIO_PT, VIDEO_PT } from '../lib/rtpStream.js';

export interface ViewerReceived {
  connection: string;
  video: number;
  audio: number;
  /** RFC 3550 cumulative loss B counted on the video stream. */
  videoLost: number;
  /** Why B has no statistics for it (the connection closed, for one). */
  error?: string;
}

export class ViewerGateway {
  /** Packets at the redirect socket, all viewers together. */
  readonly redirected = { video: 0, audio: 0, other: 0 };

  private constructor(
    readonly gateway: MediaGateway,
    readonly peerId: string,
    private readonly sink: Socket,
    private readonly answering: { answered: string[]; stop(): void },
  ) {
    sink.on('message', (packet) => {
      const pt = (packet[1] ?? 0) & 0x7f;
      this.redirected[pt === VIDEO_PT ? 'video' : pt === AUDIO_PT ? 'audio' : 'other']++;
    });
  }

  /** B with its ports from `portMin`, and its answering peer `peerId`. */
  static async start(portMin: number, peerId = 'viewers'): Promise<ViewerGateway> {
    const gateway = await MediaGateway.start(portMin);
    const sink = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
    const peer = await openPeer(gateway.api, peerId);
    return new ViewerGateway(gateway, peerId, sink, autoAnswer(peer, sink.address().port));
  }

  get signalingUrl(): string {
    return this.gateway.signalingUrl;
  }

  /** B's media_connection_ids, one per answered call, in order. */
  get connections(): string[] {
    return this.answering.answered;
  }

  /** What B received on each answered connection. */
  async received(): Promise<ViewerReceived[]> {
    return Promise.all(
      this.connections.map(async (connection) => {
        let stats: any;
        try {
          stats = await rest(this.gateway.api, 'GET', `/media/connections/${connection}/stats`);
        } catch (error) {
          return { connection, video: 0, audio: 0, videoLost: 0, error: (error as Error).message };
        }
        const stream = (media: string) => (stats.streams ?? []).filter((s: any) => s.direction === 'receive' && s.media === media);
        const sum = (media: string, key: string) => stream(media).reduce((n: number, s: any) => n + Number(s[key] ?? 0), 0);
        return { connection, video: sum('video', 'packets'), audio: sum('audio', 'packets'), videoLost: sum('video', 'lost') };
      }),
    );
  }

  async stop(): Promise<void> {
    this.answering.stop();
    this.sink.close();
    await this.gateway.stop();
  }
}
