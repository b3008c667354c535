import wrtc from '@roamhq/wrtc';

const { RTCVideoSink, RTCAudioSink } = (wrtc as any).nonstandard;

/**
 * What the stock peerjs client (libwebrtc) decodes from a call: every decoded video frame with
 * its size and when it came, the number of audio samples per channel played out, and how much
 * of that audio is loud (libwebrtc plays silence or concealment when packets do not come).
 */
export class DecodedMedia {
  /** Decoded frames in arrival order (the first 5000). */
  readonly frames: { width: number; height: number; at: number }[] = [];
  samples = 0;
  /** Audio callbacks (10 ms each) whose peak is above -30 dBFS: a tone, not silence or comfort noise. */
  audibleChunks = 0;
  private readonly sinks: { stop(): void }[] = [];
  private readonly tracks = new Set<string>();

  /**
   * Attaches sinks to the tracks of a remote stream. peerjs fires 'stream' once per track, with
   * the same stream, so tracks already attached are skipped (each frame is counted once).
   */
  attach(stream: any): void {
    for (const track of stream.getTracks()) {
      if (this.tracks.has(track.id)) continue;
      this.tracks.add(track.id);
      if (track.kind === 'video') {
        const sink = new RTCVideoSink(track);
        sink.onframe = ({ frame }: any) => {
          if (this.frames.length < 5000) this.frames.push({ width: frame.width, height: frame.height, at: Date.now() });
        };
        this.sinks.push(sink);
      } else {
        const sink = new RTCAudioSink(track);
        sink.ondata = (d: any) => {
          this.samples += d.numberOfFrames;
          const samples = d.samples as Int16Array;
          let peak = 0;
          for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
          if (peak > 1000) this.audibleChunks++;
        };
        this.sinks.push(sink);
      }
    }
  }

  /** Frames decoded in [from, to). */
  framesBetween(from: number, to = Infinity): { width: number; height: number; at: number }[] {
    return this.frames.filter((f) => f.at >= from && f.at < to);
  }

  /** "320x240" for every distinct size seen. */
  sizes(): string[] {
    return [...new Set(this.frames.map((f) => `${f.width}x${f.height}`))];
  }

  stop(): void {
    for (const sink of this.sinks.splice(0)) sink.stop();
  }
}

/**
 * The stock client answers its next call (receiving only) and decodes what comes. Resolves with
 * the peerjs MediaConnection as soon as it is answered.
 */
export function answerNextCall(browser: any, media: DecodedMedia): Promise<any> {
  return new Promise((resolve) => {
    browser.once('call', (mc: any) => {
      mc.on('stream', (stream: any) => media.attach(stream));
      mc.answer();
      resolve(mc);
    });
  });
}
