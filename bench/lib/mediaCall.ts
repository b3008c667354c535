/**
 * A VP8 + Opus call from gateway A to gateway B through the REST API, as two users of the
 * gateways would place and answer it: A sends what arrives at its media ports, B receives and
 * redirects the plain RTP of both streams to one UDP address.
 */
import { call, rest } from '../../test/support/rest.js';
import { AUDIO_PT, VIDEO_PT } from './rtpStream.js';

export interface RestPeer {
  base: string;
  id: string;
  token: string;
}

/** A gateway peer, once its OPEN event has come. */
export async function openPeer(base: string, id: string): Promise<RestPeer> {
  const { params } = await rest(base, 'POST', '/peers', { key: 'peerjs', domain: 'localhost', peer_id: id });
  const open = await rest(base, 'GET', `/peers/${id}/events?token=${params.token}`);
  if (open.event !== 'OPEN') throw new Error(`${id}: ${open.event} instead of OPEN`);
  return { base, id, token: params.token };
}

/** Long-polls a media connection's events until `wanted`; fails on CLOSE or ERROR first. */
export async function awaitEvent(base: string, id: string, wanted: string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const e = await rest(base, 'GET', `/media/connections/${id}/events`);
    if (e.event === wanted) return;
    if (e.event === 'CLOSE' || e.event === 'ERROR') throw new Error(`${id}: ${e.event} ${e.error_message ?? ''} before ${wanted}`);
  }
  throw new Error(`${id}: no ${wanted}`);
}

/**
 * Answers every CALL on `callee` right away, receive-only VP8 + Opus, redirecting both streams
 * to 127.0.0.1:`port` (or nowhere without one); `answered` lists the callee's
 * media_connection_ids in order. Answers are not awaited one by one, so calls connect side by
 * side, and one that fails is reported without stopping the others.
 */
export function autoAnswer(callee: RestPeer, port?: number): { answered: string[]; stop(): void } {
  let running = true;
  const answered: string[] = [];
  void (async () => {
    while (running) {
      const res = await call(callee.base, 'GET', `/peers/${callee.id}/events?token=${callee.token}`);
      if (res.status === 408) continue; // no event within the long-poll's time: poll again
      if (res.status !== 200) throw new Error(`peer events: ${res.status} ${JSON.stringify(res.body)}`);
      const event = res.body;
      if (!running || event.event !== 'CALL') continue;
      const id = event.call_params.media_connection_id as string;
      answered.push(id);
      answerReceiveOnly(callee, id, port).catch((error) => console.error(`answering ${id} failed:`, error));
    }
  })().catch((error) => {
    if (running) console.error('auto-answer failed:', error);
  });
  return { answered, stop: () => (running = false) };
}

/** Receive-only VP8 + Opus constraints, both streams redirected to 127.0.0.1:`port` (or nowhere). */
function receiveOnly(port: number | undefined) {
  const redirect = port === undefined ? undefined : { ip_v4: '127.0.0.1', port };
  return {
    constraints: {
      video: false,
      videoReceiveEnabled: true,
      audio: false,
      audioReceiveEnabled: true,
      video_params: { codec: 'VP8', payload_type: VIDEO_PT },
      audio_params: { codec: 'OPUS', payload_type: AUDIO_PT },
    },
    ...(redirect ? { redirect_params: { video: redirect, audio: redirect } } : {}),
  };
}

/** Answers the call `id` on `callee` receive-only VP8 + Opus, both streams to 127.0.0.1:`port` (or nowhere). */
export async function answerReceiveOnly(callee: RestPeer, id: string, port?: number): Promise<void> {
  await rest(callee.base, 'POST', `/media/connections/${id}/answer`, receiveOnly(port));
}

/**
 * A receive-only VP8 + Opus call from `caller` to `targetId` (the offer is recvonly, as a WHEP
 * player's), both streams redirected to 127.0.0.1:`port` (or nowhere); the media_connection_id.
 */
