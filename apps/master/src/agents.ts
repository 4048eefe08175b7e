/**
 * Agents over the mesos-ts master-agent protocol (docs/master-agent-protocol.md), with the semantics of Mesos
 * 1.11's master (src/master/master.cpp: `registerSlave`, `reregisterSlave`, `__reregisterSlave`,
 * `___reregisterSlave`, `reconcileKnownSlave`, `disconnect(Slave*)`, `markUnreachable`, `__removeSlave`,
 * `_removeSlave`, `statusUpdate`, `exitedExecutor`, `executorMessage`, the SlaveObserver's pings).
 */
import {
  TaskState,
  TaskStatus_Reason,
  internal,
  scheduler,
  type AgentInfo,
  type AgentInfo_Capability,
  type ExecutorInfo,
  type FrameworkInfo,
  type Resource,
  type Task,
  type TaskStatus,
} from '@mesos-ts/proto';
import { Resources, applyCheckpointed, checkpointedOf } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import { admissionRefusal, agentAdmitted, refuseAdmission } from './drain';
import { recoverFramework } from './frameworks';
import { agentCapabilities, isTerminalOrUnreachable, isTerminalState, type Agent, type AgentSession, type ExecutorRecord } from './model';
import { settleOnReregister } from './reservations-apply';
import { isUuidBytes, masterStatus, nowSeconds } from './status';

/** `slave(1)@<ip>:<port>` split up; undefined when it is not of that shape. */
export function parsePid(pid: string): { id: string; ip: string; port: number } | undefined {
  const match = /^([^@\s]+)@(\[[^\]]+\]|[^:@\s]+):(\d{1,5})$/.exec(pid);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  return { id: match[1]!, ip: match[2]!.replace(/^\[|\]$/g, ''), port };
}

function parse(list: readonly Resource[] | undefined): Resources {
  const parsed = Resources.fromProto(list ?? []);
  return parsed.ok ? parsed.value : Resources.EMPTY;
}

function allocatorCapabilities(agent: Agent): { multiRole: boolean; hierarchicalRole: boolean; reservationRefinement: boolean } {
  const c = agent.capabilities;
  return { multiRole: c.multiRole, hierarchicalRole: c.hierarchicalRole, reservationRefinement: c.reservationRefinement };
}

function newAgent(id: string, info: AgentInfo, pid: string, version: string | undefined, capabilities: readonly AgentInfo_Capability[] | undefined): Agent {
  const where = parsePid(pid) ?? { ip: '0.0.0.0', port: 0 };
  const list = [...(capabilities ?? [])];
  return {
    id,
    info: { ...info, id: { value: id } },
    pid,
    ip: where.ip,
    port: where.port,
    version: version ?? '',
    capabilityList: list,
    capabilities: agentCapabilities(list),
    total: parse(info.resources),
    registeredTime: nowSeconds(),
    reregisteredTime: undefined,
    connected: true,
    active: true,
    deactivated: false,
    drain: undefined,
    session: undefined,
    tasks: new Map(),
    executors: new Map(),
    killedTasks: new Set(),
    ping: { timer: undefined, pinged: false, timeouts: 0, nextId: 0n },
  };
}

function registered(core: MasterCore, agent: Agent, unknownFrameworks: readonly string[] = []): internal.AgentEvent {
  return {
    type: internal.AgentEvent_Type.REGISTERED,
    registered: {
      agentId: { value: agent.id },
      masterInfo: core.info,
      pingTimeoutSeconds: core.flags.agent_ping_timeout / 1000,
      maxPingTimeouts: core.flags.max_agent_ping_timeouts,
      unknownFrameworks: unknownFrameworks.map((value) => ({ value })),
    },
  };
}

/** Makes `session` the agent's one session: the previous stream (if any) is closed, and this one watched. */
function attachSession(core: MasterCore, agent: Agent, session: AgentSession): void {
  const old = agent.session;
  agent.session = session;
  if (old !== undefined && old.streamId !== session.streamId) old.stream.close();
  session.stream.onClosed(() => disconnected(core, agent.id, session.streamId));
}

