import { GatewayProcess } from '../support/gatewayProcess.js';

/** A `webrtc-gateway` process and where to reach it. */
export interface RunningGateway {
  readonly process: GatewayProcess;
  /** The REST API's base URL. */
  readonly api: string;
  /** The signaling server its peers use (ws://host:port/, the mount path included). */
  readonly signalingUrl: string;
  /** SIGTERM, then the exit code (SIGKILL after 10 s, which rejects). */
  stop(): Promise<number | null>;
}

/**
 * Starts a gateway process on an ephemeral API port with its own UDP port range, its media
 * transports on 127.0.0.1 only. Without `signalingUrl` it runs the embedded signaling server
 * (on an ephemeral port); with it, its peers use that server instead.
 */
export async function startGatewayProcess(o: { portMin: number; portMax: number; signalingUrl?: string }): Promise<RunningGateway> {
  const args = [
    '--api-port', '0',
    '--port-min', String(o.portMin),
    '--port-max', String(o.portMax),
    '--media-bind-addresses', '127.0.0.1',
    // info: the API's and the signaling server's addresses are read from the log.
    '--log-level', 'info',
  ];
  if (o.signalingUrl) args.push('--embedded-signaling', 'false', '--signaling-url', o.signalingUrl);
  else args.push('--signaling-port', '0');
  const child = new GatewayProcess(args);
  let api: string;
  try {
    api = await child.apiUrl(15000);
  } catch (error) {
    child.child.kill('SIGKILL');
    throw error;
  }
  let signalingUrl = o.signalingUrl;
  if (!signalingUrl) {
    const line = child.logs.find((l) => l.msg === 'signaling server listening');
    if (!line) {
      child.child.kill('SIGKILL');
      throw new Error('the embedded signaling server did not log its address');
    }
    // "ws://127.0.0.1:PORT/peerjs": the mount path is what comes before "peerjs".
    signalingUrl = String(line.url).replace(/peerjs$/, '');
  }
  return {
    process: child,
    api,
    signalingUrl,
    stop: async () => (await child.stop(10000)).code,
  };
}
