import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Flags for Debian's headless Chromium in tests: no sandbox (root in CI), no background
 * networking (the machine's network is closed), fake camera and microphone, real IP candidates,
 * and loopback allowed in peer connections (the e2e suite runs in a loopback-only namespace).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--allow-loopback-in-peer-connection',
];

export interface TestBrowser {
  browser: Browser;
  /** A fresh page on http://127.0.0.1 (a secure context, so getUserMedia works). */
  newPage(html?: string): Promise<Page>;
  /** A fresh page at `url` (e.g. the gateway's own demo page). */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** Files the test page may load, by URL path (e.g. the stock peerjs bundle). */
const STATIC: Record<string, string> = {
  '/peerjs.min.js': join(import.meta.dirname, '..', '..', 'node_modules', 'peerjs', 'dist', 'peerjs.min.js'),
};

export async function launchChromium(): Promise<TestBrowser> {
  let html = '<!doctype html><title>webrtc-gateway test</title>';
  const server: Server = createServer((req, res) => {
    const file = STATIC[req.url ?? ''];
    if (file) {
      res.setHeader('content-type', 'text/javascript');
      res.end(readFileSync(file));
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const browser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    browser,
    async newPage(content?: string) {
      if (content) html = content;
      const page = await browser.newPage();
      await page.goto(base);
      return page;
    },
    async open(url: string) {
      const page = await browser.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}
