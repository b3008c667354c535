#include "DtlsDatagramBio.hpp"

namespace wg::dtls {

namespace {
int bioWrite(BIO* bio, const char* data, int size) {
  auto* writer = static_cast<DatagramWriter*>(BIO_get_data(bio));
  if (writer == nullptr || size < 0) return -1;
  writer->writeDatagram(reinterpret_cast<const uint8_t*>(data), static_cast<size_t>(size));
  return size;
}

long bioCtrl(BIO*, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_WPENDING:
    case BIO_CTRL_PENDING:
      return 0;
    default:
      // MTU queries and socket options do not apply: the MTU is set explicitly.
      return 0;
  }
}

int bioCreate(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}
}  // namespace

BIO_METHOD* createDatagramWriteMethod() {
  BIO_METHOD* method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "webrtc-gateway datagram writer");
  if (method == nullptr) return nullptr;
  BIO_meth_set_write(method, bioWrite);
  BIO_meth_set_ctrl(method, bioCtrl);
  BIO_meth_set_create(method, bioCreate);
  return method;
}

BIO* newDatagramWriteBio(BIO_METHOD* method, DatagramWriter* writer) {
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, writer);
  return bio;
}

}  // namespace wg::dtls
