# The protocol core and the I/O layer, and how every addon built from them is compiled: included
# by the product target (binding.gyp) and by the test addon (native/testing/binding.gyp), so both
# link the same sources with the same flags. Paths are relative to this file (gyp rebases them).
{
  "sources": [
    "core/common/Crc32.cpp",
    "core/common/Random.cpp",
    "core/dtls/DtlsCertificate.cpp",
    "core/dtls/DtlsContext.cpp",
    "core/dtls/DtlsDatagramBio.cpp",
    "core/dtls/DtlsTransport.cpp",
    "core/ice/AuthenticatedSources.cpp",
    "core/ice/IceAgent.cpp",
    "core/ice/IceAgentChecks.cpp",
    "core/ice/IceCandidate.cpp",
    "core/ice/IceChecklist.cpp",
    "core/ice/SharedSocketDemux.cpp",
    "core/ice/StunTransactionTable.cpp",
    "core/net/SocketAddress.cpp",
    "core/media/FanoutSource.cpp",
    "core/media/InboundMediaRouter.cpp",
    "core/media/MediaSession.cpp",
    "core/media/OutboundRtpRewriter.cpp",
    "core/media/PeerFeedbackFilter.cpp",
    "core/media/RetransmissionSender.cpp",
    "core/media/RtcpSession.cpp",
    "core/rtcp/PictureLossIndication.cpp",
    "core/rtcp/RtcpCompound.cpp",
    "core/rtcp/ExtendedReports.cpp",
    "core/rtcp/RtcpWriters.cpp",
    "core/rtcp/TransportWideFeedback.cpp",
    "core/rtp/HeaderExtension.cpp",
    "core/rtp/NackGenerator.cpp",
    "core/rtp/ReceiveStatistics.cpp",
    "core/rtp/RtpHeader.cpp",
    "core/rtp/RtpPacketCache.cpp",
    "core/sctp/DcepMessage.cpp",
    "core/sctp/SctpAssociation.cpp",
    "core/sctp/UsrsctpLibrary.cpp",
    "core/sctp/UsrsctpLinkShim.cpp",
    "core/srtp/AesCtrCipher.cpp",
    "core/srtp/AesGcmCipher.cpp",
    "core/srtp/HmacSha1.cpp",
    "core/srtp/ReplayWindow.cpp",
    "core/srtp/SrtpKeyDerivation.cpp",
    "core/srtp/SrtpSession.cpp",
    "core/srtp/SrtpStreamState.cpp",
    "core/stun/StunHmac.cpp",
    "core/stun/StunMessage.cpp",
    "core/stun/StunMessageBuilder.cpp",
    "core/tls/TlsClientContext.cpp",
    "core/tls/TlsClientStream.cpp",
    "core/tls/TlsTrustStore.cpp",
    "core/tls/TlsWriteBio.cpp",
    "core/transport/PathSender.cpp",
    "core/transport/TransportEvent.cpp",
    "core/transport/WebRtcTransport.cpp",
    "core/transport/WebRtcTransportData.cpp",
    "core/transport/WebRtcTransportRelays.cpp",
    "core/turn/TurnClient.cpp",
    "core/turn/TurnClientPeers.cpp",
    "core/turn/TurnCredentials.cpp",
    "core/turn/TurnPermissionTable.cpp",
    "core/turn/TurnStreamDeframer.cpp",
    "core/turn/TurnTransactionTable.cpp",
    "io/DatagramOutbox.cpp",
    "io/Engine.cpp",
    "io/EventLoop.cpp",
    "io/RecvBatch.cpp",
    "io/RelayStreams.cpp",
    "io/RetiredStreams.cpp",
    "io/SharedTransportSocket.cpp",
    "io/TcpConnection.cpp",
    "io/TimerQueue.cpp",
    "io/TlsContextCache.cpp",
    "io/TransportHost.cpp",
    "io/TransportSocket.cpp",
    "io/TurnStreamConnection.cpp",
    "io/UdpPort.cpp",
    "io/UdpSocket.cpp"
  ],
  "defines": [
    "NAPI_VERSION=8"
  ],
  "cflags": [
    "-fvisibility=hidden",
    "-Wall",
    "-Wextra",
    "-Wno-restrict"
  ],
  "cflags_cc": [
    "-std=c++20",
    "-fexceptions",
    "-frtti"
  ],
  "cflags_cc!": [
    "-std=gnu++17",
    "-fno-exceptions",
    "-fno-rtti"
  ],
  # usrsctp, linked statically (docs/ARCHITECTURE.md, SCTP): the addon needs no extra runtime library.
  "libraries": [
    "/usr/lib/<!(${CC:-gcc} -print-multiarch)/libusrsctp.a"
  ],
  "ldflags": [
    "-Wl,--as-needed",
    "-Wl,--exclude-libs,ALL"
  ]
}
