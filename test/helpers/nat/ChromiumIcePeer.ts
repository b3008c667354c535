// An IcePeer on headless Chromium: browserIcePeer.js in a blank page, in the namespace of one host
// of the NAT topology. Chromium checks a turns: server's certificate with its own verifier, so a
// test certificate needs its SPKI pin (--ignore-certificate-errors-spki-list, see TestCertificate).
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import { launchBrowser } from '../chromium.js';
import { launchChromiumInNetns } from '../impairment/chromiumInPeer.js';
import { OwnNamespace } from '../netns/OwnNamespace.js';
import { IcePeer, type IcePeerConfig } from './IcePeer.js';
import type { NatHost } from './NatTopology.js';

const PAGE_SCRIPT = join(import.meta.dirname, 'browserIcePeer.js');

export class ChromiumIcePeer extends IcePeer {
  private readonly consoleLines: string[] = [];

  private constructor(
    name: string,
    private readonly browser: Browser,
    private readonly page: Page,
  ) {
    super(name);
    page.on('console', (m) => {
      if (this.consoleLines.length < 200) this.consoleLines.push(m.text());
    });
  }

  /** Launches Chromium on `host` with `extraArgs` and starts an RTCPeerConnection with `config`. */
  static async start(name: string, host: NatHost, config: IcePeerConfig, extraArgs: readonly string[] = []): Promise<ChromiumIcePeer> {
    const browser = host.netns instanceof OwnNamespace ? await launchBrowser(extraArgs) : await launchChromiumInNetns(host.netns.netnsPath, extraArgs);
    try {
      const page = await browser.newPage();
      const peer = new ChromiumIcePeer(name, browser, page);
      await page.exposeFunction('emitIceEvent', (json: string) => peer.events.pushJson(json));
      await page.addScriptTag({ path: PAGE_SCRIPT });
      await page.evaluate((c) => (globalThis as any).icePeer.start(c), config as unknown as Record<string, unknown>);
      return peer;
    } catch (e) {
      await browser.close();
      throw e;
    }
  }

  send(command: Record<string, unknown>): void {
    this.page.evaluate((c) => (globalThis as any).icePeer.handle(c), command).catch((e: Error) => this.events.pushJson(JSON.stringify({ event: 'error', message: e.message })));
  }

  stderr(): string {
    return this.consoleLines.join('\n');
  }

  async stop(): Promise<void> {
    this.events.end();
    await this.browser.close();
  }
}
