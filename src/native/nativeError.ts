import { GatewayError, type GatewayErrorCode } from '../errors/GatewayError.js';

/**
 * The typed error each `code` the binding throws (native/binding/NativeError.cpp) becomes.
 * Errno codes of a bind are the machine's: running out of descriptors or buffers is a limit
 * (retry later); any other (an address not on this host) is the operator's configuration and
 * stays an unexpected error (500, logged), as do ERR_TLS_CONTEXT (a turns: CA file that cannot
 * be loaded) and any code not listed here.
 */
const NATIVE_CODES: Readonly<Record<string, GatewayErrorCode>> = {
  ERR_ENGINE_CLOSED: 'ENGINE_UNAVAILABLE',
  ERR_ENGINE_START: 'ENGINE_UNAVAILABLE',
  // The transport was closed natively (it failed, or the remote ended it) before this call ran.
  ERR_UNKNOWN_TRANSPORT: 'NOT_FOUND',
  ERR_INVALID_ARG: 'INVALID_PARAMETER',
  // A command the transport's state refuses (an ICE restart once ICE has failed).
  ERR_INVALID_STATE: 'CONFLICT',
  ERR_INVALID_ADDRESS: 'INVALID_PARAMETER',
  ERR_SHARED_SOCKET_EXISTS: 'RESOURCE_IN_USE',
  EMFILE: 'LIMIT_REACHED',
  ENFILE: 'LIMIT_REACHED',
  ENOBUFS: 'LIMIT_REACHED',
  ENOMEM: 'LIMIT_REACHED',
};

/** The binding names a transport by its handle; the REST answer names the thing that is gone. */
const MESSAGES: Readonly<Record<string, string>> = {
  ERR_UNKNOWN_TRANSPORT: 'the connection\'s transport has closed',
};

/** The stable `code` the binding put on a thrown Error, if any. */
export function nativeErrorCode(error: unknown): string | undefined {
  const code = error instanceof GatewayError ? nativeErrorCode(error.cause) : (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The one place a native failure becomes a GatewayError (the original stays as `cause`);
 * undefined for an error without a code we know, which stays unexpected (logged, 500).
 */
export function gatewayErrorFromNative(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error;
  const native = nativeErrorCode(error);
  if (native === undefined || !Object.hasOwn(NATIVE_CODES, native)) return undefined;
  const message = MESSAGES[native] ?? (error instanceof Error ? error.message : String(error));
  return new GatewayError(NATIVE_CODES[native]!, [{ field: '', message }], { cause: error });
}

/** Runs one addon call; what it throws with a known code leaves as a GatewayError. */
export function callNative<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw gatewayErrorFromNative(error) ?? error;
  }
}
