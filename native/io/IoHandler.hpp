#pragma once

namespace wg::io {

// Something registered with the EventLoop that wants to hear when its fd is readable.
class IoHandler {
public:
  virtual ~IoHandler() = default;
  virtual void onReadable() = 0;
};

}  // namespace wg::io
