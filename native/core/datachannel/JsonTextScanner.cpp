#include "JsonTextScanner.hpp"

#include <string_view>

namespace wg::datachannel {

namespace {

bool isWhitespace(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isDigit(uint8_t c) { return c >= '0' && c <= '9'; }

int hexValue(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A string token starting at text[i] == '"' (RFC 8259 section 7). On success `i` is past the closing
// quote and `equals` says whether its value (escapes resolved) is `target`.
bool scanString(const uint8_t* text, size_t size, size_t& i, std::string_view target, bool& equals) {
  ++i;
  size_t matched = 0;
  bool same = true;
  auto unit = [&](uint32_t u) {
    if (same && matched < target.size() && u == static_cast<uint8_t>(target[matched])) ++matched;
    else same = false;
  };
  while (i < size) {
    uint8_t c = text[i];
    if (c == '"') {
      ++i;
      equals = same && matched == target.size();
      return true;
    }
    if (c < 0x20) return false;  // control characters must be escaped
    if (c != '\\') {
      unit(c);
      ++i;
      continue;
    }
    if (++i >= size) return false;
    uint8_t e = text[i++];
    switch (e) {
      case '"': case '\\': case '/': unit(e); break;
      case 'b': unit('\b'); break;
      case 'f': unit('\f'); break;
      case 'n': unit('\n'); break;
      case 'r': unit('\r'); break;
      case 't': unit('\t'); break;
      case 'u': {
        if (size - i < 4) return false;
        uint32_t u = 0;
        for (int k = 0; k < 4; ++k) {
          int h = hexValue(text[i + k]);
          if (h < 0) return false;
          u = (u << 4) | static_cast<uint32_t>(h);
        }
        i += 4;
        unit(u);
        break;
      }
      default: return false;
    }
  }
  return false;
}

// A number token (RFC 8259 section 6): -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool scanNumber(const uint8_t* text, size_t size, size_t& i) {
  if (text[i] == '-') ++i;
  if (i >= size) return false;
  if (text[i] == '0') ++i;
  else if (isDigit(text[i])) while (i < size && isDigit(text[i])) ++i;
  else return false;
  if (i < size && text[i] == '.') {
    if (++i >= size || !isDigit(text[i])) return false;
    while (i < size && isDigit(text[i])) ++i;
  }
  if (i < size && (text[i] == 'e' || text[i] == 'E')) {
    if (++i < size && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= size || !isDigit(text[i])) return false;
    while (i < size && isDigit(text[i])) ++i;
  }
  return true;
}

bool scanLiteral(const uint8_t* text, size_t size, size_t& i, std::string_view word) {
  if (size - i < word.size() || std::string_view(reinterpret_cast<const char*>(text + i), word.size()) != word) return false;
  i += word.size();
  return true;
}

}  // namespace

JsonScan JsonTextScanner::scan(const uint8_t* text, size_t size) {
  JsonScan result;
  open_.clear();
  size_t i = 0;
  // TextDecoder drops one leading byte order mark before JSON.parse sees the text.
  if (size >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF) i = 3;

  // The close object, tracked as the scan goes (the last "__peerData" and the last "type" win).
  bool keyIsPeerData = false;      // the current depth-1 key is "__peerData"
  bool inPeerDataObject = false;   // inside the object that is that key's value
  bool keyIsType = false;          // the current depth-2 key (in that object) is "type"
  bool typeIsClose = false;
  bool close = false;

  enum class Expect { Value, KeyOrEnd, Key, Colon, CommaOrEnd };
  Expect expect = Expect::Value;
  bool done = false;  // the top-level value is complete
  while (true) {
    while (i < size && isWhitespace(text[i])) ++i;
    if (done) break;
    if (i >= size) return result;
    uint8_t c = text[i];
    size_t depth = open_.size();
    bool valueEnded = false;
    switch (expect) {
      case Expect::Value: {
        // A value at depth 1 under "__peerData", or at depth 2 under that object's "type".
        bool peerDataValue = depth == 1 && open_[0] == '{' && keyIsPeerData;
        bool typeValue = depth == 2 && inPeerDataObject && keyIsType;
        if (peerDataValue) close = false;
        if (typeValue) typeIsClose = false;
        if (c == '{' || c == '[') {
          if (peerDataValue && c == '{') {
            inPeerDataObject = true;
            typeIsClose = false;
          }
          open_.push_back(c);
          ++i;
          expect = c == '{' ? Expect::KeyOrEnd : Expect::Value;
          if (c == '[') {
            // An empty array ends at once.
            while (i < size && isWhitespace(text[i])) ++i;
            if (i < size && text[i] == ']') {
              ++i;
              open_.pop_back();
              valueEnded = true;
            }
          }
          break;
        }
        if (c == '"') {
          bool equals = false;
          if (!scanString(text, size, i, "close", equals)) return result;
          if (typeValue) typeIsClose = equals;
        } else if (c == '-' || isDigit(c)) {
          if (!scanNumber(text, size, i)) return result;
        } else if (!scanLiteral(text, size, i, c == 't' ? "true" : c == 'f' ? "false" : "null")) {
          return result;
        }
        valueEnded = true;
        break;
      }
      case Expect::KeyOrEnd:
      case Expect::Key: {
        if (c == '}' && expect == Expect::KeyOrEnd) {
          ++i;
          open_.pop_back();
          valueEnded = true;
          break;
        }
        if (c != '"') return result;
        bool equals = false;
        std::string_view target = depth == 1 ? "__peerData" : "type";
        if (!scanString(text, size, i, target, equals)) return result;
        if (depth == 1) keyIsPeerData = equals;
        else if (depth == 2) keyIsType = equals;
        expect = Expect::Colon;
        break;
      }
      case Expect::Colon:
        if (c != ':') return result;
        ++i;
        expect = Expect::Value;
        break;
      case Expect::CommaOrEnd: {
        uint8_t top = open_.back();
        if (c == ',') {
          ++i;
          expect = top == '{' ? Expect::Key : Expect::Value;
        } else if (c == (top == '{' ? '}' : ']')) {
          ++i;
          open_.pop_back();
          valueEnded = true;
        } else {
          return result;
        }
        break;
      }
    }
    if (!valueEnded) continue;
    // A value just ended at the depth open_ now has.
    if (open_.size() == 1 && inPeerDataObject && open_[0] == '{') {
      // The "__peerData" object closed: it is the close object if its last "type" said so.
      inPeerDataObject = false;
      close = typeIsClose;
    }
    if (open_.empty()) done = true;
    else expect = Expect::CommaOrEnd;
  }
  if (i != size) return result;
  result.valid = true;
  result.peerJsClose = close;  // only ever set inside a top-level object
  return result;
}

}  // namespace wg::datachannel