/** Ends a session with SHUTDOWN (the agent is refused), as Mesos's ShutdownMessage. */
export function refuseSession(session: AgentSession, message: string): void {
  session.stream.send({ type: internal.AgentEvent_Type.SHUTDOWN, shutdown: { message } });
  session.stream.close();
}

/** REGISTER: a new agent ID, REGISTERED first on the stream, the agent's resources to the allocator, pings. */
export function registerAgent(core: MasterCore, session: AgentSession, call: internal.AgentCall_Register): void {
  const pid = call.pid ?? '';
  // No agent may register from a machine that is DOWN for maintenance.
  const refusal = admissionRefusal(core, call.agentInfo, parsePid(pid)?.ip ?? '', undefined);
  if (refusal !== undefined) return refuseAdmission(core, session, pid, refusal);
  const existing = [...core.agents.values()].find((a) => a.pid === pid);
  if (existing !== undefined) {
    if (!existing.connected) {
      removeAgent(core, existing, 'a new agent registered at the same address');
    } else {
      // The agent lost its session without us noticing and registers again: same ID, new session.
      core.log.info({ agentId: existing.id, pid }, `Agent ${existing.id} at ${pid} already registered, answering on the new session`);
      attachSession(core, existing, session);
      core.sendToAgent(existing, registered(core, existing));
      startPings(core, existing);
      return;
    }
  }
  const agent = newAgent(core.newAgentId(), call.agentInfo ?? {}, pid, call.version, call.capabilities);
  core.agents.set(agent.id, agent);
  attachSession(core, agent, session);
  core.counters.slave_registrations++;
  core.guard('addAgent', () => core.allocator.addAgent(agent.id, agent.info, agent.total, new Map(), { capabilities: allocatorCapabilities(agent) }));
  core.log.info({ agentId: agent.id, pid, hostname: agent.info.hostname }, `Registered agent ${agent.id} at ${pid} (${agent.info.hostname ?? ''}) with ${agent.total.toString()}`);
  core.changes.emit({ kind: 'agent_added', agent });
  core.sendToAgent(agent, registered(core, agent));
  agentAdmitted(core, agent, undefined, true);
  startPings(core, agent);
}

/** The reported task with allocation info, injected from its framework's only role when the agent left it out. */
function withAllocation(task: Task, frameworks: ReadonlyMap<string, FrameworkInfo>): Task {
  const info = frameworks.get(task.frameworkId?.value ?? '');
  const roles = info === undefined ? [] : info.roles !== undefined && info.roles.length > 0 ? info.roles : [info.role ?? '*'];
  if (roles.length !== 1) return { ...task };
  const resources = (task.resources ?? []).map((r) => (r.allocationInfo === undefined ? { ...r, allocationInfo: { role: roles[0]! } } : r));
  return { ...task, resources };
}

/**
 * The total a re-registering agent has: its configured resources with the reservations and volumes it has
 * checkpointed laid over them (Mesos's `applyCheckpointedResources`). A report that does not fit is logged and
 * the configured resources stand.
 */
function reportedTotal(core: MasterCore, agentId: string, info: AgentInfo, call: internal.AgentCall_Reregister): Resources {
  const configured = parse(info.resources);
  const applied = applyCheckpointed(configured, parse(call.checkpointedResources));
  if (applied.ok) return applied.value;
  core.log.warn({ agentId, err: applied.error }, `Ignoring the checkpointed resources of agent ${agentId}: ${applied.error.message}`);
  return configured;
}

/**
 * REREGISTER. A known agent (disconnected, or re-registering on a new session) is reconnected and reconciled
 * (Mesos's `reconcileKnownSlave`); an unreachable or unknown one (the master restarted) is rebuilt from its report
 * (Mesos's `__reregisterSlave`). Either way REGISTERED goes first, with the frameworks the master has removed.
 */
