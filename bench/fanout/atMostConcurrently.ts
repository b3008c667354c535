/**
 * Runs `task` `n` times, at most `concurrency` at once; the errors of the runs that threw, in the
 * order they failed. One failure does not stop the others.
 */
export async function atMostConcurrently(n: number, concurrency: number, task: (index: number) => Promise<void>): Promise<string[]> {
  const errors: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const index = next++;
      try {
        await task(index);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, n)) }, worker));
  return errors;
}
