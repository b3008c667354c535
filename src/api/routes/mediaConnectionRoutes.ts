import { Router } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import { AUDIO_CODECS, VIDEO_CODECS } from '../../sdp/codecs.js';
import type { MediaConnection } from '../../session/media/MediaConnection.js';
import type { MediaConnectionRegistry } from '../../session/media/MediaConnectionRegistry.js';
import type { MediaConstraints, MediaRedirects, StreamParams } from '../../session/media/MediaRequest.js';
import type { PeerRegistry } from '../../session/peers/PeerRegistry.js';
import type { NativeUdpPort } from '../../session/ports/NativeUdpPort.js';
import type { PortRegistry } from '../../session/ports/PortRegistry.js';
import type { RedirectPolicy } from '../../session/redirect/RedirectPolicy.js';
import type { PortKind } from '../../session/ports/UdpPortResource.js';
import { isValidPeerId } from '../../signaling/protocol.js';
import { command } from '../command.js';
import { methodNotAllowed } from '../errorHandler.js';
import { answerLongPoll } from '../longPoll.js';
import { validateBody } from '../validateBody.js';

export interface MediaConnectionRoutesDeps {
  readonly peers: PeerRegistry;
  readonly ports: PortRegistry;
  readonly mediaConnections: MediaConnectionRegistry;
  readonly redirects: RedirectPolicy;
  readonly eventTimeoutMs: number;
}

const address = z
  .object({ ip_v4: z.ipv4().optional(), ip_v6: z.ipv6().optional(), port: z.number().int().min(1).max(65535) })
  .refine((o) => o.ip_v4 !== undefined || o.ip_v6 !== undefined, { message: 'ip_v4 or ip_v6 is required', path: ['ip_v4'] });

/** PeerCallRedirectOptions / MediaAnswerRedirectOptions. */
const redirectOptions = z.object({
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
  const port = (id: string | undefined, kind: PortKind, field: string): NativeUdpPort | undefined => {
    if (id === undefined) return undefined;
    try {
      return ports.get(id, [kind]) as NativeUdpPort;
    } catch {
      throw GatewayError.notFound(field, id);
    }
  };
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
  const open = (id: string): MediaConnection => {
    const connection = mediaConnections.get(id);
    if (connection.state === 'closed') throw new GatewayError('NOT_FOUND', [{ field: 'media_connection_id', message: `${id} has closed` }]);
    return connection;
  };
  const connectionId = (params: Record<string, unknown>): string => String(params['media_connection_id']);

  router
    .route('/media/connections')
    .post(
      // api.yaml names MEDIA_CONNECTION_CREATE for errors, PEERS_CALL for the 202 (PeerCallResponse).
      command('MEDIA_CONNECTION_CREATE', (req, res) => {
        const body = validateBody(callOptions, req.body);
        const peer = peers.get(body.peer_id, body.token);
        if (body.target_id === peer.id) throw GatewayError.invalid('target_id', 'a peer cannot call itself');
        const connection = mediaConnections.call(peer, body.target_id, resolve(body.constraints), redirectsOf(body.redirect_params));
        res.status(202).json({ command_type: 'PEERS_CALL', params: { media_connection_id: connection.id } });
      }),
    )
    .all(methodNotAllowed(['POST'], 'MEDIA_CONNECTION_CREATE'));

  router
    .route('/media/connections/:media_connection_id')
    .delete(
      command('MEDIA_CONNECTION_DELETE', (req, res) => {
        mediaConnections.delete(connectionId(req.params));
        res.status(204).end();
      }),
    )
    .all(methodNotAllowed(['DELETE'], 'MEDIA_CONNECTION_DELETE'));

  router
    .route('/media/connections/:media_connection_id/answer')
    .post(
      command('MEDIA_CONNECTION_ANSWER', (req, res) => {
        const connection = open(connectionId(req.params));
        const body = validateBody(answerOptions, req.body);
        const c = resolve(body.constraints);
        mediaConnections.answer(connection.id, c, redirectsOf(body.redirect_params));
        // video_id and audio_id are strings in api.yaml: an answer without one leaves it out.
        const video = c.videoParams.mediaPort;
        const audio = c.audioParams.mediaPort;
        res.status(202).json({
          command_type: 'MEDIA_CONNECTION_ANSWER',
          params: { ...(video && { video_id: video.id }), ...(audio && { audio_id: audio.id }) },
        });
      }),
    )
    .all(methodNotAllowed(['POST'], 'MEDIA_CONNECTION_ANSWER'));

  router
    .route('/media/connections/:media_connection_id/pli')
    .post(
      command('MEDIA_CONNECTION_PLI', (req, res) => {
        const connection = open(connectionId(req.params));
        validateBody(pliOptions, req.body);
        if (!connection.requestKeyframe()) {
          throw GatewayError.invalid('media_connection_id', 'no PLI sent: the transport is not up yet or the remote sends no video');
        }
        res.status(201).json({});
      }),
    )
    .all(methodNotAllowed(['POST'], 'MEDIA_CONNECTION_PLI'));

  router
    .route('/media/connections/:media_connection_id/events')
    .get(
      command('MEDIA_CONNECTION_EVENTS', async (req, res) => {
        const connection = mediaConnections.get(connectionId(req.params));
        const source = {
          events: connection.events,
          ended: () => connection.state === 'closed',
          gone: () => GatewayError.notFound('media_connection_id', connection.id),
        };
        await answerLongPoll(res, source, eventTimeoutMs);
      }),
    )
    .all(methodNotAllowed(['GET'], 'MEDIA_CONNECTION_EVENTS'));

  router
    .route('/media/connections/:media_connection_id/status')
    .get(
      command('MEDIA_CONNECTION_STATUS', (req, res) => {
        res.status(200).json(mediaConnections.get(connectionId(req.params)).status());
      }),
    )
    .all(methodNotAllowed(['GET'], 'MEDIA_CONNECTION_STATUS'));

  // Not in the SkyWay contract: per-stream quality (docs/MEDIA.md "Statistics").
  router
    .route('/media/connections/:media_connection_id/stats')
    .get(
      command('MEDIA_CONNECTION_STATS', (req, res) => {
        res.status(200).json(mediaConnections.get(connectionId(req.params)).stats());
      }),
    )
    .all(methodNotAllowed(['GET'], 'MEDIA_CONNECTION_STATS'));

  return router;
}
