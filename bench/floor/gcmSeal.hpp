// SRTP-style AES-128-GCM for the floor programs (RFC 7714): the 12-byte IV is the salt XOR
// (00 00 | SSRC | ROC | SEQ), the 12-byte RTP header is the AAD, the 16-byte tag follows the
// payload. One EVP context per direction keyed once; per packet only the IV changes, as in a
// real SRTP stack.
#pragma once

#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace floorbench {

constexpr size_t kRtpHeader = 12;
constexpr size_t kGcmTag = 16;

class GcmSealer {
public:
  GcmSealer() : ctx_(EVP_CIPHER_CTX_new()), openCtx_(EVP_CIPHER_CTX_new()) {
    uint8_t key[16];
    for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    for (int i = 0; i < 12; ++i) salt_[i] = static_cast<uint8_t>(i * 13 + 5);
    EVP_EncryptInit_ex(ctx_, EVP_aes_128_gcm(), nullptr, key, nullptr);
    EVP_DecryptInit_ex(openCtx_, EVP_aes_128_gcm(), nullptr, key, nullptr);
  }
  ~GcmSealer() {
    EVP_CIPHER_CTX_free(ctx_);
    EVP_CIPHER_CTX_free(openCtx_);
  }
  GcmSealer(const GcmSealer&) = delete;
  GcmSealer& operator=(const GcmSealer&) = delete;

  // Seals `packet` (an RTP packet of `size` bytes) in place; room for the tag must follow it.
  size_t seal(uint8_t* packet, size_t size) {
    uint8_t iv[12];
    ivFor(packet, iv);
    int len = 0;
    EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(ctx_, nullptr, &len, packet, kRtpHeader);
    EVP_EncryptUpdate(ctx_, packet + kRtpHeader, &len, packet + kRtpHeader, static_cast<int>(size - kRtpHeader));
    EVP_EncryptFinal_ex(ctx_, packet + size, &len);
    EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_GCM_GET_TAG, kGcmTag, packet + size);
    return size + kGcmTag;
  }

  // Opens a sealed packet in place; the RTP packet's length, or 0 when the tag does not match.
  size_t open(uint8_t* packet, size_t size) {
    if (size < kRtpHeader + kGcmTag) return 0;
    uint8_t iv[12];
    ivFor(packet, iv);
    size_t payload = size - kRtpHeader - kGcmTag;
    int len = 0;
    EVP_DecryptInit_ex(openCtx_, nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(openCtx_, nullptr, &len, packet, kRtpHeader);
    EVP_DecryptUpdate(openCtx_, packet + kRtpHeader, &len, packet + kRtpHeader, static_cast<int>(payload));
    EVP_CIPHER_CTX_ctrl(openCtx_, EVP_CTRL_GCM_SET_TAG, kGcmTag, packet + kRtpHeader + payload);
    return EVP_DecryptFinal_ex(openCtx_, packet + kRtpHeader + payload, &len) == 1 ? kRtpHeader + payload : 0;
  }

private:
  void ivFor(const uint8_t* packet, uint8_t iv[12]) const {
    std::memcpy(iv, salt_, 12);
    for (int i = 0; i < 4; ++i) iv[2 + i] ^= packet[8 + i];  // SSRC; ROC stays 0 here
    iv[10] ^= packet[2];
    iv[11] ^= packet[3];
  }

  EVP_CIPHER_CTX* ctx_;
  EVP_CIPHER_CTX* openCtx_;
  uint8_t salt_[12];
};

}  // namespace floorbench
