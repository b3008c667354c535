#!/usr/bin/env node
// The CLI entry point; the code lives in dist/cli/main.js (built by `npm install` / `npm run build`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`webrtc-gateway: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
