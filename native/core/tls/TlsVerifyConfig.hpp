#pragma once

#include <string>

namespace wg::tls {

// How a TLS client judges the server's certificate chain.
enum class TlsVerifyMode {
  // The machine's trusted CAs (see TlsTrustStore), chain and host name checked.
  System,
  // Only the CAs in one PEM file (a private TURN deployment), chain and host name checked.
  CaFile,
  // Anything is accepted: for tests and labs only, never the default.
  None,
};

struct TlsVerifyConfig {
  TlsVerifyMode mode = TlsVerifyMode::System;
  std::string caFile;  // PEM, TlsVerifyMode::CaFile only

  bool operator==(const TlsVerifyConfig& other) const {
    return mode == other.mode && (mode != TlsVerifyMode::CaFile || caFile == other.caFile);
  }
};

const char* tlsVerifyModeName(TlsVerifyMode mode);  // "system", "ca-file", "none"

}  // namespace wg::tls
