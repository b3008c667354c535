import { z } from 'zod';

/**
 * Payloads of the PeerJS messages that negotiate a connection (peerjs 1.5), checked before use:
 * they come from any client of the signaling server.
 *   OFFER     {sdp: {type: "offer", sdp}, type: "data"|"media", connectionId, metadata?,
 *              label?, reliable?, serialization?}    (the last three for data)
 *   ANSWER    {sdp: {type: "answer", sdp}, type, connectionId}
 *   CANDIDATE {candidate: {candidate, sdpMid, sdpMLineIndex, usernameFragment}, type, connectionId}
 */
const MAX_SDP_BYTES = 64 * 1024;
const connectionId = z.string().min(1).max(128);
const connectionType = z.enum(['data', 'media']);

/**
 * RTCDataChannelInit as the REST API's dcInit takes it (W3C WebRTC §6.2). Between gateways it
 * also rides in the OFFER, so that a pre-negotiated channel (negotiated + id) is created with the
 * same parameters on the answering side.
 */
export const dataChannelInit = z
  .object({
    ordered: z.boolean().optional(),
    maxPacketLifeTime: z.number().int().min(0).max(65535).optional(),
    maxRetransmits: z.number().int().min(0).max(65535).optional(),
    protocol: z.string().max(1024).optional(),
    negotiated: z.boolean().optional(),
    id: z.number().int().min(0).max(65534).optional(),
    priority: z.enum(['very-low', 'low', 'medium', 'high']).optional(),
  })
  .refine((o) => o.maxPacketLifeTime === undefined || o.maxRetransmits === undefined, {
    message: 'maxPacketLifeTime and maxRetransmits cannot both be set',
  })
  .refine((o) => !o.negotiated || o.id !== undefined, { message: 'a negotiated channel needs an id', path: ['id'] });

export type DataChannelInitOptions = z.infer<typeof dataChannelInit>;

export const offerPayload = z.object({
  sdp: z.object({ type: z.literal('offer'), sdp: z.string().max(MAX_SDP_BYTES) }),
  type: connectionType,
  connectionId,
  metadata: z.unknown().optional(),
  label: z.string().max(65535).optional(),
  reliable: z.boolean().optional(),
  serialization: z.string().max(64).optional(),
  dcInit: dataChannelInit.optional(),
});

export const answerPayload = z.object({
  sdp: z.object({ type: z.literal('answer'), sdp: z.string().max(MAX_SDP_BYTES) }),
  type: connectionType,
  connectionId,
});

export const candidatePayload = z.object({
  candidate: z.object({
    candidate: z.string().max(1024),
    sdpMid: z.string().max(64).nullish(),
    sdpMLineIndex: z.number().int().min(0).max(1024).nullish(),
    usernameFragment: z.string().max(256).nullish(),
  }),
  type: connectionType,
  connectionId,
});

export type OfferPayload = z.infer<typeof offerPayload>;

/** The connectionId a relayed payload is about, if it has one. */
export function connectionIdOf(payload: unknown): string | undefined {
  const id = (payload as { connectionId?: unknown } | null | undefined)?.connectionId;
  return typeof id === 'string' ? id : undefined;
}
