#pragma once

#include "../stun/StunMessage.hpp"
#include "../stun/StunMessageBuilder.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wg::turn {

// Which hash turns username, realm and password into the long-term key (RFC 8489 section 18.5).
enum class PasswordAlgorithm : uint8_t { Md5, Sha256 };

// The long-term key (RFC 8489 section 9.2.2): MD5 or SHA-256 of username ":" realm ":" password.
// The strings are used as given: the caller's password is assumed already in OpaqueString form.
// Returns the key size (16 or 32) written to `out`, 0 on a crypto failure.
size_t longTermKey(PasswordAlgorithm algorithm, std::string_view username, std::string_view realm,
                   std::string_view password, uint8_t out[32]);

// The long-term credential mechanism of a STUN client (RFC 8489 section 9.2): what the server's
// 401/438 challenges taught us (realm, nonce, password algorithms), the key derived from them,
// the attributes an authenticated request carries, and the check of a response's integrity.
class TurnCredentials {
public:
  TurnCredentials(std::string username, std::string password)
      : username_(std::move(username)), password_(std::move(password)) {}

  // Takes REALM, NONCE and PASSWORD-ALGORITHMS from a 401 or 438 answer. False if the
  // challenge cannot be answered (no realm or nonce, a nonce cookie asking for password
  // algorithms without offering any, or none we support): the request must not be retried.
  bool learnChallenge(const stun::StunMessage& challenge);
  bool ready() const { return keySize_ > 0; }
  PasswordAlgorithm algorithm() const { return algorithm_; }
  const std::string& username() const { return username_; }
  const std::string& realm() const { return realm_; }
  const std::string& nonce() const { return nonce_; }

  // USERNAME, REALM, NONCE and, when the server offered them, PASSWORD-ALGORITHMS and
  // PASSWORD-ALGORITHM (RFC 8489 section 9.2.3.2). Request-specific attributes follow, then sign().
  void addAttributes(stun::StunMessageBuilder& b) const;
  // MESSAGE-INTEGRITY-SHA256 when SHA-256 was chosen from the server's PASSWORD-ALGORITHMS
  // (RFC 8489 section 9.2.3.2), else MESSAGE-INTEGRITY.
  void sign(stun::StunMessageBuilder& b) const;
  // A response carrying MESSAGE-INTEGRITY(-SHA256) that verifies with our key.
  bool verify(const stun::StunMessage& response) const;

private:
  std::string username_;
  std::string password_;
  std::string realm_;
  std::string nonce_;
  // The PASSWORD-ALGORITHMS value as the server sent it, echoed back unchanged (section 14.11).
  std::string offeredAlgorithms_;
  PasswordAlgorithm algorithm_ = PasswordAlgorithm::Md5;
  std::array<uint8_t, 32> key_{};
  size_t keySize_ = 0;
};

}  // namespace wg::turn
