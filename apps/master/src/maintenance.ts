/**
 * Maintenance, as Mesos 1.11's master offers it (docs/maintenance.md; src/master/http.cpp: `maintenanceSchedule`,
 * `maintenanceStatus`, `machineDown`, `machineUp` and the operator calls around them; src/master/master.cpp:
 * `updateUnavailability`):
 *
 * - a schedule of windows, each a set of machines and an unavailability; a scheduled machine is DRAINING: offers on
 *   its agents carry the unavailability and the frameworks using them get inverse offers (inverse-offers.ts);
 * - START_MAINTENANCE (`/machine/down`) takes DRAINING machines DOWN: their agents are told to shut their
 *   frameworks down and are removed (tasks TASK_LOST, or TASK_GONE_BY_OPERATOR for PARTITION_AWARE frameworks),
 *   and no agent may register from a DOWN machine;
 * - STOP_MAINTENANCE (`/machine/up`) brings DOWN machines UP and out of the schedule; their agents register again.
 *
 * The operator calls on single agents (DRAIN_AGENT, DEACTIVATE_AGENT, REACTIVATE_AGENT, MARK_AGENT_GONE) are in
 * drain.ts; this module answers them. docs/maintenance.md describes the whole feature.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, writeResponse } from '@mesos-ts/http-api';
import { MachineInfo_Mode, decodeMesosJson, encodeMesosJson, internal, master, type MachineID, type Unavailability, type maintenance } from '@mesos-ts/proto';
import { removeAgentByOperator } from './agents';
import type { MasterCore } from './core';
import { deactivateAgent, drainAgent, markAgentGone, reactivateAgent, type ControlResult } from './drain';
import { rescindInverseOffersOn } from './inverse-offers';
import { agentMachineId, machineKey, machinesError, machineText, scheduleError, type Machine } from './maintenance-state';
import type { Agent } from './model';
import { answer, type OperatorAnswer, type OperatorHandlers } from './operator/handler';
import { empty, jsonTextResponse, methodNotAllowed, plainText, type MasterEndpoint } from './responses';

/** An operation's outcome: done, or a 400 with Mesos's message. */
type Outcome = { readonly ok: true } | { readonly ok: false; readonly message: string };
const DONE: Outcome = { ok: true };

function sameUnavailability(a: Unavailability | undefined, b: Unavailability | undefined): boolean {
  return a?.start?.nanoseconds === b?.start?.nanoseconds && a?.duration?.nanoseconds === b?.duration?.nanoseconds && (a === undefined) === (b === undefined);
}

/** The registered agents on a machine. */
function agentsOn(core: MasterCore, id: MachineID): Agent[] {
  const key = machineKey(id);
  return [...core.agents.values()].filter((a) => machineKey(agentMachineId(a)) === key);
}

/**
 * Mesos's `Master::updateUnavailability`: the machine's agents have their offers rescinded (so that frameworks see
 * the new unavailability at once) and their inverse offers rescinded, then the allocator learns the unavailability
 * and asks again.
 */
function updateUnavailability(core: MasterCore, machine: Machine, unavailability: Unavailability | undefined): void {
  machine.unavailability = unavailability;
  for (const agent of agentsOn(core, machine.id)) {
    core.log.info({ agentId: agent.id }, unavailability === undefined ? `Removing unavailability of agent ${agent.id}` : `Updating unavailability of agent ${agent.id}, starting at ${unavailability.start?.nanoseconds ?? 0n} ns`);
    core.rescind(core.offers.rescindAgent(agent.id));
    rescindInverseOffersOn(core, agent.id, true);
    core.guard('updateUnavailability', () => core.allocator.updateUnavailability(agent.id, unavailability));
  }
}

/** The schedule, as GET answers it. */
export function getSchedule(core: MasterCore): maintenance.Schedule {
  return core.maintenance.schedule;
}

/**
 * Replaces the schedule (Mesos's `_updateMaintenanceSchedule` and its registry operation): machines left out go back
 * UP, new ones start DRAINING, machines whose window changed get the new unavailability.
 */
