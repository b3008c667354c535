#include "BinaryPackFraming.hpp"

#include <cmath>

namespace wg::datachannel {

namespace {

void appendBig(std::vector<uint8_t>& out, uint64_t value, int bytes) {
  for (int k = bytes - 1; k >= 0; --k) out.push_back(static_cast<uint8_t>(value >> (8 * k)));
}

void appendHeader(std::vector<uint8_t>& out, size_t size, uint8_t fix, uint8_t type16, uint8_t type32) {
  if (size <= 0x0f) {
    out.push_back(static_cast<uint8_t>(fix | size));
  } else if (size <= 0xffff) {
    out.push_back(type16);
    appendBig(out, size, 2);
  } else {
    out.push_back(type32);
    appendBig(out, size, 4);
  }
}

uint32_t big16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | p[1]; }
uint32_t big32(const uint8_t* p) { return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]; }

// The library's unpack_uint64: bytes folded in doubles, most significant first (rounding as it does).
double libraryUint64(const uint8_t* p) {
  double v = 0;
  for (int k = 0; k < 8; ++k) v = v * 256 + p[k];
  return v;
}

// unpack_float: sign, exponent and fraction scaled by a power of two (no NaN or infinity cases).
double libraryFloat(uint32_t bits) {
  int exponent = static_cast<int>((bits >> 23) & 0xff) - 127;
  double fraction = static_cast<double>((bits & 0x7fffff) | 0x800000);
  double value = fraction * std::ldexp(1.0, exponent - 23);
  return (bits >> 31) ? -value : value;
}

// unpack_double: the same with two 32-bit halves added (exponent 1024 gives infinity).
double libraryDouble(uint32_t high, uint32_t low) {
  int exponent = static_cast<int>((high >> 20) & 0x7ff) - 1023;
  double hfrac = static_cast<double>((high & 0xfffff) | 0x100000);
  double frac = hfrac * std::ldexp(1.0, exponent - 20) + static_cast<double>(low) * std::ldexp(1.0, exponent - 52);
  return (high >> 31) ? -frac : frac;
}

// Bytes a scalar item occupies, type byte included.
size_t scalarSize(uint8_t type) {
  static constexpr uint8_t kSizes[] = {4, 8, 1, 2, 4, 8, 1, 2, 4, 8};  // after 0xca..0xd3
  return type >= 0xca && type <= 0xd3 ? 1u + kSizes[type - 0xca] : 1u;
}

}  // namespace

void appendRawHeader(std::vector<uint8_t>& out, size_t size) { appendHeader(out, size, 0xa0, 0xda, 0xdb); }
void appendStringHeader(std::vector<uint8_t>& out, size_t size) { appendHeader(out, size, 0xb0, 0xd8, 0xd9); }

void appendInteger(std::vector<uint8_t>& out, uint64_t value) {
  if (value <= 0x7f) {
    out.push_back(static_cast<uint8_t>(value));
  } else if (value <= 0xff) {
    out.push_back(0xcc);
    appendBig(out, value, 1);
  } else if (value <= 0xffff) {
    out.push_back(0xcd);
    appendBig(out, value, 2);
  } else if (value <= 0xffffffff) {
    out.push_back(0xce);
    appendBig(out, value, 4);
  } else {
    out.push_back(0xd3);  // the library tries int64 before uint64
    appendBig(out, value, 8);
  }
}

void appendChunk(std::vector<uint8_t>& out, uint64_t id, uint32_t n, const uint8_t* data, size_t size, uint32_t total) {
  static constexpr uint8_t kPeerData[] = {0xba, '_', '_', 'p', 'e', 'e', 'r', 'D', 'a', 't', 'a'};
  out.push_back(0x84);  // a map of 4, keys in the order PeerJS writes them
  out.insert(out.end(), std::begin(kPeerData), std::end(kPeerData));
  appendInteger(out, id);
  out.push_back(0xb1);
  out.push_back('n');
  appendInteger(out, n);
  static constexpr uint8_t kData[] = {0xb4, 'd', 'a', 't', 'a'};
  out.insert(out.end(), std::begin(kData), std::end(kData));
  appendRawHeader(out, size);
  out.insert(out.end(), data, data + size);
  static constexpr uint8_t kTotal[] = {0xb5, 't', 'o', 't', 'a', 'l'};
  out.insert(out.end(), std::begin(kTotal), std::end(kTotal));
  appendInteger(out, total);
}

