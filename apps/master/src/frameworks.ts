/**
 * Framework lifecycle, as Mesos 1.11's master runs it for HTTP schedulers (src/master/master.cpp: `subscribe`,
 * `_subscribe`, `failoverFramework`, `connectAndActivateRecoveredFramework`, `exited`, `disconnect`, `deactivate`,
 * `frameworkFailoverTimeout`, `removeFramework`, `updateFramework`, `recoverFramework`, `sendFrameworkUpdates`).
 */
import { TaskState, TaskStatus_Reason, encodeProtobuf, internal, scheduler, type FrameworkInfo } from '@mesos-ts/proto';
import { MasterCore } from './core';
import { frameworkCapabilities, frameworkRoles, frameworkUsedByAgent, newFramework, pushBounded, type Framework, type SchedulerConnection } from './model';
import { masterStatus, nowSeconds } from './status';
import { preserveImmutableFields, validateFramework, validateFrameworkUpdate, type FrameworkValidationContext } from './validation';

/** What framework validation needs from the master. */
export function validationContext(core: MasterCore): FrameworkValidationContext {
  return {
    roleWhitelist: core.flags.roles?.value,
    isCompleted: (id) => core.completedFrameworks.has(id),
  };
}

/** Ends a subscription attempt with an ERROR event, as Mesos answers a refused SUBSCRIBE. */
function refuse(core: MasterCore, connection: SchedulerConnection, message: string, name: string | undefined): void {
  core.log.info({ framework: name }, `Refusing subscription of framework '${name ?? ''}': ${message}`);
  connection.stream.send(MasterCore.errorEvent(message));
  connection.stream.close();
}

/**
 * A SUBSCRIBE call on a new stream: a new framework gets an ID; a known ID fails the framework over to this stream
 * (the old stream gets ERROR "Framework failed over" and is closed); an ID the master does not know (it restarted)
 * is recovered. The stream is answered with SUBSCRIBED and heartbeats, or with ERROR and closed.
 */
export function subscribe(core: MasterCore, connection: SchedulerConnection, call: scheduler.Call_Subscribe): void {
  const info = call.frameworkInfo ?? {};
  const suppressed = call.suppressedRoles ?? [];
  const error = validateFramework(info, suppressed, validationContext(core));
  if (error !== undefined) return refuse(core, connection, error, info.name);

  const id = info.id?.value;
  if (id === undefined || id === '') {
    const frameworkId = core.newFrameworkId();
    const framework = newFramework({ ...info, id: { value: frameworkId } }, 'connected', nowSeconds());
    framework.suppressedRoles = new Set(suppressed);
    framework.offerConstraints = call.offerConstraints;
    framework.active = true;
    core.frameworks.set(frameworkId, framework);
    core.counters.frameworks_registered_total++;
    attach(core, framework, connection);
    core.guard('addFramework', () => core.allocator.addFramework(frameworkId, framework.info, new Map(), true, suppressed));
    core.log.info({ frameworkId, name: info.name }, `Subscribed framework ${frameworkId} (${info.name ?? ''})`);
    core.changes.emit({ kind: 'framework_added', framework });
    sendSubscribed(core, framework);
    return;
  }

  const framework = core.frameworks.get(id) ?? recoverFramework(core, info);
  const updated = preserveImmutableFields(framework.info, info);
  const updateError = validateFrameworkUpdate(framework.info, updated);
  if (updateError !== undefined) return refuse(core, connection, updateError, info.name);

  updateFramework(core, framework, updated, suppressed, call.offerConstraints);
  if (framework.state !== 'recovered') {
    framework.reregisteredTime = nowSeconds();
    failover(core, framework, connection);
  } else {
    framework.registeredTime = framework.reregisteredTime = nowSeconds();
    attach(core, framework, connection);
    framework.state = 'connected';
    framework.active = true;
    core.guard('activateFramework', () => core.allocator.activateFramework(framework.id));
    sendSubscribed(core, framework);
  }
  core.changes.emit({ kind: 'framework_updated', framework });
  sendFrameworkUpdates(core, framework);
}

/** Points the framework at a new stream and watches it close. */
function attach(core: MasterCore, framework: Framework, connection: SchedulerConnection): void {
  framework.connection = connection;
  framework.failoverTimer?.cancel();
  framework.failoverTimer = undefined;
  connection.stream.onClosed(() => exited(core, framework.id, connection.streamId));
}

