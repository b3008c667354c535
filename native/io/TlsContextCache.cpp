#include "TlsContextCache.hpp"

namespace wg::io {

std::shared_ptr<tls::TlsClientContext> TlsContextCache::get(const tls::TlsVerifyConfig& config, std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, context] : contexts_) {
    if (key == config) return context;
  }
  auto context = tls::TlsClientContext::create(config, error);
  if (context && contexts_.size() < kMaxContexts) contexts_.emplace_back(config, context);
  return context;
}

size_t TlsContextCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return contexts_.size();
}

}  // namespace wg::io
