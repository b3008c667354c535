export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The gateway's settings after defaults, config file, environment and flags are merged. */
export interface GatewayConfig {
  /** Address the REST API listens on. */
  readonly apiHost: string;
  /** TCP port of the REST API. */
  readonly apiPort: number;
  readonly logLevel: LogLevel;
  /** Address that media, RTCP and data ports bind to. */
  readonly portBindIp: string;
  /** The `ip_v4` returned with every port: where external programs send their datagrams. */
  readonly advertisedIpV4: string;
  /** First and last UDP port handed out by POST /media, /media/rtcp and /data. */
  readonly portMin: number;
  readonly portMax: number;
}
