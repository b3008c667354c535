import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Certificates made at test time with Debian's openssl CLI (ECDSA P-256, valid two days). */
export interface TestPki {
  dir: string;
  /** PEM of the test CA, the file a `ca-file` verification trusts. */
  caFile: string;
  /** Signed by the test CA, for DNS:localhost and IP:127.0.0.1. */
  serverKeyFile: string;
  serverCertFile: string;
  serverKey: Buffer;
  serverCert: Buffer;
  /** Self-signed, for the same names, signed by no CA anyone trusts. */
  selfSignedKeyFile: string;
  selfSignedCertFile: string;
  selfSignedKey: Buffer;
  selfSignedCert: Buffer;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
const NAMES = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'wg-pki-'));
  openssl(['req', '-x509', ...EC_KEY, '-subj', '/CN=webrtc-gateway test CA', '-days', '2', '-keyout', 'ca.key', '-out', 'ca.pem'], dir);
  openssl(['req', ...EC_KEY, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr'], dir);
  writeFileSync(join(dir, 'server.ext'), `${NAMES}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.pem'], dir);
  openssl(['req', '-x509', ...EC_KEY, '-subj', '/CN=localhost', '-addext', NAMES, '-days', '2', '-keyout', 'self.key', '-out', 'self.pem'], dir);
  const file = (name: string): string => join(dir, name);
  return {
    dir,
    caFile: file('ca.pem'),
    serverKeyFile: file('server.key'),
    serverCertFile: file('server.pem'),
    serverKey: readFileSync(file('server.key')),
    serverCert: readFileSync(file('server.pem')),
    selfSignedKeyFile: file('self.key'),
    selfSignedCertFile: file('self.pem'),
    selfSignedKey: readFileSync(file('self.key')),
    selfSignedCert: readFileSync(file('self.pem')),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
