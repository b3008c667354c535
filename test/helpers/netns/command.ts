// Short commands (ip, iptables, nsenter) that a test's network setup runs to completion.
import { execFile } from 'node:child_process';

/** The legacy iptables backend: the nft one needs kernel support the test namespaces lack. */
export const IPTABLES = 'iptables-legacy';
export const COMMAND_TIMEOUT_MS = 10_000;

/** Runs `command` to completion (COMMAND_TIMEOUT_MS at most) and resolves with its stdout; rejects with its stderr. */
export function runCommand(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const hint = missing ? ` (${command === IPTABLES ? 'Debian package iptables' : 'not installed?'})` : '';
      reject(new Error(`${command} ${args.join(' ')} failed${hint}: ${stderr.trim() || error.message}`));
    });
  });
}
