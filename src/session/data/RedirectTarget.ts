import { isIPv4 } from 'node:net';

/** Where a connection's received messages go as datagrams (redirect_params). */
export interface RedirectTarget {
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/** redirect_params: ip_v4 wins when both are given, as the SkyWay contract says. */
export function redirectTarget(params: { ip_v4?: string | undefined; ip_v6?: string | undefined; port: number }): RedirectTarget {
  const address = params.ip_v4 ?? params.ip_v6!;
  return { address, port: params.port, family: isIPv4(address) ? 4 : 6 };
}

/** redirect_params as the API shows it. */
export function redirectParams(target: RedirectTarget): { ip_v4: string; port: number } | { ip_v6: string; port: number } {
  return target.family === 4 ? { ip_v4: target.address, port: target.port } : { ip_v6: target.address, port: target.port };
}
