import { Router, type Request } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import { AUDIO_CODECS, VIDEO_CODECS } from '../../sdp/codecs.js';
import type { MediaConnection } from '../../session/media/MediaConnection.js';
import type { MediaConnectionEvent } from '../../session/media/MediaConnectionEvent.js';
import type { MediaConnectionRegistry } from '../../session/media/MediaConnectionRegistry.js';
import type { MediaConstraints, MediaRedirects, StreamParams } from '../../session/media/MediaRequest.js';
import type { PortKind } from '../../session/ports/UdpPortResource.js';
import { isValidPeerId } from '../../signaling/protocol.js';
import { validateBody } from '../validateBody.js';
import { endpoint } from '../endpoint.js';
import { connectionIdOf, connectionReadEndpoints, liveConnection, type ConnectionRoutesDeps } from './connectionEndpoints.js';
import { namedPort } from './namedPort.js';

export interface MediaConnectionRoutesDeps extends ConnectionRoutesDeps {
  readonly mediaConnections: MediaConnectionRegistry;
}

export const address = z
  .object({ ip_v4: z.ipv4().optional(), ip_v6: z.ipv6().optional(), port: z.number().int().min(1).max(65535) })
  .refine((o) => o.ip_v4 !== undefined || o.ip_v6 !== undefined, { message: 'ip_v4 or ip_v6 is required', path: ['ip_v4'] });

/** PeerCallRedirectOptions / MediaAnswerRedirectOptions. */
export const redirectOptions = z.object({
  video: address.optional(),
  video_rtcp: address.optional(),
  audio: address.optional(),
  audio_rtcp: address.optional(),
});

/** PeerVideoParameters / PeerAudioParameters (codec names as the API spells them, any case). */
function streamParams<T extends readonly [string, ...string[]]>(codecs: T) {
  return z.object({
    band_width: z.number().int().min(0).max(1_000_000).optional(),
    codec: z
      .string()
      .transform((c) => c.toUpperCase())
      .pipe(z.enum(codecs, { message: `codec must be one of ${codecs.join(', ')}` }))
      .optional(),
    media_id: z.string().min(1).optional(),
    rtcp_id: z.string().min(1).optional(),
    payload_type: z.number().int().min(0).max(127).optional(),
    sampling_rate: z.number().int().min(1).optional(),
  });
}

/** PeerCallConstraints. */
const constraints = z.object({
  video: z.boolean(),
  videoReceiveEnabled: z.boolean().optional(),
  audio: z.boolean(),
  audioReceiveEnabled: z.boolean().optional(),
  video_params: streamParams(VIDEO_CODECS).optional(),
  audio_params: streamParams(AUDIO_CODECS).optional(),
  metadata: z.unknown().optional(),
});

const callOptions = z.object({
  peer_id: z.string().min(1),
  token: z.string().min(1),
  target_id: z.string().refine(isValidPeerId, 'target_id is not a valid peer id'),
  constraints,
  redirect_params: redirectOptions.optional(),
});

const answerOptions = z.object({ constraints, redirect_params: redirectOptions.optional() });

const pliOptions = address;

/**
 * The MediaConnection endpoints: POST /media/connections, DELETE /media/connections/{id},
 * POST …/answer and …/pli, GET …/events (long poll), …/status and …/stats. Mounted before the media port
 * routes, so "connections" is never taken for a media_id.
 */
