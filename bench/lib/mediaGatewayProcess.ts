/**
 * A gateway in its own process for bench/media.ts, started in code (not from bin/) so it can tell
 * the parent the kernel thread id of its native I/O thread, whose CPU the parent reads from
 * /proc/<pid>/task/<tid>. Loopback only: ports, media candidates and signaling on 127.0.0.1.
 * Usage (forked with IPC): mediaGatewayProcess.ts <portMin> [signalingUrl]
 *   without signalingUrl it runs the embedded signaling server. BENCH_RTCP_FEEDBACK=off turns
 *   off media_nack and media_bandwidth_feedback (bench/rtcp.ts compares the two);
 *   BENCH_MEDIA_SHARED_PORT=<port> sets media_shared_port.
 * Sends {type: 'ready', api, signalingUrl, threadId}; answers {type: 'stats'} with the engine's stats.
 */
import { defaultConfig } from '../../src/config/loadConfig.js';
import { Gateway } from '../../src/Gateway.js';
import { DEFAULT_CONNECTION_LIMITS } from '../../src/session/limits/ConnectionLimits.js';

const [portMin, signalingUrl] = [Number(process.argv[2]), process.argv[3]];
const rtcpFeedback = process.env['BENCH_RTCP_FEEDBACK'] !== 'off';
const config = defaultConfig({
  apiPort: 0,
  logLevel: 'warn',
  advertisedIpV4: '127.0.0.1',
  portMin,
  portMax: portMin + 99,
  signaling: signalingUrl ? undefined : { host: '127.0.0.1', port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
  signalingUrl,
  // A crowd of viewers calls (or is called by) one peer at once: more offers pending and more
  // connections per peer than the exposure defaults allow.
  limits: { ...DEFAULT_CONNECTION_LIMITS, maxPendingOffers: 5000, maxConnectionsPerPeer: 5000, maxConnections: 10000 },
  mediaBindAddresses: ['127.0.0.1'],
  mediaSharedPort: process.env['BENCH_MEDIA_SHARED_PORT'] ? Number(process.env['BENCH_MEDIA_SHARED_PORT']) : undefined,
  mediaNack: rtcpFeedback,
  mediaBandwidthFeedback: rtcpFeedback,
});
const gateway = await Gateway.start(config);

process.send!({
  type: 'ready',
  api: `http://127.0.0.1:${gateway.apiAddress.port}`,
  signalingUrl: gateway.signaling ? `ws://127.0.0.1:${gateway.signaling.address.port}/` : signalingUrl,
  threadId: gateway.engine.threadId,
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'stats') process.send!({ type: 'stats', stats: gateway.engine.stats() });
  else if (m.type === 'exit') void gateway.stop().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