bool isWellFormedBinaryPack(const uint8_t* data, size_t size) {
  size_t i = 0;
  uint64_t pending = 1;  // values still to read
  while (pending > 0) {
    if (pending > size - i) return false;
    uint8_t type = data[i++];
    --pending;
    if (type < 0x80 || type >= 0xe0) continue;  // fixints
    uint64_t skip;
    if (type <= 0x8f) {
      pending += 2 * uint64_t{type & 0x0fu};  // fixmap: keys and values
      continue;
    } else if (type <= 0x9f) {
      pending += type & 0x0fu;  // fixarray
      continue;
    } else if (type <= 0xbf) {
      skip = type & 0x0fu;  // fixraw, fixstring
    } else if (type <= 0xc3 || (type >= 0xd4 && type <= 0xd7)) {
      skip = 0;  // nil, undefined, false, true
    } else if (type >= 0xc4 && type <= 0xc9) {
      return false;  // not BinaryPack
    } else if (type >= 0xca && type <= 0xd3) {
      skip = scalarSize(type) - 1;
    } else if (type == 0xd8 || type == 0xda || type == 0xdc || type == 0xde) {
      if (size - i < 2) return false;
      uint64_t n = big16(data + i);
      i += 2;
      if (type == 0xdc) pending += n;
      else if (type == 0xde) pending += 2 * n;
      skip = (type == 0xd8 || type == 0xda) ? n : 0;
    } else {  // 0xd9, 0xdb, 0xdd, 0xdf
      if (size - i < 4) return false;
      uint64_t n = big32(data + i);
      i += 4;
      if (type == 0xdd) pending += n;
      else if (type == 0xdf) pending += 2 * n;
      skip = (type == 0xd9 || type == 0xdb) ? n : 0;
    }
    if (skip > size - i) return false;
    i += skip;
  }
  return true;
}

BinaryPackItem readBinaryPackItem(const uint8_t* data, size_t pos) {
  using Type = BinaryPackItem::Type;
  BinaryPackItem item;
  uint8_t type = data[pos];
  const uint8_t* p = data + pos + 1;
  auto sized = [&](Type t, size_t length, size_t header) {
    item.type = t;
    item.length = length;
    item.body = pos + 1 + header;
  };
  auto number = [&](double v) {
    item.type = Type::Number;
    item.number = v;
  };
  if (type < 0x80) number(type);
  else if (type >= 0xe0) number(static_cast<double>(type) - 0x100);
  else if (type <= 0x8f) sized(Type::Map, type & 0x0f, 0);
  else if (type <= 0x9f) sized(Type::Array, type & 0x0f, 0);
  else if (type <= 0xaf) sized(Type::Raw, type & 0x0f, 0);
  else if (type <= 0xbf) sized(Type::String, type & 0x0f, 0);
  else switch (type) {
    case 0xc0: item.type = Type::Nil; break;
    case 0xc2: case 0xc3: item.type = Type::Boolean; item.boolean = type == 0xc3; break;
    case 0xca: number(libraryFloat(big32(p))); break;
    case 0xcb: number(libraryDouble(big32(p), big32(p + 4))); break;
    case 0xcc: number(p[0]); break;
    case 0xcd: number(big16(p)); break;
    case 0xce: number(big32(p)); break;
    case 0xcf: number(libraryUint64(p)); break;
    case 0xd0: number(static_cast<int8_t>(p[0])); break;
    case 0xd1: number(static_cast<int16_t>(big16(p))); break;
    case 0xd2: number(static_cast<int32_t>(big32(p))); break;
    case 0xd3: {
      double u = libraryUint64(p);
      number(u < 0x1p63 ? u : u - 0x1p64);
      break;
    }
    case 0xd8: sized(Type::String, big16(p), 2); break;
    case 0xd9: sized(Type::String, big32(p), 4); break;
    case 0xda: sized(Type::Raw, big16(p), 2); break;
    case 0xdb: sized(Type::Raw, big32(p), 4); break;
    case 0xdc: sized(Type::Array, big16(p), 2); break;
    case 0xdd: sized(Type::Array, big32(p), 4); break;
    case 0xde: sized(Type::Map, big16(p), 2); break;
    case 0xdf: sized(Type::Map, big32(p), 4); break;
    default: item.type = Type::Undefined; break;  // 0xc1, 0xd4..0xd7
  }
  return item;
}

size_t skipBinaryPackValue(const uint8_t* data, size_t pos) {
  using Type = BinaryPackItem::Type;
  uint64_t pending = 1;
  while (pending > 0) {
    --pending;
    BinaryPackItem item = readBinaryPackItem(data, pos);
    switch (item.type) {
      case Type::Raw:
      case Type::String: pos = item.body + item.length; break;
      case Type::Array: pos = item.body; pending += item.length; break;
      case Type::Map: pos = item.body; pending += 2 * uint64_t{item.length}; break;
      default: pos += scalarSize(data[pos]); break;
    }
  }
  return pos;
}

}  // namespace wg::datachannel
