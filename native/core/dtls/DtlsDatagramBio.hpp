#pragma once

#include <openssl/bio.h>

#include <cstddef>
#include <cstdint>

namespace wg::dtls {

// Receives what OpenSSL writes through the BIO: one call per datagram.
class DatagramWriter {
public:
  virtual ~DatagramWriter() = default;
  virtual void writeDatagram(const uint8_t* data, size_t size) = 0;
};

// A write-only memory BIO that keeps datagram boundaries: OpenSSL sizes each record write to
// the MTU, and every write becomes exactly one datagram. (BIO_s_mem would join them.)
BIO_METHOD* createDatagramWriteMethod();
BIO* newDatagramWriteBio(BIO_METHOD* method, DatagramWriter* writer);

}  // namespace wg::dtls
