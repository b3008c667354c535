// libFuzzer harness: RTP header parsing (RFC 3550, RFC 8285) and SRTP unprotection of arbitrary
// input with both suites (RFC 3711, RFC 7714): nothing may read or write out of bounds.
#include "../core/rtp/RtpHeader.hpp"
#include "../core/srtp/SrtpSession.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace {
std::unique_ptr<wg::srtp::SrtpSession> inbound(wg::srtp::Profile profile) {
  uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  uint8_t salt[14] = {20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33};
  return wg::srtp::SrtpSession::create(profile, key, salt, wg::srtp::SrtpSession::Direction::Inbound);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (auto h = wg::rtp::RtpHeader::parse(data, size)) (void)h->payloadLength(size);
  (void)wg::rtp::RtpHeader::parse(data, size, false);
  static auto gcm = inbound(wg::srtp::Profile::AeadAes128Gcm);
  static auto cm = inbound(wg::srtp::Profile::Aes128CmHmacSha1_80);
  std::vector<uint8_t> copy(data, data + size);
  (void)gcm->unprotectRtp(copy.data(), copy.size());
  copy.assign(data, data + size);
  (void)cm->unprotectRtp(copy.data(), copy.size());
  // Protection of what parses must stay within the capacity it is given.
  static const uint8_t key[16] = {3};
  static const uint8_t salt[14] = {4};
  static auto out = wg::srtp::SrtpSession::create(wg::srtp::Profile::Aes128CmHmacSha1_80, key, salt,
                                                  wg::srtp::SrtpSession::Direction::Outbound);
  if (size >= 30) {
    std::vector<uint8_t> room(size + 16);
    std::memcpy(room.data(), data, size);
    (void)out->protectRtp(room.data(), size, room.size());
  }
  return 0;
}
