/**
 * What an offer flood costs libwebrtc itself, without the gateway: rounds of `count`
 * RTCPeerConnections (@roamhq/wrtc) answering one data-channel offer, as the gateway answers
 * admitted offers, never connected, then all closed and collected. Per round: the UDP sockets
 * and descriptors this process held with all of them gathering, and RSS after they are gone.
 * "burst" starts them together (as a flood arrives), "sequential" one after another with 200 ms
 * between, so that no two gather at the same time.
 * Usage: node --import tsx bench/soak/wrtcBurst.ts [count=32] [rounds=10] [burst|sequential]
 * Runs in a loopback-only network namespace of its own where one can be made, as bench/soak.ts.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

import wrtc from '@roamhq/wrtc';

import { enterOwnNetworkNamespace } from '../fanout/networkNamespace.js';
import { sampleProcess } from './processSample.js';

const where = await enterOwnNetworkNamespace();
const count = Number(process.argv[2] ?? 32);
const rounds = Number(process.argv[3] ?? 10);
const mode = process.argv[4] ?? 'burst';
if (!(count > 0) || !(rounds > 0) || !['burst', 'sequential'].includes(mode)) throw new Error('usage: wrtcBurst.ts [count] [rounds] [burst|sequential]');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const offerer = new wrtc.RTCPeerConnection({ iceServers: [] });
offerer.createDataChannel('x');
const offer = await offerer.createOffer();
offerer.close();

console.log(`@roamhq/wrtc in ${where}: ${rounds} rounds of ${count} PeerConnections answering one offer, ${mode}`);
for (let round = 1; round <= rounds; round++) {
  let pcs: any[] = [];
  for (let i = 0; i < count; i++) {
    const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
    pc.onicecandidate = () => {};
    pcs.push(pc);
    const answering = (async () => {
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
    })();
    if (mode === 'sequential') await answering.then(() => sleep(200));
  }
  await sleep(1500);
  const held = sampleProcess(process.pid);
  for (const pc of pcs) pc.close();
  pcs = [];
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(300);
  }
  await sleep(1000);
  gc();
  const after = sampleProcess(process.pid);
  console.log(
    `round ${round}: ${held.udpSockets} UDP sockets, ${held.descriptors} descriptors, ${held.threads} threads while gathering; ` +
      `after closing: RSS ${(after.rssKb / 1024).toFixed(1)} MB, ${after.descriptors} descriptors, ${after.threads} threads`,
  );
}
process.exit(0);
