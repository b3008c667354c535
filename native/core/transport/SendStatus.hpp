#pragma once

#include "../srtp/SrtpSession.hpp"

#include <cstdint>

namespace wg::transport {

// What became of a packet handed to WebRtcTransport::sendRtp/sendRtcp. Anything but Ok was
// dropped and counted once in TransportStats::sendDropped.
enum class SendStatus : uint8_t {
  Ok,
  NotConnected,  // no SRTP keys yet (DTLS not done), or the transport is closed
  NoRoute,       // keys but no ICE route: no pair yet, or ICE failed (consent lost) or closed
  RelayDropped,  // the route is a TURN relay that could not take it (no permission yet, stream queue full)
  Malformed,     // SRTP protection refused: not RTP/RTCP, or lengths do not add up
  NoRoom,        // SRTP protection refused: no room for the tag in the buffer
  CryptoError,   // SRTP protection refused: OpenSSL failed
};

constexpr SendStatus sendStatusOf(srtp::SrtpStatus status) {
  switch (status) {
    case srtp::SrtpStatus::Ok: return SendStatus::Ok;
    case srtp::SrtpStatus::Malformed: return SendStatus::Malformed;
    case srtp::SrtpStatus::NoRoom: return SendStatus::NoRoom;
    default: return SendStatus::CryptoError;
  }
}

// Stable names for tests and logs: "ok", "not-connected", "no-route", ...
const char* sendStatusName(SendStatus status);

}  // namespace wg::transport
