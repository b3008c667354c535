#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace wg::datachannel {

// What JsonTextScanner found in one text.
struct JsonScan {
  bool valid = false;      // exactly one JSON text (RFC 8259 section 2), as JSON.parse accepts it
  bool peerJsClose = false;  // the PeerJS close object: {"__peerData": {"type": "close", ...}, ...}
};

// Validates JSON text (RFC 8259) without building values and without recursion: an explicit stack of
// open containers, reused between texts, so nesting is bounded only by the text's length (V8's
// JSON.parse has no depth limit either). Semantics of JSON.parse: any top-level value, duplicate keys
// allowed (the last one counts), whitespace per RFC 8259 section 2. The input must already be UTF-8.
class JsonTextScanner {
public:
  JsonScan scan(const uint8_t* text, size_t size);

private:
  std::vector<uint8_t> open_;  // '{' or '[' per nesting level
};

}  // namespace wg::datachannel
