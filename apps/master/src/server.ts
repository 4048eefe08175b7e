/**
 * The master's HTTP endpoints, on `node:http`. Paths, bodies and status codes follow Mesos 1.11:
 * `src/master/http.cpp` (`/flags`, `/health`, `/state`, routed as `/master/<name>` and, the master being
 * libprocess's delegate, as `/<name>`), `src/version/version.cpp` (`/version`), libprocess's metrics process
 * (`/metrics/snapshot`), `OK(json, jsonp)` for JSON and JSONP bodies, and `NotFound()` (empty body) for anything
 * else. With a {@link MasterCore} it also serves the scheduler API (`/api/v1/scheduler`, scheduler-api.ts) and the
 * agents' endpoint (`/master/internal/agent`, agent-api.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AllocatorDriver } from '@mesos-ts/allocator/driver';
import { writeResponse } from '@mesos-ts/http-api';
import { jsonResponse, methodNotAllowed, plainText, empty, type BodyHandler, type MasterEndpoint, type Response } from './responses';
import { handleAgentRequest } from './agent-api';
import type { MasterCore } from './core';
import { explanationJson } from './explain';
import { flagsModel, type MasterFlags } from './flags';
import { filesEndpoints } from './files';
import { maintenanceEndpoints } from './maintenance';
import { operatorEndpoints } from './operator';
import { reservationEndpoints } from './reservations';
import { handleSchedulerRequest } from './scheduler-api';
import { stateEndpoints } from './state-endpoints';
import { webuiEndpoints } from './webui';
import { metricsSnapshot } from './metrics';
import { versionInfo, type VersionInfo } from './version';

export interface MasterServerOptions {
  readonly flags: MasterFlags;
  readonly driver: AllocatorDriver;
  /** Wall-clock milliseconds; the master's start is taken from it when the server is created. */
  readonly now?: () => number;
  readonly version?: VersionInfo;
  /** The master's state: serves `/state`, the scheduler API and the agent endpoint, and adds `master/*` metrics. */
  readonly core?: MasterCore;
}

type Handler = (query: URLSearchParams) => Response;

export { jsonResponse, metricsSnapshot };

/** The routing table, exposed for tests: path -> handler. */
export function masterRoutes(options: MasterServerOptions): ReadonlyMap<string, Handler> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const version = options.version ?? versionInfo();
  const health: Handler = () => empty(200);
  const flags: Handler = (q) => jsonResponse({ flags: flagsModel(options.flags) }, q.get('jsonp'));
  const routes = new Map<string, Handler>([
    ['/health', health],
    ['/master/health', health],
    ['/flags', flags],
    ['/master/flags', flags],
    ['/version', (q) => jsonResponse(version, q.get('jsonp'))],
  ]);
  const core = options.core;
  // With a core, `/metrics/snapshot`, `/metrics` and the state endpoints are state-endpoints.ts's.
  if (core === undefined) routes.set('/metrics/snapshot', (q) => jsonResponse(metricsSnapshot(options.driver, (now() - startedAt) / 1000), q.get('jsonp')));
  if (core !== undefined) {
    const explain: Handler = (q) => {
      const frameworkId = q.get('framework_id');
      if (frameworkId === null || frameworkId === '') return plainText(400, "Missing 'framework_id' query parameter");
      if (!core.frameworks.has(frameworkId)) return plainText(404, `Framework '${frameworkId}' is not known to this master`);
      const role = q.get('role');
      const explanation = options.driver.allocator.explain(frameworkId, role === null || role === '' ? undefined : role);
      return jsonResponse(explanationJson(explanation, Date.now()), q.get('jsonp'));
    };
    routes.set('/master/allocation/explain', explain);
  }
  return routes;
}

/** Answers one request from the routing table. */
export function handleRequest(routes: ReadonlyMap<string, Handler>, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://master');
  // libprocess ignores a trailing slash when matching routes.
  const path = url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const handler = routes.get(path);
  const method = req.method ?? '';
  const response = handler === undefined ? empty(404) : method === 'GET' || method === 'HEAD' ? handler(url.searchParams) : methodNotAllowed(['GET'], method);
  writeResponse(res, response);
}

/** The streaming and POST endpoints, path -> handler (they read the body themselves). */
const API_PATHS: Readonly<Record<string, BodyHandler>> = {
  '/api/v1/scheduler': handleSchedulerRequest,
  '/master/api/v1/scheduler': handleSchedulerRequest,
  '/master/internal/agent': handleAgentRequest,
};

/**
 * The endpoints feature modules add (operator API, reservations, maintenance, files, state, web UI). Each module
 * exports its list; they are merged here so that no module edits this file to add a route.
 */
const FEATURE_ENDPOINTS: readonly (readonly MasterEndpoint[])[] = [
  operatorEndpoints,
  reservationEndpoints,
  maintenanceEndpoints,
  filesEndpoints,
  stateEndpoints,
  webuiEndpoints,
];

/** Path -> handler for the body-reading endpoints: the scheduler and agent APIs plus every feature module's. */
function bodyRoutes(): Map<string, BodyHandler> {
  const out = new Map<string, BodyHandler>(Object.entries(API_PATHS));
  for (const list of FEATURE_ENDPOINTS) {
    for (const endpoint of list) {
      for (const path of endpoint.paths) {
        if (out.has(path)) throw new Error(`Endpoint ${path} is defined twice`);
        out.set(path, endpoint.handle);
      }
    }
  }
  return out;
}

/** The handler of the longest `<prefix>/*` route that covers `path`, if any. */
function prefixRoute(apis: ReadonlyMap<string, BodyHandler>, path: string): BodyHandler | undefined {
  for (let at = path.lastIndexOf('/'); at >= 0; at = path.lastIndexOf('/', at - 1)) {
    const handler = apis.get(`${path.slice(0, at)}/*`);
    if (handler !== undefined) return handler;
    if (at === 0) break;
  }
  return undefined;
}

/** Creates (does not start) the master's HTTP server. */
export function createMasterServer(options: MasterServerOptions): Server {
  const routes = masterRoutes(options);
  const core = options.core;
  const apis = bodyRoutes();
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://master').pathname.replace(/(.)\/$/, '$1');
    const api = core === undefined ? undefined : (apis.get(path) ?? (routes.has(path) ? undefined : prefixRoute(apis, path)));
    if (core !== undefined && api !== undefined) {
      const handled = api(core, req, res);
      handled.catch((e: unknown) => {
        core.log.error({ err: e, path }, 'Request handler failed');
        if (!res.headersSent) writeResponse(res, { status: 500, headers: { 'Content-Length': '0' }, body: new Uint8Array() });
        else res.destroy();
      });
      return;
    }
    // Drain any request body; these endpoints read none.
    req.resume();
    handleRequest(routes, req, res);
  });
}
