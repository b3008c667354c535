/**
 * Identifies an RTP packet by its payload, which every system forwards unchanged while it
 * rewrites the header (SSRC, sequence number, timestamp, extensions) and removes SRTP. The key is
 * a 53-bit hash of the payload's last KEY_BYTES bytes: the tail, so a rewritten VP8 payload
 * descriptor or an RTX packet's 2-byte original sequence number in front does not change it.
 * The replay (../replayProcess.ts) keys what it sends, the latency sink what it receives.
 */
export const KEY_BYTES = 128;

/** Start and end of the RTP payload (after CSRCs and the extension, before padding); undefined if malformed. */
export function rtpPayload(packet: Uint8Array): { start: number; end: number } | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  let start = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) {
    if (start + 4 > packet.length) return undefined;
    start += 4 + 4 * ((packet[start + 2]! << 8) | packet[start + 3]!);
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[end - 1]!;
  return start < end ? { start, end } : undefined;
}

/** The payload key, or undefined for a packet with no payload (padding-only probes, malformed). */
export function payloadKey(packet: Uint8Array): number | undefined {
  const p = rtpPayload(packet);
  if (!p) return undefined;
  // Two multiplicative 32-bit hashes (FNV-1a and one with MurmurHash2's constant), each mixed
  // by MurmurHash3's finalizer so their weak low bits spread; 21 + 32 bits in one safe integer.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = Math.max(p.start, p.end - KEY_BYTES); i < p.end; i++) {
    a = Math.imul(a ^ packet[i]!, 0x01000193);
    b = Math.imul(b ^ packet[i]!, 0x5bd1e995);
  }
  return (fmix32(a) >>> 11) * 2 ** 32 + fmix32(b);
}

function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