export function updateSchedule(core: MasterCore, schedule: maintenance.Schedule): Outcome {
  const state = core.maintenance;
  const invalid = scheduleError(schedule, state.machines);
  if (invalid !== undefined) return { ok: false, message: invalid };
  const windows = new Map<string, { id: MachineID; unavailability: Unavailability }>();
  for (const window of schedule.windows ?? []) for (const id of window.machineIds ?? []) windows.set(machineKey(id), { id, unavailability: window.unavailability! });

  for (const [key, machine] of [...state.machines]) {
    const next = windows.get(key);
    if (next !== undefined) {
      // Mesos re-sends the unavailability even when it did not change (a TODO there); an unchanged window here keeps
      // its offers and inverse offers, so that re-posting a schedule does not disturb the frameworks.
      if (!sameUnavailability(machine.unavailability, next.unavailability)) updateUnavailability(core, machine, next.unavailability);
      continue;
    }
    machine.mode = MachineInfo_Mode.UP;
    updateUnavailability(core, machine, undefined);
    state.machines.delete(key);
  }
  for (const [key, next] of windows) {
    if (state.machines.has(key)) continue;
    const machine: Machine = { id: next.id, mode: MachineInfo_Mode.DRAINING, unavailability: undefined };
    state.machines.set(key, machine);
    updateUnavailability(core, machine, next.unavailability);
  }
  state.schedule = { windows: (schedule.windows ?? []).map((w) => ({ machineIds: [...(w.machineIds ?? [])], unavailability: w.unavailability! })) };
  core.log.info({ machines: windows.size }, `Updated the maintenance schedule: ${windows.size} machines in ${state.schedule.windows!.length} windows`);
  return DONE;
}

/** Checks machines named by START/STOP_MAINTENANCE: valid, scheduled and in `mode`. */
function machinesInMode(core: MasterCore, ids: readonly MachineID[], mode: MachineInfo_Mode): Outcome {
  const invalid = machinesError(ids);
  if (invalid !== undefined) return { ok: false, message: invalid };
  for (const id of ids) {
    const machine = core.maintenance.machine(id);
    if (machine === undefined) return { ok: false, message: `Machine '${machineText(id)}' is not part of a maintenance schedule` };
    if (machine.mode !== mode) {
      return {
        ok: false,
        message: mode === MachineInfo_Mode.DRAINING ? `Machine '${machineText(id)}' is not in DRAINING mode and cannot be brought down` : `Machine '${machineText(id)}' is not in DOWN mode and cannot be brought up`,
      };
    }
  }
  return DONE;
}

/**
 * START_MAINTENANCE: DRAINING machines go DOWN. Each agent on them has its frameworks shut down (its executors and
 * tasks are killed) and is removed at once, so that frameworks hear of their tasks without waiting for the agent.
 *
 * Mesos sends the agent a ShutdownMessage, after which the agent process exits and its supervisor restarts it into
 * refused registrations until the machine is UP. Here the agent's session is closed instead: the agent keeps
 * retrying with its registration backoff, is refused while the machine is DOWN, and is admitted again once it is UP
 * (docs/maintenance.md).
 */
export function startMaintenance(core: MasterCore, ids: readonly MachineID[]): Outcome {
  const checked = machinesInMode(core, ids, MachineInfo_Mode.DRAINING);
  if (!checked.ok) return checked;
  const message = "Operator initiated 'Machine DOWN'";
  for (const id of ids) {
    for (const agent of agentsOn(core, id)) {
      const frameworks = new Set([...agent.tasks.keys(), ...agent.executors.keys()]);
      for (const frameworkId of frameworks) {
        core.sendToAgent(agent, { type: internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK, shutdownFramework: { frameworkId: { value: frameworkId } } });
      }
      removeAgentByOperator(core, agent, message, 'removed');
    }
    core.maintenance.machine(id)!.mode = MachineInfo_Mode.DOWN;
    core.log.info({ machine: machineText(id) }, `Machine ${machineText(id)} is DOWN`);
  }
  return DONE;
}

