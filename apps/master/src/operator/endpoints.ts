/**
 * The master's JSON endpoints for roles, quota, weights, teardown and redirect, as Mesos 1.11 serves them
 * (src/master/http.cpp `roles`, `quota`, `weights`, `teardown`, `redirect`; quota_handler.cpp and
 * weights_handler.cpp for the bodies). Each is routed as `/master/<name>` and `/<name>`; GET answers take
 * `?jsonp=<callback>`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, writeError, writeResponse } from '@mesos-ts/http-api';
import { decodeMesosJson, encodeMesosJson, type WeightInfo } from '@mesos-ts/proto';
import type { MasterCore } from '../core';
import { empty, jsonResponse, jsonTextResponse, methodNotAllowed, plainText, type MasterEndpoint, type Response } from '../responses';
import { teardown } from './calls';
import { isWhitelistedRole, quotaStatus, removeQuota, setQuotaRequest, type QuotaOutcome } from './quota';
import { rolesJson, updateWeights, weightInfos } from './roles';

function jsonpOf(req: IncomingMessage): string | null {
  return new URL(req.url ?? '/', 'http://master').searchParams.get('jsonp');
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://master').pathname;
}

/** Reads the body as text, answering 400 itself when it cannot be read. */
async function bodyText(req: IncomingMessage, res: ServerResponse): Promise<string | undefined> {
  const body = await readBody(req);
  if (!body.ok) {
    writeError(res, body.error);
    return undefined;
  }
  return Buffer.from(body.value).toString('utf8');
}

function quotaResponse(outcome: QuotaOutcome): Response {
  return outcome.ok ? empty(200) : plainText(outcome.status, outcome.message);
}

/** `/roles`: GET only. */
async function roles(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const method = req.method ?? '';
  if (method !== 'GET' && method !== 'HEAD') return writeResponse(res, methodNotAllowed(['GET'], method));
  writeResponse(res, jsonResponse(rolesJson(core), jsonpOf(req)));
}

/** `/quota`: GET the status, POST a QuotaRequest (deprecated SET_QUOTA), DELETE `/master/quota/<role>`. */
async function quota(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? '';
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    return writeResponse(res, jsonTextResponse(encodeMesosJson('mesos.v1.quota.QuotaStatus', quotaStatus(core)), jsonpOf(req)));
  }
  if (method === 'POST') {
    const text = await bodyText(req, res);
    if (text === undefined) return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return writeResponse(res, plainText(400, `Failed to parse set quota request JSON '${text}': ${(e as Error).message}`));
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return writeResponse(res, plainText(400, `Failed to parse set quota request JSON '${text}': Expecting a JSON object`));
    }
    const request = decodeMesosJson('mesos.v1.quota.QuotaRequest', json);
    if (!request.ok) return writeResponse(res, plainText(400, `Failed to validate set quota request JSON '${text}': ${request.error.message}`));
    return writeResponse(res, quotaResponse(setQuotaRequest(core, request.value)));
  }
  if (method === 'DELETE') {
    req.resume();
    return writeResponse(res, quotaResponse(removeQuotaByPath(core, pathOf(req))));
  }
  req.resume();
  writeResponse(res, methodNotAllowed(['GET', 'POST', 'DELETE'], method));
}

/**
 * `DELETE /master/quota/<role>`: the role is what follows the second path component (it may contain slashes).
 * As in Mesos, `/quota/<role>` has too few components and is refused.
 */
function removeQuotaByPath(core: MasterCore, path: string): QuotaOutcome {
  const components = path.split('/').filter((c) => c !== '');
  if (components.length < 3) {
    return { ok: false, status: 400, message: `Failed to parse remove quota request for path '${path}': expected 3 tokens, found ${components.length} tokens` };
  }
  const role = components.slice(2).join('/');
  if (!isWhitelistedRole(core, role)) {
    return { ok: false, status: 400, message: `Failed to validate remove quota request for path '${path}': Unknown role '${role}'` };
  }
  const removed = removeQuota(core, role);
  if (!removed.ok) return { ok: false, status: 400, message: `Failed to remove quota for path '${path}': Role '${role}' has no quota set` };
  return removed;
}

