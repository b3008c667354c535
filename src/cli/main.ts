import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ConfigError } from '../config/ConfigError.js';
import { loadConfig } from '../config/loadConfig.js';
import { Gateway } from '../Gateway.js';
import { PACKAGE_ROOT } from '../native/addon.js';
import { createLogger } from '../log/createLogger.js';
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
  try {
    loaded = loadConfig({ flags: args.flags, env: process.env, ...(args.configFile && { file: args.configFile }) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`webrtc-gateway: ${error.message}\n`);
    return 2;
  }
  const logger = createLogger(loaded.config.logLevel);
  for (const warning of loaded.warnings) logger.warn(warning);
  logger.debug({ config: loaded.config }, 'configuration');

  let gateway: Gateway;
  try {
    gateway = await Gateway.start(loaded.config, { logger });
  } catch (error) {
    logger.error({ err: error }, 'the gateway could not start');
    return 1;
  }

  return new Promise<number>((resolve) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (signalled) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      signalled = true;
      logger.info({ signal }, 'stopping');
      gateway.stop().then(
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

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