/** STOP_MAINTENANCE: DOWN machines come UP and leave the schedule (empty windows go too). */
export function stopMaintenance(core: MasterCore, ids: readonly MachineID[]): Outcome {
  const checked = machinesInMode(core, ids, MachineInfo_Mode.DOWN);
  if (!checked.ok) return checked;
  const keys = new Set(ids.map(machineKey));
  for (const key of keys) core.maintenance.machines.delete(key);
  const windows = (core.maintenance.schedule.windows ?? [])
    .map((w) => ({ ...w, machineIds: (w.machineIds ?? []).filter((m) => !keys.has(machineKey(m))) }))
    .filter((w) => w.machineIds.length > 0);
  core.maintenance.schedule = { windows };
  for (const id of ids) core.log.info({ machine: machineText(id) }, `Machine ${machineText(id)} is UP`);
  return DONE;
}

/** The cluster's maintenance status: DRAINING machines with the frameworks' answers, DOWN machines. */
export function clusterStatus(core: MasterCore): maintenance.ClusterStatus {
  const statuses = core.allocator.inverseOfferStatuses();
  const draining: maintenance.ClusterStatus_DrainingMachine[] = [];
  const down: MachineID[] = [];
  for (const machine of core.maintenance.machines.values()) {
    if (machine.mode === MachineInfo_Mode.DOWN) {
      down.push(machine.id);
    } else if (machine.mode === MachineInfo_Mode.DRAINING) {
      const answers = agentsOn(core, machine.id).flatMap((agent) => [...(statuses.get(agent.id)?.values() ?? [])]);
      draining.push({ id: machine.id, statuses: answers });
    }
  }
  return { drainingMachines: draining, downMachines: down };
}

// ------------------------------------------------------------------------------------------------ operator API

const T = master.Call_Type;
const R = master.Response_Type;

function missing(field: string): OperatorAnswer {
  return answer.error(400, `Expecting '${field}' to be present`);
}

function fromOutcome(outcome: Outcome): OperatorAnswer {
  return outcome.ok ? answer.ok() : answer.error(400, outcome.message);
}

function fromControl(result: ControlResult): OperatorAnswer {
  return result.ok ? answer.ok() : answer.error(result.status, result.message);
}

function agentIdOf(value: { agentId?: { value?: string | undefined } | undefined } | undefined, field: string): string | OperatorAnswer {
  if (value === undefined) return missing(field);
  const id = value.agentId?.value;
  if (id === undefined || id === '') return missing(`${field}.agent_id`);
  return id;
}

/** The maintenance calls of `POST /api/v1`, merged into the dispatcher's table. */
export const maintenanceOperatorHandlers: OperatorHandlers = {
  [T.GET_MAINTENANCE_SCHEDULE]: (core) => answer.response({ type: R.GET_MAINTENANCE_SCHEDULE, getMaintenanceSchedule: { schedule: getSchedule(core) } }),
  [T.GET_MAINTENANCE_STATUS]: (core) => answer.response({ type: R.GET_MAINTENANCE_STATUS, getMaintenanceStatus: { status: clusterStatus(core) } }),
  [T.UPDATE_MAINTENANCE_SCHEDULE]: (core, call) => {
    const schedule = call.updateMaintenanceSchedule?.schedule;
    if (call.updateMaintenanceSchedule === undefined) return missing('update_maintenance_schedule');
    if (schedule === undefined) return missing('update_maintenance_schedule.schedule');
    return fromOutcome(updateSchedule(core, schedule));
  },
  [T.START_MAINTENANCE]: (core, call) => {
    if (call.startMaintenance === undefined) return missing('start_maintenance');
    return fromOutcome(startMaintenance(core, call.startMaintenance.machines ?? []));
  },
  [T.STOP_MAINTENANCE]: (core, call) => {
    if (call.stopMaintenance === undefined) return missing('stop_maintenance');
    return fromOutcome(stopMaintenance(core, call.stopMaintenance.machines ?? []));
  },
  [T.DRAIN_AGENT]: (core, call) => {
    const id = agentIdOf(call.drainAgent, 'drain_agent');
    if (typeof id !== 'string') return id;
    const grace = call.drainAgent!.maxGracePeriod;
    if (grace !== undefined && ((grace.seconds ?? 0n) < 0n || (grace.nanos ?? 0) < 0)) {
      return answer.error(400, "Invalid 'drain_agent.max_grace_period': must not be negative");
    }
    return fromControl(drainAgent(core, id, grace, call.drainAgent!.markGone === true));
  },
  [T.DEACTIVATE_AGENT]: (core, call) => {
    const id = agentIdOf(call.deactivateAgent, 'deactivate_agent');
    return typeof id === 'string' ? fromControl(deactivateAgent(core, id)) : id;
  },
  [T.REACTIVATE_AGENT]: (core, call) => {
    const id = agentIdOf(call.reactivateAgent, 'reactivate_agent');
    return typeof id === 'string' ? fromControl(reactivateAgent(core, id)) : id;
  },
  [T.MARK_AGENT_GONE]: (core, call) => {
    const id = agentIdOf(call.markAgentGone, 'mark_agent_gone');
    return typeof id === 'string' ? fromControl(markAgentGone(core, id)) : id;
  },
};