export function reregisterAgent(core: MasterCore, session: AgentSession, agentId: string, call: internal.AgentCall_Reregister): void {
  const info: AgentInfo = { ...(call.agentInfo ?? {}), id: { value: agentId } };
  const pid = call.pid ?? '';
  const frameworks = new Map((call.frameworks ?? []).map((f) => [f.id?.value ?? '', f] as const));
  const tasks = (call.tasks ?? []).map((t) => withAllocation(t, frameworks));
  const unknownFrameworks = [...new Set([...frameworks.keys(), ...tasks.map((t) => t.frameworkId?.value ?? '')])].filter((id) => core.completedFrameworks.has(id));
  const known = core.agents.get(agentId);
  // Nor re-register from a DOWN machine, nor with the ID of an agent marked gone.
  const refusal = admissionRefusal(core, info, parsePid(pid)?.ip ?? '', agentId);
  if (refusal !== undefined) return refuseAdmission(core, session, pid, refusal);

  if (known !== undefined) {
    const where = parsePid(pid);
    if (where?.ip !== known.ip || info.hostname !== known.info.hostname) {
      core.log.warn({ agentId, pid }, `Agent ${agentId} at ${pid} attempted to reregister with different IP / hostname; shutting it down`);
      refuseSession(session, 'Agent attempted to reregister with different IP / hostname');
      return;
    }
    attachSession(core, known, session);
    // The agent's checkpointed reservations and volumes are the truth; operations it never confirmed settle on them.
    const expected = checkpointedOf(known.total);
    known.total = reportedTotal(core, agentId, info, call);
    settleOnReregister(core, known, expected, checkpointedOf(known.total));
    known.info = info;
    known.pid = pid;
    known.port = where.port;
    known.version = call.version ?? known.version;
    known.capabilityList = call.capabilities ?? [];
    known.capabilities = agentCapabilities(known.capabilityList);
    known.reregisteredTime = nowSeconds();
    core.counters.slave_reregistrations++;
    core.guard('updateAgent', () => core.allocator.updateAgent(agentId, { info, total: known.total, capabilities: allocatorCapabilities(known) }));
    if (!known.connected || !known.active) {
      known.connected = true;
      // An agent the operator deactivated (or is draining) stays inactive until REACTIVATE_AGENT.
      if (!core.maintenance.deactivated.has(agentId)) {
        known.active = true;
        core.guard('activateAgent', () => core.allocator.activateAgent(agentId));
      }
    }
    core.log.info({ agentId, pid }, `Re-registered agent ${agentId} at ${pid}`);
    core.changes.emit({ kind: 'agent_updated', agent: known });
    core.sendToAgent(known, registered(core, known, unknownFrameworks));
    reconcileKnownAgent(core, known, tasks, call.executors ?? []);
    for (const id of frameworks.keys()) {
      const framework = core.frameworks.get(id);
      if (framework !== undefined) core.sendToAgent(known, { type: internal.AgentEvent_Type.UPDATE_FRAMEWORK, updateFramework: { framework: framework.info } });
    }
    agentAdmitted(core, known, call.drainConfig, false);
    startPings(core, known);
    return;
  }

  const wasUnreachable = core.unreachable.delete(agentId);
  const agent = newAgent(agentId, info, pid, call.version, call.capabilities);
  agent.total = reportedTotal(core, agentId, info, call);
  settleOnReregister(core, agent, undefined, checkpointedOf(agent.total));
  agent.reregisteredTime = agent.registeredTime;
  core.agents.set(agentId, agent);
  attachSession(core, agent, session);
  core.changes.emit({ kind: 'agent_added', agent });
  const completed = (id: string): boolean => core.completedFrameworks.has(id);

  for (const executor of call.executors ?? []) {
    const frameworkId = executor.frameworkId?.value ?? '';
    if (completed(frameworkId)) continue;
    core.addExecutor(frameworkId, agent, executor, parse(executor.resources));
  }
  const message = wasUnreachable ? 'Unreachable agent re-reregistered' : 'Unknown agent reregistered';
  for (const task of tasks) {
    const frameworkId = task.frameworkId?.value ?? '';
    if (completed(frameworkId)) continue;
    const taskId = task.taskId?.value ?? '';
    const framework = core.frameworks.get(frameworkId);
    if (framework !== undefined) {
      framework.unreachableTasks.delete(taskId);
      const at = framework.completedTasks.findIndex((t) => t.taskId === taskId);
      if (at >= 0) framework.completedTasks.splice(at, 1);
    }
    const record = core.trackTask({ ...task, agentId: { value: agentId } }, parse(task.resources));
    if (framework !== undefined && framework.state === 'connected') {
      const last = task.statuses?.[task.statuses.length - 1];
      core.forward(
        framework,
        masterStatus({
          taskId,
          state: task.state ?? TaskState.TASK_STAGING,
          message,
          reason: TaskStatus_Reason.REASON_AGENT_REREGISTERED,
          agentId,
          executorId: record.task.executorId?.value,
          healthy: last?.healthy,
        }),
      );
    }
  }

  const used = new Map<string, Resources>();
  const add = (frameworkId: string, r: Resources): void => {
    used.set(frameworkId, (used.get(frameworkId) ?? Resources.EMPTY).plus(r));
  };
  for (const [frameworkId, byTask] of agent.tasks) for (const t of byTask.values()) if (!isTerminalOrUnreachable(t.task.state)) add(frameworkId, t.resources);
  for (const [frameworkId, byId] of agent.executors) for (const e of byId.values()) add(frameworkId, e.resources);
  core.counters.slave_reregistrations++;
  core.guard('addAgent', () => core.allocator.addAgent(agentId, agent.info, agent.total, used, { capabilities: allocatorCapabilities(agent) }));
  core.log.info({ agentId, pid }, `Re-admitted ${wasUnreachable ? 'unreachable' : 'unknown'} agent ${agentId} at ${pid}`);
  core.sendToAgent(agent, registered(core, agent, unknownFrameworks));
  for (const [id, frameworkInfo] of frameworks) {
    const framework = core.frameworks.get(id);
    if (framework !== undefined) core.sendToAgent(agent, { type: internal.AgentEvent_Type.UPDATE_FRAMEWORK, updateFramework: { framework: framework.info } });
    else if (!completed(id) && id !== '') recoverFramework(core, { ...frameworkInfo, id: { value: id } });
  }
  agentAdmitted(core, agent, call.drainConfig, true);
  startPings(core, agent);
}

