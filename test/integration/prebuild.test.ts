import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { newerThan, readDynamicInfo } from '../helpers/elf.js';

const root = join(import.meta.dirname, '..', '..');
const prebuildOf = (platform: string): string => join(root, 'prebuilds', platform, 'webrtc-gateway.node');
/** The test addon's prebuild (native/testing/): x64 only, never shipped, loaded by `npm test`. */
const TEST_ADDON_PREBUILD = join(root, 'native', 'testing', 'prebuilds', 'linux-x64', 'webrtc-gateway-testing.node');
/** The committed binaries: the CPU each is built for and the name of its dynamic linker. */
const PLATFORMS = [
  { platform: 'linux-x64', machine: 'x86-64', loader: 'ld-linux-x86-64.so.2', file: prebuildOf('linux-x64') },
  { platform: 'linux-arm64', machine: 'aarch64', loader: 'ld-linux-aarch64.so.1', file: prebuildOf('linux-arm64') },
  { platform: 'linux-x64 test addon', machine: 'x86-64', loader: 'ld-linux-x86-64.so.2', file: TEST_ADDON_PREBUILD },
];
/** The C and C++ runtimes; anything else (libssl, libcrypto, libsrtp...) must not be linked. */
const RUNTIME_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libgcc_s.so.1', 'libpthread.so.0', 'libdl.so.2'];
/** The README's floor: glibc 2.34 (Ubuntu 22.04, Debian 12), libstdc++ of GCC 11. */
const NEWEST_VERSIONS = ['GLIBC_2.34', 'GLIBCXX_3.4.29', 'CXXABI_1.3.13'];

// This CPU's binary is loaded and used here; the other one is, under qemu, by test/arm64/run.sh
// (in .ci/run). Reading both binaries' ELF headers below needs no emulator.
describe(`committed prebuild for this machine (${process.platform}-${process.arch})`, () => {
  it('loads with PREBUILDS_ONLY=1 and works: binds a port and counts a datagram', async () => {
    const prebuild = prebuildOf(`${process.platform}-${process.arch}`);
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'test', 'fixtures', 'prebuildSmoke.cjs')], {
      env: { ...process.env, PREBUILDS_ONLY: '1' },
    });
    const result = JSON.parse(stdout) as { file: string; openssl: string; packets: number; bytes: number };
    assert.equal(result.file, prebuild, 'the prebuild, not a local build, was loaded');
    assert.equal(result.packets, 1);
    assert.equal(result.bytes, 200);
    assert.ok(result.openssl.startsWith(`OpenSSL ${process.versions.openssl}`), `uses Node's own OpenSSL (${result.openssl})`);
  });

  it('the test addon loads from its prebuild with PREBUILDS_ONLY=1 and runs the C++ unit tests', { skip: process.arch !== 'x64' && 'built for x64 only' }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'test', 'fixtures', 'testAddonPrebuildSmoke.cjs')], {
      env: { ...process.env, PREBUILDS_ONLY: '1' },
    });
    const result = JSON.parse(stdout) as { file: string; testCases: number; failures: string[]; stun: unknown };
    assert.equal(result.file, TEST_ADDON_PREBUILD, 'the prebuild, not a local build, was loaded');
    assert.deepEqual(result.failures, []);
    assert.ok(result.testCases >= 20, `${result.testCases} C++ test cases ran`);
    assert.equal(result.stun, null, 'the sans-IO wrappers answer (4 bytes are no STUN message)');
  });
});

for (const { platform, machine, loader, file: prebuild } of PLATFORMS) {
  describe(`committed prebuild (${platform})`, () => {
    it('exists where node-gyp-build looks for it, built for its CPU', () => {
      assert.ok(existsSync(prebuild), `${relative(root, prebuild)} is committed`);
      assert.equal(readDynamicInfo(prebuild).machine, machine);
    });

    it('links only the C/C++ runtime, and takes OpenSSL from the Node binary', () => {
      const { needed, imports } = readDynamicInfo(prebuild);
      for (const lib of needed) assert.ok([...RUNTIME_LIBRARIES, loader].includes(lib), `links ${lib}`);
      assert.ok(needed.includes('libc.so.6'));
      // The OpenSSL symbols stay undefined in the addon: the dynamic linker binds them to the ones
      // the node executable exports, so no system libcrypto is needed.
      assert.ok(imports.includes('EVP_CIPHER_CTX_new') && imports.includes('SSL_export_keying_material'), 'imports OpenSSL symbols');
      assert.ok(imports.some((s) => s.startsWith('napi_')), 'imports Node-API');
    });

    it(`needs no symbol version newer than ${NEWEST_VERSIONS.join(', ')}`, () => {
      const required = Object.values(readDynamicInfo(prebuild).versions).flat();
      assert.ok(required.includes('GLIBC_2.17'), `the version needs were read (${required.join(' ')})`);
      for (const limit of NEWEST_VERSIONS) assert.deepEqual(newerThan(required, limit), [], `newer than ${limit}`);
    });
  });
}
