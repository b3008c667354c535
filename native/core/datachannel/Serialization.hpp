#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace wg::datachannel {

// How datagrams become PeerJS DataChannel messages and back (docs/DATA.md): the SkyWay names.
enum class Serialization : uint8_t {
  None,        // PeerJS "raw": a datagram is one message with the same bytes
  Json,        // PeerJS "json": a datagram is one JSON text, sent as its UTF-8 bytes
  Binary,      // PeerJS "binary": a datagram is BinaryPack bytes, chunked above 16300 bytes
  BinaryUtf8,  // PeerJS "binary-utf8": a datagram is a BinaryPack string (must be UTF-8)
};

// "NONE", "JSON", "BINARY", "BINARY_UTF8"; nullopt for anything else.
std::optional<Serialization> serializationFromName(std::string_view name);

}  // namespace wg::datachannel
