// bin/webrtc-gateway.js (the built package, same arguments) plus one thing for bench/soak.ts: run
// with `node --expose-gc` and an IPC channel, it answers {type: 'gc'} with a full collection
// followed by process.memoryUsage(), so the benchmark can tell memory still referenced from
// garbage not yet collected. The gateway itself is unchanged.
import { main } from '../../dist/cli/main.js';

process.on('message', (message) => {
  if (message?.type !== 'gc') return;
  globalThis.gc();
  process.send({ type: 'gc', memory: process.memoryUsage() });
});
// The benchmark went away without stopping us: stop as SIGTERM would.
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`webrtc-gateway: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
