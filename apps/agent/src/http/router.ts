/**
 * The agent's HTTP routes. libprocess serves the agent's own endpoints under its process ID (`/slave(1)/state`)
 * and, the agent being the delegate, at the root (`/state`); both work here for every route. The files, metrics
 * and version endpoints belong to other libprocess processes in Mesos (`/files/*`, `/metrics/snapshot`,
 * `/version`) and are answered at the root (and, harmlessly, under `/slave(1)` too).
 *
 * | route | answer |
 * |---|---|
 * | `/health` | 200, empty |
 * | `/state`, `/state.json` | Mesos's agent state (state-json.ts) |
 * | `/flags` | `{"flags": {...}}` |
 * | `/version` | build facts |
 * | `/metrics/snapshot` | metrics.ts |
 * | `/containers` (`?container_id=`) | containers.ts |
 * | `/monitor/statistics`, `/monitor/statistics.json` | containers.ts |
 * | `/files/browse`, `/files/read`, `/files/download`, `/files/debug` | @mesos-ts/files |
 * | `/api/v1` | operator-api.ts |
 * | `/api/v1/executor` | executor-api.ts |
 *
 * JSON endpoints take `?jsonp=<callback>`. GET-style endpoints answer 405 for other methods (HEAD is taken).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { filesEndpointOf, handleFilesRequest } from '@mesos-ts/files';
import type { AgentCore } from '../agent-core';
import { handleExecutorApi } from '../executor-api';
import { agentStateJson, flagsJson } from '../state-json';
import { containerEntries, containersJson, statisticsJson } from './containers';
import type { AgentHttpContext } from './context';
import { agentMetrics } from './metrics';
import { handleAgentOperatorApi } from './operator-api';

type Route = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void | Promise<void>;

/**
 * JSON text of a model. Protobuf parts (`toMesosJson`) hold 64-bit integers as bigint; Mesos writes them as JSON
 * numbers, and so does this (exact up to 2^53, which byte counts and port numbers stay under).
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
}

/** `OK(json, jsonp)`: `application/json`, or `text/javascript` as `callback(json)`. */
function writeJson(res: ServerResponse, value: unknown, query: URLSearchParams, head: boolean): void {
  const jsonp = query.get('jsonp');
  const text = jsonp === null ? jsonText(value) : `${jsonp}(${jsonText(value)})`;
  const body = Buffer.from(text, 'utf8');
  res.writeHead(200, { 'Content-Type': jsonp === null ? 'application/json' : 'text/javascript', 'Content-Length': String(body.byteLength) });
  res.end(head ? undefined : body);
}

/** The route's path: the URL path without `/slave(1)` and without a trailing slash. */
export function routePath(url: string): string {
  const path = new URL(url, 'http://agent').pathname.replace(/^\/slave\(1\)(?=\/|$)/, '') || '/';
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Creates the request handler for the agent's server. */
export function createAgentRouter(ctx: AgentHttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  const core: AgentCore = ctx.core;
  const stateContext = () => ({
    build: ctx.build,
    startTime: ctx.startTime,
    hostname: ctx.hostname,
    attributes: ctx.attributes,
    masterHostname: ctx.masterHostname(),
    flags: ctx.flags,
    launcherDir: ctx.launcherDir,
    capabilities: ctx.capabilities,
    drainConfig: ctx.drainConfig(),
  });
  const getJson = (make: (query: URLSearchParams) => unknown | Promise<unknown>): Route => async (req, res, query) => {
    writeJson(res, await make(query), query, req.method === 'HEAD');
  };
  const getRoutes = new Map<string, Route>([
    ['/health', (_req, res) => void res.writeHead(200, { 'Content-Length': '0' }).end()],
    ['/state', getJson(() => agentStateJson(core, stateContext()))],
    ['/state.json', getJson(() => agentStateJson(core, stateContext()))],
    ['/flags', getJson(() => ({ flags: flagsJson(ctx.flags, ctx.launcherDir) }))],
    ['/version', getJson(() => ctx.build)],
    ['/metrics/snapshot', getJson(() => agentMetrics({ core, counters: ctx.counters, registered: ctx.registered(), uptimeSecs: ctx.now() / 1000 - ctx.startTime }))],
    ['/containers', getJson(async (query) => containersJson(await containerEntries(core, ctx.containerizer, query.get('container_id') ?? undefined)))],
    ['/monitor/statistics', getJson(async () => statisticsJson(await containerEntries(core, ctx.containerizer)))],
    ['/monitor/statistics.json', getJson(async () => statisticsJson(await containerEntries(core, ctx.containerizer)))],
  ]);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const path = routePath(url);
    if (path === '/api/v1') return handleAgentOperatorApi(ctx, req, res);
    if (path === '/api/v1/executor') return handleExecutorApi(req, res, core);
    const files = filesEndpointOf(path);
    if (files !== undefined) return handleFilesRequest(ctx.files, files, req, res);
    const route = getRoutes.get(path);
    if (route === undefined) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`No endpoint '${path}'\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end(`Expecting 'GET', received '${req.method}'\n`);
      return;
    }
    return route(req, res, new URL(url, 'http://agent').searchParams);
  };

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      ctx.log.error(`Request to '${req.url}' failed: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end((e as Error).message);
      else res.destroy();
    });
  };
}
