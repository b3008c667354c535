{
  "targets": [
    {
      "target_name": "webrtc_gateway",
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "sources": [
        "native/core/common/Crc32.cpp",
        "native/core/common/Random.cpp",
        "native/core/dtls/DtlsCertificate.cpp",
        "native/core/dtls/DtlsContext.cpp",
        "native/core/dtls/DtlsDatagramBio.cpp",
        "native/core/dtls/DtlsTransport.cpp",
        "native/core/ice/IceAgent.cpp",
        "native/core/ice/IceCandidate.cpp",
        "native/core/ice/IceChecklist.cpp",
        "native/core/ice/StunTransactionTable.cpp",
        "native/core/net/SocketAddress.cpp",
        "native/core/media/InboundMediaRouter.cpp",
        "native/core/media/OutboundRtpRewriter.cpp",
        "native/core/rtcp/PictureLossIndication.cpp",
        "native/core/rtcp/RtcpCompound.cpp",
        "native/core/rtp/RtpHeader.cpp",
        "native/core/srtp/AesCtrCipher.cpp",
        "native/core/srtp/AesGcmCipher.cpp",
        "native/core/srtp/HmacSha1.cpp",
        "native/core/srtp/ReplayWindow.cpp",
        "native/core/srtp/SrtpKeyDerivation.cpp",
        "native/core/srtp/SrtpSession.cpp",
        "native/core/srtp/SrtpStreamState.cpp",
        "native/core/stun/StunHmac.cpp",
        "native/core/stun/StunMessage.cpp",
        "native/core/stun/StunMessageBuilder.cpp",
        "native/core/transport/WebRtcTransport.cpp",
        "native/io/DatagramOutbox.cpp",
        "native/io/Engine.cpp",
        "native/io/EventLoop.cpp",
        "native/io/RecvBatch.cpp",
        "native/io/TimerQueue.cpp",
        "native/io/TransportHost.cpp",
        "native/io/UdpPort.cpp",
        "native/io/UdpSocket.cpp",
        "native/binding/Convert.cpp",
        "native/binding/EngineWrap.cpp",
        "native/binding/MediaRoutingFromJs.cpp",
        "native/binding/NativeError.cpp",
        "native/binding/TransportConfigFromJs.cpp",
        "native/binding/addon.cpp",
        "native/binding/bench/BenchmarkFunctions.cpp",
        "native/binding/sansio/InboundMediaRouterWrap.cpp",
        "native/binding/sansio/OutboundRtpRewriterWrap.cpp",
        "native/binding/sansio/SansIoFunctions.cpp",
        "native/binding/sansio/SansIoTransportWrap.cpp",
        "native/binding/sansio/SrtpSessionWrap.cpp"
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
