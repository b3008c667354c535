import { LOG_LEVELS } from './GatewayConfig.js';

/** How one setting is spelled in each source. The single list that --help and the docs follow. */
export interface SettingSpec {
  /** Key in the TOML config file (top level or in a [general] table). */
  readonly key: string;
  /** Command-line flag, without the leading dashes. */
  readonly flag: string;
  /** Environment variable. */
  readonly env: string;
  readonly type: 'string' | 'integer';
  /** Shown by --help; undefined when the default is derived from other settings. */
  readonly defaultText: string;
  readonly description: string;
}

const env = (key: string): string => `WEBRTC_GATEWAY_${key.toUpperCase()}`;

export const SETTINGS: readonly SettingSpec[] = [
  {
    key: 'api_host',
    flag: 'api-host',
    env: env('api_host'),
    type: 'string',
    defaultText: '127.0.0.1',
    description: 'Address the REST API listens on. Use 0.0.0.0 to expose it (it has no authentication).',
  },
  {
    key: 'api_port',
    flag: 'api-port',
    env: env('api_port'),
    type: 'integer',
    defaultText: '8000',
    description: 'TCP port of the REST API.',
  },
  {
    key: 'log_level',
    flag: 'log-level',
    env: env('log_level'),
    type: 'string',
    defaultText: 'info',
    description: `Log verbosity: ${LOG_LEVELS.join(', ')}. Logs are JSON lines on stdout.`,
  },
  {
    key: 'port_bind_ip',
    flag: 'port-bind-ip',
    env: env('port_bind_ip'),
    type: 'string',
    defaultText: '127.0.0.1',
    description: 'Address the media, RTCP and data ports bind to. Use 0.0.0.0 for senders on other hosts.',
  },
  {
    key: 'advertised_ip_v4',
    flag: 'advertised-ip-v4',
    env: env('advertised_ip_v4'),
    type: 'string',
    defaultText: 'port_bind_ip, or the first non-loopback IPv4 address when that is 0.0.0.0',
    description: 'The ip_v4 returned with every port: where external programs send their datagrams.',
  },
  {
    key: 'port_min',
    flag: 'port-min',
    env: env('port_min'),
    type: 'integer',
    defaultText: '50001',
    description: 'First UDP port handed out by POST /media, /media/rtcp and /data.',
  },
  {
    key: 'port_max',
    flag: 'port-max',
    env: env('port_max'),
    type: 'integer',
    defaultText: '59999',
    description: 'Last UDP port handed out.',
  },
];
