#include "Serialization.hpp"

namespace wg::datachannel {

std::optional<Serialization> serializationFromName(std::string_view name) {
  if (name == "NONE") return Serialization::None;
  if (name == "JSON") return Serialization::Json;
  if (name == "BINARY") return Serialization::Binary;
  if (name == "BINARY_UTF8") return Serialization::BinaryUtf8;
  return std::nullopt;
}

}  // namespace wg::datachannel
