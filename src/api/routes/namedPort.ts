import { GatewayError } from '../../errors/GatewayError.js';
import type { NativeUdpPort } from '../../session/ports/NativeUdpPort.js';
import type { PortRegistry } from '../../session/ports/PortRegistry.js';
import type { PortKind } from '../../session/ports/UdpPortResource.js';

/**
 * The port a request body names (`media_id` or `rtcp_id`), which must exist and be of `kind`:
 * NOT_FOUND (404) on `field` otherwise. Undefined when the body names none.
 */
export function namedPort(ports: PortRegistry, id: string | undefined, kind: PortKind, field: string): NativeUdpPort | undefined {
  if (id === undefined) return undefined;
  try {
    return ports.get(id, [kind]) as NativeUdpPort;
  } catch {
    throw GatewayError.notFound(field, id);
  }
}
