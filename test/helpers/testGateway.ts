import { Writable } from 'node:stream';

import { Gateway } from '../../src/Gateway.js';
import type { GatewayConfig } from '../../src/config/GatewayConfig.js';
import { defaultConfig } from '../../src/config/loadConfig.js';
import { createLogger } from '../../src/log/createLogger.js';

/** Collects log records so tests can assert on what was logged. */
export class LogCapture extends Writable {
  readonly records: Record<string, unknown>[] = [];
  /** The lines as written (JSON.parse keeps only the last of a repeated key; these keep all). */
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      this.lines.push(line);
      this.records.push(JSON.parse(line) as Record<string, unknown>);
    }
    done();
  }
}

/** A gateway on an ephemeral API port with its own slice of the UDP port range. */
export async function startTestGateway(overrides: Partial<GatewayConfig> = {}): Promise<{
  gateway: Gateway;
  base: string;
  logs: LogCapture;
}> {
  // Each test process gets its own range, so test files running in parallel never compete.
  const start = 20000 + (process.pid % 300) * 100;
  const config = defaultConfig({
    apiPort: 0,
    logLevel: 'debug',
    portMin: start,
    portMax: start + 99,
    signaling: { host: '127.0.0.1', port: 0, path: '/', key: 'peerjs', secret: undefined, allowDiscovery: false },
    mediaBindAddresses: ['127.0.0.1'],
    advertisedIpV4: '127.0.0.1',
    ...overrides,
  });
  const logs = new LogCapture();
  const gateway = await Gateway.start(config, { logger: createLogger(config.logLevel, logs) });
  const { port } = gateway.apiAddress;
  return { gateway, base: `http://127.0.0.1:${port}`, logs };
}

// Most suites import the REST client from here, next to the gateway they start.
export { call, type ApiResponse } from '../support/rest.js';
