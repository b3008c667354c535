// libFuzzer harness: compound RTCP walking (RFC 3550 section 6.1) and SRTCP unprotection.
#include "../core/rtcp/RtcpCompound.hpp"
#include "../core/srtp/SrtpSession.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wg::rtcp::RtcpCompound compound(data, size);
  (void)compound.valid();
  wg::rtcp::RtcpPacketView packet;
  size_t total = 0;
  while (compound.next(packet)) total += packet.size;
  (void)wg::rtcp::isRtcp(data, size);
  static const uint8_t key[16] = {9};
  static const uint8_t salt[14] = {7};
  static auto gcm = wg::srtp::SrtpSession::create(wg::srtp::Profile::AeadAes128Gcm, key, salt,
                                                  wg::srtp::SrtpSession::Direction::Inbound);
  static auto cm = wg::srtp::SrtpSession::create(wg::srtp::Profile::Aes128CmHmacSha1_80, key, salt,
                                                 wg::srtp::SrtpSession::Direction::Inbound);
  std::vector<uint8_t> copy(data, data + size);
  (void)gcm->unprotectRtcp(copy.data(), copy.size());
  copy.assign(data, data + size);
  (void)cm->unprotectRtcp(copy.data(), copy.size());
  return 0;
}
