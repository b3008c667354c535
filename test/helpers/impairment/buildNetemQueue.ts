import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = join(import.meta.dirname, 'netemQueue.cc');
/** Gitignored (test/helpers/impairment/build/). */
export const NETEM_QUEUE_BUILD_DIR = join(import.meta.dirname, 'build');

/**
 * The path of the compiled netemQueue program, compiling it with g++ -O2 first when the binary
 * is missing or older than its source. Test files running in parallel may both compile: each
 * writes its own temporary file and renames it into place, so neither sees a half-written binary.
 */
export function buildNetemQueue(): string {
  const binary = join(NETEM_QUEUE_BUILD_DIR, 'netemQueue');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(SOURCE).mtimeMs) return binary;
  mkdirSync(NETEM_QUEUE_BUILD_DIR, { recursive: true });
  const temporary = `${binary}.${process.pid}.tmp`;
  const result = spawnSync('g++', ['-O2', '-std=c++17', '-Wall', '-Wextra', '-o', temporary, SOURCE], { encoding: 'utf8', timeout: 120_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'g++ is not installed: the impairment tests compile their netemQueue program (Debian package g++)'
        : `g++ failed to run: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    rmSync(temporary, { force: true });
    throw new Error(`compiling ${SOURCE} failed (g++ exit ${result.status}):\n${result.stderr}`);
  }
  renameSync(temporary, binary);
  return binary;
}
