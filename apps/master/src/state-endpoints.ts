/**
 * The endpoints tools poll, answered from the incrementally kept state (state-cache.ts): `/master/state` (and
 * `/state`), `/master/state-summary`, `/master/slaves`, `/master/frameworks`, `/master/tasks`, each also under
 * `/<name>` as libprocess routes the master's endpoints; and the metrics: `/metrics/snapshot` (Mesos's JSON) and,
 * beyond Mesos, `/metrics` in Prometheus's text format (metrics.ts). Query parameters as Mesos 1.11
 * (src/master/readonly_handler.cpp): `jsonp` everywhere, `slave_id`, `framework_id`, and for tasks `limit`
 * (default 100), `offset`, `order` (`asc`, otherwise descending), `framework_id`, `task_id`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { writeResponse } from '@mesos-ts/http-api';
import type { MasterCore } from './core';
import { PROMETHEUS_CONTENT_TYPE, prometheusText, snapshotOf } from './metrics';
import { jsonResponse, methodNotAllowed, type MasterEndpoint } from './responses';
import { stateCacheOf, type CachedBody } from './state-cache';

/** Mesos's `TASK_LIMIT`: tasks `/master/tasks` returns without `limit`. */
export const TASK_LIMIT = 100;

type Query = URLSearchParams;

/** libprocess's `OK(json, jsonp)` for a body made of pieces; HEAD gets the headers only. */
function writeBody(req: IncomingMessage, res: ServerResponse, body: CachedBody, jsonp: string | null): void {
  const prefix = jsonp === null ? undefined : Buffer.from(`${jsonp}(`, 'utf8');
  const length = body.length + (prefix === undefined ? 0 : prefix.byteLength + 1);
  res.writeHead(200, { 'Content-Type': jsonp === null ? 'application/json' : 'text/javascript', 'Content-Length': String(length) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // One write per piece; corked so that small pieces go out together.
  res.cork();
  if (prefix !== undefined) res.write(prefix);
  for (const piece of body.pieces) res.write(piece);
  if (prefix !== undefined) res.write(')');
  res.end();
  res.uncork();
}

/** An endpoint answering GET and HEAD from the query alone. */
function getEndpoint(paths: readonly string[], answer: (core: MasterCore, query: Query, req: IncomingMessage, res: ServerResponse) => void | Promise<void>): MasterEndpoint {
  return {
    paths,
    handle: (core, req, res) => {
      // Nothing to read; drain whatever was sent.
      req.resume();
      const method = req.method ?? '';
      if (method !== 'GET' && method !== 'HEAD') {
        writeResponse(res, methodNotAllowed(['GET'], method));
        return Promise.resolve();
      }
      const query = new URL(req.url ?? '/', 'http://master').searchParams;
      return Promise.resolve(answer(core, query, req, res));
    },
  };
}

/** A query parameter, or undefined when absent (Mesos's `query.get`: an empty value counts as given). */
function param(query: Query, name: string): string | undefined {
  const value = query.get(name);
  return value === null ? undefined : value;
}

/**
 * Mesos's `numify<int>` of `limit` / `offset`: a whole number; anything else means "not given". A negative one
 * wraps around to a huge unsigned value in Mesos (`size_t`), which we read as "no limit" / "past the end".
 */
export function parseCount(text: string | undefined, fallback: number): number {
  if (text === undefined || !/^\s*[+-]?\d+\s*$/.test(text)) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n > 2_147_483_647 || n < -2_147_483_648) return fallback;
  return n < 0 ? Number.POSITIVE_INFINITY : n;
}

/** The `/master/tasks` options from its query. */
export function tasksQuery(query: Query): { limit: number; offset: number; order: 'asc' | 'des'; frameworkId: string | undefined; taskId: string | undefined } {
  return {
    limit: parseCount(param(query, 'limit'), TASK_LIMIT),
    offset: parseCount(param(query, 'offset'), 0),
    order: query.get('order') === 'asc' ? 'asc' : 'des',
    frameworkId: param(query, 'framework_id'),
    taskId: param(query, 'task_id'),
  };
}

/** Mesos's `/master/<name>` and libprocess's `/<name>`. */
function both(name: string): string[] {
  return [`/master/${name}`, `/${name}`];
}

export const stateEndpoints: readonly MasterEndpoint[] = [
  getEndpoint(both('state'), (core, q, req, res) => writeBody(req, res, stateCacheOf(core).state(), q.get('jsonp'))),
  getEndpoint(both('state-summary'), (core, q, req, res) => writeBody(req, res, stateCacheOf(core).stateSummary(), q.get('jsonp'))),
  getEndpoint(both('slaves'), (core, q, req, res) => writeBody(req, res, stateCacheOf(core).slaves(param(q, 'slave_id')), q.get('jsonp'))),
  getEndpoint(both('frameworks'), (core, q, req, res) => writeBody(req, res, stateCacheOf(core).frameworks(param(q, 'framework_id')), q.get('jsonp'))),
  getEndpoint(both('tasks'), (core, q, req, res) => writeBody(req, res, stateCacheOf(core).tasks(tasksQuery(q)), q.get('jsonp'))),
  getEndpoint(['/metrics/snapshot'], (core, q, _req, res) => writeResponse(res, jsonResponse(snapshotOf(core), q.get('jsonp')))),
  getEndpoint(['/metrics'], async (core, _q, _req, res) => {
    const body = Buffer.from(await prometheusText(snapshotOf(core)), 'utf8');
    writeResponse(res, { status: 200, headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Content-Length': String(body.byteLength) }, body });
  }),
];