/**
 * Mesos's `reconcileKnownSlave`, on the protocol's terms: tasks the master has on the agent that the agent does
 * not report are lost (TASK_LOST from the master); executors it does not report are removed; reported tasks a KILL
 * was asked for while it was away are killed now.
 */
function reconcileKnownAgent(core: MasterCore, agent: Agent, reported: readonly Task[], executors: readonly ExecutorInfo[]): void {
  const reportedTasks = new Set(reported.map((t) => `${t.frameworkId?.value ?? ''}/${t.taskId?.value ?? ''}`));
  for (const [frameworkId, byTask] of [...agent.tasks]) {
    for (const record of [...byTask.values()]) {
      if (reportedTasks.has(`${frameworkId}/${record.taskId}`)) continue;
      core.log.warn({ agentId: agent.id, frameworkId, taskId: record.taskId }, `Task ${record.taskId} unknown to the agent ${agent.id} during re-registration`);
      const status = masterStatus({
        taskId: record.taskId,
        state: TaskState.TASK_LOST,
        message: 'Task is unknown to the agent',
        reason: TaskStatus_Reason.REASON_RECONCILIATION,
        agentId: agent.id,
        executorId: record.task.executorId?.value,
      });
      core.updateTask(record, status);
      core.removeTask(record);
      const framework = core.frameworks.get(frameworkId);
      if (framework !== undefined && framework.state === 'connected') core.forward(framework, status);
    }
  }
  const reportedExecutors = new Set(executors.map((e) => `${e.frameworkId?.value ?? ''}/${e.executorId?.value ?? ''}`));
  for (const [frameworkId, byId] of [...agent.executors]) {
    for (const executorId of [...byId.keys()]) if (!reportedExecutors.has(`${frameworkId}/${executorId}`)) core.removeExecutor(agent, frameworkId, executorId);
  }
  for (const task of reported) {
    const key = `${task.frameworkId?.value ?? ''}/${task.taskId?.value ?? ''}`;
    if (!isTerminalState(task.state) && agent.killedTasks.has(key)) {
      core.log.warn({ agentId: agent.id, taskId: task.taskId?.value }, `Agent ${agent.id} has non-terminal task ${task.taskId?.value ?? ''} that is supposed to be killed. Killing it now!`);
      core.sendToAgent(agent, { type: internal.AgentEvent_Type.KILL_TASK, killTask: { frameworkId: task.frameworkId ?? { value: '' }, taskId: task.taskId ?? { value: '' } } });
    }
  }
}

