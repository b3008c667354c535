#include "DataChannelPipe.hpp"

namespace wg::datachannel {

const char* directionName(Direction direction) { return direction == Direction::ToRemote ? "to_remote" : "from_remote"; }

DataChannelPipe::DataChannelPipe(const DataPipeConfig& config, Output& output)
    : config_(config), output_(output), codec_(config.serialization) {
  spans_.reserve(8);
}

void DataChannelPipe::drop(Direction direction, DropReason reason, uint64_t count) {
  auto& table = direction == Direction::ToRemote ? counters_.droppedToRemote : counters_.droppedFromRemote;
  table[static_cast<size_t>(reason)] += count;
  unreported_ = true;
}

void DataChannelPipe::onDatagram(const uint8_t* data, size_t size) {
  if (!open_) return drop(Direction::ToRemote, DropReason::ChannelNotOpen);
  if (auto refused = codec_.encode(data, size, spans_)) return drop(Direction::ToRemote, *refused);
  // Backpressure on SCTP's buffered amount (queued and not yet acknowledged): a datagram goes
  // while that is under the limit, so the queue stays under the limit plus one datagram, and one
  // that finds nothing queued always goes, whatever its size.
  if (config_.bufferLimitBytes != 0 && output_.bufferedAmount() >= config_.bufferLimitBytes)
    return drop(Direction::ToRemote, DropReason::BufferFull);
  for (const auto& span : spans_) {
    switch (output_.sendMessage(span.data, span.size)) {
      case sctp::SctpSendStatus::Ok: continue;
      case sctp::SctpSendStatus::Full: return drop(Direction::ToRemote, DropReason::BufferFull);
      case sctp::SctpSendStatus::TooLarge: return drop(Direction::ToRemote, DropReason::TooLarge);
      case sctp::SctpSendStatus::NotConnected:
      case sctp::SctpSendStatus::UnknownChannel: return drop(Direction::ToRemote, DropReason::ChannelNotOpen);
      case sctp::SctpSendStatus::Failed: return drop(Direction::ToRemote, DropReason::SendFailed);
    }
  }
  ++counters_.sentMessages;
  counters_.sentBytes += size;
}

void DataChannelPipe::onMessage(bool binary, const uint8_t* data, size_t size) {
  DecodedMessage decoded = codec_.decode(binary, data, size);
  if (decoded.evicted != 0) drop(Direction::FromRemote, DropReason::Incomplete, decoded.evicted);
  switch (decoded.kind) {
    case DecodedMessage::Kind::Datagram: deliverDatagram(decoded.data, decoded.size); break;
    case DecodedMessage::Kind::Close: output_.onRemoteClose(); break;
    case DecodedMessage::Kind::Partial: break;
    case DecodedMessage::Kind::Drop: drop(Direction::FromRemote, decoded.reason); break;
    case DecodedMessage::Kind::ToJs:
      if (!output_.sendToJs(binary, decoded.data, decoded.size)) drop(Direction::FromRemote, DropReason::SendFailed);
      break;
  }
}

bool DataChannelPipe::deliverDatagram(const uint8_t* data, size_t size) {
  if (output_.sendDatagram(data, size)) {
    // Datagrams delivered, as sentMessages counts datagrams sent: a chunked message counts once.
    ++counters_.receivedMessages;
    counters_.receivedBytes += size;
    return true;
  }
  drop(Direction::FromRemote, DropReason::NoRedirect);
  return false;
}

void DataChannelPipe::takeDropReports(std::vector<DropReport>& out) {
  out.clear();
  unreported_ = false;
  for (Direction direction : {Direction::ToRemote, Direction::FromRemote}) {
    bool to = direction == Direction::ToRemote;
    auto& now = to ? counters_.droppedToRemote : counters_.droppedFromRemote;
    auto& before = to ? reported_.droppedToRemote : reported_.droppedFromRemote;
    for (size_t r = 0; r < kDropReasonCount; ++r) {
      if (now[r] == before[r]) continue;
      out.push_back({direction, static_cast<DropReason>(r), now[r] - before[r]});
      before[r] = now[r];
    }
  }
}

}  // namespace wg::datachannel