export async function postReceiveOnlyCall(caller: RestPeer, targetId: string, port?: number): Promise<string> {
  const { params } = await rest(caller.base, 'POST', '/media/connections', {
    peer_id: caller.id,
    token: caller.token,
    target_id: targetId,
    ...receiveOnly(port),
  });
  return params.media_connection_id as string;
}

export interface PlacedCall {
  id: string;
  /** The caller's media ports (media_id and UDP port) the call sends from. */
  videoId: string;
  audioId: string;
  videoPort: number;
  audioPort: number;
  /** From sending POST /media/connections to READY and to STREAM, ms. */
  readyMs: number;
  streamMs: number;
}

/**
 * POST /media/connections from `caller` to `targetId` with VP8 video from `media.video` at
 * `videoKbps` and Opus 64 kbit/s from `media.audio`; `receive`: the offer is sendrecv.
 */
async function postCall(caller: RestPeer, targetId: string, media: { video: string; audio: string }, videoKbps: number, receive: boolean): Promise<string> {
  const { params } = await rest(caller.base, 'POST', '/media/connections', {
    peer_id: caller.id,
    token: caller.token,
    target_id: targetId,
    constraints: {
      video: true,
      videoReceiveEnabled: receive,
      audio: true,
      audioReceiveEnabled: receive,
      video_params: { band_width: videoKbps, codec: 'VP8', media_id: media.video, payload_type: VIDEO_PT },
      audio_params: { band_width: 64, codec: 'OPUS', media_id: media.audio, payload_type: AUDIO_PT },
    },
  });
  return params.media_connection_id as string;
}

/**
 * A send-only call from media ports the caller already has (the same ports may feed many
 * calls: a fan-out) to `targetId`, VP8 1.5 Mbit/s + Opus 64 kbit/s; resolves at STREAM.
 */
export async function callSendOnly(caller: RestPeer, media: { video: string; audio: string }, targetId: string): Promise<void> {
  await awaitEvent(caller.base, await postCall(caller, targetId, media, 1500, false), 'STREAM');
}

/**
 * New video and audio ports on the caller's gateway, then the call; resolves at STREAM. With
 * `offerReceive` the offer is sendrecv (a browser's is too), so it carries the transport-cc
 * extension for the callee to answer; the callee still only receives.
 */
export async function placeCall(caller: RestPeer, targetId: string, offerReceive = false): Promise<PlacedCall> {
  const video = await rest(caller.base, 'POST', '/media', { is_video: true });
  const audio = await rest(caller.base, 'POST', '/media', { is_video: false });
  const t0 = performance.now();
  const id = await postCall(caller, targetId, { video: video.media_id, audio: audio.media_id }, 2000, offerReceive);
  await awaitEvent(caller.base, id, 'READY');
  const readyMs = performance.now() - t0;
  await awaitEvent(caller.base, id, 'STREAM');
  return { id, videoId: video.media_id, audioId: audio.media_id, videoPort: video.port, audioPort: audio.port, readyMs, streamMs: performance.now() - t0 };
}

export interface CallSetup extends PlacedCall {
  /** DTLS datagrams A dropped because they came before B's answer (resent 200 ms later). */
  earlyDtls: number;
}

/** Places `calls` calls one after another, each hung up before the next. */
export async function timeCallSetups(caller: RestPeer, targetId: string, calls: number): Promise<CallSetup[]> {
  const setups: CallSetup[] = [];
  for (let i = 0; i < calls; i++) {
    const call = await placeCall(caller, targetId);
    const status = await rest(caller.base, 'GET', `/media/connections/${call.id}/status`);
    setups.push({ ...call, earlyDtls: Number(status.transport?.droppedBeforeKeys ?? 0) });
    await rest(caller.base, 'DELETE', `/media/connections/${call.id}`);
  }
  return setups;
}
