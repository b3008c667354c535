// A libwebrtc (@roamhq/wrtc) RTCPeerConnection with one DataChannel, driven over stdin/stdout so a
// test can run it on any host of the NAT topology and relay its signaling (WrtcIcePeer.ts):
//
//   wrtcIcePeerChild.ts --config '<RTCConfiguration as JSON>'
//
// Commands, one JSON object a line on stdin (handled in order):
//   {"cmd":"offer"}                          create the DataChannel "nat" and an offer
//   {"cmd":"description","description":D}   set the remote description; answer an offer
//   {"cmd":"candidate","candidate":C}        add a remote candidate (kept until a remote description is set)
//   {"cmd":"send","data":"text"}             send on the DataChannel
//   {"cmd":"stats","id":N}                   report the selected candidate pair (the event carries id)
// Events, one JSON object a line on stdout:
//   {"event":"description","description":D}  {"event":"candidate","candidate":C}  {"event":"gathering-complete"}
//   {"event":"candidate-error","url","errorCode","errorText"}   a STUN/TURN server failed (icecandidateerror)
//   {"event":"ice-state","state"}  {"event":"channel-open"}  {"event":"message","data"}
//   {"event":"stats","selected":{...}|null,"localCandidates":[...]}  {"event":"error","message"}
// It exits when stdin closes.
import wrtc from '@roamhq/wrtc';

import { onStdinCommands } from './stdinCommands.js';

const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

function configArg(): RTCConfiguration {
  const i = process.argv.indexOf('--config');
  if (i < 0 || process.argv[i + 1] === undefined) throw new Error('wrtcIcePeer: --config is required');
  return JSON.parse(process.argv[i + 1]!) as RTCConfiguration;
}

interface CandidateSummary {
  candidateType: string;
  protocol: string;
  address: string;
  port: number;
  /** For relay candidates: how the client reaches the TURN server (udp, tcp, tls). */
  relayProtocol: string | null;
  url: string | null;
}

const summarize = (c: any): CandidateSummary => ({
  candidateType: c.candidateType,
  protocol: c.protocol,
  address: c.address ?? c.ip,
  port: c.port,
  relayProtocol: c.relayProtocol ?? null,
  url: c.url ?? null,
});

async function selectedPair(pc: RTCPeerConnection, id: unknown): Promise<Record<string, unknown>> {
  const report = await pc.getStats();
  const byId = new Map<string, any>();
  report.forEach((s: any) => byId.set(s.id, s));
  const transport = [...byId.values()].find((s) => s.type === 'transport');
  let pair = transport?.selectedCandidatePairId ? byId.get(transport.selectedCandidatePairId) : undefined;
  pair ??= [...byId.values()].find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  const localCandidates = [...byId.values()].filter((s) => s.type === 'local-candidate').map(summarize);
  const selected =
    pair ?
      {
        state: pair.state,
        nominated: pair.nominated ?? null,
        bytesSent: pair.bytesSent ?? 0,
        bytesReceived: pair.bytesReceived ?? 0,
        local: summarize(byId.get(pair.localCandidateId)),
        remote: summarize(byId.get(pair.remoteCandidateId)),
      }
    : null;
  return { event: 'stats', id, selected, localCandidates };
}

function main(): void {
  const pc: RTCPeerConnection = new (wrtc as any).RTCPeerConnection(configArg());
  let channel: RTCDataChannel | undefined;
  let remoteSet = false;
  const early: RTCIceCandidateInit[] = [];

  const bind = (ch: RTCDataChannel) => {
    channel = ch;
    ch.onopen = () => print({ event: 'channel-open', label: ch.label });
    ch.onmessage = (e: MessageEvent) => print({ event: 'message', data: String(e.data) });
  };
  pc.onicecandidate = (e: RTCPeerConnectionIceEvent) => {
    if (e.candidate) print({ event: 'candidate', candidate: { candidate: e.candidate.candidate, sdpMid: e.candidate.sdpMid, sdpMLineIndex: e.candidate.sdpMLineIndex } });
    else print({ event: 'gathering-complete' });
  };
  (pc as any).onicecandidateerror = (e: any) => print({ event: 'candidate-error', url: e.url ?? null, errorCode: e.errorCode ?? null, errorText: e.errorText ?? null });
  pc.oniceconnectionstatechange = () => print({ event: 'ice-state', state: pc.iceConnectionState });
  pc.ondatachannel = (e: RTCDataChannelEvent) => bind(e.channel);

  const handle = async (msg: any): Promise<void> => {
    switch (msg.cmd) {
      case 'offer': {
        bind(pc.createDataChannel('nat'));
        await pc.setLocalDescription(await pc.createOffer());
        print({ event: 'description', description: { type: pc.localDescription!.type, sdp: pc.localDescription!.sdp } });
        return;
      }
      case 'description': {
        await pc.setRemoteDescription(msg.description);
        remoteSet = true;
        for (const c of early.splice(0)) await pc.addIceCandidate(c);
        if (msg.description.type === 'offer') {
          await pc.setLocalDescription(await pc.createAnswer());
          print({ event: 'description', description: { type: pc.localDescription!.type, sdp: pc.localDescription!.sdp } });
        }
        return;
      }
      case 'candidate':
        if (remoteSet) await pc.addIceCandidate(msg.candidate);
        else if (early.length < 1000) early.push(msg.candidate);
        return;
      case 'send':
        if (!channel || channel.readyState !== 'open') throw new Error(`send with the channel ${channel?.readyState ?? 'absent'}`);
        channel.send(String(msg.data));
        return;
      case 'stats':
        print(await selectedPair(pc, msg.id));
        return;
      default:
        throw new Error(`unknown command ${JSON.stringify(msg.cmd)}`);
    }
  };

  onStdinCommands(
    handle,
    (e) => print({ event: 'error', message: e.message }),
    () => {
      pc.close();
      // Exit at once: libwebrtc may crash while Node tears down at a natural exit (node-webrtc#636).
      process.exit(0);
    },
  );
}

try {
  main();
} catch (e) {
  print({ event: 'error', message: (e as Error).message });
  process.exit(1);
}
