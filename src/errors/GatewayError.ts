/**
 * Stable error codes. Each one has exactly one HTTP status (see `httpStatusOf`), so the REST layer
 * never guesses and callers of the library can switch on `code`.
 */
export type GatewayErrorCode =
  /** The request body or a parameter is invalid (400). */
  | 'INVALID_PARAMETER'
  /** The REST API needs `Authorization: Bearer <api_token>` and the request lacks it or has another (401). */
  | 'UNAUTHORIZED'
  /** A token does not match the resource it is presented for, or a key or credential was refused (403). */
  | 'FORBIDDEN'
  /** A web page of an origin the API does not allow sent the request (403). */
  | 'ORIGIN_NOT_ALLOWED'
  /** The operation is not allowed in the resource's current state, e.g. deleting a port in use (403). */
  | 'RESOURCE_IN_USE'
  /** No resource has this id (404). */
  | 'NOT_FOUND'
  /** The path exists but not with this HTTP method (405). */
  | 'METHOD_NOT_ALLOWED'
  /** The resource already has what the request would create, e.g. a live WHIP session (409). */
  | 'CONFLICT'
  /** The body is not of the content type the resource takes, e.g. a WHIP offer not application/sdp (415). */
  | 'UNSUPPORTED_MEDIA_TYPE'
  /** The body parses but cannot be served, e.g. a WHIP offer without a codec the endpoint takes (422). */
  | 'UNPROCESSABLE'
  /** A long-poll saw no event in time (408). */
  | 'REQUEST_TIMEOUT'
  /** If-Match names another entity-tag than the resource's, e.g. a WHIP PATCH for an old ICE session (412). */
  | 'PRECONDITION_FAILED'
  /** The request must be conditional and lacks If-Match, e.g. a WHIP PATCH (428, RFC 6585 section 3). */
  | 'PRECONDITION_REQUIRED'
  /** The request body is larger than the API accepts (413). */
  | 'PAYLOAD_TOO_LARGE'
  /** The request's Host is not a name this API answers to: DNS rebinding or a misdirected request (421). */
  | 'MISDIRECTED_HOST'
  /** A limit on offers, connections or descriptors is reached (503); retrying later may work. */
  | 'LIMIT_REACHED'
  /** The signaling server cannot be reached (503). */
  | 'SIGNALING_UNAVAILABLE'
  /** Every port of the configured range is bound (503). */
  | 'PORT_RANGE_EXHAUSTED'
  /** The native engine is closed or failed (503). */
  | 'ENGINE_UNAVAILABLE'
  /** A WHIP/WHEP answer has no ICE candidate to give, e.g. the TURN server refused under the relay policy (503). */
  | 'GATHERING_FAILED'
  /** Anything unexpected (500). */
  | 'INTERNAL';

const STATUS: Record<GatewayErrorCode, number> = {
  INVALID_PARAMETER: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  RESOURCE_IN_USE: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  REQUEST_TIMEOUT: 408,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  MISDIRECTED_HOST: 421,
  LIMIT_REACHED: 503,
  SIGNALING_UNAVAILABLE: 503,
  PORT_RANGE_EXHAUSTED: 503,
  ENGINE_UNAVAILABLE: 503,
  GATHERING_FAILED: 503,
  INTERNAL: 500,
};

export function httpStatusOf(code: GatewayErrorCode): number {
  return STATUS[code];
}

/** One problem with one field, as the SkyWay error body lists them. */
export interface FieldError {
  field: string;
  message: string;
}

/** The single error type of the control path. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly errors: FieldError[];

  constructor(code: GatewayErrorCode, errors: FieldError[] | string, options?: { cause?: unknown }) {
    const list = typeof errors === 'string' ? [{ field: '', message: errors }] : errors;
    super(list.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '), options);
    this.name = 'GatewayError';
    this.code = code;
    this.errors = list;
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  static notFound(field: string, id: string): GatewayError {
    return new GatewayError('NOT_FOUND', [{ field, message: `${field} ${JSON.stringify(id)} does not exist` }]);
  }

  static invalid(field: string, message: string): GatewayError {
    return new GatewayError('INVALID_PARAMETER', [{ field, message }]);
  }
}
