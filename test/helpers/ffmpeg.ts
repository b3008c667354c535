import { ExternalTool } from './externalTool.js';

/** An ffmpeg process (its arguments as a list); bounded by its own -t, stopped early by stop(). */
export class FfmpegProcess extends ExternalTool {
  constructor(args: string[]) {
    super('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args]);
  }
}

export interface FfmpegRtpOptions {
  payloadType: number;
  seconds: number;
  /**
   * Where ffmpeg's RTP muxer sends its RTCP sender reports. Unset: it sends none, since by
   * default it would send them to port + 1, which may be any other port of the gateway.
   */
  rtcpPort?: number;
}

/** The RTP output of one stream: ffmpeg's muxer, packets of at most 1200 bytes. */
function rtpOutput(port: number, o: FfmpegRtpOptions): string[] {
  const url = `rtp://127.0.0.1:${port}?pkt_size=1200${o.rtcpPort ? `&rtcpport=${o.rtcpPort}` : ''}`;
  return ['-payload_type', String(o.payloadType), ...(o.rtcpPort ? [] : ['-rtpflags', 'skip_rtcp']), '-f', 'rtp', url];
}

/** ffmpeg's test pattern of width x height at 30 fps, in real time, for `seconds`. */
function testPattern(o: { width: number; height: number; seconds: number }): string[] {
  return ['-re', '-f', 'lavfi', '-i', `testsrc=size=${o.width}x${o.height}:rate=30`, '-t', String(o.seconds)];
}

/**
 * ffmpeg's test pattern of width x height at 30 fps, encoded by libvpx (VP8, realtime, a
 * keyframe every second) and sent with ffmpeg's own RTP muxer to 127.0.0.1:port for `seconds`.
 */
export function ffmpegVp8Sender(port: number, o: FfmpegRtpOptions & { width: number; height: number }): FfmpegProcess {
  return new FfmpegProcess([
    ...testPattern(o),
    '-c:v', 'libvpx',
    '-deadline', 'realtime',
    '-cpu-used', '8',
    '-b:v', '600k',
    '-g', '30',
    '-auto-alt-ref', '0',
    '-pix_fmt', 'yuv420p',
    ...rtpOutput(port, o),
  ]);
}

/**
 * The same with libvpx-vp9 (profile 0, realtime). ffmpeg's VP9 RTP packetizer is experimental
 * (hence -strict experimental) and marks no frame as inter-predicted, so libwebrtc counts every
 * frame as a keyframe.
 */
export function ffmpegVp9Sender(port: number, o: FfmpegRtpOptions & { width: number; height: number }): FfmpegProcess {
  return new FfmpegProcess([
    ...testPattern(o),
    '-c:v', 'libvpx-vp9',
    '-deadline', 'realtime',
    '-cpu-used', '8',
    '-lag-in-frames', '0',
    '-b:v', '600k',
    '-g', '30',
    '-pix_fmt', 'yuv420p',
    '-strict', 'experimental',
    ...rtpOutput(port, o),
  ]);
}

/** A 440 Hz tone as 48 kHz stereo Opus (libopus, 20 ms frames) over ffmpeg's RTP muxer to 127.0.0.1:port. */
export function ffmpegOpusSender(port: number, o: FfmpegRtpOptions): FfmpegProcess {
  return new FfmpegProcess([
    '-re',
    '-f', 'lavfi',
    '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(o.seconds),
    '-ac', '2',
    '-c:a', 'libopus',
    '-b:a', '64k',
    '-frame_duration', '20',
    '-application', 'lowdelay',
    ...rtpOutput(port, o),
  ]);
}
