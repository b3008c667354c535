#include "HeaderExtension.hpp"

namespace wg::rtp {

bool findHeaderExtension(const uint8_t* packet, size_t size, const RtpHeader& header, uint8_t id,
                         const uint8_t** value, size_t* length) {
  if (!header.extension || id == 0 || header.extensionOffset + header.extensionLength > size) return false;
  const uint8_t* data = packet + header.extensionOffset;
  const size_t end = header.extensionLength;
  const bool oneByte = header.extensionProfile == 0xBEDE;                     // RFC 8285 section 4.2
  const bool twoByte = (header.extensionProfile & 0xFFF0) == 0x1000;           // RFC 8285 section 4.3
  if (!oneByte && !twoByte) return false;
  if (oneByte && id > 14) return false;
  size_t i = 0;
  while (i < end) {
    if (data[i] == 0) {  // padding between elements (sections 4.2 and 4.3)
      ++i;
      continue;
    }
    uint8_t elementId;
    size_t elementLength;
    if (oneByte) {
      elementId = data[i] >> 4;
      // Id 15 is reserved: parsing stops there, ignoring the rest (section 4.2).
      if (elementId == 15) return false;
      elementLength = (data[i] & 0x0F) + 1u;
      i += 1;
    } else {
      if (end - i < 2) return false;
      elementId = data[i];
      elementLength = data[i + 1];
      i += 2;
    }
    if (elementLength > end - i) return false;
    if (elementId == id) {
      *value = data + i;
      *length = elementLength;
      return true;
    }
    i += elementLength;
  }
  return false;
}

}  // namespace wg::rtp
