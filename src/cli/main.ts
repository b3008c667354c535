import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ConfigError } from '../config/ConfigError.js';
import { loadConfig } from '../config/loadConfig.js';
import type { GatewayConfig } from '../config/GatewayConfig.js';
import { Gateway } from '../Gateway.js';
import { PACKAGE_ROOT } from '../native/packageRoot.js';
import { createLogger, type Logger } from '../log/createLogger.js';
import { DEFAULT_SIGNALING } from '../signaling/server/SignalingConfig.js';
import { SignalingServer } from '../signaling/server/SignalingServer.js';
import { helpText } from './helpText.js';
import { parseCliArgs, type CliArgs } from './parseCliArgs.js';

/** Exit codes: 0 after a clean stop, 1 when the gateway fails, 2 for bad usage or config. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`webrtc-gateway: ${(error as Error).message}\nTry --help.\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }

  let loaded;
  const file = args.configFile ?? defaultConfigFile();
  try {
    // The signaling command is the embedded signaling server, whatever embedded_signaling says.
    const flags = args.command === 'signaling' ? { ...args.flags, 'embedded-signaling': 'true' } : args.flags;
    loaded = loadConfig({ flags, env: process.env, ...(file && { file }) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`webrtc-gateway: ${error.message}\n`);
    return 2;
  }
  const logger = createLogger(loaded.config.logLevel);
  logger.info({ file: file ? resolve(file) : null }, file ? 'configuration file read' : 'no configuration file: defaults, environment and flags');
  for (const warning of loaded.warnings) logger.warn(warning);
  logger.debug({ config: redacted(loaded.config) }, 'configuration');

  let service: { stop(): Promise<void> };
  try {
    service = args.command === 'signaling' ? await startSignalingOnly(loaded.config, logger) : await Gateway.start(loaded.config, { logger });
  } catch (error) {
    logger.error({ err: error }, `the ${args.command === 'signaling' ? 'signaling server' : 'gateway'} could not start`);
    return 1;
  }
  return untilSignalled(service, logger);
}

/** `webrtc-gateway signaling`: the embedded signaling server on its own, with the same settings. */
async function startSignalingOnly(config: GatewayConfig, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const server = new SignalingServer({ ...DEFAULT_SIGNALING, ...config.signaling! }, logger.child({ subsystem: 'signaling' }));
  await server.start();
  return server;
}

/** Resolves with the exit code once SIGINT or SIGTERM has stopped `service`. */
function untilSignalled(service: { stop(): Promise<void> }, logger: Logger): Promise<number> {
  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      signalled = true;
      logger.info({ signal }, 'stopping');
      service.stop().then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stop failed');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Without --config, ./config.toml is read when it exists, as the original gateway read the
 * config.toml beside its binary.
 */
function defaultConfigFile(): string | undefined {
  return existsSync('config.toml') ? 'config.toml' : undefined;
}

/** The configuration as it may be logged: secrets replaced by a mark. */
function redacted(config: GatewayConfig): GatewayConfig {
  const hide = (value: string | undefined): string | undefined => (value === undefined ? undefined : '[redacted]');
  return {
    ...config,
    apiToken: hide(config.apiToken),
    signaling: config.signaling && { ...config.signaling, secret: hide(config.signaling.secret) },
    turnAuth:
      config.turnAuth?.kind === 'secret'
        ? { ...config.turnAuth, secret: '[redacted]' }
        : config.turnAuth && { ...config.turnAuth, credential: '[redacted]' },
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
