#include "TransportSocket.hpp"

#include "DrainSocket.hpp"
#include "TransportHost.hpp"

namespace wg::io {

void TransportSocket::onReadable() {
  RecvBatch& batch = host_.context().recvBatch;
  drainSocket(socket_.fd(), batch, [&](size_t i) {
    if (!batch.truncated(i)) host_.handleDatagram(index_, batch.source(i), batch.data(i), batch.size(i));
  });
  host_.reschedule();
}

}  // namespace wg::io
