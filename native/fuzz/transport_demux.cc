// libFuzzer harness: a datagram from the network into a WebRtcTransport (RFC 7983 demux, STUN
// into ICE, DTLS records into OpenSSL through our BIO glue). The first input byte picks the
// path: even feeds the transport, odd feeds a DTLS server directly as a record.
#include "../core/common/Random.hpp"
#include "../core/dtls/DtlsContext.hpp"
#include "../core/dtls/DtlsTransport.hpp"
#include "../core/transport/WebRtcTransport.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace {
class NullOutput : public wg::transport::WebRtcTransport::Output {
public:
  void sendDatagram(int, const wg::net::SocketAddress&, const uint8_t*, size_t) override {}
  void onTransportEvent(const wg::transport::TransportEvent&) override {}
  void onRtp(uint8_t*, size_t, const wg::rtp::RtpHeader&) override {}
  void onRtcp(uint8_t*, size_t) override {}
};

class NullDtlsListener : public wg::dtls::DtlsTransport::Listener {
public:
  void onDtlsSend(const uint8_t*, size_t) override {}
  void onDtlsConnected(const wg::dtls::SrtpKeyingMaterial&) override {}
  void onDtlsClosed() override {}
  void onDtlsFailed(const std::string&) override {}
};

std::shared_ptr<wg::dtls::DtlsContext> context() {
  static auto ctx = wg::dtls::DtlsContext::create(wg::dtls::DtlsCertificate::generate());
  return ctx;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::vector<uint8_t> datagram(data + 1, data + size);
  if ((data[0] & 1) == 0) {
    wg::SeededRandom random(1);
    NullOutput output;
    wg::transport::TransportConfig config;
    config.ice.role = wg::ice::IceRole::Controlled;
    config.ice.localUfrag = "ufrag";
    config.ice.localPassword = "passwordpasswordpassword";
    config.ice.hostAddresses.push_back(*wg::net::SocketAddress::parse("10.0.0.1", 5000));
    wg::transport::WebRtcTransport transport(config, context(), random, output);
    transport.start(0);
    transport.setRemoteParameters(0, "peer", "peerpasswordpeerpassword", "sha-256", "00", wg::dtls::DtlsRole::Server);
    auto from = *wg::net::SocketAddress::parse("10.0.0.2", 6000);
    transport.handleDatagram(1000, 0, from, datagram.data(), datagram.size());
    transport.handleTimeout(2'000'000);
  } else {
    NullDtlsListener listener;
    wg::dtls::DtlsTransport dtls(context(), {wg::srtp::Profile::AeadAes128Gcm}, wg::dtls::DtlsTimings{}, listener);
    dtls.start(0, wg::dtls::DtlsRole::Server);
    dtls.handleDatagram(1000, datagram.data(), datagram.size());
  }
  return 0;
}