// ------------------------------------------------------------------------------------------------ endpoints

function jsonpOf(req: IncomingMessage): string | null {
  return new URL(req.url ?? '/', 'http://master').searchParams.get('jsonp');
}

/** Reads a JSON body; undefined (after answering 400) when it is not JSON. */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | undefined> {
  const body = await readBody(req);
  if (!body.ok) {
    writeResponse(res, plainText(400, body.error.message));
    return undefined;
  }
  try {
    return { value: JSON.parse(Buffer.from(body.value).toString('utf8')) as unknown };
  } catch (e) {
    writeResponse(res, plainText(400, `Failed to parse the request body as JSON: ${(e as Error).message}`));
    return undefined;
  }
}

function writeOutcome(res: ServerResponse, outcome: Outcome): void {
  writeResponse(res, outcome.ok ? empty(200) : plainText(400, outcome.message));
}

/** `POST /machine/down` and `/machine/up` take a JSON array of MachineIDs. */
function machinesEndpoint(paths: readonly string[], apply: (core: MasterCore, ids: readonly MachineID[]) => Outcome): MasterEndpoint {
  return {
    paths,
    handle: async (core, req, res) => {
      if (req.method !== 'POST') {
        req.resume();
        return writeResponse(res, methodNotAllowed(['POST'], req.method ?? ''));
      }
      const json = await readJson(req, res);
      if (json === undefined) return;
      if (!Array.isArray(json.value)) return writeResponse(res, plainText(400, 'Expecting a JSON array of machines'));
      const ids: MachineID[] = [];
      for (const [i, item] of json.value.entries()) {
        const decoded = decodeMesosJson('mesos.v1.MachineID', item);
        if (!decoded.ok) return writeResponse(res, plainText(400, `Invalid machine at index ${i}: ${decoded.error.message}`));
        ids.push(decoded.value);
      }
      writeOutcome(res, apply(core, ids));
    },
  };
}

/** `/master/maintenance/schedule`, `/master/maintenance/status`, `/master/machine/down`, `/master/machine/up`. */
export const maintenanceEndpoints: readonly MasterEndpoint[] = [
  {
    paths: ['/master/maintenance/schedule', '/maintenance/schedule'],
    handle: async (core, req, res) => {
      if (req.method === 'GET') {
        req.resume();
        return writeResponse(res, jsonTextResponse(encodeMesosJson('mesos.v1.maintenance.Schedule', getSchedule(core)), jsonpOf(req)));
      }
      if (req.method !== 'POST') {
        req.resume();
        return writeResponse(res, methodNotAllowed(['GET', 'POST'], req.method ?? ''));
      }
      const json = await readJson(req, res);
      if (json === undefined) return;
      if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) return writeResponse(res, plainText(400, 'Expecting a JSON object (a maintenance schedule)'));
      const decoded = decodeMesosJson('mesos.v1.maintenance.Schedule', json.value);
      if (!decoded.ok) return writeResponse(res, plainText(400, decoded.error.message));
      writeOutcome(res, updateSchedule(core, decoded.value));
    },
  },
  {
    paths: ['/master/maintenance/status', '/maintenance/status'],
    handle: async (core, req, res) => {
      req.resume();
      if (req.method !== 'GET') return writeResponse(res, methodNotAllowed(['GET'], req.method ?? ''));
      writeResponse(res, jsonTextResponse(encodeMesosJson('mesos.v1.maintenance.ClusterStatus', clusterStatus(core)), jsonpOf(req)));
    },
  },
  machinesEndpoint(['/master/machine/down', '/machine/down'], startMaintenance),
  machinesEndpoint(['/master/machine/up', '/machine/up'], stopMaintenance),
];
