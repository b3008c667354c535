// The browser side of ChromiumIcePeer: the same commands and events as wrtcIcePeerChild.ts, on
// Chromium's RTCPeerConnection. Plain JavaScript, added to a page with addScriptTag; events go out
// through window.emitIceEvent (an exposed function), commands come in through window.icePeer.handle.
(() => {
  let pc;
  let channel;
  let remoteSet = false;
  const early = [];
  const emit = (e) => window.emitIceEvent(JSON.stringify(e));
  const summarize = (c) => ({
    candidateType: c.candidateType,
    protocol: c.protocol,
    address: c.address ?? c.ip,
    port: c.port,
    relayProtocol: c.relayProtocol ?? null,
    url: c.url ?? null,
  });
  const bind = (ch) => {
    channel = ch;
    ch.onopen = () => emit({ event: 'channel-open', label: ch.label });
    ch.onmessage = (e) => emit({ event: 'message', data: String(e.data) });
  };
  async function stats(id) {
    const byId = new Map();
    (await pc.getStats()).forEach((s) => byId.set(s.id, s));
    const all = [...byId.values()];
    const transport = all.find((s) => s.type === 'transport');
    let pair = transport && transport.selectedCandidatePairId ? byId.get(transport.selectedCandidatePairId) : undefined;
    pair = pair ?? all.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
    const selected = pair
      ? { state: pair.state, nominated: pair.nominated ?? null, bytesSent: pair.bytesSent ?? 0, bytesReceived: pair.bytesReceived ?? 0, local: summarize(byId.get(pair.localCandidateId)), remote: summarize(byId.get(pair.remoteCandidateId)) }
      : null;
    return { event: 'stats', id, selected, localCandidates: all.filter((s) => s.type === 'local-candidate').map(summarize) };
  }
  async function handle(msg) {
    switch (msg.cmd) {
      case 'offer':
        bind(pc.createDataChannel('nat'));
        await pc.setLocalDescription(await pc.createOffer());
        return emit({ event: 'description', description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      case 'description':
        await pc.setRemoteDescription(msg.description);
        remoteSet = true;
        for (const c of early.splice(0)) await pc.addIceCandidate(c);
        if (msg.description.type === 'offer') {
          await pc.setLocalDescription(await pc.createAnswer());
          emit({ event: 'description', description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
        }
        return;
      case 'candidate':
        if (remoteSet) await pc.addIceCandidate(msg.candidate);
        else if (early.length < 1000) early.push(msg.candidate);
        return;
      case 'send':
        if (!channel || channel.readyState !== 'open') throw new Error(`send with the channel ${channel ? channel.readyState : 'absent'}`);
        channel.send(String(msg.data));
        return;
      case 'stats':
        return emit(await stats(msg.id));
      default:
        throw new Error(`unknown command ${JSON.stringify(msg.cmd)}`);
    }
  }
  let queue = Promise.resolve();
  window.icePeer = {
    start(config) {
      pc = new RTCPeerConnection(config);
      pc.onicecandidate = (e) =>
        emit(e.candidate ? { event: 'candidate', candidate: { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } } : { event: 'gathering-complete' });
      pc.onicecandidateerror = (e) => emit({ event: 'candidate-error', url: e.url ?? null, errorCode: e.errorCode ?? null, errorText: e.errorText ?? null });
      pc.oniceconnectionstatechange = () => emit({ event: 'ice-state', state: pc.iceConnectionState });
      pc.ondatachannel = (e) => bind(e.channel);
    },
    // In order, one at a time, as the child script does.
    handle(msg) {
      queue = queue.then(() => handle(msg)).catch((e) => emit({ event: 'error', message: String(e && e.message) }));
    },
  };
})();
