/**
 * Dynamic reservations and persistent volumes from the operator: the v1 operator calls RESERVE_RESOURCES,
 * UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES, GROW_VOLUME and SHRINK_VOLUME, and the legacy endpoints
 * `/master/reserve`, `/master/unreserve`, `/master/create-volumes` and `/master/destroy-volumes` (form-encoded
 * bodies), as Mesos 1.11's master answers them (src/master/http.cpp): 400 for bad input or an unknown agent, 409
 * when the resources are not available even after rescinding the agent's offers, 202 once the operation is
 * applied (the agent applies it asynchronously; see reservations-apply.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, writeResponse } from '@mesos-ts/http-api';
import { Offer_Operation_Type, decodeMesosJson, master, type Offer_Operation, type Resource } from '@mesos-ts/proto';
import { Resources, checkpointedOf } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import { agentExecutors, agentTasks, isTerminalOrUnreachable, type Agent } from './model';
import { answer, type OperatorAnswer, type OperatorHandlers } from './operator/handler';
import { applyOperatorOperation } from './reservations-apply';
import { createError, destroyError, growVolumeError, reserveError, shrinkVolumeError, unreserveError, type AgentView } from './reservations-validate';
import { empty, methodNotAllowed, plainText, type MasterEndpoint } from './responses';

export { acknowledgeOperationStatus, findOperation, operationsOf, type OperationFilter } from './reservations-apply';

const T = Offer_Operation_Type;

/** Mesos's `stringify(Slave)`: `<id> at <pid> (<hostname>)`. */
function agentText(agent: Agent): string {
  return `${agent.id} at ${agent.pid} (${agent.info.hostname ?? ''})`;
}

function viewOf(agent: Agent): AgentView {
  let used = Resources.EMPTY;
  for (const task of agentTasks(agent)) if (!isTerminalOrUnreachable(task.task.state)) used = used.plus(task.resources);
  for (const executor of agentExecutors(agent)) used = used.plus(executor.resources);
  return { capabilities: agent.capabilities, checkpointed: checkpointedOf(agent.total), used: used.unallocate() };
}

/** The agent a call names, when it is registered (Mesos looks only at registered agents, connected or not). */
function registeredAgent(core: MasterCore, agentId: string | undefined): Agent | undefined {
  return agentId === undefined ? undefined : core.agents.get(agentId);
}

/**
 * Validates and applies one operator operation on an agent: 400 with `prefix + message` for invalid input,
 * else Mesos's `_operation` (rescind, then apply or 409).
 */
function operate(core: MasterCore, agentId: string | undefined, operation: Offer_Operation, validate: (agent: Agent) => { prefix: string; error: string | undefined }): OperatorAnswer {
  const agent = registeredAgent(core, agentId);
  if (agent === undefined) return answer.error(400, 'No agent found with specified ID');
  const { prefix, error } = validate(agent);
  if (error !== undefined) return answer.error(400, `${prefix}${error}`);
  const outcome = applyOperatorOperation(core, agent, operation);
  return outcome.ok ? answer.accepted() : answer.error(outcome.status, outcome.message);
}

/** RESERVE (`_reserve`). */
export function reserve(core: MasterCore, agentId: string | undefined, resources: readonly Resource[], source: readonly Resource[] = []): OperatorAnswer {
  const operation: Offer_Operation = { type: T.RESERVE, reserve: { resources: [...resources], ...(source.length > 0 ? { source: [...source] } : {}) } };
  return operate(core, agentId, operation, (agent) => ({ prefix: `Invalid RESERVE operation on agent ${agentText(agent)}: `, error: reserveError(operation, viewOf(agent)) }));
}

/** UNRESERVE (`_unreserve`). */
export function unreserve(core: MasterCore, agentId: string | undefined, resources: readonly Resource[]): OperatorAnswer {
  const operation: Offer_Operation = { type: T.UNRESERVE, unreserve: { resources: [...resources] } };
  return operate(core, agentId, operation, () => ({ prefix: 'Invalid UNRESERVE operation: ', error: unreserveError(operation) }));
}

