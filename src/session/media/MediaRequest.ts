import type { AudioCodecName, VideoCodecName } from '../../sdp/codecs.js';
import type { RedirectTarget } from '../data/RedirectTarget.js';
import type { NativeUdpPort } from '../ports/NativeUdpPort.js';

/** video_params / audio_params, resolved: the ports exist and are of the right kind. */
export interface StreamParams<Codec extends string> {
  readonly codec: Codec;
  readonly mediaPort: NativeUdpPort | undefined;
  readonly rtcpPort: NativeUdpPort | undefined;
  readonly payloadType: number | undefined;
  readonly bandwidthKbps: number | undefined;
}

/** PeerCallConstraints, resolved. */
export interface MediaConstraints {
  readonly video: boolean;
  readonly videoReceiveEnabled: boolean;
  readonly audio: boolean;
  readonly audioReceiveEnabled: boolean;
  readonly videoParams: StreamParams<VideoCodecName>;
  readonly audioParams: StreamParams<AudioCodecName>;
  readonly metadata: unknown;
}

/** redirect_params: where received media and RTCP go. */
export interface MediaRedirects {
  readonly video?: RedirectTarget;
  readonly videoRtcp?: RedirectTarget;
  readonly audio?: RedirectTarget;
  readonly audioRtcp?: RedirectTarget;
}
