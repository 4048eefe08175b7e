/**
 * The closed set of error codes used across mesos-ts. Each maps to one HTTP
 * status, so any layer can raise an error and the HTTP layer answers it
 * without a lookup table of its own.
 */
export const ERROR_CODES = {
  /** The request or input is malformed or fails validation (names the field). */
  INVALID_ARGUMENT: 400,
  /** The caller is not authenticated. */
  UNAUTHENTICATED: 401,
  /** The caller may not do this (also: wrong or missing stream id). */
  FORBIDDEN: 403,
  /** The named object does not exist. */
  NOT_FOUND: 404,
  /** The method is not allowed on this endpoint. */
  METHOD_NOT_ALLOWED: 405,
  /** The Accept header names no media type we can produce. */
  NOT_ACCEPTABLE: 406,
  /** The request conflicts with current state (e.g. an id in use). */
  CONFLICT: 409,
  /** A body or record is larger than allowed. */
  PAYLOAD_TOO_LARGE: 413,
  /** The Content-Type is not one we read. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A bug or broken invariant on our side. */
  INTERNAL: 500,
  /** The call is valid but not supported by this build. */
  NOT_IMPLEMENTED: 501,
  /** Not ready to serve (e.g. no leading master yet). */
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error class thrown by mesos-ts code. Expected failures are `Result` values instead. */
export class MesosTsError extends Error {
  override readonly name = 'MesosTsError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The HTTP status this error answers with. */
  get httpStatus(): number {
    return ERROR_CODES[this.code];
  }
}

/** Whether `value` is a MesosTsError (also across duplicated package copies). */
export function isMesosTsError(value: unknown): value is MesosTsError {
  return value instanceof MesosTsError || (value instanceof Error && value.name === 'MesosTsError' && 'code' in value);
}

/** An expected outcome: either a value or an error that says why not. */
export type Result<T, E = MesosTsError> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { readonly ok: false; readonly error: E } {
  return { ok: false, error };
}

/** Returns the value of a Result or throws its error (for callers that treat failure as a bug). */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.value;
  throw result.error;
}
