{
  "targets": [
    {
      "target_name": "webrtc_gateway",
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "sources": [
        "native/core/net/SocketAddress.cpp",
        "native/io/EventLoop.cpp",
        "native/io/TimerQueue.cpp",
        "native/io/UdpSocket.cpp",
        "native/io/RecvBatch.cpp",
        "native/io/UdpPort.cpp",
        "native/io/Engine.cpp",
        "native/binding/NativeError.cpp",
        "native/binding/EngineWrap.cpp",
        "native/binding/addon.cpp"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-restrict"],
      "cflags_cc": ["-std=c++20", "-fexceptions", "-frtti"],
      "cflags_cc!": ["-std=gnu++17", "-fno-exceptions", "-fno-rtti"],
      "ldflags": [
        "-Wl,--as-needed",
        "-Wl,--exclude-libs,ALL"
      ]
    }
  ]
}
