import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** gst-launch-1.0 with a pipeline description (one string, as on the command line); stops by itself or on stop(). */
export class GstPipeline {
  readonly process: ChildProcess;
  stderr = '';

  constructor(pipeline: string) {
    this.process = spawn('gst-launch-1.0', ['-q', '-e', ...pipeline.split(/\s+/).filter(Boolean)], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += chunk.toString();
    });
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null;
  }

  /** EOS through SIGINT (-e makes gst-launch finish files cleanly), then SIGKILL after 3 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const done = once(this.process, 'exit');
    this.process.kill('SIGINT');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 3000);
    await done;
    clearTimeout(timer);
  }
}

/** A live VP8 test pattern of width x height as RTP to 127.0.0.1:port. */
export function vp8Sender(port: number, o: { width: number; height: number; payloadType: number; seconds: number }): GstPipeline {
  return new GstPipeline(
    `videotestsrc is-live=true num-buffers=${o.seconds * 30} ! video/x-raw,width=${o.width},height=${o.height},framerate=30/1 ` +
      `! vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=${o.payloadType} picture-id-mode=15-bit ! udpsink host=127.0.0.1 port=${port}`,
  );
}

/** A live Opus tone as RTP to 127.0.0.1:port. */
export function opusSender(port: number, o: { payloadType: number; seconds: number }): GstPipeline {
  return new GstPipeline(
    `audiotestsrc is-live=true wave=sine freq=440 num-buffers=${o.seconds * 50} samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=2 ` +
      `! opusenc ! rtpopuspay pt=${o.payloadType} ! udpsink host=127.0.0.1 port=${port}`,
  );
}

/**
 * Receives VP8 RTP on `port`, decodes it and writes raw I420 frames of exactly width x height to
 * `file` (a caps filter: frames of another size stop the pipeline instead of being written).
 */
export function vp8Receiver(port: number, file: string, o: { width: number; height: number; payloadType: number }): GstPipeline {
  return new GstPipeline(
    `udpsrc port=${port} caps=application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=${o.payloadType} ` +
      `! rtpjitterbuffer latency=50 ! rtpvp8depay ! vp8dec ! videoconvert ! video/x-raw,format=I420,width=${o.width},height=${o.height} ` +
      `! filesink location=${file}`,
  );
}

/** Receives Opus RTP on `port`, decodes it and writes 16-bit 48 kHz stereo samples to `file`. */
export function opusReceiver(port: number, file: string, o: { payloadType: number }): GstPipeline {
  return new GstPipeline(
    `udpsrc port=${port} caps=application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=${o.payloadType} ` +
      `! rtpjitterbuffer latency=50 ! rtpopusdepay ! opusdec ! audioconvert ! audio/x-raw,format=S16LE,rate=48000,channels=2 ! filesink location=${file}`,
  );
}
