import { parseArgs } from 'node:util';

import { SETTINGS } from '../config/settings.js';

export interface CliArgs {
  /** `webrtc-gateway` runs the gateway; `webrtc-gateway signaling` only the signaling server. */
  readonly command: 'gateway' | 'signaling';
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
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'signaling')) {
    throw new TypeError(`Unexpected argument '${positionals.find((p) => p !== 'signaling') ?? positionals[1]}'`);
  }
  const flags: Record<string, string | undefined> = {};
  for (const s of SETTINGS) flags[s.flag] = values[s.flag] as string | undefined;
  return {
    command: positionals[0] === 'signaling' ? 'signaling' : 'gateway',
    help: values['help'] === true,
    version: values['version'] === true,
    configFile: values['config'] as string | undefined,
    flags,
  };
}
