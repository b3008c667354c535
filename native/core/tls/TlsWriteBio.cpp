#include "TlsWriteBio.hpp"

namespace wg::tls {

namespace {
int bioWrite(BIO* bio, const char* data, int size) {
  auto* writer = static_cast<CiphertextWriter*>(BIO_get_data(bio));
  if (writer == nullptr || size < 0) return -1;
  writer->writeCiphertext(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(size));
  return size;
}

long bioCtrl(BIO*, int command, long, void*) {
  // Every write is taken whole at once: a flush has nothing left to do and nothing is pending.
  return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}
}  // namespace

BIO_METHOD* createTlsWriteMethod() {
  BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "webrtc-gateway TLS writer");
  if (method == nullptr) return nullptr;
  BIO_meth_set_write(method, bioWrite);
  BIO_meth_set_ctrl(method, bioCtrl);
  BIO_meth_set_create(method, bioCreate);
  return method;
}

BIO* newTlsWriteBio(BIO_METHOD* method, CiphertextWriter* writer) {
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, writer);
  return bio;
}

}  // namespace wg::tls
