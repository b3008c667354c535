// Synchronous clean-ups for the process 'exit' event: a test that throws or is cut short must not
// leave processes or interfaces behind. Only synchronous work can run there.

const pending = new Set<() => void>();
let installed = false;

/** Runs `cleanup` at process exit unless the returned function is called first (after a normal close). */
export function cleanUpAtExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const fn of [...pending]) fn();
    });
  }
  pending.add(cleanup);
  return () => pending.delete(cleanup);
}
