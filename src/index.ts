export { Gateway, type GatewayOptions } from './Gateway.js';
export { defaultConfig, loadConfig, type ConfigSources, type LoadedConfig } from './config/loadConfig.js';
export type { GatewayConfig, LogLevel } from './config/GatewayConfig.js';
export { ConfigError } from './config/ConfigError.js';
export { GatewayError, type GatewayErrorCode, type FieldError } from './errors/GatewayError.js';
export { createLogger } from './log/createLogger.js';
