import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Bodies are small JSON objects; anything bigger is refused with 413. */
const parseJson = express.json({ limit: '64kb', strict: true, type: () => true });

/**
 * The handlers of one REST command: records the SkyWay `command_type` used in error bodies,
 * parses the body as JSON whatever its content type (clients of the original gateway often
 * send none), then runs `handler`. Errors, sync or async, go to the error handler.
 */
export function command(
  commandType: string,
  handler: (req: Request, res: Response) => void | Promise<void>,
): RequestHandler[] {
  const setCommandType = (_req: Request, res: Response, next: NextFunction): void => {
    res.locals['commandType'] = commandType;
    next();
  };
  return [setCommandType, parseJson, async (req, res) => handler(req, res)];
}
