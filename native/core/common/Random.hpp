#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace wg {

// Where the sans-IO core gets randomness. Production uses CryptoRandom (OpenSSL's DRBG);
// tests use SeededRandom so a scenario plays out the same way every run.
class Random {
public:
  virtual ~Random() = default;
  virtual void fill(uint8_t* out, size_t size) = 0;

  uint64_t u64();
  uint32_t u32() { return static_cast<uint32_t>(u64()); }
  // Uniform in [0, bound); bound > 0.
  uint64_t below(uint64_t bound);
  // `length` characters from the ICE alphabet (RFC 8445 section 5.3: ALPHA / DIGIT / "+" / "/").
  std::string iceString(size_t length);
};

// OpenSSL RAND_bytes: for credentials, tie-breakers and transaction ids in production.
class CryptoRandom final : public Random {
public:
  void fill(uint8_t* out, size_t size) override;
};

// splitmix64: reproducible streams for deterministic tests.
class SeededRandom final : public Random {
public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void fill(uint8_t* out, size_t size) override;

private:
  uint64_t next();
  uint64_t state_;
};

}  // namespace wg
