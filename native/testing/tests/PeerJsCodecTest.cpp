// PeerJS serializations (native/core/datachannel): exact bytes as peerjs-js-binarypack packs them
// (worked out by hand from its pack()), the bounds of ChunkReassembler.ts and the drops of DATA.md.
#include "../../core/datachannel/BinaryPackFraming.hpp"
#include "../../core/datachannel/PeerJsCodec.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using namespace wg::datachannel;
using Bytes = std::vector<uint8_t>;
using Kind = DecodedMessage::Kind;

namespace {

Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes spanBytes(const MessageSpan& m) { return Bytes(m.data, m.data + m.size); }
Bytes decodedBytes(const DecodedMessage& m) { return Bytes(m.data, m.data + m.size); }

// A BinaryPack string of ASCII text, as pack() writes short keys.
Bytes str(std::string_view s) {
  Bytes out;
  appendStringHeader(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}
Bytes raw(const Bytes& body) {
  Bytes out;
  appendRawHeader(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}
// pack({__peerData: id, n, data, total}) for small numbers.
Bytes chunkMessage(uint8_t id, uint8_t n, const Bytes& data, uint8_t total) {
  return cat({{0x84}, str("__peerData"), {id}, str("n"), {n}, str("data"), raw(data), str("total"), {total}});
}
Bytes closeMessage() { return cat({{0x81}, str("__peerData"), {0x81}, str("type"), str("close")}); }

DecodedMessage decodeBinary(PeerJsCodec& codec, const Bytes& message) { return codec.decode(true, message.data(), message.size()); }

}  // namespace

TEST_SUITE("PeerJsCodec") {
  TEST_CASE("names: drop reasons as DropReason.ts spells them, serializations by their SkyWay names") {
    const char* expected[kDropReasonCount] = {"channel_not_open", "buffer_full", "too_large", "invalid_json", "invalid_utf8",
                                              "malformed", "incomplete", "no_redirect", "send_failed"};
    for (size_t k = 0; k < kDropReasonCount; ++k) CHECK(std::string(dropReasonName(static_cast<DropReason>(k))) == expected[k]);
    CHECK(serializationFromName("NONE") == Serialization::None);
    CHECK(serializationFromName("JSON") == Serialization::Json);
    CHECK(serializationFromName("BINARY") == Serialization::Binary);
    CHECK(serializationFromName("BINARY_UTF8") == Serialization::BinaryUtf8);
    CHECK_FALSE(serializationFromName("binary").has_value());
    CHECK_FALSE(serializationFromName("").has_value());
  }

  TEST_CASE("NONE: a datagram is one message with its bytes (no copy); any message is a datagram up to 65507 bytes") {
    PeerJsCodec codec(Serialization::None);
    Bytes datagram = {0, 0xff, 0x10};
    std::vector<MessageSpan> out;
    CHECK_FALSE(codec.encode(datagram.data(), datagram.size(), out).has_value());
    REQUIRE(out.size() == 1);
    CHECK(out[0].data == datagram.data());
    CHECK(out[0].size == 3);
    Bytes text = bytes("tëxt");
    DecodedMessage m = codec.decode(false, text.data(), text.size());
    CHECK(m.kind == Kind::Datagram);
    CHECK(m.data == text.data());
    Bytes big(65508, 1);
    CHECK(codec.decode(true, big.data(), 65507).kind == Kind::Datagram);
    m = codec.decode(true, big.data(), big.size());
    CHECK(m.kind == Kind::Drop);
    CHECK(m.reason == DropReason::TooLarge);
    CHECK(codec.decode(true, nullptr, 0).kind == Kind::Datagram);
  }

  TEST_CASE("JSON encode: one JSON text in UTF-8 is sent unchanged; anything else is dropped with its reason") {
    PeerJsCodec codec(Serialization::Json);
    std::vector<MessageSpan> out;
    for (std::string_view text : {"{\"temp\":21.5,\"unit\":\"°C\"}", "\"hi\"", "42", "-0.5e+10", "[1,[2,{}],[]]", "null",
                                  " true ", "\t{ \"a\" : [ ] }\r\n", "\"\\u00e9\\ud800\\/\"", "\xEF\xBB\xBF{}"}) {
      Bytes b = bytes(text);
      CHECK_MESSAGE(!codec.encode(b.data(), b.size(), out).has_value(), text);
      REQUIRE(out.size() == 1);
      CHECK(out[0].data == b.data());
    }
    for (std::string_view text : {"", "hello", "{\"unclosed\":", "[1,]", "{\"a\":1,}", "01", "1.", "-", "1e", "'x'", "\"a\" \"b\"",
                                  "{a:1}", "\"tab\there\"", "\"\\x\"", "\"\\u12g4\"", "nul", "[1 2]", "{\"a\" 1}", "\xEF\xBB\xBF",
                                  "\xEF\xBB\xBF\xEF\xBB\xBF" "1", "\v1", "[", "]"}) {
      Bytes b = bytes(text);
      auto reason = codec.encode(b.data(), b.size(), out);
      CHECK_MESSAGE(reason == DropReason::InvalidJson, text);
      CHECK(out.empty());
    }
    for (Bytes b : {Bytes{0x22, 0xff, 0x22}, Bytes{0x22, 0xC0, 0xAF, 0x22}, Bytes{0x22, 0xED, 0xA0, 0x80, 0x22},
                    Bytes{0x22, 0xF4, 0x90, 0x80, 0x80, 0x22}, Bytes{0x22, 0xE2, 0x82, 0x22}}) {
      CHECK(codec.encode(b.data(), b.size(), out) == DropReason::InvalidUtf8);
    }
  }

  TEST_CASE("JSON: nesting is bounded only by the text (no recursion), as JSON.parse") {
    PeerJsCodec codec(Serialization::Json);
    std::vector<MessageSpan> out;
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    Bytes b = bytes(deep);
    CHECK_FALSE(codec.encode(b.data(), b.size(), out).has_value());
    b.pop_back();
    CHECK(codec.encode(b.data(), b.size(), out) == DropReason::InvalidJson);
  }

  TEST_CASE("JSON decode: the PeerJS close object in any layout is Close; other texts are datagrams with their bytes") {
    PeerJsCodec codec(Serialization::Json);
    for (std::string_view text : {"{\"__peerData\":{\"type\":\"close\"}}", " { \"x\" : 1 , \"__peerData\" : { \"a\":[{}], \"type\" : \"close\" } } ",
                                  "{\"__peer\\u0044ata\":{\"type\":\"\\u0063lose\"}}", "{\"__peerData\":1,\"__peerData\":{\"type\":\"close\"}}",
                                  "{\"__peerData\":{\"type\":\"open\",\"type\":\"close\"}}"}) {
      Bytes b = bytes(text);
      CHECK_MESSAGE(codec.decode(true, b.data(), b.size()).kind == Kind::Close, text);
    }
    for (std::string_view text : {"{\"__peerData\":{\"type\":\"closed\"}}", "{\"__peerData\":{\"type\":\"close\"},\"__peerData\":null}",
                                  "{\"__peerData\":{\"type\":\"close\",\"type\":1}}", "[{\"__peerData\":{\"type\":\"close\"}}]",
                                  "{\"a\":{\"__peerData\":{\"type\":\"close\"}}}", "{\"__peerData\":[{\"type\":\"close\"}]}",
                                  "{\"__peerData\":{\"x\":{\"type\":\"close\"}}}", "\"close\""}) {
      Bytes b = bytes(text);
      DecodedMessage m = codec.decode(false, b.data(), b.size());
      CHECK_MESSAGE(m.kind == Kind::Datagram, text);
      CHECK(decodedBytes(m) == b);
    }
    Bytes bad = bytes("not json");
    CHECK(codec.decode(true, bad.data(), bad.size()).reason == DropReason::InvalidJson);
    Bytes notUtf8 = {0xff, 0xfe};
    CHECK(codec.decode(true, notUtf8.data(), notUtf8.size()).reason == DropReason::InvalidUtf8);
    std::string big = "\"" + std::string(65506, 'x') + "\"";
    Bytes tooLarge = bytes(big);
    CHECK(codec.decode(true, tooLarge.data(), tooLarge.size()).reason == DropReason::TooLarge);
  }

  TEST_CASE("BINARY encode: BinaryPack raw bytes with the library's headers; above 16300 packed bytes, PeerJS chunks") {
    PeerJsCodec codec(Serialization::Binary);
    std::vector<MessageSpan> out;
    Bytes small = {1, 2, 3};
    REQUIRE_FALSE(codec.encode(small.data(), small.size(), out).has_value());
    REQUIRE(out.size() == 1);
    CHECK(spanBytes(out[0]) == Bytes{0xa3, 1, 2, 3});
    Bytes sixteen(16, 7);
    codec.encode(sixteen.data(), sixteen.size(), out);
    CHECK(spanBytes(out[0]) == cat({{0xda, 0x00, 0x10}, sixteen}));
    codec.encode(nullptr, 0, out);
    CHECK(spanBytes(out[0]) == Bytes{0xa0});
    Bytes fits(16297, 9);  // 3 header bytes: exactly 16300
    codec.encode(fits.data(), fits.size(), out);
    CHECK(out.size() == 1);

    Bytes big(70000);
    for (size_t k = 0; k < big.size(); ++k) big[k] = static_cast<uint8_t>(k * 7);
    codec.encode(big.data(), big.size(), out);
    Bytes packed = cat({{0xdb, 0x00, 0x01, 0x11, 0x70}, big});
    REQUIRE(out.size() == 5);
    for (uint8_t n = 0; n < 5; ++n) {
      Bytes part(packed.begin() + n * 16300, packed.begin() + std::min<size_t>(packed.size(), (n + 1) * 16300));
      CHECK(spanBytes(out[n]) == chunkMessage(1, n, part, 5));
    }
    Bytes justOver(16298, 1);
    codec.encode(justOver.data(), justOver.size(), out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].data[12] == 2);  // the next chunked message has id 2
    CHECK(spanBytes(out[1]) == chunkMessage(2, 1, Bytes{1}, 2));
  }

  TEST_CASE("chunk ids and counts use the library's integer encodings") {
    Bytes out;
    for (uint64_t v : {0ull, 127ull, 128ull, 255ull, 256ull, 65535ull, 65536ull, 4294967295ull, 4294967296ull}) appendInteger(out, v);
    CHECK(out == Bytes{0x00, 0x7f, 0xcc, 0x80, 0xcc, 0xff, 0xcd, 0x01, 0x00, 0xcd, 0xff, 0xff, 0xce, 0x00, 0x01, 0x00, 0x00,
                       0xce, 0xff, 0xff, 0xff, 0xff, 0xd3, 0, 0, 0, 1, 0, 0, 0, 0});
  }

  TEST_CASE("BINARY_UTF8 encode: a BinaryPack string; datagrams that are not UTF-8 are dropped") {
    PeerJsCodec codec(Serialization::BinaryUtf8);
    std::vector<MessageSpan> out;
    Bytes text = bytes("grüße");
    REQUIRE_FALSE(codec.encode(text.data(), text.size(), out).has_value());
    CHECK(spanBytes(out[0]) == cat({{0xb7}, text}));
    Bytes bad = {0xc3, 0x28};
    CHECK(codec.encode(bad.data(), bad.size(), out) == DropReason::InvalidUtf8);
    CHECK(out.empty());
    Bytes long_(20000, 'a');
    codec.encode(long_.data(), long_.size(), out);
    CHECK(out.size() == 2);
    CHECK(out[0].data[0] == 0x84);
  }

  TEST_CASE("BINARY decode: bytes and strings become datagrams; other values go to JavaScript whole") {
    PeerJsCodec codec(Serialization::Binary);
    Bytes packedBytes = {0xa3, 9, 8, 7};
    DecodedMessage m = decodeBinary(codec, packedBytes);
    CHECK(m.kind == Kind::Datagram);
    CHECK(m.data == packedBytes.data() + 1);  // no copy
    CHECK(decodedBytes(m) == Bytes{9, 8, 7});
    Bytes packedText = cat({{0xd8, 0x00, 0x05}, bytes("héll")});
    CHECK(decodedBytes(decodeBinary(codec, packedText)) == bytes("héll"));
    // Not UTF-8: the library's decoder reads its own code points; Node writes them back.
    CHECK(decodedBytes(decodeBinary(codec, Bytes{0xb2, 0xc0, 0xaf})) == bytes("/"));
    CHECK(decodedBytes(decodeBinary(codec, Bytes{0xb6, 0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80})) == Bytes{0xf0, 0x90, 0x80, 0x80});
    CHECK(decodedBytes(decodeBinary(codec, Bytes{0xb3, 0xed, 0xa0, 0x80})) == Bytes{0xef, 0xbf, 0xbd});
    CHECK(decodedBytes(decodeBinary(codec, Bytes{0xb1, 0x85})) == Bytes{0xc2, 0x85});
    CHECK(decodeBinary(codec, Bytes{0xb4, 0xf7, 0xbf, 0xbf, 0xbf}).reason == DropReason::Malformed);  // above U+10FFFF
    Bytes text = bytes("as text");
    CHECK(decodedBytes(codec.decode(false, text.data(), text.size())) == text);
    for (Bytes value : {Bytes{0x2a}, Bytes{0xc0}, Bytes{0xc1}, Bytes{0xc2}, Bytes{0x92, 0x01, 0xa0}, cat({{0x81}, str("a"), {1}}),
                        cat({{0x81}, str("__peerData"), {0xc1}}), cat({{0x81}, str("__proto__"), {0x81}, str("__peerData"), {1}}),
                        cat({{0x81, 0x81, 0xa0, 0xc0}, {1}})}) {
      m = decodeBinary(codec, value);
      CHECK(m.kind == Kind::ToJs);
      CHECK(m.data == value.data());
      CHECK(m.size == value.size());
    }
    Bytes deep(1200, 0x91);
    deep.push_back(0xc0);
    CHECK(decodeBinary(codec, cat({{0x82}, str("__peerData"), {0x81}, str("type"), str("close"), str("x"), deep})).kind == Kind::ToJs);
  }

  TEST_CASE("BINARY decode: the close map, malformed values and too large ones") {
    PeerJsCodec codec(Serialization::Binary);
    CHECK(decodeBinary(codec, closeMessage()).kind == Kind::Close);
    // Other keys, "__peerData" named through a one-element array key, the last key winning.
    CHECK(decodeBinary(codec, cat({{0x82}, str("x"), {0x90}, {0x91}, str("__peerData"), {0x82}, str("type"), {1}, str("type"), str("close")})).kind ==
          Kind::Close);
    CHECK(decodeBinary(codec, cat({{0x82}, str("__peerData"), {0x81}, str("type"), str("close"), str("__peerData"), {0xc0}})).reason ==
          DropReason::Malformed);
    for (Bytes bad : {Bytes{}, Bytes{0xc7}, Bytes{0xdd, 0xff, 0xff, 0xff, 0xff}, Bytes{0x92, 0x01}, Bytes{0xd9, 0, 0, 0, 2, 'a'},
                      cat({{0x81}, str("__peerData"), str("x")}), cat({{0x81}, str("__peerData"), {0x81}, str("type"), str("open")}),
                      chunkMessage(5, 3, {1}, 2), cat({{0x84}, str("__peerData"), {5}, str("n"), {0}, str("data"), str("no"), str("total"), {2}}),
                      cat({{0x84}, str("__peerData"), {5}, str("n"), {0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0}, str("data"), raw({1}), str("total"), {2}})}) {
      CHECK(decodeBinary(codec, bad).reason == DropReason::Malformed);
    }
    Bytes big = cat({{0xdb, 0x00, 0x00, 0xff, 0xe4}, Bytes(65508, 0)});
    CHECK(decodeBinary(codec, big).reason == DropReason::TooLarge);
    Bytes fits = cat({{0xdb, 0x00, 0x00, 0xff, 0xe3}, Bytes(65507, 0)});
    DecodedMessage m = decodeBinary(codec, fits);
    CHECK(m.kind == Kind::Datagram);
    CHECK(m.size == 65507);
  }

  TEST_CASE("BINARY decode: chunks reassemble in any order and interleaved; the whole is decoded again") {
    PeerJsCodec codec(Serialization::Binary);
    Bytes value = cat({{0xda, 0x00, 0x20}, Bytes(32, 0x5a)});  // 35 packed bytes in 3 chunks
    Bytes a0(value.begin(), value.begin() + 12), a1(value.begin() + 12, value.begin() + 24), a2(value.begin() + 24, value.end());
    Bytes text = str("hello");
    CHECK(decodeBinary(codec, chunkMessage(1, 2, a2, 3)).kind == Kind::Partial);
    CHECK(decodeBinary(codec, chunkMessage(2, 1, Bytes(text.begin() + 3, text.end()), 2)).kind == Kind::Partial);
    CHECK(decodeBinary(codec, chunkMessage(1, 0, a0, 3)).kind == Kind::Partial);
    CHECK(decodeBinary(codec, chunkMessage(1, 0, a0, 3)).kind == Kind::Partial);  // a repeat changes nothing
    DecodedMessage m = decodeBinary(codec, chunkMessage(2, 0, Bytes(text.begin(), text.begin() + 3), 2));
    CHECK(m.kind == Kind::Datagram);
    CHECK(decodedBytes(m) == bytes("hello"));
    m = decodeBinary(codec, chunkMessage(1, 1, a1, 3));
    CHECK(decodedBytes(m) == Bytes(32, 0x5a));
    // The whole is a map: JavaScript gets it reassembled.
    Bytes map = cat({{0x81}, str("k"), {7}});
    m = decodeBinary(codec, chunkMessage(3, 0, map, 1));
    CHECK(m.kind == Kind::ToJs);
    CHECK(decodedBytes(m) == map);
    // A chunk or the close map inside a chunk is not something PeerJS makes.
    CHECK(decodeBinary(codec, chunkMessage(4, 0, chunkMessage(9, 0, {0xa0}, 1), 1)).reason == DropReason::Malformed);
    CHECK(decodeBinary(codec, chunkMessage(5, 0, closeMessage(), 1)).reason == DropReason::Malformed);
    CHECK(decodeBinary(codec, chunkMessage(6, 0, {0xc7}, 1)).reason == DropReason::Malformed);
    // A chunk whose total disagrees with its message's drops that message.
    CHECK(decodeBinary(codec, chunkMessage(7, 0, {1}, 2)).kind == Kind::Partial);
    CHECK(decodeBinary(codec, chunkMessage(7, 1, {1}, 3)).reason == DropReason::Malformed);
    CHECK(decodeBinary(codec, chunkMessage(7, 1, {0xa0}, 2)).kind == Kind::Partial);  // a new message 7
  }

  TEST_CASE("BINARY decode: eight messages in progress at most; a ninth evicts the oldest, which is counted") {
    PeerJsCodec codec(Serialization::Binary);
    for (uint8_t id = 100; id < 108; ++id) {
      DecodedMessage m = decodeBinary(codec, chunkMessage(id, 0, Bytes{0xa4, 1, 2}, 2));
      CHECK(m.kind == Kind::Partial);
      CHECK(m.evicted == 0);
    }
    DecodedMessage m = decodeBinary(codec, chunkMessage(108, 0, Bytes{0xa4, 1, 2}, 2));
    CHECK(m.kind == Kind::Partial);
    CHECK(m.evicted == 1);
    // 100 was the oldest: its second chunk starts a new message (evicting 101); 102 still completes.
    CHECK(decodeBinary(codec, chunkMessage(100, 1, Bytes{3, 4}, 2)).evicted == 1);
    m = decodeBinary(codec, chunkMessage(102, 1, Bytes{3, 4}, 2));
    CHECK(m.kind == Kind::Datagram);
    CHECK(decodedBytes(m) == Bytes{1, 2, 3, 4});
    CHECK(decodeBinary(codec, chunkMessage(101, 1, Bytes{3, 4}, 2)).kind == Kind::Partial);  // 101 is gone
  }

  TEST_CASE("BINARY decode: a message over 64 chunks or 131014 bytes is refused once, its later chunks ignored") {
    PeerJsCodec codec(Serialization::Binary);
    CHECK(decodeBinary(codec, chunkMessage(1, 0, {1}, 65)).reason == DropReason::TooLarge);
    CHECK(decodeBinary(codec, chunkMessage(1, 1, {1}, 65)).kind == Kind::Partial);
    Bytes part(16300, 0);
    int drops = 0;
    for (uint8_t n = 0; n < 10; ++n) {
      Bytes message = cat({{0x84}, str("__peerData"), {2}, str("n"), {n}, str("data"), raw(part), str("total"), {10}});
      DecodedMessage m = decodeBinary(codec, message);
      if (m.kind == Kind::Drop) {
        CHECK(m.reason == DropReason::TooLarge);
        CHECK(n == 8);  // 9 * 16300 > 131014
        ++drops;
      } else {
        CHECK(m.kind == Kind::Partial);
      }
    }
    CHECK(drops == 1);
  }
}
