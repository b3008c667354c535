#pragma once

#include "../../core/common/Random.hpp"
#include "../../core/transport/WebRtcTransport.hpp"

#include <napi.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wg::binding {

// `new sansio.Transport(options)`: one WebRtcTransport driven entirely from JavaScript, with no
// sockets and no clock: the deterministic tests feed it datagrams and time, and collect what
// it sends (takeTransmits), reports (takeEvents) and decrypts (takeReceived).
class SansIoTransportWrap : public Napi::ObjectWrap<SansIoTransportWrap>, private transport::WebRtcTransport::Output {
public:
  static Napi::Function define(Napi::Env env);
  explicit SansIoTransportWrap(const Napi::CallbackInfo& info);
  ~SansIoTransportWrap() override;

private:
  struct Transmit {
    int socketIndex;
    net::SocketAddress to;
    std::vector<uint8_t> data;
  };
  struct Received {
    bool rtcp;
    std::vector<uint8_t> data;
  };

  Napi::Value localParameters(const Napi::CallbackInfo& info);
  Napi::Value start(const Napi::CallbackInfo& info);
  Napi::Value setRemoteParameters(const Napi::CallbackInfo& info);
  Napi::Value addRemoteCandidate(const Napi::CallbackInfo& info);
  Napi::Value endOfRemoteCandidates(const Napi::CallbackInfo& info);
  Napi::Value handleDatagram(const Napi::CallbackInfo& info);
  Napi::Value handleTimeout(const Napi::CallbackInfo& info);
  Napi::Value nextTimeout(const Napi::CallbackInfo& info);
  Napi::Value dtlsTimeout(const Napi::CallbackInfo& info);
  Napi::Value sendRtp(const Napi::CallbackInfo& info);
  Napi::Value sendRtcp(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  Napi::Value takeTransmits(const Napi::CallbackInfo& info);
  Napi::Value takeEvents(const Napi::CallbackInfo& info);
  Napi::Value takeReceived(const Napi::CallbackInfo& info);
  Napi::Value stats(const Napi::CallbackInfo& info);
  Napi::Value openDataChannel(const Napi::CallbackInfo& info);
  Napi::Value sendData(const Napi::CallbackInfo& info);
  Napi::Value closeDataChannel(const Napi::CallbackInfo& info);
  Napi::Value takeDataEvents(const Napi::CallbackInfo& info);
  Napi::Value sctpStats(const Napi::CallbackInfo& info);

  void sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) override;
  void onTransportEvent(const transport::TransportEvent& event) override;
  void onRtp(uint8_t* packet, size_t size, const rtp::RtpHeader& header) override;
  void onRtcp(uint8_t* packet, size_t size) override;
  void onDataChannelEvent(const sctp::DataChannelEvent& event) override;

  // A DataChannelEvent with its borrowed parts copied.
  struct DataEvent {
    sctp::DataChannelEventKind kind;
    uint16_t stream;
    bool binary;
    bool remote;
    std::optional<sctp::DcepOpen> open;
    std::vector<uint8_t> data;
    std::string text;
  };
  std::vector<DataEvent> dataEvents_;

  std::unique_ptr<Random> random_;
  std::unique_ptr<transport::WebRtcTransport> transport_;
  std::vector<Transmit> transmits_;
  std::vector<transport::TransportEvent> events_;
  std::vector<Received> received_;
};

}  // namespace wg::binding
