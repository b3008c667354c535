/**
 * The fan-out benchmark's input, the same for every system: GStreamer encodes a moving test
 * picture as VP8 at 1.5 Mbit/s (PT 96) and a tone as Opus at 64 kbit/s (PT 111), live, and the
 * RTP is recorded once with each packet's time. The replay (replayProcess.ts) sends it again
 * as often as needed, without the encoders' CPU disturbing the systems being measured.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

import { AUDIO_PT, VIDEO_PT } from '../lib/rtpStream.js';

export interface RecordedPacket {
  /** Microseconds after the first packet. */
  atUs: number;
  video: boolean;
  data: Buffer;
}

export async function recordInput(seconds: number): Promise<RecordedPacket[]> {
  const video = createSocket('udp4');
  const audio = createSocket('udp4');
  await Promise.all([once(video.bind(0, '127.0.0.1'), 'listening'), once(audio.bind(0, '127.0.0.1'), 'listening')]);
  const packets: RecordedPacket[] = [];
  let t0: bigint | undefined;
  const keep = (isVideo: boolean) => (data: Buffer) => {
    const now = process.hrtime.bigint();
    t0 ??= now;
    packets.push({ atUs: Number((now - t0) / 1000n), video: isVideo, data });
  };
  video.on('message', keep(true));
  audio.on('message', keep(false));
  const frames = seconds * 30;
  const pipeline =
    `videotestsrc is-live=true num-buffers=${frames} pattern=zone-plate kx2=20 ky2=20 kt=1 ! video/x-raw,format=I420,width=640,height=480,framerate=30/1 ` +
    `! vp8enc deadline=1 end-usage=cbr target-bitrate=1500000 keyframe-max-dist=60 threads=2 ` +
    `! rtpvp8pay pt=${VIDEO_PT} picture-id-mode=15-bit mtu=1200 ! udpsink host=127.0.0.1 port=${video.address().port} ` +
    `audiotestsrc is-live=true num-buffers=${seconds * 50} samplesperbuffer=960 wave=sine freq=440 ! audio/x-raw,rate=48000,channels=2 ` +
    `! opusenc bitrate=64000 frame-size=20 ! rtpopuspay pt=${AUDIO_PT} ! udpsink host=127.0.0.1 port=${audio.address().port}`;
  const gst = spawn('gst-launch-1.0', ['-q', ...pipeline.split(' ')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  gst.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = await once(gst, 'exit');
  await new Promise((r) => setTimeout(r, 200)); // the last datagrams
  video.close();
  audio.close();
  if (code !== 0) throw new Error(`gst-launch-1.0 exited with ${code}: ${stderr.slice(0, 500)}`);
  if (!packets.some((p) => p.video) || !packets.some((p) => !p.video)) throw new Error('the recording lacks video or audio');
  return packets;
}

/** Packets and bit rate per kind, for the report. */
export function describeInput(packets: RecordedPacket[]): { seconds: number; videoPps: number; audioPps: number; videoKbps: number; audioKbps: number } {
  const seconds = (packets.at(-1)!.atUs - packets[0]!.atUs) / 1e6;
  const sum = (video: boolean) => packets.filter((p) => p.video === video);
  const kbps = (list: RecordedPacket[]) => (list.reduce((s, p) => s + p.data.length, 0) * 8) / seconds / 1000;
  return {
    seconds,
    videoPps: sum(true).length / seconds,
    audioPps: sum(false).length / seconds,
    videoKbps: kbps(sum(true)),
    audioKbps: kbps(sum(false)),
  };
}
