/**
 * The answers the master's endpoints share, in libprocess's shapes: `OK(json, jsonp)`, plain-text errors,
 * empty bodies and `MethodNotAllowed`, plus the `MasterEndpoint` type each feature module uses to add its own
 * routes to the server (server.ts merges them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MasterCore } from './core';

/** A complete answer to write. */
export interface Response {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

/** An endpoint that reads the request itself (any method, body, streaming). It answers through `res`. */
export type BodyHandler = (core: MasterCore, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Routes a feature module adds to the master: every path in `paths` (e.g. `/master/reserve` and `/reserve`, as
 * libprocess routes the master's endpoints under both) is answered by `handle`. A path ending in `/*` matches
 * everything under it (e.g. `/assets/*`); exact paths win over such prefixes. A path may appear only once across
 * all modules (the server refuses duplicates at start).
 */
export interface MasterEndpoint {
  readonly paths: readonly string[];
  readonly handle: BodyHandler;
}

/** libprocess's `OK(json, jsonp)`: `application/json`, or `text/javascript` wrapped as `cb(json)`. */
export function jsonResponse(value: unknown, jsonp: string | null): Response {
  return jsonTextResponse(JSON.stringify(value), jsonp);
}

/** As {@link jsonResponse}, for JSON text already made (e.g. assembled from cached parts). */
export function jsonTextResponse(json: string, jsonp: string | null): Response {
  const text = jsonp === null ? json : `${jsonp}(${json})`;
  const body = Buffer.from(text, 'utf8');
  return {
    status: 200,
    headers: { 'Content-Type': jsonp === null ? 'application/json' : 'text/javascript', 'Content-Length': String(body.byteLength) },
    body,
  };
}

/** A plain-text answer, e.g. a 400 that names the bad parameter. */
export function plainText(status: number, text: string): Response {
  const body = Buffer.from(text, 'utf8');
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.byteLength) }, body };
}

/** A status with no body (libprocess's `OK()`, `Accepted()`, `NotFound()`, ...). */
export function empty(status: number): Response {
  return { status, headers: { 'Content-Length': '0' }, body: new Uint8Array() };
}

/** libprocess's `MethodNotAllowed(allowed, method)`. */
export function methodNotAllowed(allowed: readonly string[], method: string): Response {
  const body = Buffer.from(`405 Method Not Allowed. Expecting one of { '${allowed.join("', '")}' }, but received '${method}'.`, 'utf8');
  return {
    status: 405,
    headers: { Allow: allowed.join(', '), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.byteLength) },
    body,
  };
}