/** `/weights`: GET the configured weights, PUT a JSON array of WeightInfo. */
async function weights(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? '';
  if (method === 'GET' || method === 'HEAD') {
    req.resume();
    const list = weightInfos(core).map((w) => JSON.parse(encodeMesosJson('mesos.v1.WeightInfo', w)) as unknown);
    return writeResponse(res, jsonResponse(list, jsonpOf(req)));
  }
  if (method !== 'PUT') {
    req.resume();
    return writeResponse(res, methodNotAllowed(['GET', 'PUT'], method));
  }
  const text = await bodyText(req, res);
  if (text === undefined) return;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return writeResponse(res, plainText(400, `Failed to parse update weights request JSON '${text}': ${(e as Error).message}`));
  }
  if (!Array.isArray(json)) return writeResponse(res, plainText(400, `Failed to parse update weights request JSON '${text}': Expecting a JSON array`));
  const infos: WeightInfo[] = [];
  for (const item of json) {
    const info = decodeMesosJson('mesos.v1.WeightInfo', item);
    if (!info.ok) return writeResponse(res, plainText(400, `Failed to convert weights JSON array to protobuf '${text}': ${info.error.message}`));
    infos.push(info.value);
  }
  const outcome = updateWeights(core, infos);
  writeResponse(res, outcome.ok ? empty(200) : plainText(400, outcome.message));
}

/** `/teardown`: POST with a form body `frameworkId=<id>`. */
async function teardownEndpoint(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? '';
  if (method !== 'POST') {
    req.resume();
    return writeResponse(res, methodNotAllowed(['POST'], method));
  }
  const text = await bodyText(req, res);
  if (text === undefined) return;
  let values: URLSearchParams;
  try {
    values = new URLSearchParams(text);
  } catch (e) {
    return writeResponse(res, plainText(400, `Unable to decode query string: ${(e as Error).message}`));
  }
  const id = values.get('frameworkId');
  if (id === null) return writeResponse(res, plainText(400, "Missing 'frameworkId' query parameter in the request body"));
  const outcome = teardown(core, id);
  writeResponse(res, outcome.kind === 'error' ? plainText(outcome.status, outcome.message) : empty(200));
}

/**
 * `/redirect`: a 307 to the leading master, which is always this one (there is no leader election yet).
 * Mesos sends `/redirect` itself to the leader's base URL, a path under it to 404 (no loops), and anything else
 * (never routed here) to the same path on the leader.
 */
async function redirect(core: MasterCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const path = pathOf(req).replace(/(.)\/$/, '$1');
  if (path !== '/redirect' && path !== '/master/redirect') return writeResponse(res, empty(404));
  const info = core.info;
  const host = info.hostname ?? info.address?.ip ?? '127.0.0.1';
  const location = `//${host}:${info.port ?? 0}`;
  core.log.info(`Redirecting request for ${req.url ?? ''} to the leading master ${host}`);
  writeResponse(res, { status: 307, headers: { Location: location, 'Content-Length': '0' }, body: new Uint8Array() });
}

/** The JSON endpoints of this module. */
export const roleEndpoints: readonly MasterEndpoint[] = [
  { paths: ['/master/roles', '/roles'], handle: roles },
  { paths: ['/master/quota', '/quota', '/master/quota/*', '/quota/*'], handle: quota },
  { paths: ['/master/weights', '/weights'], handle: weights },
  { paths: ['/master/teardown', '/teardown'], handle: teardownEndpoint },
  { paths: ['/master/redirect', '/redirect', '/master/redirect/*', '/redirect/*'], handle: redirect },
];
