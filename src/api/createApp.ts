import express, { type Express } from 'express';

import type { Logger } from '../log/createLogger.js';
import type { PortRegistry } from '../session/ports/PortRegistry.js';
import { errorHandler, unknownRoute } from './errorHandler.js';
import { portRoutes } from './routes/portRoutes.js';

export interface ApiDeps {
  readonly ports: PortRegistry;
  readonly advertisedIpV4: string;
  readonly logger: Logger;
}

/** The REST API (SkyWay WebRTC Gateway contract). Routers are factories given their dependencies. */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(portRoutes(deps));
  app.use(unknownRoute);
  app.use(errorHandler(deps.logger));
  return app;
}
