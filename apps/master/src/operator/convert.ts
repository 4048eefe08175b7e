/**
 * The master's records as v1 operator API messages, filled as Mesos 1.11 fills them
 * (src/common/protobuf_utils.cpp `createAgentResponse`, `createFrameworkAdded`; src/master/http.cpp `model`;
 * src/master/readonly_handler.cpp `getTasks`, `getExecutors`, `getState`). Pure functions of the state; the
 * SUBSCRIBE stream and the GET_* calls share them.
 */
import { master, type AgentInfo, type InverseOffer, type Resource, type Task } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { MasterCore } from '../core';
import { frameworkUsedByAgent, type Agent, type Framework, type TaskRecord } from '../model';
import { agentUsed } from '../state';
import { timeInfo } from '../status';

/** Resources as Mesos's endpoints show them (`convertResourceFormat(..., ENDPOINT)`). */
export function endpointResources(resources: Resources): Resource[] {
  return resources.toProto({ format: 'endpoint' });
}

/** Mesos's `createAgentResponse` (GET_AGENTS and AGENT_ADDED): the agent's info, state, times and resources. */
export function agentModel(core: MasterCore, agent: Agent): master.Response_GetAgents_Agent {
  const offered = Resources.sum(core.offers.offersOn(agent.id).map((o) => o.resources));
  const out: master.Response_GetAgents_Agent = {
    agentInfo: agent.info,
    active: agent.active,
    deactivated: agent.deactivated,
    version: agent.version,
    pid: agent.pid,
    registeredTime: timeInfo(agent.registeredTime),
    totalResources: endpointResources(agent.total),
    allocatedResources: endpointResources(agentUsed(agent)),
    offeredResources: endpointResources(offered),
    capabilities: agent.capabilityList,
  };
  if (agent.reregisteredTime !== undefined) out.reregisteredTime = timeInfo(agent.reregisteredTime);
  if (agent.drain !== undefined) out.drainInfo = { state: agent.drain.state, config: agent.drain.config };
  return out;
}

/** What a framework's live tasks and executors use, over all agents (Mesos's `totalUsedResources`). */
export function frameworkUsed(framework: Framework): Resources {
  return Resources.sum(frameworkUsedByAgent(framework).values());
}

/**
 * Mesos's `model(Framework)` for GET_FRAMEWORKS: info, state, times (left out when zero), offers and resources.
 * With `forEvent`, only what Mesos's FRAMEWORK_ADDED / FRAMEWORK_UPDATED carry: info, state and the three times
 * (all three set, zero when unknown).
 */
export function frameworkModel(core: MasterCore, framework: Framework, forEvent = false): master.Response_GetFrameworks_Framework {
  const out: master.Response_GetFrameworks_Framework = {
    frameworkInfo: framework.info,
    active: framework.active,
    connected: framework.state === 'connected',
    recovered: framework.state === 'recovered',
  };
  if (forEvent) {
    out.registeredTime = timeInfo(framework.registeredTime);
    out.reregisteredTime = timeInfo(framework.reregisteredTime);
    out.unregisteredTime = timeInfo(framework.unregisteredTime ?? 0);
    return out;
  }
  if (framework.registeredTime !== 0) out.registeredTime = timeInfo(framework.registeredTime);
  if (framework.unregisteredTime !== undefined && framework.unregisteredTime !== 0) out.unregisteredTime = timeInfo(framework.unregisteredTime);
  if (framework.reregisteredTime !== 0) out.reregisteredTime = timeInfo(framework.reregisteredTime);
  const offers = core.frameworks.has(framework.id) ? core.offers.offersOf(framework.id) : [];
  out.offers = offers.map((o) => o.offer);
  out.inverseOffers = inverseOffersOf(core, framework.id);
  out.allocatedResources = endpointResources(frameworkUsed(framework));
  out.offeredResources = endpointResources(Resources.sum(offers.map((o) => o.resources)));
  if (framework.offerConstraints !== undefined) out.offerConstraints = framework.offerConstraints;
  return out;
}

/** The framework's outstanding inverse offers (maintenance), as the InverseOffer messages it was sent. */
function inverseOffersOf(core: MasterCore, frameworkId: string): InverseOffer[] {
  const out: InverseOffer[] = [];
  for (const record of core.maintenance.inverseOffers.values()) {
    if (record.frameworkId !== frameworkId) continue;
    out.push({ id: { value: record.id }, frameworkId: { value: frameworkId }, agentId: { value: record.agentId }, unavailability: record.unavailability });
  }
  return out;
}

/** GET_FRAMEWORKS: registered (connected, disconnected, recovered) and completed frameworks. */
export function getFrameworks(core: MasterCore): master.Response_GetFrameworks {
  return {
    frameworks: [...core.frameworks.values()].map((f) => frameworkModel(core, f)),
    completedFrameworks: [...core.completedFrameworks.values()].map((f) => frameworkModel(core, f)),
  };
}

/** GET_AGENTS: registered agents; none are recovered from a registry here (there is none yet). */
export function getAgents(core: MasterCore): master.Response_GetAgents {
  const recovered: AgentInfo[] = [];
  return { agents: [...core.agents.values()].map((a) => agentModel(core, a)), recoveredAgents: recovered };
}

/** The `Task` message of a record, as Mesos keeps it. */
export function taskModel(record: TaskRecord): Task {
  return record.task;
}

/** GET_TASKS: live, unreachable and completed tasks of registered and completed frameworks; no pending or orphans. */
export function getTasks(core: MasterCore): master.Response_GetTasks {
  const frameworks = [...core.frameworks.values(), ...core.completedFrameworks.values()];
  const tasks: Task[] = [];
  const unreachable: Task[] = [];
  const completed: Task[] = [];
  for (const f of frameworks) {
    for (const t of f.tasks.values()) tasks.push(taskModel(t));
    for (const t of f.unreachableTasks.values()) unreachable.push(taskModel(t));
    for (const t of f.completedTasks) completed.push(taskModel(t));
  }
  return { pendingTasks: [], tasks, unreachableTasks: unreachable, completedTasks: completed, orphanTasks: [] };
}

/** GET_EXECUTORS: the executors of registered and completed frameworks, with their agent. */
export function getExecutors(core: MasterCore): master.Response_GetExecutors {
  const executors: master.Response_GetExecutors_Executor[] = [];
  for (const f of [...core.frameworks.values(), ...core.completedFrameworks.values()]) {
    for (const [agentId, byId] of f.executors) for (const e of byId.values()) executors.push({ executorInfo: e.info, agentId: { value: agentId } });
  }
  return { executors, orphanExecutors: [] };
}

/** GET_STATE: tasks, executors, frameworks and agents at once. */
export function getState(core: MasterCore): master.Response_GetState {
  return { getTasks: getTasks(core), getExecutors: getExecutors(core), getFrameworks: getFrameworks(core), getAgents: getAgents(core) };
}
