/**
 * Writes a benchmark's result into docs/BENCHMARKS.md between `<!-- <name>:start -->` and
 * `<!-- <name>:end -->`, so `npm run bench` regenerates the published table itself.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DOC = join(import.meta.dirname, '..', '..', 'docs', 'BENCHMARKS.md');

/** Replaces the marked block's content; throws if the markers are missing. */
export function writeDocsBlock(name: string, markdown: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(DOC, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/BENCHMARKS.md has no ${start} ... ${end} block`);
  writeFileSync(DOC, `${text.slice(0, from + start.length)}\n${markdown.trim()}\n${text.slice(to)}`);
}
