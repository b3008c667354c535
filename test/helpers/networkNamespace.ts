// A test's impaired network link: the test process's own namespace ("gateway side") joined by a
// veth pair to one child network namespace ("peer side"), with UDP across the link passed through
// netemQueue (our NFQUEUE stand-in for tc netem, which this kernel lacks). See docs/TESTING.md.
//
// The peer namespace is a NamespaceHolder (netns/NamespaceHolder.ts): held by a `sleep infinity`
// process, because `ip netns add` fails inside the test suite's `unshare --net --map-root-user`.
import type { ChildProcess, SpawnOptions } from 'node:child_process';

import { buildNetemQueue } from './impairment/buildNetemQueue.js';
import { addCounters, QueueProgram, ZERO_COUNTERS, type QueueCounters } from './impairment/queueProgram.js';
import { IPTABLES, runCommand as run } from './netns/command.js';
import { cleanUpAtExit } from './netns/exitCleanup.js';
import { deleteLinkSync, NamespaceHolder } from './netns/NamespaceHolder.js';

export type { QueueCounters } from './impairment/queueProgram.js';

/** Which UDP the queue program sees: gateway->peer (peer's INPUT), peer->gateway (peer's OUTPUT), or both. */
export type ImpairedDirection = 'both' | 'to-peer' | 'from-peer';

export interface Impairment {
  /** Random loss in percent (0-100), per packet and per impaired direction. */
  lossPercent?: number;
  /** Added one-way delay in ms, per impaired direction: with 'both', a round trip gains twice this. */
  delayMs?: number;
}

export interface ImpairedLinkOptions extends Impairment {
  /** Seeds the loss PRNG, so a run drops the same packets of the same sequence. Random if absent. */
  seed?: number;
  direction?: ImpairedDirection;
}

