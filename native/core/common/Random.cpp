#include "Random.hpp"

#include <openssl/rand.h>
#include <sys/random.h>

#include <cstring>

namespace wg {

uint64_t Random::u64() {
  uint8_t b[8];
  fill(b, sizeof(b));
  uint64_t v;
  std::memcpy(&v, b, sizeof(v));
  return v;
}

uint64_t Random::below(uint64_t bound) {
  // Rejection sampling avoids the bias of a plain modulo.
  uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  for (;;) {
    uint64_t v = u64();
    if (v < limit) return v % bound;
  }
}

std::string Random::iceString(size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s(length, '\0');
  for (auto& c : s) c = kAlphabet[below(64)];
  return s;
}

void CryptoRandom::fill(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) == 1) return;
  // OpenSSL's DRBG failed to seed; ask the kernel directly rather than hand out zeros.
  while (size > 0) {
    ssize_t n = ::getrandom(out, size, 0);
    if (n <= 0) continue;
    out += n;
    size -= static_cast<size_t>(n);
  }
}

uint64_t SeededRandom::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void SeededRandom::fill(uint8_t* out, size_t size) {
  while (size > 0) {
    uint64_t v = next();
    size_t n = size < 8 ? size : 8;
    std::memcpy(out, &v, n);
    out += n;
    size -= n;
  }
}

}  // namespace wg
