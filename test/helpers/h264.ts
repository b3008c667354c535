import { GstPipeline } from './gstreamer.js';

/** GStreamer's two H.264 encoders: x264 (gst-plugins-ugly) and Cisco's OpenH264 (gst-plugins-bad). */
export type H264Encoder = 'x264enc' | 'openh264enc';

const ENCODE: Record<H264Encoder, string> = {
  // Constrained baseline, no B-frames: what WebRTC's packetization-mode=1 42e01f expects.
  x264enc: 'x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 bitrate=800 ! video/x-h264,profile=constrained-baseline',
  openh264enc: 'openh264enc gop-size=30 bitrate=800000 ! video/x-h264,profile=constrained-baseline',
};

/** A live H.264 test pattern as RTP (packetization-mode 1, SPS/PPS before every IDR) to 127.0.0.1:port. */
export function h264Sender(port: number, o: { encoder: H264Encoder; width: number; height: number; payloadType: number; seconds: number }): GstPipeline {
  return new GstPipeline(
    `videotestsrc is-live=true num-buffers=${o.seconds * 30} ! video/x-raw,width=${o.width},height=${o.height},framerate=30/1,format=I420 ` +
      `! ${ENCODE[o.encoder]} ! rtph264pay pt=${o.payloadType} config-interval=-1 aggregate-mode=zero-latency ! udpsink host=127.0.0.1 port=${port}`,
  );
}

/**
 * Receives H.264 RTP on `port`, decodes it (libav) and writes raw I420 frames of exactly width x
 * height to `file` (frames of another size stop the pipeline instead of being written).
 */
export function h264Receiver(port: number, file: string, o: { width: number; height: number; payloadType: number }): GstPipeline {
  return new GstPipeline(
    `udpsrc port=${port} caps=application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=${o.payloadType} ` +
      `! rtpjitterbuffer latency=50 ! rtph264depay ! h264parse ! avdec_h264 ! videoconvert ! video/x-raw,format=I420,width=${o.width},height=${o.height} ` +
      `! filesink location=${file}`,
  );
}
