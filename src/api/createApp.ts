import express, { type Express } from 'express';

import type { Logger } from '../log/createLogger.js';
import type { DataConnectionRegistry } from '../session/data/DataConnectionRegistry.js';
import type { IceConfiguration } from '../session/ice/IceConfiguration.js';
import type { MediaConnectionRegistry } from '../session/media/MediaConnectionRegistry.js';
import type { WishEndpointRegistry } from '../session/wish/WishEndpointRegistry.js';
import type { PeerRegistry } from '../session/peers/PeerRegistry.js';
import type { PortRegistry } from '../session/ports/PortRegistry.js';
import type { RedirectPolicy } from '../session/redirect/RedirectPolicy.js';
import { errorHandler, unknownRoute } from './errorHandler.js';
import { allowedHost } from './protection/allowedHost.js';
import { allowedOrigin } from './protection/allowedOrigin.js';
import { bearerToken } from './protection/bearerToken.js';
import { demoRoutes, type DemoSignaling } from './routes/demoRoutes.js';
import { dataConnectionRoutes } from './routes/dataConnectionRoutes.js';
import { mediaConnectionRoutes } from './routes/mediaConnectionRoutes.js';
import { peerRoutes } from './routes/peerRoutes.js';
import { portRoutes } from './routes/portRoutes.js';
import { wishEndpointRoutes } from './routes/wishEndpointRoutes.js';
import { wishResourceRoutes } from './routes/wishResourceRoutes.js';
import { wishSessionRoutes } from './routes/wishSessionRoutes.js';

export interface ApiDeps {
  readonly ports: PortRegistry;
  readonly peers: PeerRegistry;
  readonly dataConnections: DataConnectionRegistry;
  readonly mediaConnections: MediaConnectionRegistry;
  /** WHIP ingest endpoints (docs/WHIP-WHEP.md). */
  readonly wishEndpoints: WishEndpointRegistry;
  readonly advertisedIpV4: string;
  readonly eventTimeoutMs: number;
  /** STUN/TURN servers and policy, for GET /peers/{id}/ice_servers. */
  readonly ice: IceConfiguration;
  /** Who may call the API: api_token, api_allowed_hosts, api_allowed_origins. */
  readonly protection: ApiProtection;
  /** Where redirect_params may point. */
  readonly redirects: RedirectPolicy;
  readonly logger: Logger;
  /** Serves the browser demo at /demo/ when set (the `demo_page` setting). */
  readonly demo?: (() => DemoSignaling) | undefined;
}

export interface ApiProtection {
  readonly token: string | undefined;
  readonly allowedHosts: readonly string[];
  readonly allowedOrigins: readonly string[];
}

/**
 * The REST API (SkyWay WebRTC Gateway contract). Routers are factories given their dependencies.
 * Before any of them: the Host check (DNS rebinding), the Origin check (pages of other sites) and,
 * when configured, the bearer token (docs/SECURITY.md).
 */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(allowedHost(deps.protection.allowedHosts));
  const demoFile = (path: string): boolean => deps.demo !== undefined && (path === '/demo' || path.startsWith('/demo/'));
  // WHIP and WHEP resources answer any origin and take their endpoint's token, not the API's (docs/SECURITY.md).
  app.use(wishResourceRoutes(deps));
  app.use(allowedOrigin(deps.protection.allowedOrigins, demoFile));
  if (deps.protection.token !== undefined) app.use(bearerToken(deps.protection.token, demoFile));
  app.use(peerRoutes(deps));
  // Before the port routes: /data/connections and /media/connections are not port ids.
  app.use(dataConnectionRoutes(deps));
  app.use(mediaConnectionRoutes(deps));
  app.use(wishEndpointRoutes(deps));
  app.use(wishSessionRoutes(deps));
  app.use(portRoutes(deps));
  if (deps.demo) app.use(demoRoutes(deps.demo));
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
