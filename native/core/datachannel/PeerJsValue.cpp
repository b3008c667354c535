#include "PeerJsValue.hpp"

#include "BinaryPackFraming.hpp"
#include "BinaryPackString.hpp"
#include "Utf8.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace wg::datachannel {

namespace {

using Type = BinaryPackItem::Type;

// Whether the map key at `pos` becomes the property name `name`: a string, or an array of one
// element that does (JavaScript joins arrays with commas to name a property).
bool keyIs(const uint8_t* data, size_t pos, std::string_view name) {
  BinaryPackItem item = readBinaryPackItem(data, pos);
  while (item.type == Type::Array && item.length == 1) item = readBinaryPackItem(data, item.body);
  return item.type == Type::String && BinaryPackString(data + item.body, item.length).equals(name);
}

// The value of the last key named `name` in the map `map` (JavaScript keeps the last), or 0 when
// there is none (a value never starts at 0 inside a map).
size_t lastValueOf(const uint8_t* data, const BinaryPackItem& map, std::string_view name) {
  size_t found = 0;
  size_t pos = map.body;
  for (size_t k = 0; k < map.length; ++k) {
    size_t value = skipBinaryPackValue(data, pos);
    if (keyIs(data, pos, name)) found = value;
    pos = skipBinaryPackValue(data, value);
  }
  return found;
}

bool isInteger(const BinaryPackItem& item) {
  return item.type == Type::Number && std::isfinite(item.number) && std::trunc(item.number) == item.number;
}

// Every string in the value starting at 0 is one the library decodes (a walk of its items).
bool stringsDecodable(const uint8_t* data) {
  uint64_t pending = 1;
  size_t pos = 0;
  while (pending > 0) {
    --pending;
    BinaryPackItem item = readBinaryPackItem(data, pos);
    switch (item.type) {
      case Type::String:
        if (!BinaryPackString(data + item.body, item.length).decodable()) return false;
        [[fallthrough]];
      case Type::Raw: pos = item.body + item.length; break;
      case Type::Array: pos = item.body; pending += item.length; break;
      case Type::Map: pos = item.body; pending += 2 * uint64_t{item.length}; break;
      default: pos = skipBinaryPackValue(data, pos); break;
    }
  }
  return true;
}

}  // namespace

bool PeerJsValueInspector::plainMap(const uint8_t* data) {
  frames_.clear();
  size_t pos = 0;
  do {
    bool isKey = !frames_.empty() && frames_.back().map && frames_.back().index % 2 == 0;
    bool inKey = isKey || (!frames_.empty() && frames_.back().inKey);
    if (isKey && keyIs(data, pos, "__proto__")) return false;
    BinaryPackItem item = readBinaryPackItem(data, pos);
    if (!frames_.empty()) {
      frames_.back().index++;
      frames_.back().remaining--;
    }
    if (item.type == Type::Map && inKey) return false;
    if ((item.type == Type::Map || item.type == Type::Array) && item.length > 0) {
      if (frames_.size() >= kMaxDepth) return false;
      frames_.push_back({item.type == Type::Map ? 2 * uint64_t{item.length} : item.length, 0, item.type == Type::Map, inKey});
      pos = item.body;
    } else {
      pos = skipBinaryPackValue(data, pos);
    }
    while (!frames_.empty() && frames_.back().remaining == 0) frames_.pop_back();
  } while (!frames_.empty());
  return true;
}

PeerJsValue PeerJsValueInspector::inspect(const uint8_t* data, size_t size) {
  PeerJsValue v;
  if (!isWellFormedBinaryPack(data, size) || !stringsDecodable(data)) return v;
  BinaryPackItem top = readBinaryPackItem(data, 0);
  if (top.type == Type::Raw) {
    v.kind = PeerJsValue::Kind::Bytes;
    v.data = data + top.body;
    v.size = top.length;
    return v;
  }
  if (top.type == Type::String) {
    v.kind = PeerJsValue::Kind::Text;
    const uint8_t* body = data + top.body;
    if (isWellFormedUtf8(body, top.length)) {  // decodes to itself
      v.data = body;
      v.size = top.length;
    } else {
      text_.clear();
      BinaryPackString(body, top.length).appendUtf8(text_);
      v.data = text_.data();
      v.size = text_.size();
    }
    return v;
  }
  v.kind = PeerJsValue::Kind::Other;
  if (top.type != Type::Map || !plainMap(data)) return v;

  size_t peerDataAt = lastValueOf(data, top, "__peerData");
  if (peerDataAt == 0) return v;
  BinaryPackItem peerData = readBinaryPackItem(data, peerDataAt);
  if (peerData.type == Type::Undefined) return v;  // {__peerData: undefined} is no PeerJS message

  v.kind = PeerJsValue::Kind::BadPeerData;
  if (peerData.type == Type::Map) {
    size_t typeAt = lastValueOf(data, peerData, "type");
    if (typeAt != 0) {
      BinaryPackItem type = readBinaryPackItem(data, typeAt);
      if (type.type == Type::String && BinaryPackString(data + type.body, type.length).equals("close")) {
        v.kind = PeerJsValue::Kind::Close;
      }
    }
    return v;
  }
  if (peerData.type != Type::Number) return v;
  size_t nAt = lastValueOf(data, top, "n");
  size_t totalAt = lastValueOf(data, top, "total");
  size_t dataAt = lastValueOf(data, top, "data");
  if (nAt == 0 || totalAt == 0 || dataAt == 0) return v;
  BinaryPackItem n = readBinaryPackItem(data, nAt);
  BinaryPackItem total = readBinaryPackItem(data, totalAt);
  BinaryPackItem bytes = readBinaryPackItem(data, dataAt);
  if (!isInteger(n) || !isInteger(total) || bytes.type != Type::Raw) return v;
  if (n.number < 0 || n.number >= total.number) return v;
  v.kind = PeerJsValue::Kind::Chunk;
  v.id = peerData.number;
  v.n = static_cast<uint32_t>(std::min(n.number, 4294967295.0));
  v.total = static_cast<uint32_t>(std::min(total.number, 4294967295.0));
  v.data = data + bytes.body;
  v.size = bytes.length;
  return v;
}

}  // namespace wg::datachannel
