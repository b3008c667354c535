#pragma once

#include <openssl/bio.h>

#include <cstddef>
#include <cstdint>

namespace wg::tls {

// Receives what OpenSSL writes to the network side of a TLS stream, as it writes it (whole
// records). Called from inside OpenSSL: an implementation hands the bytes on and must not call
// back into the TLS stream.
class CiphertextWriter {
public:
  virtual ~CiphertextWriter() = default;
  virtual void writeCiphertext(const uint8_t* data, size_t size) = 0;
};

// A write-only BIO that passes every write straight to its writer: no buffer in between, so
// nothing accumulates on the sending side (BIO_s_mem would keep it until drained).
BIO_METHOD* createTlsWriteMethod();
BIO* newTlsWriteBio(BIO_METHOD* method, CiphertextWriter* writer);

}  // namespace wg::tls
