import type { ConnectionLimits } from './ConnectionLimits.js';

/**
 * Why connection metadata is refused, or undefined when it is acceptable: nested deeper than
 * `maxMetadataDepth` (JSON.stringify recurses, so a deep value would overflow the stack where it
 * is sent or shown) or longer than `maxMetadataBytes` as JSON text. The depth is measured
 * without recursion, so any value can be checked.
 */
export function metadataProblem(value: unknown, limits: Pick<ConnectionLimits, 'maxMetadataBytes' | 'maxMetadataDepth'>): string | undefined {
  if (value === undefined) return undefined;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  let visited = 0;
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > limits.maxMetadataDepth) return `metadata is nested deeper than ${limits.maxMetadataDepth} levels`;
    // Every member costs at least two bytes of JSON text, so this many can never fit.
    if (++visited > limits.maxMetadataBytes) return `metadata is longer than ${limits.maxMetadataBytes} bytes as JSON`;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push({ value: child, depth: depth + 1 });
  }
  const text = JSON.stringify(value);
  if (text !== undefined && Buffer.byteLength(text) > limits.maxMetadataBytes) {
    return `metadata is longer than ${limits.maxMetadataBytes} bytes as JSON`;
  }
  return undefined;
}
