// libFuzzer harness: DCEP DATA_CHANNEL_OPEN parsing (RFC 8832 section 5.1), and writing back what parses.
#include "../core/sctp/DcepMessage.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto open = wg::sctp::parseDcepOpen(data, size);
  if (!open) return 0;
  std::vector<uint8_t> out;
  wg::sctp::writeDcepOpen(*open, out);
  auto again = wg::sctp::parseDcepOpen(out.data(), out.size());
  if (!again || again->label != open->label || again->protocol != open->protocol) __builtin_trap();
  return 0;
}
