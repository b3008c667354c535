import type { Request, Response, Router } from 'express';

import { command } from './command.js';
import { methodNotAllowed } from './errorHandler.js';

type Method = 'get' | 'post' | 'put' | 'delete';

/** One path with one method: the command runs for it, any other method answers 405 naming the one allowed. */
export function endpoint(router: Router, method: Method, path: string, commandType: string, handler: (req: Request, res: Response) => void | Promise<void>): void {
  router.route(path)[method](command(commandType, handler)).all(methodNotAllowed([method.toUpperCase()], commandType));
}
