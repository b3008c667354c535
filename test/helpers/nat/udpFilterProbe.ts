// Which replies a NAT lets back in (udpFilterProbeChild.ts on the internet, a socket inside).
import type { Socket } from 'node:dgram';
import { join } from 'node:path';

import { Lines } from '../impairment/lines.js';
import type { NatHost } from './NatTopology.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = 'test/helpers/nat/udpFilterProbeChild.ts';

export type ProbeReply = 'from-same' | 'from-other-port' | 'from-other-address';

export interface UdpFilterProbe {
  /** Its main port on host.ip. */
  port: number;
  /**
   * Sends one datagram from `socket` and collects the replies: all that arrive until `windowMs`
   * after the one from the same socket (the probe sends the three in one go, that one first), or
   * within `timeoutMs` when that one never comes.
   */
  replies(socket: Socket, windowMs?: number, timeoutMs?: number): Promise<ProbeReply[]>;
  stop(): Promise<void>;
}

/** Starts the probe on `host` (the internet): main socket on host.ip, the other address `otherIp`. */
export async function startUdpFilterProbe(host: NatHost, otherIp: string): Promise<UdpFilterProbe> {
  const child = host.netns.spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--ip', host.ip, '--other-ip', otherIp], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const { port } = await new Lines(child.stdout!).nextJson<{ port: number }>(15_000, 'the probe port', (v) => typeof v.port === 'number');
  let sequence = 0;
  return {
    port,
    async replies(socket, windowMs = 300, timeoutMs = 5000) {
      const tag = `probe-${++sequence}`;
      const seen: ProbeReply[] = [];
      let sameArrived: () => void = () => undefined;
      const same = new Promise<void>((resolve) => (sameArrived = resolve));
      const onMessage = (msg: Buffer) => {
        const [kind, got] = msg.toString().split(' ');
        if (got !== tag) return;
        seen.push(kind as ProbeReply);
        if (kind === 'from-same') sameArrived();
      };
      socket.on('message', onMessage);
      socket.send(tag, port, host.ip);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([same, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
      await new Promise((r) => setTimeout(r, windowMs));
      socket.off('message', onMessage);
      return seen.sort();
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