function sendSubscribed(core: MasterCore, framework: Framework): void {
  core.sendToFramework(framework, {
    type: scheduler.Event_Type.SUBSCRIBED,
    subscribed: { frameworkId: { value: framework.id }, heartbeatIntervalSeconds: core.heartbeatIntervalMs / 1000, masterInfo: core.info },
  });
  // Mesos starts the heartbeater after SUBSCRIBED; its first HEARTBEAT goes out at once, before anything else.
  const heartbeat: scheduler.Event = { type: scheduler.Event_Type.HEARTBEAT };
  core.sendToFramework(framework, heartbeat);
  framework.connection?.stream.startHeartbeat({ intervalMs: core.heartbeatIntervalMs, message: heartbeat });
}

/** Mesos's `failoverFramework` for HTTP: the old stream (if any) is told and closed, offers discarded, the framework activated. */
function failover(core: MasterCore, framework: Framework, connection: SchedulerConnection): void {
  const old = framework.connection;
  if (framework.state === 'connected' && old !== undefined) {
    old.stream.send(MasterCore.errorEvent('Framework failed over'));
    old.stream.close();
  }
  attach(core, framework, connection);
  framework.state = 'connected';
  core.discard(core.offers.removeFramework(framework.id));
  if (!framework.active) {
    framework.active = true;
    core.guard('activateFramework', () => core.allocator.activateFramework(framework.id));
  }
  core.log.info({ frameworkId: framework.id }, `Framework ${framework.id} failed over`);
  sendSubscribed(core, framework);
}

/**
 * Mesos's `exited` + `_exited` for an HTTP framework: the stream closed. Ignored if the framework has moved on to
 * another stream. The framework is deactivated (offers rescinded) and given `failover_timeout` to come back.
 */
export function exited(core: MasterCore, frameworkId: string, streamId: string): void {
  if (core.isStopped) return;
  const framework = core.frameworks.get(frameworkId);
  if (framework === undefined || framework.connection?.streamId !== streamId) return;
  core.log.info({ frameworkId }, `Framework ${frameworkId} disconnected`);
  framework.connection = undefined;
  if (framework.active) deactivate(core, framework, true);
  framework.state = 'disconnected';
  const timeoutMs = Math.max(0, (framework.info.failoverTimeout ?? 0) * 1000);
  const reregisteredAt = framework.reregisteredTime;
  core.log.info({ frameworkId }, `Giving framework ${frameworkId} ${timeoutMs / 1000} secs to failover`);
  framework.failoverTimer = core.timer(timeoutMs, () => {
    const current = core.frameworks.get(frameworkId);
    if (current === undefined || current.state === 'connected' || current.reregisteredTime !== reregisteredAt) return;
    core.log.info({ frameworkId }, `Framework failover timeout, removing framework ${frameworkId}`);
    removeFramework(core, current);
  });
  core.changes.emit({ kind: 'framework_updated', framework });
}

/** Mesos's `deactivate(Framework*)`: no more offers; its offers are rescinded (or silently discarded). */
export function deactivate(core: MasterCore, framework: Framework, rescind: boolean): void {
  framework.active = false;
  core.guard('deactivateFramework', () => core.allocator.deactivateFramework(framework.id));
  if (rescind) core.rescind(core.offers.rescindFramework(framework.id));
  else core.discard(core.offers.removeFramework(framework.id));
}

/**
 * Mesos's `removeFramework`: TEARDOWN, or the failover timeout passed. Agents are told to shut the framework down;
 * its tasks become TASK_KILLED (REASON_FRAMEWORK_REMOVED) without an update; its executors and resources go back;
 * its stream is closed and it moves to the completed frameworks.
 */
export function removeFramework(core: MasterCore, framework: Framework): void {
  core.log.info({ frameworkId: framework.id }, `Removing framework ${framework.id} (${framework.info.name ?? ''})`);
  if (framework.active) deactivate(core, framework, false);
  core.discard(core.offers.removeFramework(framework.id));

  const shutdown: internal.AgentEvent = { type: internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK, shutdownFramework: { frameworkId: { value: framework.id } } };
  for (const agent of core.agents.values()) core.sendToAgent(agent, shutdown);

  const message = `Framework ${framework.id} removed`;
  for (const record of [...framework.tasks.values()]) {
    const status = masterStatus({
      taskId: record.taskId,
      state: TaskState.TASK_KILLED,
      message,
      reason: TaskStatus_Reason.REASON_FRAMEWORK_REMOVED,
      agentId: record.agentId,
      executorId: record.task.executorId?.value,
    });
    core.updateTask(record, status);
    core.removeTask(record);
  }
  for (const record of [...framework.unreachableTasks.values()]) {
    core.updateTask(record, masterStatus({ taskId: record.taskId, state: TaskState.TASK_KILLED, message, reason: TaskStatus_Reason.REASON_FRAMEWORK_REMOVED, agentId: record.agentId }));
    framework.unreachableTasks.delete(record.taskId);
    pushBounded(framework.completedTasks, record, core.flags.max_completed_tasks_per_framework);
  }
  for (const [agentId, byId] of [...framework.executors]) {
    const agent = core.agents.get(agentId);
    if (agent !== undefined) for (const executorId of [...byId.keys()]) core.removeExecutor(agent, framework.id, executorId);
  }

  framework.failoverTimer?.cancel();
  framework.failoverTimer = undefined;
  const connection = framework.connection;
  framework.connection = undefined;
  connection?.stream.close();
  framework.state = 'disconnected';
  framework.active = false;
  framework.unregisteredTime = nowSeconds();
  core.guard('removeFramework', () => core.allocator.removeFramework(framework.id));
  core.archiveFramework(framework);
  core.changes.emit({ kind: 'framework_removed', framework });
}

