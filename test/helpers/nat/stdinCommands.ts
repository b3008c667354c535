// The NAT suite's child programs take commands as JSON objects, one a line on stdin.

/**
 * Runs `handle` for each command line on stdin, one at a time and in order (a candidate must not
 * overtake the description before it); a line that is not JSON or a command that throws goes to
 * `onError`, and the process goes on. `onEnd` runs when stdin closes.
 */
export function onStdinCommands(handle: (msg: any) => Promise<void> | void, onError: (e: Error) => void, onEnd: () => void): void {
  let queue = Promise.resolve();
  let partial = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      queue = queue.then(() => handle(JSON.parse(line))).catch(onError);
    }
  });
  process.stdin.on('end', onEnd);
}
