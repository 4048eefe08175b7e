import type { MesosTsError } from '@mesos-ts/errors';
import { TEXT_PLAIN } from './media-types';
import { ALLOWED_METHODS } from './negotiate';

/** A complete, non-streaming HTTP response as plain data. */
export interface PlainResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/**
 * The response Mesos sends for an error: the error's HTTP status, its message as the body, `Content-Type:
 * text/plain; charset=utf-8` (libprocess's default for string bodies) and, for 405, `Allow: POST` (libprocess's
 * `MethodNotAllowed` always sets `Allow`).
 */
export function errorResponse(error: MesosTsError): PlainResponse {
  const body = Buffer.from(error.message, 'utf8');
  const headers: Record<string, string> = { 'Content-Type': TEXT_PLAIN, 'Content-Length': String(body.byteLength) };
  if (error.httpStatus === 405) headers['Allow'] = ALLOWED_METHODS.join(', ');
  return { status: error.httpStatus, headers, body };
}
