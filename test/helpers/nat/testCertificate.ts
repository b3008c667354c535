// A self-signed certificate made at test time with `openssl req -x509`, for `turns:` (TURN over TLS).
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runCommand } from '../netns/command.js';

export interface TestCertificate {
  /** PEM files, in a directory of their own until remove(). */
  certPath: string;
  keyPath: string;
  /** The certificate in PEM (a client that trusts it explicitly needs this). */
  certPem: string;
  /** base64 SHA-256 of its SubjectPublicKeyInfo: Chromium's --ignore-certificate-errors-spki-list takes it. */
  spkiSha256: string;
  /** Removes the files. */
  remove(): void;
}

/** A one-day certificate for `commonName` with subjectAltName DNS:commonName and IP:addr for each of `ips`. */
export async function makeTestCertificate(commonName: string, ips: readonly string[]): Promise<TestCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'wg-nat-cert-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  const san = [`DNS:${commonName}`, ...ips.map((ip) => `IP:${ip}`)].join(',');
  try {
    // EC P-256: generating it takes milliseconds, an RSA key noticeably longer on a busy machine.
    await runCommand('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${san}`,
    ]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const certPem = readFileSync(certPath, 'utf8');
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return { certPath, keyPath, certPem, spkiSha256: createHash('sha256').update(spki).digest('base64'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