/** The agent's stream closed (Mesos's `disconnect(Slave*)`): deactivated, offers rescinded; its tasks stay. */
export function disconnected(core: MasterCore, agentId: string, streamId: string): void {
  if (core.isStopped) return;
  const agent = core.agents.get(agentId);
  if (agent === undefined || agent.session?.streamId !== streamId) return;
  core.log.info({ agentId }, `Agent ${agentId} disconnected`);
  agent.session = undefined;
  agent.connected = false;
  agent.active = false;
  core.guard('deactivateAgent', () => core.allocator.deactivateAgent(agentId));
  core.rescind(core.offers.rescindAgent(agentId));
  core.changes.emit({ kind: 'agent_updated', agent });
}

// ------------------------------------------------------------------------------------------------ pings

/** (Re)starts health checking: a PING now, then every `--agent_ping_timeout` (Mesos's SlaveObserver). */
export function startPings(core: MasterCore, agent: Agent): void {
  if (agent.ping.timer !== undefined) clearTimeout(agent.ping.timer);
  agent.ping.pinged = false;
  agent.ping.timeouts = 0;
  ping(core, agent);
}

function ping(core: MasterCore, agent: Agent): void {
  if (core.isStopped || core.agents.get(agent.id) !== agent) return;
  // A disconnected agent cannot be pinged; the ping counts as unanswered, so an agent that does not come back is
  // marked unreachable after ping_timeout * max_ping_timeouts, as the protocol says.
  core.sendToAgent(agent, { type: internal.AgentEvent_Type.PING, ping: { pingId: agent.ping.nextId++ } });
  agent.ping.pinged = true;
  agent.ping.timer = setTimeout(() => core.guard('ping timeout', () => pingTimeout(core, agent)), core.flags.agent_ping_timeout);
  agent.ping.timer.unref();
}

function pingTimeout(core: MasterCore, agent: Agent): void {
  agent.ping.timer = undefined;
  if (core.isStopped || core.agents.get(agent.id) !== agent) return;
  if (agent.ping.pinged) {
    agent.ping.timeouts++;
    if (agent.ping.timeouts >= core.flags.max_agent_ping_timeouts) {
      markUnreachable(core, agent, 'health check timed out');
      return;
    }
  }
  ping(core, agent);
}

/** A PONG call: the agent is alive. */
export function pong(agent: Agent): void {
  agent.ping.pinged = false;
  agent.ping.timeouts = 0;
}

// ------------------------------------------------------------------------------------------------ removal

/**
 * Mesos's `markUnreachable` + `__removeSlave`: out of the allocator, offers rescinded, each task TASK_UNREACHABLE
 * (PARTITION_AWARE frameworks) or TASK_LOST, reason REASON_AGENT_REMOVED, from the master without uuid; the agent is
 * kept as unreachable so it can come back. Its stream is closed so it notices and re-registers.
 */
export function markUnreachable(core: MasterCore, agent: Agent, why: string): void {
  const time = nowSeconds();
  core.log.warn({ agentId: agent.id }, `Marking agent ${agent.id} (${agent.info.hostname ?? ''}) unreachable: ${why}`);
  core.unreachable.set(agent.id, { info: agent.info, time });
  core.counters.slave_unreachable_completed++;
  core.counters.slave_removals++;
  takeOut(core, agent, 'unreachable', (framework) =>
    framework?.capabilities.partitionAware === true
      ? { state: TaskState.TASK_UNREACHABLE, reason: TaskStatus_Reason.REASON_AGENT_REMOVED, message: why, unreachableTime: time, unreachable: true }
      : { state: TaskState.TASK_LOST, reason: TaskStatus_Reason.REASON_AGENT_REMOVED, message: why, unreachableTime: time, unreachable: true },
  );
}

