import type { ValueOf } from './Setting.js';
import { SETTING_TABLE, type SettingName, type SettingTable } from './settings.js';
import type { RawValue } from './valueParsers.js';

/** Where each value comes from. */
export interface ConfigSources {
  /** Values from command-line flags, by flag name (e.g. "api-port"). */
  readonly flags?: Readonly<Record<string, string | undefined>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Path of a TOML config file. */
  readonly file?: string;
}

/**
 * Each setting's value from the source that wins (flags > environment > file > default), parsed
 * on first use: a setting nothing reads (signaling_* with embedded_signaling off) is not checked.
 */
export class SettingValues {
  private readonly raw = new Map<SettingName, RawValue>();
  private readonly values = new Map<SettingName, unknown>();

  constructor(sources: ConfigSources, fromFile: Readonly<Record<string, unknown>>) {
    for (const [name, spec] of Object.entries(SETTING_TABLE) as [SettingName, SettingTable[SettingName]][]) {
      const flag = sources.flags?.[spec.flag];
      const envValue = sources.env?.[spec.env];
      if (flag !== undefined) this.raw.set(name, { value: flag, source: `--${spec.flag}` });
      else if (envValue !== undefined && envValue !== '') this.raw.set(name, { value: envValue, source: spec.env });
      else if (spec.key in fromFile) this.raw.set(name, { value: fromFile[spec.key], source: `${sources.file}: ${spec.key}` });
    }
  }

  /** Whether a source set it (false: its default applies). */
  isSet(name: SettingName): boolean {
    return this.raw.has(name);
  }

  get<K extends SettingName>(name: K): ValueOf<SettingTable[K]> {
    if (!this.values.has(name)) this.values.set(name, this.evaluate(name));
    return this.values.get(name) as ValueOf<SettingTable[K]>;
  }

  private evaluate(name: SettingName): unknown {
    const spec = SETTING_TABLE[name];
    const read = (other: string): unknown => this.get(other as SettingName);
    const raw = this.raw.get(name);
    if (raw !== undefined) return spec.parse(raw, read);
    const fallback: unknown = spec.default;
    if (typeof fallback === 'function') return (fallback as (r: typeof read) => unknown)(read);
    // A fresh copy: no two configs share a default list.
    return Array.isArray(fallback) ? [...fallback] : fallback;
  }
}
