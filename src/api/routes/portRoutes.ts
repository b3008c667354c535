import { isIPv6 } from 'node:net';

import { Router } from 'express';
import { z } from 'zod';

import { kernelUdpDrops } from '../../session/ports/kernelUdpDrops.js';
import type { PortRegistry } from '../../session/ports/PortRegistry.js';
import type { PortKind, UdpPortResource } from '../../session/ports/UdpPortResource.js';
import { command } from '../command.js';
import { methodNotAllowed } from '../errorHandler.js';
import { validateBody } from '../validateBody.js';

export interface PortRoutesDeps {
  readonly ports: PortRegistry;
  /** Returned as `ip_v4` with every port. */
  readonly advertisedIpV4: string;
}

/** One family of port resources in the SkyWay contract (media, RTCP or data). */
interface PortFamily {
  readonly path: string;
  readonly idField: 'media_id' | 'rtcp_id' | 'data_id';
  readonly kinds: readonly PortKind[];
  readonly commands: { create: string; delete: string; status: string };
  readonly open: (ports: PortRegistry, body: unknown) => Promise<UdpPortResource>;
}

/** MediaOptions in the spec: `is_video` decides the id prefix (vi- or au-). */
const mediaOptions = z.object({ is_video: z.boolean() });
/** The spec asks for "{}"; any object (or no body) is accepted. */
const emptyOptions = z.object({});
const withEmptyBody =
  (open: (ports: PortRegistry) => Promise<UdpPortResource>) =>
  (ports: PortRegistry, body: unknown): Promise<UdpPortResource> => {
    validateBody(emptyOptions, body);
    return open(ports);
  };

const FAMILIES: readonly PortFamily[] = [
  // /media/rtcp comes before /media so that "rtcp" is never taken for a media_id.
  {
    path: '/media/rtcp',
    idField: 'rtcp_id',
    kinds: ['rtcp'],
    commands: { create: 'RTCP_CREATE', delete: 'RTCP_DELETE', status: 'RTCP_STATUS' },
    open: withEmptyBody((ports) => ports.openRtcp()),
  },
  {
    path: '/media',
    idField: 'media_id',
    kinds: ['video', 'audio'],
    commands: { create: 'MEDIA_CREATE', delete: 'MEDIA_DELETE', status: 'MEDIA_STATUS' },
    open: (ports, body) => ports.openMedia(validateBody(mediaOptions, body).is_video),
  },
  {
    path: '/data',
    idField: 'data_id',
    kinds: ['data'],
    commands: { create: 'DATA_CREATE', delete: 'DATA_DELETE', status: 'DATA_STATUS' },
    open: withEmptyBody((ports) => ports.openData()),
  },
];

/**
 * POST {path} opens a port (201), DELETE {path}/{id} closes it (204),
 * GET {path}/{id}/status shows what arrived on it (our addition to the contract).
 */
export function portRoutes({ ports, advertisedIpV4 }: PortRoutesDeps): Router {
  const router = Router();
  for (const family of FAMILIES) {
    const describe = (port: UdpPortResource) => ({ [family.idField]: port.id, port: port.port, ip_v4: advertisedIpV4 });

    router
      .route(family.path)
      .post(
        command(family.commands.create, async (req, res) => {
          res.status(201).json(describe(await family.open(ports, req.body)));
        }),
      )
      .all(methodNotAllowed(['POST'], family.commands.create));

    router
      .route(`${family.path}/:id`)
      .delete(
        command(family.commands.delete, async (req, res) => {
          await ports.close(String(req.params['id']), family.kinds);
          res.status(204).end();
        }),
      )
      .all(methodNotAllowed(['DELETE'], family.commands.delete));

    router
      .route(`${family.path}/:id/status`)
      .get(
        command(family.commands.status, (req, res) => {
          const port = ports.get(String(req.params['id']), family.kinds);
          const t = port.traffic();
          res.status(200).json({
            ...describe(port),
            kind: port.kind,
            packets: t.packets,
            bytes: t.bytes,
            dropped_oversize: t.droppedOversize,
            kernel_drops: kernelUdpDrops(port.port, isIPv6(port.bindIp) ? 6 : 4) ?? null,
            socket_errors: t.socketErrors,
            last_source: t.lastSource,
          });
        }),
      )
      .all(methodNotAllowed(['GET'], family.commands.status));
  }
  return router;
}
