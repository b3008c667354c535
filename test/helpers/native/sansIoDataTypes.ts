// Types of the test addon's PeerJS codec wrapper (native/testing/sansio/PeerJsCodecWrap.hpp).
import type { DropReason } from '../../../src/session/data/DropReason.js';
import type { SerializationName } from '../../../src/session/data/serialization/DataSerialization.js';

/** What the native codec makes of one received message (native/core/datachannel/PeerJsCodec.hpp). */
export type RawDecodedMessage = { evicted: number } & (
  | { kind: 'datagram'; datagram: Buffer }
  | { kind: 'close' }
  | { kind: 'partial' }
  | { kind: 'drop'; reason: DropReason }
  /** A BinaryPack value for TypeScript: the whole (reassembled) packed message. */
  | { kind: 'to-js'; packed: Buffer }
);

export interface RawSansIoData {
  /** PeerJS serializations in C++, one per connection (chunk ids, partial messages). */
  PeerJsCodec: new (serialization: SerializationName) => {
    encode(datagram: Uint8Array): Buffer[] | DropReason;
    decode(message: Uint8Array, binary: boolean): RawDecodedMessage;
  };
}
