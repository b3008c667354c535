import { parseArgs } from 'node:util';

import { SETTINGS } from '../config/settings.js';

export interface CliArgs {
  readonly help: boolean;
  readonly version: boolean;
  readonly configFile: string | undefined;
  /** Setting values given as flags, by flag name. */
  readonly flags: Record<string, string | undefined>;
}

/** Parses argv (without node and the script). Throws a TypeError with a usable message on bad input. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    config: { type: 'string', short: 'c' },
  };
  for (const s of SETTINGS) options[s.flag] = { type: 'string' };
  const { values } = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true });
  const flags: Record<string, string | undefined> = {};
  for (const s of SETTINGS) flags[s.flag] = values[s.flag] as string | undefined;
  return {
    help: values['help'] === true,
    version: values['version'] === true,
    configFile: values['config'] as string | undefined,
    flags,
  };
}
