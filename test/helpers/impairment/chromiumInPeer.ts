import { chmodSync } from 'node:fs';
import { join } from 'node:path';

import { chromium, type Browser } from 'playwright-core';

import { CHROMIUM_ARGS, startTestPageServer, testBrowser, type TestBrowser } from '../chromium.js';
import type { ImpairedLink } from '../networkNamespace.js';

const WRAPPER = join(import.meta.dirname, 'chromiumInNetns.sh');

/**
 * Headless Chromium (CHROMIUM_ARGS and `extraArgs`) inside the network namespace at `netnsPath`
 * (/proc/PID/ns/net): Playwright runs chromiumInNetns.sh as the browser executable, which nsenters
 * the namespace and execs Chromium.
 */
export function launchChromiumInNetns(netnsPath: string, extraArgs: readonly string[] = []): Promise<Browser> {
  chmodSync(WRAPPER, 0o755); // a checkout may lose the mode bit
  return chromium.launch({
    executablePath: WRAPPER,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    env: { ...process.env, WG_PEER_NETNS: netnsPath, WG_PEER_CHROMIUM: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium' },
  });
}

/**
 * Headless Chromium inside the link's peer namespace. Its test pages come from a server on the
 * gateway side (http://<gatewayIp>:port/, across the veth); Chromium is told to treat that origin
 * as secure, so getUserMedia works there as on http://127.0.0.1. The gateway's signaling and media
 * addresses must be on link.gatewayIp for Chromium to reach them.
 */
export async function launchChromiumInPeer(link: ImpairedLink, extraArgs: readonly string[] = []): Promise<TestBrowser> {
  const pages = await startTestPageServer(link.gatewayIp);
  const origin = pages.base.replace(/\/$/, '');
  try {
    const browser = await launchChromiumInNetns(link.peerNetns, [`--unsafely-treat-insecure-origin-as-secure=${origin}`, ...extraArgs]);
    return testBrowser(browser, pages);
  } catch (e) {
    pages.close();
    throw e;
  }
}
