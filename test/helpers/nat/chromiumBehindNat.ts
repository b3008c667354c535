// Headless Chromium on the remote peer's host, behind the peer's NAT, with its test pages served
// from the gateway's host and published on the gateway NAT's public address (as a real gateway's
// signaling server would be reachable from the internet).
import { startTestPageServer, testBrowser, type TestBrowser } from '../chromium.js';
import { launchChromiumInNetns } from '../impairment/chromiumInPeer.js';
import { TURN_SERVER_NAME } from './NatCoturn.js';
import type { NatTopology } from './NatTopology.js';

/**
 * Chromium in the peer's namespace. Pages come from http://<gateway NAT public IP>:port/, treated as
 * a secure origin (getUserMedia works); TURN_SERVER_NAME resolves to the TURN server (the internet
 * has no DNS). A turns: server with a test certificate also needs
 * `--ignore-certificate-errors-spki-list=<certificate.spkiSha256>` in `extraArgs`.
 */
export async function launchChromiumBehindNat(net: NatTopology, extraArgs: readonly string[] = []): Promise<TestBrowser> {
  const local = await startTestPageServer(net.gateway.ip);
  try {
    const published = await net.publishGatewayTcp(Number(new URL(local.base).port));
    const pages = { ...local, base: `http://${published}/` };
    const browser = await launchChromiumInNetns(net.peer.netns.netnsPath, [
      `--unsafely-treat-insecure-origin-as-secure=http://${published}`,
      `--host-resolver-rules=MAP ${TURN_SERVER_NAME} ${net.serverIps[0]}`,
      ...extraArgs,
    ]);
    return testBrowser(browser, pages);
  } catch (e) {
    local.close();
    throw e;
  }
}
