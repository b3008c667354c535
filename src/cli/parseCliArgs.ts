import { parseArgs } from 'node:util';

import { SETTINGS, type SettingSpec } from '../config/settings.js';

export interface CliArgs {
  /** `webrtc-gateway` runs the gateway; `webrtc-gateway signaling` only the signaling server. */
  readonly command: 'gateway' | 'signaling';
  readonly help: boolean;
  readonly version: boolean;
  readonly configFile: string | undefined;
  /** Setting values given as flags, by flag name. */
  readonly flags: Record<string, string | undefined>;
}

/** Words a boolean flag may take as its value (loadConfig checks the same list). */
const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0']);

/**
 * Parses argv (without node and the script). Throws a TypeError with a usable message on bad
 * input. Boolean settings work bare (`--demo-page`), negated (`--no-demo-page`), with a value
 * (`--demo-page=false`) or with a separate true/false word (`--demo-page false`).
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    config: { type: 'string', short: 'c' },
  };
  for (const s of SETTINGS) options[s.flag] = { type: 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: withBooleanValues(argv), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new TypeError(clearer((error as Error).message));
  }
  const { values, positionals } = parsed;
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

/** Rewrites the boolean settings' spellings as `--flag=value`, which parseArgs takes as a string. */
function withBooleanValues(argv: readonly string[]): string[] {
  const booleans = new Map<string, SettingSpec>(SETTINGS.filter((s) => s.type === 'boolean').map((s) => [s.flag, s]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const negated = /^--no-(.+)$/.exec(arg);
    if (negated && booleans.has(negated[1]!)) {
      out.push(`--${negated[1]}=false`);
      continue;
    }
    const bare = /^--([^=]+)$/.exec(arg);
    if (bare && booleans.has(bare[1]!)) {
      const next = argv[i + 1];
      if (next !== undefined && BOOLEAN_WORDS.has(next.toLowerCase())) {
        out.push(`${arg}=${next}`);
        i++;
      } else {
        out.push(`${arg}=true`);
      }
      continue;
    }
    out.push(arg);
  }
  return out;
}

/** parseArgs' messages, without its advice about positionals, which does not apply here. */
function clearer(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(?:-\w, )?(--[\w-]+)[^']*' argument missing/.exec(message);
  if (missing) return `option ${missing[1]} needs a value`;
  return message;
}
