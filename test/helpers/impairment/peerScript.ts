import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { ImpairedLink } from '../networkNamespace.js';
import { Lines } from './lines.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface PeerScript {
  child: ChildProcess;
  /** Its stdout, line by line. */
  lines: Lines;
  /** The start of its stderr, for failure messages. */
  stderr(): string;
  /** Closes its stdin (the scripts here exit on that) and waits for it to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs a TypeScript file (a path relative to the repository root, e.g. the ones beside this file)
 * inside the peer namespace with `node --import tsx`, from the repository root so tsx resolves.
 */
export function spawnPeerScript(link: ImpairedLink, script: string, args: readonly string[] = []): PeerScript {
  const child = link.spawnInPeer(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < 8192) stderr += chunk.toString();
  });
  return {
    child,
    lines: new Lines(child.stdout!),
    stderr: () => stderr,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
