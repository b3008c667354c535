import { BinarySerialization } from './BinarySerialization.js';
import type { DataSerialization, SerializationName } from './DataSerialization.js';
import { JsonSerialization } from './JsonSerialization.js';
import { RawSerialization } from './RawSerialization.js';

/** A fresh serializer (they hold per-connection chunk state) for one connection. */
export function createSerialization(name: SerializationName): DataSerialization {
  switch (name) {
    case 'NONE':
      return new RawSerialization();
    case 'JSON':
      return new JsonSerialization();
    case 'BINARY':
    case 'BINARY_UTF8':
      return new BinarySerialization(name);
  }
}
