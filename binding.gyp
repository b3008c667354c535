{
  "targets": [
    {
      "target_name": "webrtc_gateway",
      "includes": [
        "native/core.gypi"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "sources": [
        "native/binding/Convert.cpp",
        "native/binding/EngineStatsToJs.cpp",
        "native/binding/EngineWrap.cpp",
        "native/binding/EngineWrapData.cpp",
        "native/binding/EngineWrapPorts.cpp",
        "native/binding/EngineWrapTransports.cpp",
        "native/binding/MediaRoutingFromJs.cpp",
        "native/binding/MediaStatsToJs.cpp",
        "native/binding/NativeError.cpp",
        "native/binding/TransportConfigFromJs.cpp",
        "native/binding/TurnConfigFromJs.cpp",
        "native/binding/TurnStatsToJs.cpp",
        "native/binding/addon.cpp"
      ]
    }
  ]
}
