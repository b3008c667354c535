import { pino, type Logger } from 'pino';

import type { LogLevel } from '../config/GatewayConfig.js';

export type { Logger };

/** JSON lines on stdout with readable level names; subsystems log through `logger.child({ subsystem })`. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { name: 'webrtc-gateway' },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
