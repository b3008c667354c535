/**
 * `npm run bench`: runs every benchmark program in turn; each prints its own Markdown table.
 * Results are copied into docs/BENCHMARKS.md with the machine they were measured on.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const programs = ['portIngest.ts', 'srtp.ts', 'signaling.ts', 'dataChannel.ts', 'media.ts', 'turnRelay.ts', 'rtcp.ts', 'fanout.ts', 'soak.ts'];
for (const program of programs) {
  // The fan-out and soak benchmarks write their tables into docs/BENCHMARKS.md themselves.
  const env = { ...process.env, FANOUT_DOCS: '1', SOAK_DOCS: '1' };
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, program)], { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
