// The webrtc-gateway demo page: the stock peerjs client calls a gateway peer or answers its
// calls, shows the incoming video and sends the camera. Served by the gateway at /demo/ when
// `demo_page` is on; it reads the signaling server's address from ./config.json there.
//
// Query parameters: id (this page's peer id), call (a peer to call on load), send=0 (do not
// send the camera), key (the signaling server's API key).
// Tests drive the page through `window.demo` (see the end of this file).
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const $ = (id) => document.getElementById(id);
  const log = [];
  const say = (text) => {
    log.push(text);
    $('log').textContent = log.slice(-50).join('\n');
  };
  const setState = (state) => {
    demo.state = state;
    $('state').textContent = state;
  };

  let peer;
  let call;
  let localStream;

  /** The signaling server: the gateway's own config.json, or peerjs defaults on this host. */
  async function signalingOptions() {
    let config = {};
    try {
      const res = await fetch('config.json');
      if (res.ok) config = await res.json();
    } catch (error) {
      say(`no config.json (${error.message}): using this page's host and port 9000`);
    }
    return {
      host: config.host ?? location.hostname,
      port: config.port ?? 9000,
      path: config.path ?? '/',
      secure: config.secure ?? false,
      key: params.get('key') ?? config.key ?? 'peerjs',
      // The gateway's STUN and TURN servers, TURN credentials minted for this page load.
      config: { iceServers: config.iceServers ?? [] },
      debug: 1,
    };
  }

  async function camera() {
    if (!$('send-camera').checked) return undefined;
    if (localStream) return localStream;
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
      $('local').srcObject = localStream;
    } catch (error) {
      say(`no camera (${error.name}): receiving only`);
    }
    return localStream;
  }

  /** Keeps the camera's resolution fixed, so a receiver gets the frame size it was told. */
  function keepResolution(mc) {
    for (const sender of mc.peerConnection?.getSenders() ?? []) {
      if (sender.track?.kind !== 'video') continue;
      const parameters = sender.getParameters();
      parameters.degradationPreference = 'maintain-resolution';
      sender.setParameters(parameters).catch((error) => say(`setParameters: ${error.message}`));
    }
  }

  /** peerjs reports no 'close' for a call that never opened, so the page resets itself. */
  function hangUp() {
    const mc = call;
    call = undefined;
    mc?.close();
    if (peer?.open) setState('connected, no call');
  }

  function attach(mc) {
    call?.close();
    call = mc;
    setState(`in a call with ${mc.peer}`);
    mc.on('stream', (stream) => {
      say(`media from ${mc.peer}: ${stream.getTracks().map((t) => t.kind).join(' + ')}`);
      keepResolution(mc);
      const video = $('remote');
      video.srcObject = stream;
      // Autoplay with sound needs a user gesture; fall back to muted playback.
      video.play().catch(() => {
        video.muted = true;
        video.play().catch(() => {});
      });
    });
    mc.on('close', () => {
      say(`call with ${mc.peer} closed`);
      if (call === mc) {
        call = undefined;
        setState('connected, no call');
      }
    });
    mc.on('error', (error) => say(`call error: ${error.type ?? ''} ${error.message}`));
  }

  async function startCall(target) {
    const stream = await camera();
    // Stock peerjs only calls with a stream of its own; to receive only, let the gateway call.
    if (!stream) throw new Error('calling needs the camera: tick the box, or have the gateway call this page');
    const mc = peer.call(target, stream);
    if (!mc) throw new Error(`peerjs refused to call ${target}`);
    say(`calling ${target}`);
    attach(mc);
    return mc;
  }

  /** The incoming video's inbound-rtp statistics, with the codec's MIME type. */
  async function stats() {
    const pc = call?.peerConnection;
    if (!pc) return undefined;
    const report = await pc.getStats();
    let video;
    let audio;
    report.forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      const codec = s.codecId ? report.get(s.codecId)?.mimeType : undefined;
      const entry = { codec, packetsReceived: s.packetsReceived, bytesReceived: s.bytesReceived };
      if (s.kind === 'video') {
        video = { ...entry, framesDecoded: s.framesDecoded ?? 0, frameWidth: s.frameWidth, frameHeight: s.frameHeight };
      } else if (s.kind === 'audio') {
        audio = { ...entry, totalSamplesReceived: s.totalSamplesReceived ?? 0 };
      }
    });
    return { video, audio };
  }

  async function showStats() {
    const s = await stats().catch(() => undefined);
    const v = s?.video;
    $('remote-stats').textContent = v?.framesDecoded
      ? `${v.codec}, ${v.frameWidth}x${v.frameHeight}, ${v.framesDecoded} frames decoded`
      : 'no incoming video';
  }

  async function start() {
    const options = await signalingOptions();
    peer = new peerjs.Peer(params.get('id') ?? undefined, options);
    peer.on('open', (id) => {
      $('my-id').textContent = id;
      setState('connected, no call');
      say(`signaling: ${options.secure ? 'wss' : 'ws'}://${options.host}:${options.port}${options.path} as ${id}`);
      openResolve(id);
      const target = params.get('call');
      if (target) startCall(target).catch((error) => say(error.message));
    });
    peer.on('call', async (mc) => {
      say(`incoming call from ${mc.peer}`);
      attach(mc);
      const stream = await camera();
      // Hung up or replaced while the camera was being opened: nothing to answer any more.
      if (call === mc) mc.answer(stream);
    });
    peer.on('error', (error) => {
      say(`peer error: ${error.type}: ${error.message}`);
      openReject(error);
    });
    peer.on('disconnected', () => setState('disconnected from signaling'));
  }

  let openResolve;
  let openReject;
  const opened = new Promise((resolve, reject) => {
    openResolve = resolve;
    openReject = reject;
  });
  // Errors are shown on the page; a rejection nobody awaits must not be reported as unhandled.
  opened.catch(() => {});

  $('send-camera').checked = params.get('send') !== '0';
  $('call-form').addEventListener('submit', (event) => {
    event.preventDefault();
    startCall($('target').value.trim()).catch((error) => say(error.message));
  });
  $('hang-up').addEventListener('click', () => hangUp());
  setInterval(showStats, 1000);

  /** What tests (and curious users in the console) use. */
  const demo = {
    state: 'starting',
    log,
    /** Resolves with this page's peer id once signaling is connected. */
    opened,
    call: (target) => startCall(target).then(() => undefined),
    hangUp,
    stats,
    /** The remote side's SDP of the current call. */
    remoteDescription: () => call?.peerConnection?.remoteDescription?.sdp,
  };
  window.demo = demo;
  start().catch((error) => {
    say(`cannot start: ${error.message}`);
    openReject(error);
  });
})();
