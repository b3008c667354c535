/** A setting that cannot be used; the gateway does not start. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
