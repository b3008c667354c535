#!/usr/bin/env python3
"""A WHEP player (draft-ietf-wish-whep-03 section 4.2) on GStreamer's webrtcbin, for the e2e tests.

    whepPlayer.py URL TOKEN CODEC SECONDS

Offers one recvonly video transceiver from the URL host's address (CODEC: VP8 or H264) with every candidate gathered (no
trickle), POSTs the offer with urllib, sets the answer, decodes what arrives for SECONDS, then
DELETEs the session and prints one JSON line: {"status", "frames", "answer_direction", "deleted",
"candidates" (in the offer), "ice" (its last ICE connection state)}.
Bounded: gathering waits at most 5 s; the whole run at most SECONDS + 15 s.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0')
gi.require_version('Nice', '0.1')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC, Nice  # noqa: E402

# Caps of the offered codec (fields other than the basics become a=fmtp) and its decoder.
CODECS = {
    'VP8': ('encoding-name=VP8', 'rtpvp8depay ! vp8dec'),
    # What WebRTC H.264 is (RFC 6184, packetization-mode 1; constrained baseline 3.1).
    'H264': ('encoding-name=H264,packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1',
             'rtph264depay ! h264parse ! avdec_h264'),
}


def main():
    url, token, codec, seconds = sys.argv[1], sys.argv[2], sys.argv[3].upper(), float(sys.argv[4])
    encoding, decoder = CODECS[codec]
    Gst.init(None)
    loop = GLib.MainLoop()
    result = {'status': None, 'frames': 0, 'answer_direction': None, 'deleted': None, 'candidates': 0, 'ice': None}
    session = {}

    pipeline = Gst.Pipeline.new('player')
    webrtc = Gst.ElementFactory.make('webrtcbin', 'webrtc')
    webrtc.set_property('bundle-policy', GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
    pipeline.add(webrtc)
    # ICE candidates on the server's address only (the tests' 127.0.0.1): libnice leaves loopback
    # out on its own, which in the tests' loopback-only namespace would leave no candidate at all.
    local = Nice.Address.new()
    local.set_from_string(urllib.parse.urlsplit(url).hostname)
    # Both wrappers are kept for the whole run: webrtcbin 1.22's ice-agent getter does not add
    # the reference PyGObject drops when a wrapper goes, so a temporary one would free the agent.
    ice = webrtc.get_property('ice-agent')
    agent = ice.get_property('agent')
    agent.add_local_address(local)
    caps = Gst.Caps.from_string(f'application/x-rtp,media=video,{encoding},payload=96,clock-rate=90000')
    webrtc.emit('add-transceiver', GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY, caps)

    def on_frame(_sink, _buffer, _pad):
        result['frames'] += 1

    def on_pad(_element, pad):
        if pad.direction != Gst.PadDirection.SRC:
            return
        branch = Gst.parse_bin_from_description(f'queue ! {decoder} ! fakesink name=frames signal-handoffs=true sync=false', True)
        branch.get_by_name('frames').connect('handoff', on_frame)
        pipeline.add(branch)
        branch.sync_state_with_parent()
        pad.link(branch.get_static_pad('sink'))

    def post_offer():
        offer = webrtc.get_property('local-description').sdp.as_text()
        result['candidates'] = offer.count('a=candidate:')
        request = urllib.request.Request(url, data=offer.encode(), method='POST',
                                         headers={'Content-Type': 'application/sdp', 'Authorization': f'Bearer {token}'})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                result['status'] = response.status
                session['url'] = urllib.parse.urljoin(url, response.headers['Location'])
                answer = response.read().decode()
        except urllib.error.HTTPError as refused:
            result['status'] = refused.code
            loop.quit()
            return False
        for line in answer.splitlines():
            if line in ('a=sendonly', 'a=recvonly', 'a=sendrecv', 'a=inactive'):
                result['answer_direction'] = line[2:]
        _, sdp = GstSdp.SDPMessage.new_from_text(answer)
        description = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, sdp)
        webrtc.emit('set-remote-description', description, Gst.Promise.new())
        GLib.timeout_add(int(seconds * 1000), stop)
        return False

    def wait_gathered(tries=[100]):
        # No trickle: the offer is posted with every candidate (draft-ietf-wish-whep-03 section 4.4.2 allows it).
        tries[0] -= 1
        if webrtc.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE or tries[0] <= 0:
            post_offer()
            return False
        return True

    def on_offer(promise):
        reply = promise.get_reply()
        offer = reply.get_value('offer')
        webrtc.emit('set-local-description', offer, Gst.Promise.new())
        GLib.timeout_add(50, wait_gathered)

    def on_negotiation_needed(_element):
        webrtc.emit('create-offer', None, Gst.Promise.new_with_change_func(on_offer))

    def stop():
        result['ice'] = webrtc.get_property('ice-connection-state').value_nick
        if 'url' in session:
            request = urllib.request.Request(session['url'], method='DELETE', headers={'Authorization': f'Bearer {token}'})
            with urllib.request.urlopen(request, timeout=5) as response:
                result['deleted'] = response.status
        loop.quit()
        return False

    def on_message(_bus, message):
        if message.type == Gst.MessageType.ERROR:
            error, _ = message.parse_error()
            result['error'] = error.message
            loop.quit()

    webrtc.connect('on-negotiation-needed', on_negotiation_needed)
    webrtc.connect('pad-added', on_pad)
    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect('message', on_message)
    GLib.timeout_add(int((seconds + 15) * 1000), loop.quit)
    pipeline.set_state(Gst.State.PLAYING)
    try:
        loop.run()
    finally:
        pipeline.set_state(Gst.State.NULL)
        print(json.dumps(result), flush=True)
        del agent, ice


if __name__ == '__main__':
    main()
