/**
 * Janus 1.1 (Debian's `janus`) as a system under test of the fan-out benchmark: its streaming
 * plugin forwards one RTP mountpoint (VP8 PT 96 + Opus PT 111 on 127.0.0.1) to every viewer.
 * Forked with IPC (bench/lib/tsChild.ts); usage: janus.ts [--event-loops N] [--helper-threads N]
 *   --event-loops N     janus.jcfg general.event_loops: N shared media loops instead of a thread
 *                       per viewer (Janus's default, kept when absent)
 *   --helper-threads N  the mountpoint's `threads`: N helper threads share the sending to viewers
 *                       (default 0, as in Janus: the mountpoint's own thread relays to everyone)
 *
 * Protocol (parent -> child, child -> parent):
 *   ready {videoPort, audioPort, measurePid}        once janus and the mountpoint are up
 *   failed {reason}                                 janus or the mountpoint could not be set up
 *   offer -> offer {viewer, sdp}                    a handle `watch`es the mountpoint; Janus offers
 *   answer {viewer, sdp} -> answer {viewer}         "start" with the JSEP answer was accepted
 *   candidate {viewer, candidate}                   trickled to Janus (no reply)
 *   viewerCandidate {viewer, candidate}             Janus trickled one (only with full-trickle, off)
 *   connected {viewer}                              Janus's webrtcup event for the viewer
 *   stats -> stats {received, forwarded, errors}    see janusStats.ts
 *   remove {viewer} -> remove {viewer}              hangup and detach
 *   exit                                            stops janus, frees the folder and interface
 * A viewer is named by its Janus handle id.
 */
import { parseArgs } from 'node:util';

import { JanusSession, type JanusMessage } from './janusApi.js';
import { JanusDaemon } from './janusDaemon.js';
import { janusStats } from './janusStats.js';

const STREAMING = 'janus.plugin.streaming';
const MOUNTPOINT = 1;

const { values: args } = parseArgs({ options: { 'event-loops': { type: 'string' }, 'helper-threads': { type: 'string' } } });
const send = (m: object): void => void process.send!(m);

const daemon = await JanusDaemon.start({ eventLoops: Number(args['event-loops'] ?? 0) }).catch((e: Error) => {
  // The parent reports why instead of a bare exit status.
  send({ type: 'failed', reason: e.message.split('\n')[0] });
  return process.exit(1);
});
const viewers = new Set<number>();
let session: JanusSession;
let stopping: Promise<void> | undefined;

function stop(code: number): Promise<void> {
  stopping ??= (async () => {
    session?.close();
    await daemon.stop();
    process.exit(code);
  })();
  return stopping;
}
// TsChild.kill() sends SIGTERM: janus, its folder and interface must not outlive this process.
for (const event of ['disconnect', 'SIGTERM', 'SIGINT'] as const) process.on(event, () => void stop(0));

function onEvent(event: JanusMessage): void {
  if (!viewers.has(event.sender)) return;
  const viewer = String(event.sender);
  if (event.janus === 'webrtcup') send({ type: 'connected', viewer });
  else if (event.janus === 'trickle' && event.candidate && !event.candidate.completed) send({ type: 'viewerCandidate', viewer, candidate: event.candidate });
}

try {
  session = await JanusSession.create(daemon.api, onEvent);
  const control = await session.attach(STREAMING);
  const created = await session.message(control, {
    request: 'create',
    type: 'rtp',
    id: MOUNTPOINT,
    description: 'fan-out benchmark',
    threads: Number(args['helper-threads'] ?? 0),
    // Port 0: Janus picks free ports (from the plugin's default range) and says which. The source
    // is local, so the ports are bound to 127.0.0.1 only (Janus binds every address by default).
    media: [
      { type: 'video', mid: 'v', codec: 'vp8', pt: 96, port: 0, iface: '127.0.0.1' },
      { type: 'audio', mid: 'a', codec: 'opus', pt: 111, port: 0, iface: '127.0.0.1' },
    ],
  });
  const ports = created.data.stream.ports as { type: string; port: number }[];
  send({
    type: 'ready',
    videoPort: ports.find((p) => p.type === 'video')!.port,
    audioPort: ports.find((p) => p.type === 'audio')!.port,
    measurePid: daemon.process.pid,
  });
} catch (e) {
  process.stderr.write(`janus system: ${(e as Error).message}\n${daemon.logTail()}\n`);
  send({ type: 'failed', reason: (e as Error).message });
  await stop(1);
}

process.on('message', (m: any) => {
  handle(m).catch((e: Error) => process.stderr.write(`janus system: ${m.type}: ${e.message}\n`));
});

async function handle(m: any): Promise<void> {
  switch (m.type) {
    case 'offer': {
      const handle = await session.attach(STREAMING);
      viewers.add(handle);
      const { jsep } = await session.message(handle, { request: 'watch', id: MOUNTPOINT });
      send({ type: 'offer', viewer: String(handle), sdp: jsep.sdp });
      break;
    }
    case 'answer':
      await session.message(Number(m.viewer), { request: 'start' }, { type: 'answer', sdp: m.sdp });
      send({ type: 'answer', viewer: m.viewer });
      break;
    case 'candidate': {
      const c = m.candidate;
      const candidate = c?.candidate ? { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : { completed: true };
      await session.request({ janus: 'trickle', candidate }, Number(m.viewer));
      break;
    }
    case 'stats':
      send({ type: 'stats', ...(await janusStats(daemon, session.id, [...viewers])) });
      break;
    case 'remove': {
      const handle = Number(m.viewer);
      viewers.delete(handle);
      await session.request({ janus: 'hangup' }, handle).catch(() => {});
      await session.request({ janus: 'detach' }, handle);
      send({ type: 'remove', viewer: m.viewer });
      break;
    }
    case 'exit':
      await stop(0);
      break;
  }
}
