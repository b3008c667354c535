import { Router, type Request } from 'express';
import { z } from 'zod';

import { GatewayError } from '../../errors/GatewayError.js';
import { AUDIO_CODECS, VIDEO_CODECS, type AudioCodecName, type VideoCodecName } from '../../sdp/codecs.js';
import type { MediaConstraints, MediaRedirects, StreamParams } from '../../session/media/MediaRequest.js';
import type { PortRegistry } from '../../session/ports/PortRegistry.js';
import type { RedirectPolicy } from '../../session/redirect/RedirectPolicy.js';
import type { WishEndpoint, WishKind } from '../../session/wish/WishEndpoint.js';
import type { WishEndpointRegistry } from '../../session/wish/WishEndpointRegistry.js';
import { command } from '../command.js';
import { endpoint } from '../endpoint.js';
import { methodNotAllowed } from '../errorHandler.js';
import { validateBody } from '../validateBody.js';
import { address, redirectOptions } from './mediaConnectionRoutes.js';
import { namedPort } from './namedPort.js';

export interface WishEndpointRoutesDeps {
  readonly wishEndpoints: WishEndpointRegistry;
  readonly redirects: RedirectPolicy;
  readonly ports: PortRegistry;
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

/** What a WHEP endpoint plays: the codec the user's RTP at `media_id` carries (with `payload_type`), its RTCP at `rtcp_id`. */
function playbackParams<T extends readonly [string, ...string[]]>(codecs: T) {
  return ingestParams(codecs).extend({ media_id: z.string().min(1), rtcp_id: z.string().min(1).optional() });
}

/** Players per WHEP endpoint: each is a transport (a socket, DTLS, SRTP) on the native fan-out. */
export const WHEP_MAX_SESSIONS = 1000;

const playbackOptions = z.object({
  video_params: playbackParams(VIDEO_CODECS).optional(),
  audio_params: playbackParams(AUDIO_CODECS).optional(),
  max_sessions: z.number().int().min(1).max(WHEP_MAX_SESSIONS).optional(),
  // Players' RTCP about the stream (receiver reports, PLI/FIR for the user's encoder), as for a MediaConnection that sends.
  redirect_params: z.strictObject({ video_rtcp: address.optional(), audio_rtcp: address.optional() }).optional(),
});

/** The path of an endpoint's WHIP or WHEP resource, where clients POST their offers. */
export const wishResourcePath = (kind: WishKind, id: string): string => `/${kind}/${id}`;

/** A WHIP endpoint takes one publisher at a time: two would send to the same redirect addresses. */
const WHIP_SESSIONS = 1;

/**
 * The control side of WHIP and WHEP (behind the API's host, origin and token checks):
 * POST /whip|whep/endpoints, GET and DELETE /whip|whep/endpoints/{id}.
 */
export function wishEndpointRoutes({ wishEndpoints, redirects, ports }: WishEndpointRoutesDeps): Router {
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

  // draft-ietf-wish-whep-03: players offer recvonly (or sendrecv) and get a sendonly answer (section 4.2.5);
  // the media ports feed every player, as one media_id feeds several MediaConnections.
  endpoint(router, 'post', '/whep/endpoints', 'WHEP_ENDPOINT_CREATE', (req, res) => {
    const body = validateBody(playbackOptions, req.body);
    if (!body.video_params && !body.audio_params) throw GatewayError.invalid('video_params', 'name video_params or audio_params (with its media_id): the endpoint would play nothing');
    const stream = <C extends string>(p: { codec: C; media_id: string; payload_type?: number | undefined; rtcp_id?: string | undefined } | undefined, kind: 'video' | 'audio', fallback: C): StreamParams<C> => ({
      codec: p?.codec ?? fallback,
      mediaPort: namedPort(ports, p?.media_id, kind, `${kind}_params.media_id`),
      rtcpPort: namedPort(ports, p?.rtcp_id, 'rtcp', `${kind}_params.rtcp_id`),
      payloadType: p?.payload_type,
      bandwidthKbps: undefined,
    });
    // As a MediaConnection that only sends: the players' answers are sendonly.
    const constraints: MediaConstraints = {
      video: body.video_params !== undefined,
      videoReceiveEnabled: false,
      audio: body.audio_params !== undefined,
      audioReceiveEnabled: false,
      videoParams: stream<VideoCodecName>(body.video_params, 'video', 'VP8'),
      audioParams: stream<AudioCodecName>(body.audio_params, 'audio', 'OPUS'),
      metadata: undefined,
    };
    const r = body.redirect_params;
    const media: MediaRedirects = {
      ...(r?.video_rtcp && { videoRtcp: redirects.target(r.video_rtcp, 'redirect_params.video_rtcp') }),
      ...(r?.audio_rtcp && { audioRtcp: redirects.target(r.audio_rtcp, 'redirect_params.audio_rtcp') }),
    };
    const created = wishEndpoints.create('whep', constraints, media, body.max_sessions ?? WHEP_MAX_SESSIONS);
    res.status(201).json({ endpoint_id: created.id, url: absoluteUrl(req, wishResourcePath('whep', created.id)), token: created.token });
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
    ...((c.video || c.videoReceiveEnabled) && { video_params: paramsOf(c.videoParams) }),
    ...((c.audio || c.audioReceiveEnabled) && { audio_params: paramsOf(c.audioParams) }),
    ...(e.kind === 'whep' && { max_sessions: e.maxSessions }),
    sessions: e.sessions().map((s) => s.status()),
  };
}

/** video_params / audio_params as the endpoint was created with them (WHEP's name its ports). */
function paramsOf(p: StreamParams<string>): unknown {
  return {
    codec: p.codec,
    ...(p.mediaPort && { media_id: p.mediaPort.id }),
    ...(p.payloadType !== undefined && { payload_type: p.payloadType }),
    ...(p.rtcpPort && { rtcp_id: p.rtcpPort.id }),
  };
}

/** What a client reached this API with: the URL it is given back points the same way. */
export function absoluteUrl(req: Request, path: string): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}${path}`;
}

