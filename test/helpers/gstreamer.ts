import { ExternalTool } from './externalTool.js';

/** gst-launch-1.0 with a pipeline description (one string, as on the command line); -e makes SIGINT an EOS. */
export class GstPipeline extends ExternalTool {
  constructor(pipeline: string) {
    super('gst-launch-1.0', ['-q', '-e', ...pipeline.split(/\s+/).filter(Boolean)]);
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

export type GstVideoCodec = 'VP8' | 'VP9';

/** Encoder and payloader of a codec: realtime, a keyframe every `keyframeEvery` frames (30 by default). */
function videoEncoder(codec: GstVideoCodec, payloadType: number, keyframeEvery = 30): string {
  return codec === 'VP8'
    ? `vp8enc deadline=1 keyframe-max-dist=${keyframeEvery} ! rtpvp8pay pt=${payloadType} picture-id-mode=15-bit`
    : `vp9enc deadline=1 cpu-used=8 lag-in-frames=0 keyframe-max-dist=${keyframeEvery} ! rtpvp9pay pt=${payloadType} picture-id-mode=15-bit`;
}

/**
 * A live VP9 (profile 0) test pattern of width x height as RTP to 127.0.0.1:port. The I420 caps
 * matter: left free, videotestsrc offers vp9enc Y444_12LE and the stream is profile 3, which
 * libwebrtc receives but never decodes.
 */
export function vp9Sender(port: number, o: { width: number; height: number; payloadType: number; seconds: number }): GstPipeline {
  return new GstPipeline(
    `videotestsrc is-live=true num-buffers=${o.seconds * 30} ! video/x-raw,format=I420,width=${o.width},height=${o.height},framerate=30/1 ` +
      `! ${videoEncoder('VP9', o.payloadType)} ! udpsink host=127.0.0.1 port=${port}`,
  );
}

/**
 * vp8Receiver for either codec: decodes `codec` RTP arriving on `port` into raw I420 frames of
 * exactly width x height in `file` (frames of another size stop the pipeline instead).
 */
export function videoReceiver(codec: GstVideoCodec, port: number, file: string, o: { width: number; height: number; payloadType: number }): GstPipeline {
  const lower = codec.toLowerCase();
  return new GstPipeline(
    `udpsrc address=127.0.0.1 port=${port} caps=application/x-rtp,media=video,encoding-name=${codec},clock-rate=90000,payload=${o.payloadType} ` +
      `! rtpjitterbuffer latency=50 ! rtp${lower}depay ! ${lower}dec ! videoconvert ! video/x-raw,format=I420,width=${o.width},height=${o.height} ` +
      `! filesink location=${file}`,
  );
}

/**
 * A VP8 sender the way a real RTP application is built: through rtpbin, which sends RTP to
 * `rtpPort`, RTCP sender reports (with SDES) to `rtcpPort`, and takes the RTCP that comes back
 * (receiver reports, PLI) on `rtcpListenPort`, where a PLI naming rtpbin's own SSRC as the media
 * source makes vp8enc send a keyframe (one naming any other SSRC is ignored). `keyframeEvery`
 * frames between keyframes otherwise (large: keyframes only on request).
 */
export function rtpbinVp8Sender(o: {
  rtpPort: number;
  rtcpPort: number;
  rtcpListenPort?: number;
  width: number;
  height: number;
  payloadType: number;
  seconds: number;
  keyframeEvery?: number;
}): GstPipeline {
  const listen = o.rtcpListenPort ? ` udpsrc address=127.0.0.1 port=${o.rtcpListenPort} caps=application/x-rtcp ! rb.recv_rtcp_sink_0` : '';
  return new GstPipeline(
    `rtpbin name=rb rtp-profile=avpf ` +
      `videotestsrc is-live=true num-buffers=${o.seconds * 30} ! video/x-raw,width=${o.width},height=${o.height},framerate=30/1 ` +
      `! ${videoEncoder('VP8', o.payloadType, o.keyframeEvery)} ! rb.send_rtp_sink_0 ` +
      `rb.send_rtp_src_0 ! udpsink host=127.0.0.1 port=${o.rtpPort} ` +
      `rb.send_rtcp_src_0 ! udpsink host=127.0.0.1 port=${o.rtcpPort} sync=false async=false` +
      listen,
  );
}
