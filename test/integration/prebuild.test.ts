import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

import { readDynamicInfo } from '../helpers/elf.js';

const root = join(import.meta.dirname, '..', '..');
const prebuild = join(root, 'prebuilds', 'linux-x64', 'webrtc-gateway.node');
/** The C and C++ runtimes; anything else (libssl, libcrypto, libsrtp...) must not be linked. */
const ALLOWED_LIBRARIES = ['libc.so.6', 'libm.so.6', 'libstdc++.so.6', 'libgcc_s.so.1', 'ld-linux-x86-64.so.2', 'libpthread.so.0', 'libdl.so.2'];

describe('committed prebuild (linux-x64)', () => {
  it('exists where node-gyp-build looks for it', () => {
    assert.ok(existsSync(prebuild), `${relative(root, prebuild)} is committed`);
  });

  it('loads with PREBUILDS_ONLY=1 and works: binds a port and counts a datagram', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'test', 'fixtures', 'prebuildSmoke.cjs')], {
      env: { ...process.env, PREBUILDS_ONLY: '1' },
    });
    const result = JSON.parse(stdout) as { file: string; openssl: string; packets: number; bytes: number };
    assert.equal(result.file, prebuild, 'the prebuild, not a local build, was loaded');
    assert.equal(result.packets, 1);
    assert.equal(result.bytes, 200);
    assert.ok(result.openssl.startsWith(`OpenSSL ${process.versions.openssl}`), `uses Node's own OpenSSL (${result.openssl})`);
  });

  it('links only the C/C++ runtime, and takes OpenSSL from the Node binary', () => {
    const { needed, imports } = readDynamicInfo(prebuild);
    for (const lib of needed) assert.ok(ALLOWED_LIBRARIES.includes(lib), `links ${lib}`);
    assert.ok(needed.includes('libc.so.6'));
    // The OpenSSL symbols stay undefined in the addon: the dynamic linker binds them to the ones
    // the node executable exports, so no system libcrypto is needed.
    assert.ok(imports.includes('OpenSSL_version'), 'imports OpenSSL symbols');
    assert.ok(imports.some((s) => s.startsWith('napi_')), 'imports Node-API');
  });
});
