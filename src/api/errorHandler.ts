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
  const clientError = fromClientMistake(error);
  if (clientError) {
    // The client's mistake, answered as such: worth a debug line, not an error with a stack.
    logger.debug({ method: req.method, path: req.path, reason: (error as Error).message }, 'refused a malformed request');
    return clientError;
  }
  logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
  return new GatewayError('INTERNAL', [{ field: '', message: 'internal error' }]);
}

/**
 * Errors express and body-parser raise for what a client sent: undecodable percent-encoding in
 * the path, a body that is not JSON, too large, badly compressed or in an unknown charset. They
 * carry a 4xx `status`; each becomes a SkyWay error, never a 500.
 */
function fromClientMistake(error: unknown): GatewayError | undefined {
  const e = error as { type?: unknown; status?: unknown; statusCode?: unknown; message?: unknown } | null;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  const message = typeof e?.message === 'string' ? e.message : 'malformed request';
  if (error instanceof URIError) return GatewayError.invalid('path', `the path is not valid percent-encoding: ${message}`);
  switch (e?.type) {
    case 'entity.parse.failed':
      return GatewayError.invalid('body', `the body is not valid JSON: ${message}`);
    case 'entity.too.large':
      return new GatewayError('PAYLOAD_TOO_LARGE', [{ field: 'body', message: 'the body is too large' }]);
    default:
      if (status === 413) return new GatewayError('PAYLOAD_TOO_LARGE', [{ field: 'body', message: 'the body is too large' }]);
      return GatewayError.invalid('body', `the body cannot be read: ${message}`);
  }
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
