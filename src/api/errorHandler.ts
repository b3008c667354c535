import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';

import { GatewayError } from '../errors/GatewayError.js';
import type { Logger } from '../log/createLogger.js';

/** The SkyWay error body: `{command_type, params: {errors: [{field, message}]}}`. */
export function sendError(res: Response, error: GatewayError): void {
  const commandType = (res.locals['commandType'] as string | undefined) ?? 'UNKNOWN';
  res.status(error.status).json({ command_type: commandType, params: { errors: error.errors } });
}

/** Turns whatever a handler threw into the SkyWay error shape; only unexpected errors are logged. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendError(res, toGatewayError(error, req, logger));
  };
}

function toGatewayError(error: unknown, req: Request, logger: Logger): GatewayError {
  if (error instanceof GatewayError) return error;
  // body-parser marks its errors with `type`.
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') {
    return GatewayError.invalid('body', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (type === 'entity.too.large') {
    return new GatewayError('PAYLOAD_TOO_LARGE', [{ field: 'body', message: 'the body is too large' }]);
  }
  if (typeof type === 'string' && type.startsWith('encoding.') || type === 'charset.unsupported') {
    return GatewayError.invalid('body', (error as Error).message);
  }
  logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
  return new GatewayError('INTERNAL', [{ field: '', message: 'internal error' }]);
}

/** For a known path used with a method it does not have: 405 with an Allow header. */
export function methodNotAllowed(allowed: readonly string[], commandType: string): RequestHandler {
  return (req, res) => {
    res.locals['commandType'] = commandType;
    res.setHeader('Allow', allowed.join(', '));
    sendError(
      res,
      new GatewayError('METHOD_NOT_ALLOWED', [
        { field: 'method', message: `${req.method} is not allowed here; allowed: ${allowed.join(', ')}` },
      ]),
    );
  };
}

/** JSON 404 for paths the API does not have. */
export const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, new GatewayError('NOT_FOUND', [{ field: 'path', message: `no such endpoint: ${req.method} ${req.path}` }]));
};