/** CREATE (`_createVolumes`). */
export function createVolumes(core: MasterCore, agentId: string | undefined, volumes: readonly Resource[]): OperatorAnswer {
  const operation: Offer_Operation = { type: T.CREATE, create: { volumes: [...volumes] } };
  return operate(core, agentId, operation, (agent) => ({ prefix: `Invalid CREATE operation on agent ${agentText(agent)}: `, error: createError(operation, viewOf(agent)) }));
}

/** DESTROY (`_destroyVolumes`). */
export function destroyVolumes(core: MasterCore, agentId: string | undefined, volumes: readonly Resource[]): OperatorAnswer {
  const operation: Offer_Operation = { type: T.DESTROY, destroy: { volumes: [...volumes] } };
  return operate(core, agentId, operation, (agent) => ({ prefix: 'Invalid DESTROY operation: ', error: destroyError(operation, viewOf(agent)) }));
}

// ------------------------------------------------------------------------------------------------ operator API

function missing(field: string): OperatorAnswer {
  return answer.error(400, `Expecting '${field}' to be present`);
}

const C = master.Call_Type;

/** The operator API's reservation and volume calls, for the dispatcher (operator/index.ts). */
export const reservationOperatorHandlers: OperatorHandlers = {
  [C.RESERVE_RESOURCES]: (core, call) => {
    const body = call.reserveResources;
    if (body === undefined) return missing('reserve_resources');
    if (body.agentId?.value === undefined) return missing('reserve_resources.agent_id');
    return reserve(core, body.agentId.value, body.resources ?? [], body.source ?? []);
  },
  [C.UNRESERVE_RESOURCES]: (core, call) => {
    const body = call.unreserveResources;
    if (body === undefined) return missing('unreserve_resources');
    if (body.agentId?.value === undefined) return missing('unreserve_resources.agent_id');
    return unreserve(core, body.agentId.value, body.resources ?? []);
  },
  [C.CREATE_VOLUMES]: (core, call) => {
    const body = call.createVolumes;
    if (body === undefined) return missing('create_volumes');
    if (body.agentId?.value === undefined) return missing('create_volumes.agent_id');
    return createVolumes(core, body.agentId.value, body.volumes ?? []);
  },
  [C.DESTROY_VOLUMES]: (core, call) => {
    const body = call.destroyVolumes;
    if (body === undefined) return missing('destroy_volumes');
    if (body.agentId?.value === undefined) return missing('destroy_volumes.agent_id');
    return destroyVolumes(core, body.agentId.value, body.volumes ?? []);
  },
  [C.GROW_VOLUME]: (core, call) => {
    const body = call.growVolume;
    if (body === undefined) return missing('grow_volume');
    // Volumes of external resource providers (no agent) do not exist in mesos-ts.
    if (body.agentId?.value === undefined) return missing('grow_volume.agent_id');
    if (body.volume === undefined) return missing('grow_volume.volume');
    if (body.addition === undefined) return missing('grow_volume.addition');
    const operation: Offer_Operation = { type: T.GROW_VOLUME, growVolume: { volume: body.volume, addition: body.addition } };
    return operate(core, body.agentId.value, operation, (agent) => ({ prefix: `Invalid GROW_VOLUME operation on agent ${agentText(agent)}: `, error: growVolumeError(operation, viewOf(agent)) }));
  },
  [C.SHRINK_VOLUME]: (core, call) => {
    const body = call.shrinkVolume;
    if (body === undefined) return missing('shrink_volume');
    if (body.agentId?.value === undefined) return missing('shrink_volume.agent_id');
    if (body.volume === undefined) return missing('shrink_volume.volume');
    if (body.subtract === undefined) return missing('shrink_volume.subtract');
    const operation: Offer_Operation = { type: T.SHRINK_VOLUME, shrinkVolume: { volume: body.volume, subtract: body.subtract } };
    return operate(core, body.agentId.value, operation, (agent) => ({ prefix: `Invalid SHRINK_VOLUME operation on agent ${agentText(agent)}: `, error: shrinkVolumeError(operation, viewOf(agent)) }));
  },
};

