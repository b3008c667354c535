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
  /** A fresh page from the test page server (a secure context, so getUserMedia works). */
  newPage(html?: string): Promise<Page>;
  /** A fresh page at `url` (e.g. the gateway's own demo page). */
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

/** Files the test page may load, by URL path (e.g. the stock peerjs bundle). */
const STATIC: Record<string, string> = {
  '/peerjs.min.js': join(import.meta.dirname, '..', '..', 'node_modules', 'peerjs', 'dist', 'peerjs.min.js'),
};

/** An HTTP server for test pages: STATIC by path, else the current html (set before a page loads). */
export interface TestPageServer {
  /** http://host:port/ */
  readonly base: string;
  setHtml(html: string): void;
  close(): void;
}

export async function startTestPageServer(host: string): Promise<TestPageServer> {
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
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    base: `http://${host}:${(server.address() as AddressInfo).port}/`,
    setHtml: (content) => (html = content),
    // Kept-alive connections too: a later request to this address must not reach this server.
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}

/** The TestBrowser of a launched browser whose pages come from `pages`. */
export function testBrowser(browser: Browser, pages: TestPageServer): TestBrowser {
  return {
    browser,
    async newPage(content?: string) {
      if (content) pages.setHtml(content);
      const page = await browser.newPage();
      await page.goto(pages.base);
      return page;
    },
    async open(url: string) {
      const page = await browser.newPage();
      await page.goto(url);
      return page;
    },
    async close() {
      await browser.close();
      pages.close();
    },
  };
}

/** Debian's Chromium with CHROMIUM_ARGS and `extraArgs` (e.g. --host-resolver-rules). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export async function launchChromium(): Promise<TestBrowser> {
  // http://127.0.0.1 is a secure context by itself.
  const pages = await startTestPageServer('127.0.0.1');
  try {
    const browser = await launchBrowser();
    return testBrowser(browser, pages);
  } catch (e) {
    pages.close();
    throw e;
  }
}
