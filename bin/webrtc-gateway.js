#!/usr/bin/env node
// The CLI entry point; the code lives in dist/cli/main.js (built by `npm install` / `npm run compile`).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  // main() resolves after a graceful stop (or a usage error); exit explicitly so that native
  // libraries with fragile teardown (libwebrtc) are not left to environment cleanup.
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`webrtc-gateway: ${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
