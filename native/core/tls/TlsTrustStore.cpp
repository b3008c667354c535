#include "TlsTrustStore.hpp"

#include <openssl/x509.h>

#include <dirent.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace wg::tls {

namespace {
constexpr const char* kBundleFiles[] = {
    "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu, Alpine
    "/etc/pki/tls/certs/ca-bundle.crt",    // RHEL, Fedora
    "/etc/ssl/ca-bundle.pem",              // openSUSE
    "/etc/ssl/cert.pem",                   // Alpine, Node's own OPENSSLDIR
};

bool isFile(const std::string& path) {
  struct stat st{};
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// A name OpenSSL's directory lookup can find: eight hex digits of the subject hash, ".", a digit.
bool isHashLink(const char* name) {
  size_t length = std::strlen(name);
  if (length < 10 || name[8] != '.') return false;
  for (size_t i = 0; i < 8; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  for (size_t i = 9; i < length; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

// OpenSSL searches every directory of a ':'-separated list; one with a hashed link is enough.
bool hasHashedCertificates(const std::string& dirs) {
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (DIR* d = dir.empty() ? nullptr : ::opendir(dir.c_str())) {
      bool found = false;
      while (dirent* entry = ::readdir(d)) {
        if (isHashLink(entry->d_name)) {
          found = true;
          break;
        }
      }
      ::closedir(d);
      if (found) return true;
    }
    start = end + 1;
  }
  return false;
}

std::string fromEnv(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : fallback;
}
}  // namespace

DefaultTrustPaths defaultTrustPaths() {
  return {X509_get_default_cert_file(), X509_get_default_cert_dir(), X509_get_default_cert_file_env(),
          X509_get_default_cert_dir_env()};
}

std::string loadSystemTrust(SSL_CTX* ctx) {
  DefaultTrustPaths paths = defaultTrustPaths();
  std::string file = fromEnv(paths.certFileEnv.c_str(), paths.certFile.c_str());
  std::string dir = fromEnv(paths.certDirEnv.c_str(), paths.certDir.c_str());
  bool fileUsable = isFile(file);
  bool dirUsable = hasHashedCertificates(dir);
  if ((fileUsable || dirUsable) && SSL_CTX_set_default_verify_paths(ctx) == 1) {
    if (fileUsable && dirUsable) return file + " and " + dir;
    return fileUsable ? file : dir;
  }
  for (const char* bundle : kBundleFiles) {
    if (isFile(bundle) && SSL_CTX_load_verify_locations(ctx, bundle, nullptr) == 1) return bundle;
  }
  return "";
}

}  // namespace wg::tls
