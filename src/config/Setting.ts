import type { RawValue } from './valueParsers.js';

/** Reads another setting's value (parsed, or its default) while one is parsed or defaulted. */
export type ReadSetting = (name: string) => unknown;

/** One setting: how it is spelled in each source, its default, how its value is checked, its help. */
export interface Setting<T = unknown, Field extends boolean = boolean> {
  /** Key in the TOML config file (top level or in a [general] table). */
  readonly key: string;
  /** Command-line flag, without the leading dashes. */
  readonly flag: string;
  /** Environment variable. */
  readonly env: string;
  /** How --help shows its value (N, VALUE) and whether the flag works bare and negated. */
  readonly type: 'string' | 'integer' | 'boolean';
  /** The value when no source sets it; a function when it depends on the host or an earlier setting. */
  readonly default: T | ((read: ReadSetting) => T);
  /** The default as --help and the README say it. */
  readonly defaultText: string;
  /** Checks and converts a value from any source; throws ConfigError naming the source. */
  readonly parse: (v: RawValue, read: ReadSetting) => T;
  readonly help: string;
  /**
   * true: a GatewayConfig field of the same name. false: a part of a composite field (signaling,
   * limits, ICE and TURN), which loadConfig assembles.
   */
  readonly field: Field;
}

export interface SettingInit<T> {
  readonly key: string;
  readonly type: Setting['type'];
  readonly default: T | ((read: ReadSetting) => T);
  /** Needed when the default is not a plain number, string or boolean. */
  readonly defaultText?: string;
  readonly parse: (v: RawValue, read: ReadSetting) => T;
  readonly help: string;
}

function make<T, F extends boolean>(init: SettingInit<T>, field: F): Setting<T, F> {
  const plain = ['number', 'string', 'boolean'].includes(typeof init.default);
  const defaultText = init.defaultText ?? (plain ? String(init.default) : undefined);
  if (defaultText === undefined) throw new Error(`setting ${init.key}: a default that is not a plain value needs defaultText`);
  const flag = init.key.replaceAll('_', '-');
  return { ...init, flag, env: `WEBRTC_GATEWAY_${init.key.toUpperCase()}`, defaultText, field };
}

/** A setting that is a GatewayConfig field of the same name. */
export function field<T>(init: SettingInit<T>): Setting<T, true> {
  return make(init, true);
}

/** A setting that is part of a composite GatewayConfig field. */
export function part<T>(init: SettingInit<T>): Setting<T, false> {
  return make(init, false);
}

/** The type of a setting's value. */
export type ValueOf<S> = S extends Setting<infer T> ? T : never;
