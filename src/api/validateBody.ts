import { z } from 'zod';

import { GatewayError, type FieldError } from '../errors/GatewayError.js';

/**
 * Parses a request body with a schema. A missing body counts as `{}`, as the SkyWay contract
 * asks for endpoints whose body is an empty object. Failures become one INVALID_PARAMETER
 * error listing every problem with its field.
 */
export function validateBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {}, {
    error: (issue) => {
      const field = issue.path?.join('.') || 'body';
      if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} field is not specified`;
      return undefined;
    },
  });
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || 'body',
    message: issue.message,
  }));
  throw new GatewayError('INVALID_PARAMETER', errors);
}