/** Mesos's `removeSlave` + `_removeSlave`: the agent is gone for good (it unregistered, or another took its address). */
export function removeAgent(core: MasterCore, agent: Agent, cause: string): void {
  core.log.info({ agentId: agent.id }, `Removing agent ${agent.id}: ${cause}`);
  core.counters.slave_removals++;
  const message = `Agent ${agent.info.hostname ?? ''} removed: ${cause}`;
  takeOut(core, agent, 'removed', () => ({ state: TaskState.TASK_LOST, reason: TaskStatus_Reason.REASON_AGENT_REMOVED, message, unreachableTime: undefined, unreachable: false }));
}

/**
 * Mesos's `__removeSlave` without an unreachable time, for removals the operator asked for (machine DOWN, agent
 * marked gone): PARTITION_AWARE frameworks get TASK_GONE_BY_OPERATOR (REASON_AGENT_REMOVED_BY_OPERATOR), the
 * others TASK_LOST (REASON_AGENT_REMOVED). The agent's stream is closed; send it SHUTDOWN first if it must stop.
 */
export function removeAgentByOperator(core: MasterCore, agent: Agent, message: string, why: 'removed' | 'gone'): void {
  core.log.info({ agentId: agent.id }, `Removing agent ${agent.id}: ${message}`);
  core.counters.slave_removals++;
  takeOut(core, agent, why, (framework) =>
    framework?.capabilities.partitionAware === true
      ? { state: TaskState.TASK_GONE_BY_OPERATOR, reason: TaskStatus_Reason.REASON_AGENT_REMOVED_BY_OPERATOR, message, unreachableTime: undefined, unreachable: false }
      : { state: TaskState.TASK_LOST, reason: TaskStatus_Reason.REASON_AGENT_REMOVED, message, unreachableTime: undefined, unreachable: false },
  );
}

interface TaskFate {
  readonly state: TaskState;
  readonly reason: TaskStatus_Reason;
  readonly message: string;
  readonly unreachableTime: number | undefined;
  readonly unreachable: boolean;
}

function takeOut(core: MasterCore, agent: Agent, why: 'removed' | 'unreachable' | 'gone', fate: (framework: ReturnType<MasterCore['frameworks']['get']>) => TaskFate): void {
  // The allocator first, so that nothing recovered below is offered again.
  core.guard('removeAgent', () => core.allocator.removeAgent(agent.id));
  for (const [frameworkId, byTask] of [...agent.tasks]) {
    const framework = core.frameworks.get(frameworkId);
    const f = fate(framework);
    for (const record of [...byTask.values()]) {
      const status: TaskStatus = masterStatus({
        taskId: record.taskId,
        state: f.state,
        reason: f.reason,
        message: f.message,
        agentId: agent.id,
        executorId: record.task.executorId?.value,
        unreachableTime: f.unreachableTime,
      });
      core.updateTask(record, status);
      core.removeTask(record, f.unreachable);
      if (framework !== undefined && framework.state === 'connected') core.forward(framework, status);
    }
  }
  for (const [frameworkId, byId] of [...agent.executors]) for (const executorId of [...byId.keys()]) core.removeExecutor(agent, frameworkId, executorId);
  core.rescind(core.offers.rescindAgent(agent.id));
  if (agent.ping.timer !== undefined) clearTimeout(agent.ping.timer);
  agent.ping.timer = undefined;
  core.agents.delete(agent.id);
  const session = agent.session;
  agent.session = undefined;
  agent.connected = false;
  agent.active = false;
  session?.stream.close();
  core.changes.emit({ kind: 'agent_removed', agent, why });
  // Mesos's `sendSlaveLost`: every connected framework hears of it.
  for (const framework of core.frameworks.values()) {
    if (framework.state === 'connected') core.sendToFramework(framework, { type: scheduler.Event_Type.FAILURE, failure: { agentId: { value: agent.id } } });
  }
}

// ------------------------------------------------------------------------------------------------ calls