export interface ImpairedLink {
  /** N of 10.77.N.0/24 and of the interface names. */
  readonly index: number;
  /** 10.77.N.1, on `gatewayInterface` in the test process's namespace. */
  readonly gatewayIp: string;
  /** 10.77.N.2, on `peerInterface` in the peer namespace. */
  readonly peerIp: string;
  readonly gatewayInterface: string;
  readonly peerInterface: string;
  /** The peer namespace as a path for `nsenter --net=` (valid until close()). */
  readonly peerNetns: string;
  /** Starts `command` inside the peer namespace (it dies with the test process and on close()). */
  spawnInPeer(command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` inside the peer namespace to completion (10 s at most) and returns its stdout. */
  execInPeer(command: string, args?: readonly string[]): Promise<string>;
  /** Changes loss and/or delay (unset fields keep their value): a new queue program takes over without a gap. */
  setImpairment(impairment: Impairment): Promise<void>;
  /** Counters summed over every queue program this link has run; rejects if the current one died. */
  counters(): Promise<QueueCounters>;
  /** Every process this link started that is still running (holder, queue program, spawned children). */
  pids(): number[];
  /** Stops everything this link started and deletes the veth pair. Safe to call twice. */
  close(): Promise<void>;
}

let nextIndex = (process.pid * 7) % 254;

/** Creates wgi<N>g/wgi<N>p for the first free N; the name is the lock between parallel test files. */
async function createVeth(): Promise<number> {
  for (let attempt = 0; attempt < 254; attempt++) {
    const n = (nextIndex++ % 254) + 1;
    try {
      await run('ip', ['link', 'add', 'name', `wgi${n}g`, 'type', 'veth', 'peer', 'name', `wgi${n}p`]);
      return n;
    } catch (e) {
      if (!/exists/i.test((e as Error).message)) throw e;
    }
  }
  throw new Error('no free 10.77.N.0/24 link: all 254 veth names are taken');
}

function checkImpairment(i: Required<Impairment>): void {
  if (!(i.lossPercent >= 0 && i.lossPercent <= 100)) throw new Error(`lossPercent must be 0..100, got ${i.lossPercent}`);
  if (!(i.delayMs >= 0 && i.delayMs <= 60_000)) throw new Error(`delayMs must be 0..60000, got ${i.delayMs}`);
}

/**
 * Only UDP on the veth, so TCP (signaling, HTTP) and the peer's own loopback stay untouched.
 * Packets to the peer pass its INPUT chain, packets from it its OUTPUT chain. --queue-bypass:
 * with no program bound to the queue, packets pass unimpaired instead of being dropped, so a
 * crashed or restarting queue program never blackholes the link (counters() then rejects).
 */
function ruleSpec(chain: string, peerInterface: string, queue: number): string[] {
  const iface = chain === 'INPUT' ? ['-i', peerInterface] : ['-o', peerInterface];
  return [...iface, '-p', 'udp', '-j', 'NFQUEUE', '--queue-num', String(queue), '--queue-bypass'];
}

export async function createImpairedLink(options: ImpairedLinkOptions = {}): Promise<ImpairedLink> {
  let impairment = { lossPercent: options.lossPercent ?? 0, delayMs: options.delayMs ?? 0 };
  checkImpairment(impairment);
  const binary = buildNetemQueue();
  const direction = options.direction ?? 'both';
  const chains = direction === 'both' ? ['INPUT', 'OUTPUT'] : direction === 'to-peer' ? ['INPUT'] : ['OUTPUT'];
  let closed = false;

  const peer = await NamespaceHolder.start();
  let gatewayInterface: string | undefined;
  let queue: QueueProgram | undefined;
  const forgetAtExit = cleanUpAtExit(() => {
    peer.killSync();
    if (gatewayInterface) deleteLinkSync(gatewayInterface);
  });

  const spawnInPeer = (command: string, args: readonly string[] = [], spawnOptions: SpawnOptions = {}): ChildProcess => {
    if (closed) throw new Error('spawnInPeer after close()');
    return peer.spawn(command, args, spawnOptions);
  };
  const execInPeer = (command: string, args: readonly string[] = []) => peer.exec(command, args);

  let generation = 0;
  let finished: QueueCounters = { ...ZERO_COUNTERS };
  const startQueue = async (queueNumber: number): Promise<QueueProgram> => {
    const args = ['--queue', String(queueNumber), '--loss', String(impairment.lossPercent / 100), '--delay-ms', String(impairment.delayMs), '--watch-stdin'];
    if (options.seed !== undefined) args.push('--seed', String(options.seed + generation));
    const program = new QueueProgram(spawnInPeer(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] }), queueNumber);
    await program.ready();
    return program;
  };

  try {
    const peerNetns = peer.netnsPath;
    const index = await createVeth();
    gatewayInterface = `wgi${index}g`;
    const peerInterface = `wgi${index}p`;
    const gatewayIp = `10.77.${index}.1`;
    const peerIp = `10.77.${index}.2`;
    await run('ip', ['link', 'set', peerInterface, 'netns', String(peer.pid)]);
    // IPv4 only, so every packet on the link meets the (IPv4) iptables rules.
    await run('sh', ['-c', `echo 1 > /proc/sys/net/ipv6/conf/${gatewayInterface}/disable_ipv6`]).catch(() => undefined);
    await run('ip', ['addr', 'add', `${gatewayIp}/24`, 'dev', gatewayInterface]);
    await run('ip', ['link', 'set', gatewayInterface, 'up']);
    await execInPeer('sh', ['-c', `echo 1 > /proc/sys/net/ipv6/conf/${peerInterface}/disable_ipv6 || true`]);
    await execInPeer('ip', ['addr', 'add', `${peerIp}/24`, 'dev', peerInterface]);
    await execInPeer('ip', ['link', 'set', peerInterface, 'up']);
    await execInPeer('ip', ['link', 'set', 'lo', 'up']);

    queue = await startQueue(0);
    for (const chain of chains) await execInPeer(IPTABLES, ['-w', '5', '-A', chain, ...ruleSpec(chain, peerInterface, 0)]);

    return {
      index,
      gatewayIp,
      peerIp,
      gatewayInterface,
      peerInterface,
      peerNetns,
      spawnInPeer,
      execInPeer,
      async setImpairment(next: Impairment) {
        if (closed) throw new Error('setImpairment after close()');
        const merged = { lossPercent: next.lossPercent ?? impairment.lossPercent, delayMs: next.delayMs ?? impairment.delayMs };
        checkImpairment(merged);
        impairment = merged;
        // The new program binds the other queue number; `-R` swaps each rule in one table update, and
        // both programs run meanwhile, so no packet passes unimpaired.
        generation++;
        const replacement = await startQueue(generation % 2);
        for (const chain of chains) await execInPeer(IPTABLES, ['-w', '5', '-R', chain, '1', ...ruleSpec(chain, peerInterface, replacement.queue)]);
        const old = queue!;
        queue = replacement;
        finished = addCounters(finished, await old.stop());
      },
      async counters() {
        if (closed) return finished;
        return addCounters(finished, await queue!.counters());
      },
      pids() {
        return peer.pids();
      },
      async close() {
        if (closed) return;
        closed = true;
        // Peer programs first (they may still be sending), then the rules, so the queue program
        // sees nothing new while it accepts what it holds.
        await peer.stopChildren(queue ? [queue.child] : []);
        for (const chain of chains) await execInPeer(IPTABLES, ['-w', '5', '-D', chain, ...ruleSpec(chain, peerInterface, queue!.queue)]).catch(() => undefined);
        finished = addCounters(finished, await queue!.stop());
        await run('ip', ['link', 'del', gatewayInterface!]).catch(() => undefined);
        await peer.close();
        forgetAtExit();
      },
    };
  } catch (e) {
    closed = true;
    await queue?.stop().catch(() => undefined);
    peer.killSync();
    if (gatewayInterface) deleteLinkSync(gatewayInterface);
    forgetAtExit();
    throw e;
  }
}
