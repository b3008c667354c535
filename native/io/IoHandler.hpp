#pragma once

namespace wg::io {

// Something registered with the EventLoop that wants to hear when its fd is readable (errors
// and hang-ups are reported as readable too), or writable if it asked for that.
class IoHandler {
public:
  virtual ~IoHandler() = default;
  virtual void onReadable() = 0;
  virtual void onWritable() {}
};

}  // namespace wg::io
