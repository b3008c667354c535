#pragma once

#include <openssl/ssl.h>

#include <string>

namespace wg::tls {

// Where OpenSSL looks for trusted CAs when asked for its defaults, as the OpenSSL inside this
// process was built: the addon runs on Node's OpenSSL, whose OPENSSLDIR is Node's choice
// ("/etc/ssl" in Node's own builds), not the distribution's. SSL_CERT_FILE / SSL_CERT_DIR
// override both.
struct DefaultTrustPaths {
  std::string certFile;
  std::string certDir;
  std::string certFileEnv;  // the variable's name, "SSL_CERT_FILE"
  std::string certDirEnv;
};
DefaultTrustPaths defaultTrustPaths();

// Loads the machine's trusted CAs into `ctx` and returns where they came from, or "" if none was
// found. First OpenSSL's defaults (with the environment overrides), used when the default file
// exists or the default directory holds hashed certificate links (c_rehash, as Debian's
// update-ca-certificates makes in /etc/ssl/certs); else the distributions' bundle files
// (Debian/Ubuntu, RHEL/Fedora, openSUSE, Alpine), so a Node whose OPENSSLDIR does not match the
// machine's layout still finds them.
std::string loadSystemTrust(SSL_CTX* ctx);

}  // namespace wg::tls
