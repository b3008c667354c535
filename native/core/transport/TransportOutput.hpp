#pragma once

#include "../net/SocketAddress.hpp"
#include "../rtp/RtpHeader.hpp"
#include "../sctp/DataChannelEvent.hpp"
#include "../turn/ChannelData.hpp"
#include "../turn/TurnClient.hpp"
#include "../turn/TurnClientConfig.hpp"
#include "TransportEvent.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace wg::transport {

// What a WebRtcTransport needs from its I/O layer: datagrams out, events and decrypted packets
// up, and streams to TURN servers over TCP or TLS.
class TransportOutput {
public:
  virtual ~TransportOutput() = default;
  virtual void sendDatagram(int socketIndex, const net::SocketAddress& to, const uint8_t* data, size_t size) = 0;
  virtual void onTransportEvent(const TransportEvent& event) = 0;
  // Decrypted packets from the peer; the buffer may be modified in place and is not kept.
  // `header` is the RTP header SRTP parsed, its padding not yet read (RtpHeader::readPadding).
  virtual void onRtp(uint8_t* packet, size_t size, const rtp::RtpHeader& header) = 0;
  virtual void onRtcp(uint8_t* packet, size_t size) = 0;
  // Data channels (TransportConfig::dataChannels): opened, message, closed, association failed.
  // Pointers in the event are valid only during the call.
  virtual void onDataChannelEvent(const sctp::DataChannelEvent& event) { (void)event; }
  // ChannelData to a TURN server (RFC 8656 section 12.4): the 4-byte header, then the payload.
  // An I/O layer writes the header into its send slot in front of the payload (one copy);
  // this default builds the message in a stack buffer.
  virtual void sendChannelData(int socketIndex, const net::SocketAddress& server, uint16_t channel,
                               const uint8_t* data, size_t size) {
    uint8_t frame[turn::kChannelDataHeaderSize + turn::TurnClient::kMaxPayload];
    if (size > turn::TurnClient::kMaxPayload) return;
    turn::writeChannelDataHeader(frame, channel, static_cast<uint16_t>(size));
    std::memcpy(frame + turn::kChannelDataHeaderSize, data, size);
    sendDatagram(socketIndex, server, frame, turn::kChannelDataHeaderSize + size);
  }

  // TURN over TCP or TLS (RFC 8656 section 3.1): one stream per stream relay, which the
  // Output opens from the local IP of host socket `socketIndex` to `server.server` (TLS
  // verified per `server.tlsVerify`, named `server.host`) and answers with
  // handleRelayStreamOpen() / handleRelayStreamClosed(). False (with `error`) when it cannot
  // even start; then no answer follows. A host without streams refuses.
  virtual bool openRelayStream(size_t relay, int socketIndex, const turn::TurnClientConfig& server, std::string& error) {
    (void)relay, (void)socketIndex, (void)server;
    error = "this transport host cannot open TCP or TLS connections";
    return false;
  }
  // One whole TURN message for relay N's stream; false when dropped (the stream's send queue
  // is full or it is not open): a stream never carries part of a message.
  virtual bool sendRelayStream(size_t relay, const uint8_t* data, size_t size) {
    (void)relay, (void)data, (void)size;
    return false;
  }
  // ChannelData on relay N's stream: header, payload and padding to a multiple of 4 (RFC 8656
  // section 12.5). An I/O layer writes them into its send queue in one copy; this default
  // builds the frame in a stack buffer.
  virtual bool sendRelayStreamChannelData(size_t relay, uint16_t channel, const uint8_t* data, size_t size) {
    uint8_t frame[turn::channelDataFrameSize(turn::TurnClient::kMaxPayload, true)];
    if (size > turn::TurnClient::kMaxPayload) return false;
    size_t total = turn::channelDataFrameSize(size, true);
    turn::writeChannelDataHeader(frame, channel, static_cast<uint16_t>(size));
    std::memcpy(frame + turn::kChannelDataHeaderSize, data, size);
    std::memset(frame + turn::kChannelDataHeaderSize + size, 0, total - turn::kChannelDataHeaderSize - size);
    return sendRelayStream(relay, frame, total);
  }
  // Relay N is done with its stream: send what is queued (the deallocation), then close it,
  // bounded in time. No more calls about it follow, in either direction.
  virtual void closeRelayStream(size_t relay) { (void)relay; }
};

}  // namespace wg::transport
