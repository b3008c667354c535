/**
 * INVALID_CONFIG: a setting is malformed or contradicts another. ICE_SERVER_UNRESOLVED: a host
 * name in ice_servers did not resolve at start.
 */
export type ConfigErrorCode = 'INVALID_CONFIG' | 'ICE_SERVER_UNRESOLVED';

/** A setting that cannot be used; the gateway does not start. */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;

  constructor(message: string, options?: { cause?: unknown; code?: ConfigErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConfigError';
    this.code = options?.code ?? 'INVALID_CONFIG';
  }
}
