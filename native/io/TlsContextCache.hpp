#pragma once

#include "../core/tls/TlsClientContext.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace wg::io {

// The engine's TLS client contexts, one per verification policy (per CA file), shared by every
// transport's turns: streams: a trust store is loaded once, not per transport. Any thread.
class TlsContextCache {
public:
  // A bound on distinct policies kept; past it a context is made for the caller alone.
  static constexpr size_t kMaxContexts = 16;

  // nullptr with `error` set when the trust store or the CA file cannot be loaded.
  std::shared_ptr<tls::TlsClientContext> get(const tls::TlsVerifyConfig& config, std::string& error);
  size_t size() const;

private:
  mutable std::mutex mutex_;
  std::vector<std::pair<tls::TlsVerifyConfig, std::shared_ptr<tls::TlsClientContext>>> contexts_;
};

}  // namespace wg::io
