// libFuzzer harness: SCTP packets from the network into an SctpAssociation that is up with a data
// channel open (two associations wired in memory, as SctpAssociationTest does). The input is a
// sequence of [flags][u16 length][bytes] packets for the client side. With flag bit 0 the packet gets
// the association's real common header (ports, verification tag) and a correct CRC32c (RFC 4960
// section 6.8, appendix B), so the fuzzer reaches chunk parsing; without it, it is fed as it is.
// The server's answers go back to the client, so both sides run.
#include "../core/sctp/SctpAssociation.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

using namespace wg::sctp;

namespace {

// CRC32c (Castagnoli, reflected 0x82F63B78).
uint32_t crc32c(const uint8_t* data, size_t size) {
  static uint32_t table[256] = {};
  if (table[1] == 0) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
      table[i] = c;
    }
  }
  uint32_t crc = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

// The checksum as SCTP carries it: the CRC's least significant byte first (RFC 4960 appendix B).
void writeChecksum(std::vector<uint8_t>& packet) {
  std::memset(packet.data() + 8, 0, 4);
  uint32_t crc = crc32c(packet.data(), packet.size());
  for (int k = 0; k < 4; ++k) packet[8 + k] = static_cast<uint8_t>(crc >> (8 * k));
}

struct Side : SctpAssociation::Listener {
  std::deque<std::vector<uint8_t>> outbox;
  size_t events = 0;
  void onSctpSend(const uint8_t* data, size_t size) override { outbox.emplace_back(data, data + size); }
  void onDataChannelEvent(const DataChannelEvent&) override { ++events; }
};

// usrsctp's timers are process-wide and count from their last tick: time only goes forward.
int64_t now = 1'000'000;

struct Pair {
  Side clientSide, serverSide;
  SctpAssociation client{SctpConfig{}, true, clientSide};
  SctpAssociation server{SctpConfig{}, false, serverSide};
  std::vector<uint8_t> toClientHeader;  // the common header of the server's packets

  void pump(int rounds) {
    for (int i = 0; i < rounds; ++i) {
      now += 10'000;
      client.handleTimeout(now);
      server.handleTimeout(now);
      bool moved = false;
      while (!clientSide.outbox.empty()) {
        auto p = std::move(clientSide.outbox.front());
        clientSide.outbox.pop_front();
        server.handlePacket(now, p.data(), p.size());
        moved = true;
      }
      while (!serverSide.outbox.empty()) {
        auto p = std::move(serverSide.outbox.front());
        serverSide.outbox.pop_front();
        if (p.size() >= 12) toClientHeader.assign(p.begin(), p.begin() + 12);
        client.handlePacket(now, p.data(), p.size());
        moved = true;
      }
      if (!moved && i > 3 && client.up() && server.up()) return;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Pair p;
  p.client.start(now);
  p.server.start(now);
  p.pump(100);
  if (!p.client.up() || !p.server.up() || p.toClientHeader.size() != 12) __builtin_trap();
  DcepOpen open;
  open.label = "fuzz";
  auto stream = p.client.openChannel(open);
  p.pump(20);
  if (stream) {
    static const uint8_t kHello[] = {'h', 'i'};
    p.client.send(*stream, true, kHello, sizeof kHello);
  }
  // The checksum check itself: a packet usrsctp wrote must carry the CRC computed here.
  static bool checked = false;
  if (!checked) {
    p.server.send(*stream, false, reinterpret_cast<const uint8_t*>("x"), 1);
    if (p.serverSide.outbox.empty()) __builtin_trap();
    std::vector<uint8_t> packet = p.serverSide.outbox.back();
    std::vector<uint8_t> again = packet;
    writeChecksum(again);
    if (again != packet) __builtin_trap();
    checked = true;
  }

  std::vector<uint8_t> packet;
  size_t pos = 0;
  int packets = 0;
  while (pos + 3 <= size && packets++ < 64) {
    uint8_t flags = data[pos];
    size_t length = (size_t{data[pos + 1]} << 8) | data[pos + 2];
    pos += 3;
    if (length > size - pos) length = size - pos;
    if (flags & 1) {
      packet.assign(p.toClientHeader.begin(), p.toClientHeader.end());
      packet.insert(packet.end(), data + pos, data + pos + length);
      writeChecksum(packet);
    } else {
      packet.assign(data + pos, data + pos + length);
    }
    pos += length;
    p.client.handlePacket(now, packet.data(), packet.size());
    if (flags & 2) p.pump(3);
  }
  p.pump(3);
  return 0;
}