// ------------------------------------------------------------------------------------------------ legacy endpoints

type Form = { ok: true; values: URLSearchParams } | { ok: false; message: string };

async function readForm(req: IncomingMessage): Promise<Form | { ok: false; status: number; message: string }> {
  const body = await readBody(req);
  if (!body.ok) return { ok: false, status: body.error.httpStatus, message: body.error.message };
  // The body is a query string (`a=b&c=d`, percent-encoded), as libprocess's `query::decode` reads it.
  return { ok: true, values: new URLSearchParams(Buffer.from(body.value).toString('utf8')) };
}

/** A JSON array of Resource objects from a form field; `verb` is Mesos's wording ("Error parsing" or "Error in parsing"). */
function resourceList(values: URLSearchParams, key: string, verb: string): { ok: true; list: Resource[] } | { ok: false; message: string } {
  const text = values.get(key);
  if (text === null) return { ok: false, message: `Missing '${key}' query parameter in the request body` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${verb} '${key}' query parameter in the request body: ${(e as Error).message}` };
  }
  if (!Array.isArray(json)) return { ok: false, message: `${verb} '${key}' query parameter in the request body: Expecting a JSON array` };
  const list: Resource[] = [];
  for (const item of json) {
    const decoded = decodeMesosJson('mesos.v1.Resource', item);
    if (!decoded.ok) return { ok: false, message: `${verb} '${key}' query parameter in the request body: ${decoded.error.message}` };
    list.push(decoded.value);
  }
  return { ok: true, list };
}

function writeAnswer(res: ServerResponse, result: OperatorAnswer): void {
  if (result.kind === 'error') writeResponse(res, plainText(result.status, result.message));
  else writeResponse(res, empty(result.kind === 'accepted' ? 202 : 200));
}

/** One legacy endpoint: POST only, `slaveId` plus the named resource lists, then `act`. */
function legacy(
  paths: readonly string[],
  lists: readonly { key: string; optional?: boolean }[],
  verb: string,
  act: (core: MasterCore, agentId: string, lists: Map<string, Resource[]>) => OperatorAnswer,
): MasterEndpoint {
  return {
    paths,
    handle: async (core, req, res) => {
      if (req.method !== 'POST') {
        req.resume();
        writeResponse(res, methodNotAllowed(['POST'], req.method ?? ''));
        return;
      }
      const form = await readForm(req);
      if (!form.ok) return writeResponse(res, plainText('status' in form ? form.status : 400, form.message));
      const agentId = form.values.get('slaveId');
      if (agentId === null) return writeResponse(res, plainText(400, "Missing 'slaveId' query parameter in the request body"));
      const parsed = new Map<string, Resource[]>();
      for (const { key, optional } of lists) {
        if (optional === true && !form.values.has(key)) continue;
        const list = resourceList(form.values, key, verb);
        if (!list.ok) return writeResponse(res, plainText(400, list.message));
        parsed.set(key, list.list);
      }
      writeAnswer(res, act(core, agentId, parsed));
    },
  };
}

/** `/master/reserve`, `/master/unreserve`, `/master/create-volumes`, `/master/destroy-volumes` (and without `/master`). */
export const reservationEndpoints: readonly MasterEndpoint[] = [
  legacy(['/master/reserve', '/reserve'], [{ key: 'resources' }, { key: 'source', optional: true }], 'Error parsing', (core, agentId, l) =>
    reserve(core, agentId, l.get('resources') ?? [], l.get('source') ?? []),
  ),
  legacy(['/master/unreserve', '/unreserve'], [{ key: 'resources' }], 'Error parsing', (core, agentId, l) => unreserve(core, agentId, l.get('resources') ?? [])),
  legacy(['/master/create-volumes', '/create-volumes'], [{ key: 'volumes' }], 'Error in parsing', (core, agentId, l) => createVolumes(core, agentId, l.get('volumes') ?? [])),
  legacy(['/master/destroy-volumes', '/destroy-volumes'], [{ key: 'volumes' }], 'Error in parsing', (core, agentId, l) => destroyVolumes(core, agentId, l.get('volumes') ?? [])),
];
