/**
 * The fan-out benchmark's input: a live VP8 test pattern at about 1.5 Mbit/s (RTP PT 96) and a
 * 64 kbit/s Opus tone (RTP PT 111), from one gst-launch-1.0, to two UDP ports on 127.0.0.1.
 */
import { spawn } from 'node:child_process';

export interface GstSourceOptions {
  videoPort: number;
  audioPort: number;
  seconds: number;
  width?: number;
  height?: number;
}

/**
 * The gst-launch-1.0 arguments: two independent pipelines in one process. The colour bars scroll
 * so that vp8enc has work to spend its bitrate on (measured at 640x480: 1.54 Mbit/s, 150 packets/s;
 * a still or mostly still pattern gives under 0.1 Mbit/s).
 */
export function gstSourceArgs(o: GstSourceOptions): string[] {
  const video =
    `videotestsrc is-live=true pattern=smpte horizontal-speed=4 num-buffers=${o.seconds * 30} ! video/x-raw,format=I420,width=${o.width ?? 640},height=${o.height ?? 480},framerate=30/1 ` +
    `! vp8enc deadline=1 target-bitrate=1500000 keyframe-max-dist=60 ! rtpvp8pay pt=96 picture-id-mode=15-bit ! udpsink host=127.0.0.1 port=${o.videoPort}`;
  const audio =
    `audiotestsrc is-live=true wave=sine freq=440 num-buffers=${o.seconds * 50} samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=2 ` +
    `! opusenc bitrate=64000 ! rtpopuspay pt=111 ! udpsink host=127.0.0.1 port=${o.audioPort}`;
  return ['-q', ...`${video} ${audio}`.split(/\s+/)];
}

/** Runs the source until its last buffer; rejects with gst-launch's stderr if it fails. */
export function feedVp8Opus(o: GstSourceOptions): Promise<void> {
  const gst = spawn('gst-launch-1.0', gstSourceArgs(o), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  gst.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    gst.once('error', reject);
    gst.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`gst-launch-1.0 exited ${code ?? signal}: ${stderr.trim()}`))));
  });
}
