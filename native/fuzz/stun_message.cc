// libFuzzer harness: STUN parsing (RFC 8489) and every accessor on what parses.
#include "../core/stun/StunMessage.hpp"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wg::stun::StunMessage::looksLikeStun(data, size);
  auto m = wg::stun::StunMessage::parse(data, size);
  if (!m) return 0;
  (void)m->username();
  (void)m->priority();
  (void)m->hasUseCandidate();
  (void)m->iceControlling();
  (void)m->iceControlled();
  (void)m->xorMappedAddress();
  (void)m->mappedAddress();
  if (auto e = m->errorCode()) (void)e->reason.size();
  (void)m->verifyMessageIntegrity("password");
  (void)m->verifyFingerprint();
  return 0;
}