/**
 * Mesos's `updateFramework(Framework*, ...)`: the allocator learns the new info and suppressed roles, offers to
 * roles the framework left are rescinded, and the record takes the new info.
 */
export function updateFramework(
  core: MasterCore,
  framework: Framework,
  info: FrameworkInfo,
  suppressedRoles: readonly string[],
  offerConstraints: scheduler.OfferConstraints | undefined,
): void {
  const withId: FrameworkInfo = { ...info, id: { value: framework.id } };
  core.guard('updateFramework', () => core.allocator.updateFramework(framework.id, withId, suppressedRoles));
  const roles = frameworkRoles(withId);
  core.rescind(core.offers.rescindWhere((o) => o.frameworkId === framework.id && !roles.has(o.role)));
  framework.info = withId;
  framework.roles = roles;
  framework.capabilities = frameworkCapabilities(withId);
  framework.suppressedRoles = new Set(suppressedRoles);
  framework.offerConstraints = offerConstraints;
}

/** The answer to UPDATE_FRAMEWORK: 200, or 400 with Mesos's message. */
export interface UpdateFrameworkResult {
  readonly status: 200 | 400;
  readonly message?: string;
}

/** The UPDATE_FRAMEWORK call (Mesos's `Master::updateFramework(Call::UpdateFramework)`). */
export function updateFrameworkCall(core: MasterCore, framework: Framework, call: scheduler.Call_UpdateFramework): UpdateFrameworkResult {
  const info = call.frameworkInfo ?? {};
  const suppressed = call.suppressedRoles ?? [];
  const invalid = validateFramework(info, suppressed, validationContext(core));
  if (invalid !== undefined) return { status: 400, message: `Supplied FrameworkInfo is not valid: ${invalid}` };
  const badUpdate = validateFrameworkUpdate(framework.info, info);
  if (badUpdate !== undefined) return { status: 400, message: `FrameworkInfo update is not valid: ${badUpdate}` };
  const changed = !sameInfo(framework.info, { ...info, id: { value: framework.id } });
  updateFramework(core, framework, info, suppressed, call.offerConstraints);
  if (changed) sendFrameworkUpdates(core, framework);
  core.changes.emit({ kind: 'framework_updated', framework });
  return { status: 200 };
}

function sameInfo(a: FrameworkInfo, b: FrameworkInfo): boolean {
  return Buffer.from(encodeProtobuf('mesos.v1.FrameworkInfo', a)).equals(Buffer.from(encodeProtobuf('mesos.v1.FrameworkInfo', b)));
}

/** Tells every connected agent the framework's current info (Mesos's `sendFrameworkUpdates`). */
export function sendFrameworkUpdates(core: MasterCore, framework: Framework): void {
  const event: internal.AgentEvent = { type: internal.AgentEvent_Type.UPDATE_FRAMEWORK, updateFramework: { framework: framework.info } };
  for (const agent of core.agents.values()) core.sendToAgent(agent, event);
}

/**
 * Mesos's `recoverFramework`: a framework the master does not know but an agent runs tasks for (the master
 * restarted), or that subscribes with an ID from before the restart. It is added to the allocator inactive, with
 * what its tasks and executors use.
 */
export function recoverFramework(core: MasterCore, info: FrameworkInfo): Framework {
  const framework = newFramework(info, 'recovered', nowSeconds());
  core.frameworks.set(framework.id, framework);
  for (const agent of core.agents.values()) {
    for (const record of agent.tasks.get(framework.id)?.values() ?? []) framework.tasks.set(record.taskId, record);
    const executors = agent.executors.get(framework.id);
    if (executors !== undefined) framework.executors.set(agent.id, new Map(executors));
  }
  core.log.info({ frameworkId: framework.id }, `Recovering framework ${framework.id}`);
  core.guard('addFramework', () => core.allocator.addFramework(framework.id, info, frameworkUsedByAgent(framework), false));
  core.changes.emit({ kind: 'framework_added', framework });
  return framework;
}
