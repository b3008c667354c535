/**
 * stream_options of a STREAM event (api.yaml MediaConnectionEventMessage): one stream of the
 * call, video or audio. `stream_params` (MediaParameters) is the media port the user sends this
 * stream from, when the call sends it.
 */
export interface StreamOptions {
  is_video: boolean;
  media_connection_id: string;
  /** The MediaStream id: the remote's (its a=msid) when it sends this media, ours otherwise. */
  stream_id: string;
  stream_params?: { media_id: string; port: number; ip_v4: string };
}

/** close_options of a CLOSE event (an object in api.yaml; what it holds is ours). */
export interface CloseOptions {
  /** Why the connection closed, in words; an ERROR event before the CLOSE says more when it failed. */
  reason: string;
}

/** The SkyWay MediaConnectionEventMessage shapes (GET /media/connections/{id}/events). */
export type MediaConnectionEvent =
  | { event: 'READY' }
  | { event: 'STREAM'; stream_options: StreamOptions }
  | { event: 'CLOSE'; close_options: CloseOptions }
  | { event: 'ERROR'; error_message: string };