/** STATUS_UPDATE: each update changes the task and is forwarded, uuid unchanged, to its framework if connected. */
export function statusUpdates(core: MasterCore, agent: Agent, updates: readonly internal.StatusUpdate[]): void {
  for (const update of updates) {
    const frameworkId = update.frameworkId?.value ?? '';
    const status: TaskStatus = { ...(update.status ?? {}) };
    const taskId = status.taskId?.value ?? '';
    if (status.agentId === undefined) status.agentId = { value: agent.id };
    if (status.executorId === undefined && update.executorId !== undefined) status.executorId = update.executorId;
    if (status.timestamp === undefined && update.timestamp !== undefined) status.timestamp = update.timestamp;
    const acknowledged = status.uuid !== undefined && status.uuid.byteLength > 0;
    if (acknowledged && !isUuidBytes(status.uuid)) {
      core.counters.invalid_status_updates++;
      core.log.warn({ agentId: agent.id, taskId }, `Ignoring status update from agent ${agent.id}: Not a valid UUID`);
      continue;
    }
    const framework = core.frameworks.get(frameworkId);
    let valid = true;
    if (framework !== undefined && framework.state === 'connected') {
      core.forward(framework, status);
    } else {
      valid = false;
      core.log.warn({ agentId: agent.id, frameworkId, taskId }, `Received status update for ${framework === undefined ? 'an unknown' : 'a disconnected'} framework`);
    }
    const record = agent.tasks.get(frameworkId)?.get(taskId);
    if (record === undefined) {
      core.counters.invalid_status_updates++;
      core.log.warn({ agentId: agent.id, frameworkId, taskId }, `Could not lookup task ${taskId} for status update from agent ${agent.id}`);
      continue;
    }
    core.updateTask(record, status, update.latestState);
    // An update the agent does not want acknowledged is final as far as the master knows.
    if (!acknowledged && isTerminalState(record.task.state)) core.removeTask(record);
    if (valid) core.counters.valid_status_updates++;
    else core.counters.invalid_status_updates++;
  }
}

/** EXECUTOR_EXITED: its resources go back; the framework gets FAILURE. */
export function executorExited(core: MasterCore, agent: Agent, call: internal.AgentCall_ExecutorExited): void {
  const frameworkId = call.frameworkId?.value ?? '';
  const executorId = call.executorId?.value ?? '';
  const record: ExecutorRecord | undefined = agent.executors.get(frameworkId)?.get(executorId);
  if (record === undefined) {
    core.log.warn({ agentId: agent.id, frameworkId, executorId }, `Ignoring unknown exited executor '${executorId}' of framework ${frameworkId}`);
    return;
  }
  core.log.info({ agentId: agent.id, frameworkId, executorId, status: call.status }, `Executor '${executorId}' of framework ${frameworkId} on agent ${agent.id} exited`);
  core.removeExecutor(agent, frameworkId, executorId);
  const framework = core.frameworks.get(frameworkId);
  if (framework === undefined || framework.state !== 'connected') return;
  const failure: scheduler.Event_Failure = { agentId: { value: agent.id }, executorId: { value: executorId } };
  if (call.status !== undefined) failure.status = call.status;
  core.sendToFramework(framework, { type: scheduler.Event_Type.FAILURE, failure });
}

/** FRAMEWORK_MESSAGE from an executor: a MESSAGE event to its scheduler. */
export function frameworkMessage(core: MasterCore, agent: Agent, call: internal.AgentCall_FrameworkMessage): void {
  const frameworkId = call.frameworkId?.value ?? '';
  const framework = core.frameworks.get(frameworkId);
  if (framework === undefined || framework.state !== 'connected') {
    core.log.warn({ agentId: agent.id, frameworkId }, `Not forwarding executor message to ${framework === undefined ? 'unknown' : 'disconnected'} framework ${frameworkId}`);
    return;
  }
  core.counters.messages_executor_to_framework++;
  core.sendToFramework(framework, {
    type: scheduler.Event_Type.MESSAGE,
    message: { agentId: { value: agent.id }, executorId: call.executorId ?? { value: '' }, data: Buffer.from(call.data ?? Buffer.alloc(0)) },
  });
}
