// An IcePeer on libwebrtc (@roamhq/wrtc): wrtcIcePeerChild.ts in a child process on one host of
// the NAT topology (libwebrtc never runs in the test process, so the test exits by itself).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import { stopChild } from '../netns/childProcess.js';
import { IcePeer, type IcePeerConfig } from './IcePeer.js';
import type { NatHost } from './NatTopology.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = 'test/helpers/nat/wrtcIcePeerChild.ts';

export class WrtcIcePeer extends IcePeer {
  private stderrText = '';

  private constructor(
    name: string,
    private readonly child: ChildProcess,
  ) {
    super(name);
    this.events.attach(child.stdout!);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (this.stderrText.length < 8192) this.stderrText += chunk.toString();
    });
  }

  /** Starts the peer on `host` (from the repository root, so tsx resolves). */
  static start(name: string, host: NatHost, config: IcePeerConfig): WrtcIcePeer {
    const child = host.netns.spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--config', JSON.stringify(config)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    return new WrtcIcePeer(name, child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(command: Record<string, unknown>): void {
    if (this.child.stdin!.writable) this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  stderr(): string {
    return this.stderrText;
  }

  /** Closes its stdin (it exits on that); SIGKILL after 3 s. */
  async stop(): Promise<void> {
    this.child.stdin!.end();
    await stopChild(this.child, 3000);
  }
}
