/**
 * SRTP cost per packet, beside the raw cipher and MAC it is made of.
 * - ours: SrtpSession protect / unprotect (RTP of 160 B and 1200 B, both suites), timed natively;
 * - raw: the same OpenSSL contexts doing only the cipher (and MAC) over the same bytes;
 * - openssl speed: the system's OpenSSL CLI on the same primitives, in the same run;
 * - protect + send: protect and sendmmsg to loopback on one thread (target: 300k packets/s of 1200 B).
 * Usage: node --import tsx bench/srtp.ts [packets]
 */
import { execFileSync } from 'node:child_process';

import type { SrtpProfileName } from '../src/native/addon.js';
import { loadTestAddon } from '../test/helpers/native/testAddon.js';
import { markdownTable } from './lib/table.js';

const { bench } = loadTestAddon();
const packets = Number(process.argv[2] ?? 400_000);
const profiles: SrtpProfileName[] = ['AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'];
const sizes = [160, 1200];

/** ns per operation on `bytes` bytes, from `openssl speed` (the CLI reports 1000s of bytes per second). */
function opensslSpeed(args: string[], bytes: number): number {
  const text = execFileSync('openssl', ['speed', '-seconds', '2', '-bytes', String(bytes), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = text.trim().split('\n').pop() ?? '';
  const kbytes = Number(line.trim().split(/\s+/).pop()?.replace(/k$/, ''));
  return (bytes / (kbytes * 1000)) * 1e9;
}

const fmt = (n: number) => n.toFixed(0);
const best = (f: () => number, runs = 3) => Math.min(...Array.from({ length: runs }, f));

const rows: (string | number)[][] = [];
for (const profile of profiles) {
  for (const size of sizes) {
    const payload = size - 12;
    const protect = best(() => bench.srtp({ profile, size, packets, direction: 'protect' }).nsPerPacket);
    const unprotect = best(() => bench.srtp({ profile, size, packets, direction: 'unprotect' }).nsPerPacket);
    const raw = best(() => bench.cipherBaseline({ profile, size, packets }).nsPerPacket);
    const cli =
      profile === 'AEAD_AES_128_GCM'
        ? opensslSpeed(['-evp', 'aes-128-gcm'], payload)
        : opensslSpeed(['-evp', 'aes-128-ctr'], payload) + opensslSpeed(['-hmac', 'sha1'], size + 4);
    rows.push([profile, size, fmt(protect), fmt(unprotect), fmt(raw), fmt(cli), (protect / raw).toFixed(2), (unprotect / raw).toFixed(2)]);
  }
}
console.log(`\nSRTP per packet, ns (best of 3 runs of ${packets} packets)\n`);
console.log(markdownTable(['suite', 'bytes', 'protect', 'unprotect', 'raw cipher+MAC', 'openssl speed', 'protect / raw', 'unprotect / raw'], rows));

const sendRows: (string | number)[][] = [];
for (const profile of profiles) {
  const r = bench.protectSend({ profile, size: 1200, packets: 1_000_000 });
  sendRows.push([profile, 1200, Math.round(r.packetsPerSecond).toLocaleString('en-US'), (r.cpuNsPerPacket / 1000).toFixed(2), (r.sent / r.sendCalls).toFixed(1), r.sendDropped]);
}
console.log('\nProtect + sendmmsg to loopback, one thread, 1,000,000 packets\n');
console.log(markdownTable(['suite', 'bytes', 'packets/s', 'CPU µs / packet', 'packets / sendmmsg', 'send drops'], sendRows));
