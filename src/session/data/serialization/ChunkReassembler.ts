import type { DropReason } from '../DropReason.js';

/** PeerJS splits packed messages larger than this into chunks (util.chunkedMTU in peerjs 1.5). */
export const CHUNK_SIZE = 16300;

/** A chunk as PeerJS sends it: `{__peerData: <message id>, n, total, data}`. */
export interface Chunk {
  readonly id: number;
  readonly n: number;
  readonly total: number;
  readonly data: Uint8Array;
}

export type ChunkResult =
  | { readonly kind: 'complete'; readonly packed: Uint8Array }
  | { readonly kind: 'partial'; readonly evicted: number }
  | { readonly kind: 'drop'; readonly reason: DropReason };

interface PartialMessage {
  readonly total: number;
  readonly parts: (Uint8Array | undefined)[];
  received: number;
  bytes: number;
}

/**
 * Puts chunked messages back together with bounded memory: at most `maxPending` messages in
 * progress (the oldest is evicted, counted as incomplete: on an unreliable channel a lost chunk
 * would otherwise pin its message forever), at most `maxChunks` chunks and `maxBytes` bytes per
 * message.
 */
export class ChunkReassembler {
  private readonly pending = new Map<number, PartialMessage>();
  /** Ids refused as too large, so their later chunks are not counted again. */
  private readonly refused = new Set<number>();

  constructor(
    private readonly maxBytes: number,
    private readonly maxPending = 8,
    private readonly maxChunks = 64,
  ) {}

  /** `chunk` must have 0 <= n < total (the caller checks the shape). */
  add(chunk: Chunk): ChunkResult {
    const { id, n, total, data } = chunk;
    if (this.refused.has(id)) return { kind: 'partial', evicted: 0 };
    if (total > this.maxChunks) {
      this.refuse(id);
      return { kind: 'drop', reason: 'too_large' };
    }
    let message = this.pending.get(id);
    if (message && message.total !== total) {
      this.pending.delete(id);
      return { kind: 'drop', reason: 'malformed' };
    }
    let evicted = 0;
    if (!message) {
      message = { total, parts: new Array<Uint8Array | undefined>(total), received: 0, bytes: 0 };
      this.pending.set(id, message);
      while (this.pending.size > this.maxPending) {
        this.pending.delete(this.pending.keys().next().value!);
        evicted++;
      }
    }
    if (message.parts[n] !== undefined) return { kind: 'partial', evicted };
    message.bytes += data.length;
    if (message.bytes > this.maxBytes) {
      this.pending.delete(id);
      this.refuse(id);
      return { kind: 'drop', reason: 'too_large' };
    }
    message.parts[n] = data;
    message.received++;
    if (message.received < total) return { kind: 'partial', evicted };
    this.pending.delete(id);
    return { kind: 'complete', packed: Buffer.concat(message.parts as Uint8Array[], message.bytes) };
  }

  get pendingMessages(): number {
    return this.pending.size;
  }

  private refuse(id: number): void {
    this.refused.add(id);
    if (this.refused.size > 64) this.refused.delete(this.refused.values().next().value!);
  }
}
