import { Router, type Request } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import { AUDIO_CODECS, VIDEO_CODECS, type AudioCodecName, type VideoCodecName } from '../../sdp/codecs.js';
import type { MediaConstraints, MediaRedirects, StreamParams } from '../../session/media/MediaRequest.js';
import type { RedirectPolicy } from '../../session/redirect/RedirectPolicy.js';
import type { WishEndpoint, WishKind } from '../../session/wish/WishEndpoint.js';
import type { WishEndpointRegistry } from '../../session/wish/WishEndpointRegistry.js';
import { command } from '../command.js';
import { endpoint } from '../endpoint.js';
import { methodNotAllowed } from '../errorHandler.js';
import { validateBody } from '../validateBody.js';
import { redirectOptions } from './mediaConnectionRoutes.js';

export interface WishEndpointRoutesDeps {
  readonly wishEndpoints: WishEndpointRegistry;
  readonly redirects: RedirectPolicy;
}

function ingestParams<T extends readonly [string, ...string[]]>(codecs: T) {
  return z.object({
    codec: z
      .string()
      .transform((c) => c.toUpperCase())
      .pipe(z.enum(codecs, { message: `codec must be one of ${codecs.join(', ')}` })),
    payload_type: z.number().int().min(0).max(127).optional(),
  });
}

const createOptions = z.object({
  video_params: ingestParams(VIDEO_CODECS).optional(),
  audio_params: ingestParams(AUDIO_CODECS).optional(),
  redirect_params: redirectOptions,
});

/** The path of an endpoint's WHIP or WHEP resource, where clients POST their offers. */
export const wishResourcePath = (kind: WishKind, id: string): string => `/${kind}/${id}`;

/** A WHIP endpoint takes one publisher at a time: two would send to the same redirect addresses. */
const WHIP_SESSIONS = 1;

/**
 * The control side of WHIP and WHEP (behind the API's host, origin and token checks):
 * POST /whip|whep/endpoints, GET and DELETE /whip|whep/endpoints/{id}.
 */
export function wishEndpointRoutes({ wishEndpoints, redirects }: WishEndpointRoutesDeps): Router {
  const router = Router();
  const idField = 'endpoint_id';

  endpoint(router, 'post', '/whip/endpoints', 'WHIP_ENDPOINT_CREATE', (req, res) => {
    const body = validateBody(createOptions, req.body);
    const r = body.redirect_params;
    const media: MediaRedirects = {
      ...(r.video && { video: redirects.target(r.video, 'redirect_params.video') }),
      ...(r.video_rtcp && { videoRtcp: redirects.target(r.video_rtcp, 'redirect_params.video_rtcp') }),
      ...(r.audio && { audio: redirects.target(r.audio, 'redirect_params.audio') }),
      ...(r.audio_rtcp && { audioRtcp: redirects.target(r.audio_rtcp, 'redirect_params.audio_rtcp') }),
    };
    // A kind is taken from publishers when its params or its RTP redirect is given.
    const video = body.video_params !== undefined || r.video !== undefined;
    const audio = body.audio_params !== undefined || r.audio !== undefined;
    if (!video && !audio) throw GatewayError.invalid('redirect_params', 'name video or audio (its params or its redirect_params address): the endpoint would take nothing');
    const stream = <C extends string>(p: { codec: C; payload_type?: number | undefined } | undefined, fallback: C): StreamParams<C> => ({
      codec: p?.codec ?? fallback,
      mediaPort: undefined,
      rtcpPort: undefined,
      payloadType: p?.payload_type,
      bandwidthKbps: undefined,
    });
    const constraints: MediaConstraints = {
      video: false,
      videoReceiveEnabled: video,
      audio: false,
      audioReceiveEnabled: audio,
      videoParams: stream<VideoCodecName>(body.video_params, 'VP8'),
      audioParams: stream<AudioCodecName>(body.audio_params, 'OPUS'),
      metadata: undefined,
    };
    const created = wishEndpoints.create('whip', constraints, media, WHIP_SESSIONS);
    res.status(201).json({ endpoint_id: created.id, url: absoluteUrl(req, wishResourcePath('whip', created.id)), token: created.token });
  });

  for (const kind of ['whip', 'whep'] as const) {
    const name = kind.toUpperCase();
    router
      .route(`/${kind}/endpoints/:${idField}`)
      .get(
        ...command(`${name}_ENDPOINT_STATUS`, (req, res) => {
          res.status(200).json(statusOf(wishEndpoints.get(kind, String(req.params[idField]))));
        }),
      )
      .delete(
        ...command(`${name}_ENDPOINT_DELETE`, (req, res) => {
          wishEndpoints.delete(kind, String(req.params[idField]));
          res.status(204).end();
        }),
      )
      .all(methodNotAllowed(['GET', 'DELETE'], `${name}_ENDPOINT`));
  }

  return router;
}

function statusOf(e: WishEndpoint): unknown {
  const c = e.constraints;
  return {
    endpoint_id: e.id,
    ...(c.videoReceiveEnabled && { video_params: { codec: c.videoParams.codec, ...(c.videoParams.payloadType !== undefined && { payload_type: c.videoParams.payloadType }) } }),
    ...(c.audioReceiveEnabled && { audio_params: { codec: c.audioParams.codec, ...(c.audioParams.payloadType !== undefined && { payload_type: c.audioParams.payloadType }) } }),
    sessions: e.sessions().map((s) => s.status()),
  };
}

/** What a client reached this API with: the URL it is given back points the same way. */
export function absoluteUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}${path}`;
}

