# The test addon: never shipped (package.json files), loaded by tests and bench/ from
# native/testing/build/Release or its committed prebuild (native/testing/prebuilds). The same core
# as the product (../core.gypi). Building it needs doctest (Debian doctest-dev: doctest/doctest.h);
# using its prebuild needs nothing. scripts/prebuild.sh rebuilds it with the product's prebuilds.
{
  "targets": [
    {
      "target_name": "webrtc_gateway_testing",
      "includes": [
        "../core.gypi"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": [
        "DOCTEST_CONFIG_NO_POSIX_SIGNALS"
      ],
      "sources": [
        "TestAddon.cpp",
        "bench/BenchmarkFunctions.cpp",
        "sansio/FanoutSourceWrap.cpp",
        "sansio/InboundMediaRouterWrap.cpp",
        "sansio/MediaSessionWrap.cpp",
        "sansio/NackGeneratorWrap.cpp",
        "sansio/OutboundRtpRewriterWrap.cpp",
        "sansio/PeerJsCodecWrap.cpp",
        "sansio/ReceiveStatisticsWrap.cpp",
        "sansio/RetransmissionSenderWrap.cpp",
        "sansio/RtcpFunctions.cpp",
        "sansio/RtcpSessionWrap.cpp",
        "sansio/SansIoFunctions.cpp",
        "sansio/SansIoTransportWrap.cpp",
        "sansio/SharedSocketDemuxWrap.cpp",
        "sansio/SrtpSessionWrap.cpp",
        "sansio/TcpConnectionProbe.cpp",
        "sansio/TlsClientStreamWrap.cpp",
        "sansio/TransportWideFeedbackWrap.cpp",
        "sansio/TurnClientWrap.cpp",
        "sansio/TurnFunctions.cpp",
        "tests/CoreTestReporter.cpp",
        "tests/CoreTestRunner.cpp",
        "tests/DataChannelPipeTest.cpp",
        "tests/DcepMessageTest.cpp",
        "tests/FanoutSourceTest.cpp",
        "tests/IceRestartTest.cpp",
        "tests/IceSelectedPairTest.cpp",
        "tests/KeyframeRequestGateTest.cpp",
        "tests/PeerJsCodecTest.cpp",
        "tests/ReplayWindowTest.cpp",
        "tests/RtpPacketCacheTest.cpp",
        "tests/RunnerSelfCheckTest.cpp",
        "tests/SctpAssociationTest.cpp",
        "tests/SharedSocketDemuxTest.cpp",
        "tests/SocketAddressTest.cpp",
        "tests/TurnStreamDeframerTest.cpp",
        "../binding/Convert.cpp",
        "../binding/MediaRoutingFromJs.cpp",
        "../binding/MediaStatsToJs.cpp",
        "../binding/NativeError.cpp",
        "../binding/TransportConfigFromJs.cpp",
        "../binding/TurnConfigFromJs.cpp",
        "../binding/TurnStatsToJs.cpp"
      ]
    }
  ]
}
