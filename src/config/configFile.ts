import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';

import { ConfigError } from './ConfigError.js';

/**
 * The TOML file's values by key, for the keys in `known`. Unknown keys are ignored with a warning
 * (a table that is not [general] silently: it may belong to another program).
 */
export function readConfigFile(path: string, known: ReadonlySet<string>, warnings: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}`, { cause });
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid TOML: ${(cause as Error).message}`, { cause });
  }
  // The original gateway's config.toml kept its keys in [general]; top-level keys work too.
  const general = doc['general'];
  const merged: Record<string, unknown> = {};
  const take = (table: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(table)) {
      if (prefix === '' && key === 'general' && isTable(value)) continue;
      if (known.has(key)) merged[key] = value;
      else if (!isTable(value)) warnings.push(`config file ${path}: unknown key ${prefix}${key} ignored`);
    }
  };
  take(doc, '');
  if (isTable(general)) take(general, 'general.');
  return merged;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