export function mediaConnectionRoutes({ peers, ports, mediaConnections, redirects, eventTimeoutMs }: MediaConnectionRoutesDeps): Router {
  const router = Router();
  const port = (id: string | undefined, kind: PortKind, field: string) => namedPort(ports, id, kind, field);
  const resolve = (c: z.infer<typeof constraints>): MediaConstraints => {
    const stream = <C extends string>(params: typeof c.video_params | typeof c.audio_params, kind: 'video' | 'audio', fallback: C): StreamParams<C> => ({
      codec: (params?.codec ?? fallback) as C,
      mediaPort: port(params?.media_id, kind, `constraints.${kind}_params.media_id`),
      rtcpPort: port(params?.rtcp_id, 'rtcp', `constraints.${kind}_params.rtcp_id`),
      payloadType: params?.payload_type,
      bandwidthKbps: params?.band_width || undefined,
    });
    const videoParams = stream(c.video_params, 'video', 'VP8' as const);
    const audioParams = stream(c.audio_params, 'audio', 'OPUS' as const);
    if (c.video && !videoParams.mediaPort) throw GatewayError.invalid('constraints.video_params.media_id', 'video is true, so video_params.media_id is required');
    if (c.audio && !audioParams.mediaPort) throw GatewayError.invalid('constraints.audio_params.media_id', 'audio is true, so audio_params.media_id is required');
    return {
      video: c.video,
      // A stream is received unless the user says otherwise while sending it (skyway-js semantics).
      videoReceiveEnabled: c.videoReceiveEnabled ?? c.video,
      audio: c.audio,
      audioReceiveEnabled: c.audioReceiveEnabled ?? c.audio,
      videoParams,
      audioParams,
      metadata: c.metadata,
    };
  };
  const redirectsOf = (r: z.infer<typeof redirectOptions> | undefined): MediaRedirects => ({
    ...(r?.video && { video: redirects.target(r.video, 'redirect_params.video') }),
    ...(r?.video_rtcp && { videoRtcp: redirects.target(r.video_rtcp, 'redirect_params.video_rtcp') }),
    ...(r?.audio && { audio: redirects.target(r.audio, 'redirect_params.audio') }),
    ...(r?.audio_rtcp && { audioRtcp: redirects.target(r.audio_rtcp, 'redirect_params.audio_rtcp') }),
  });
  const idField = 'media_connection_id';
  const id = (req: Request): string => connectionIdOf(req, idField);

  // api.yaml names MEDIA_CONNECTION_CREATE for errors, PEERS_CALL for the 202 (PeerCallResponse).
  endpoint(router, 'post', '/media/connections', 'MEDIA_CONNECTION_CREATE', (req, res) => {
    const body = validateBody(callOptions, req.body);
    const peer = peers.get(body.peer_id, body.token);
    if (body.target_id === peer.id) throw GatewayError.invalid('target_id', 'a peer cannot call itself');
    const connection = mediaConnections.call(peer, body.target_id, resolve(body.constraints), redirectsOf(body.redirect_params));
    res.status(202).json({ command_type: 'PEERS_CALL', params: { media_connection_id: connection.id } });
  });

  endpoint(router, 'delete', `/media/connections/:${idField}`, 'MEDIA_CONNECTION_DELETE', (req, res) => {
    mediaConnections.delete(id(req));
    res.status(204).end();
  });

  endpoint(router, 'post', `/media/connections/:${idField}/answer`, 'MEDIA_CONNECTION_ANSWER', (req, res) => {
    const connection = liveConnection(mediaConnections, idField, id(req));
    const body = validateBody(answerOptions, req.body);
    const c = resolve(body.constraints);
    mediaConnections.answer(connection.id, c, redirectsOf(body.redirect_params));
    // video_id and audio_id are strings in api.yaml: an answer without one leaves it out.
    const video = c.videoParams.mediaPort;
    const audio = c.audioParams.mediaPort;
    res.status(202).json({ command_type: 'MEDIA_CONNECTION_ANSWER', params: { ...(video && { video_id: video.id }), ...(audio && { audio_id: audio.id }) } });
  });

  endpoint(router, 'post', `/media/connections/:${idField}/pli`, 'MEDIA_CONNECTION_PLI', (req, res) => {
    const connection = liveConnection(mediaConnections, idField, id(req));
    validateBody(pliOptions, req.body);
    if (!connection.requestKeyframe()) {
      throw GatewayError.invalid(idField, 'no PLI sent: the transport is not up yet or the remote sends no video');
    }
    res.status(201).json({});
  });

  connectionReadEndpoints<MediaConnectionEvent, MediaConnection>(router, { path: '/media/connections', idField, commandPrefix: 'MEDIA_CONNECTION', connections: mediaConnections, eventTimeoutMs });

  // Not in the SkyWay contract: per-stream quality (docs/MEDIA.md "Statistics").
  endpoint(router, 'get', `/media/connections/:${idField}/stats`, 'MEDIA_CONNECTION_STATS', (req, res) => {
    res.status(200).json(mediaConnections.get(id(req)).stats());
  });

  return router;
}
