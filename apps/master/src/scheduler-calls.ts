/**
 * The scheduler calls other than SUBSCRIBE, TEARDOWN and UPDATE_FRAMEWORK (frameworks.ts), as Mesos 1.11's master
 * processes them (src/master/master.cpp: `accept`, `_accept`, `decline`, `revive`, `suppress`, `kill`, `shutdown`,
 * `acknowledge`, `reconcile`, `reconcileOperations`, `message`, `request`, the inverse-offer calls). Each runs after
 * the HTTP layer has validated the call and checked the stream; none of them answers anything but 202, so their
 * outcomes travel as events (UPDATE with TASK_ERROR / TASK_LOST, UPDATE_OPERATION_STATUS, ...).
 */
import { MesosTsError } from '@mesos-ts/errors';
import {
  OperationState,
  Offer_Operation_Type,
  type OperationStatus,
  TaskState,
  TaskStatus_Reason,
  internal,
  scheduler,
  type ExecutorInfo,
  type Filters,
  type Offer_Operation,
  type Resource,
  type TaskInfo,
  type TaskStatus,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import { isTerminalState, type Agent, type Framework } from './model';
import { acknowledgeOperationStatus, findOperation, operationsOf } from './reservations-apply';
import { masterStatus, sameBytes, uuidText } from './status';
import { applyAcceptedOperation } from './reservations-apply';
import { roleError, validateOperation, validateTask, validateTaskGroup, type LaunchContext } from './validation';

const T = Offer_Operation_Type;

function filtersOf(filters: Filters | undefined): { refuseSeconds: number | undefined } {
  // Mesos passes `accept.filters()` / `decline.filters()`: an unset Filters reads as the default (5 s).
  return { refuseSeconds: filters?.refuseSeconds };
}

function parse(list: readonly Resource[] | undefined): Resources {
  const parsed = Resources.fromProto(list ?? []);
  return parsed.ok ? parsed.value : Resources.EMPTY;
}

/** Mesos's `drop(framework, operation, message)`: OPERATION_ERROR when the scheduler asked for feedback. */
function dropOperation(core: MasterCore, framework: Framework, op: Offer_Operation, message: string): void {
  core.log.warn({ frameworkId: framework.id, operation: T[op.type ?? T.UNKNOWN] }, `Dropping ${T[op.type ?? T.UNKNOWN]} operation: ${message}`);
  if (op.id === undefined) return;
  core.sendToFramework(framework, {
    type: scheduler.Event_Type.UPDATE_OPERATION_STATUS,
    updateOperationStatus: { status: { operationId: op.id, state: OperationState.OPERATION_ERROR, message } },
  });
}

function tasksOf(op: Offer_Operation): readonly TaskInfo[] {
  if (op.type === T.LAUNCH) return op.launch?.taskInfos ?? [];
  if (op.type === T.LAUNCH_GROUP) return op.launchGroup?.taskGroup?.tasks ?? [];
  return [];
}

/** A status from the master about a task that was never launched (it is not tracked, so it is just sent). */
function refuseTask(core: MasterCore, framework: Framework, task: TaskInfo, state: TaskState, reason: TaskStatus_Reason, message: string): void {
  if (state === TaskState.TASK_ERROR) core.counters.tasks_error++;
  else if (state === TaskState.TASK_LOST) core.counters.tasks_lost++;
  else if (state === TaskState.TASK_DROPPED) core.counters.tasks_dropped++;
  core.forward(framework, masterStatus({ taskId: task.taskId?.value ?? '', state, reason, message, agentId: task.agentId?.value }));
}

/**
 * Mesos's normalisation before validation: a LAUNCH task's executor gets the framework ID when it has none, and
 * each task of a LAUNCH_GROUP gets the group's executor when it has none.
 */
function normalise(op: Offer_Operation, frameworkId: string): Offer_Operation {
  if (op.type === T.LAUNCH && op.launch !== undefined) {
    const taskInfos = (op.launch.taskInfos ?? []).map((t) =>
      t.executor !== undefined && t.executor.frameworkId === undefined ? { ...t, executor: { ...t.executor, frameworkId: { value: frameworkId } } } : t,
    );
    return { ...op, launch: { ...op.launch, taskInfos } };
  }
  if (op.type === T.LAUNCH_GROUP && op.launchGroup?.taskGroup !== undefined && op.launchGroup.executor !== undefined) {
    const executor = op.launchGroup.executor;
    const tasks = (op.launchGroup.taskGroup.tasks ?? []).map((t) => (t.executor === undefined ? { ...t, executor } : t));
    return { ...op, launchGroup: { ...op.launchGroup, taskGroup: { ...op.launchGroup.taskGroup, tasks } } };
  }
  return op;
}

/**
 * What the task validators see. Mesos adds each valid task (and its new executor) before validating the next one of
 * the same ACCEPT; the offer manager validates them all first, so the tasks and executors that passed earlier in
 * this ACCEPT are counted here as launched.
 */
function launchContext(framework: Framework, agent: Agent, accepted: { tasks: Set<string>; executors: Map<string, ExecutorInfo> }): LaunchContext {
  return {
    frameworkId: framework.id,
    agentId: agent.id,
    agent: agent.capabilities,
    framework: framework.capabilities,
    taskIdInUse: (id) => (framework.tasks.has(id) || accepted.tasks.has(id) ? 'live' : framework.unreachableTasks.has(id) ? 'unreachable' : undefined),
    runningExecutor: (id) => agent.executors.get(framework.id)?.get(id)?.info ?? accepted.executors.get(id),
  };
}

/** ACCEPT: the offer manager validates and accounts; the master launches, applies and tells the allocator. */
export function accept(core: MasterCore, framework: Framework, call: scheduler.Call_Accept): void {
  const offerIds = (call.offerIds ?? []).map((o) => o.value ?? '');
  const operations = (call.operations ?? []).map((op) => normalise(op, framework.id));
  const first = offerIds.map((id) => core.offers.get(id)).find((o) => o !== undefined && o.frameworkId === framework.id);
  const agent = first === undefined ? undefined : core.agents.get(first.agentId);
  const accepted = { tasks: new Set<string>(), executors: new Map<string, ExecutorInfo>() };
  const context = agent === undefined ? undefined : launchContext(framework, agent, accepted);
  const passed = (task: TaskInfo): void => {
    accepted.tasks.add(task.taskId?.value ?? '');
    if (task.executor !== undefined) accepted.executors.set(task.executor.executorId?.value ?? '', task.executor);
  };

  const result = core.offers.accept(framework.id, offerIds, operations, {
    isExecutorRunning: (id) => agent?.executors.get(framework.id)?.has(id) ?? false,
    checkTask: (task) => {
      if (context === undefined) return undefined;
      const error = validateTask(task, context);
      if (error === undefined) passed(task);
      return error === undefined ? undefined : new MesosTsError('INVALID_ARGUMENT', error);
    },
    checkOperation: (op) => {
      if (agent === undefined || context === undefined) return undefined;
      if (op.type === T.LAUNCH_GROUP) {
        const error = validateTaskGroup(op.launchGroup?.taskGroup ?? {}, op.launchGroup?.executor, context);
        if (error === undefined) for (const task of op.launchGroup?.taskGroup?.tasks ?? []) passed(task);
        return error === undefined ? undefined : new MesosTsError('INVALID_ARGUMENT', error);
      }
      const error = validateOperation(op, {
        frameworkRoles: framework.roles,
        framework: framework.capabilities,
        agent: agent.capabilities,
        agentId: agent.id,
        volumeInUse: (volume) => volumeInUse(agent, volume),
      });
      return error === undefined ? undefined : new MesosTsError('INVALID_ARGUMENT', error);
    },
  });

  if (!result.ok) {
    const message = result.error.error.message;
    core.log.warn({ frameworkId: framework.id, offerIds }, `ACCEPT call used invalid offers: ${message}`);
    core.discard(result.error.discarded);
    const state = framework.capabilities.partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    for (const op of operations) {
      if (op.type !== T.LAUNCH && op.type !== T.LAUNCH_GROUP) {
        dropOperation(core, framework, op, `Operation attempted with invalid offers: ${message}`);
        continue;
      }
      for (const task of tasksOf(op)) refuseTask(core, framework, task, state, TaskStatus_Reason.REASON_INVALID_OFFERS, `Task launched with invalid offers: ${message}`);
    }
    return;
  }

  const outcome = result.value;
  const target = core.agents.get(outcome.agentId);
  if (target === undefined || !target.connected) {
    // Offers on an agent are rescinded when it disconnects, so this only happens in a race; Mesos answers the same.
    const state = framework.capabilities.partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
    const reason = target === undefined ? TaskStatus_Reason.REASON_AGENT_REMOVED : TaskStatus_Reason.REASON_AGENT_DISCONNECTED;
    for (const op of outcome.operations) for (const task of tasksOf(op.operation)) refuseTask(core, framework, task, state, reason, `Agent ${outcome.agentId} is ${target === undefined ? 'removed' : 'disconnected'}`);
    core.recover(framework.id, outcome.agentId, outcome.offered);
    return;
  }

  for (const op of outcome.operations) {
    const operation = op.operation;
    if (op.type === T.LAUNCH) {
      const tasks = operation.launch?.taskInfos ?? [];
      (op.tasks ?? []).forEach((taskOutcome, i) => {
        const task = tasks[i]!;
        if (taskOutcome.error !== undefined) {
          refuseTask(core, framework, task, TaskState.TASK_ERROR, TaskStatus_Reason.REASON_TASK_INVALID, taskOutcome.error.message);
          return;
        }
        launchTask(core, framework, target, task, taskOutcome.launchExecutor);
      });
    } else if (op.type === T.LAUNCH_GROUP) {
      const tasks = operation.launchGroup?.taskGroup?.tasks ?? [];
      if (op.error !== undefined) {
        for (const task of tasks) refuseTask(core, framework, task, TaskState.TASK_ERROR, TaskStatus_Reason.REASON_TASK_GROUP_INVALID, op.error.message);
        continue;
      }
      launchGroup(core, framework, target, operation, op.tasks?.[0]?.launchExecutor ?? true);
    } else if (op.error !== undefined) {
      dropOperation(core, framework, operation, op.error.message);
    } else {
      // A speculative operation: the master's view of the agent changes at once, the agent gets APPLY_OPERATION.
      applyAcceptedOperation(core, framework, target, operation, op.consumed, op.converted);
    }
  }

  if (outcome.allocatorOperations.length > 0) {
    core.guard('updateAllocation', () => core.allocator.updateAllocation(framework.id, outcome.agentId, outcome.offered, outcome.allocatorOperations));
  }
  if (!outcome.additionalShared.isEmpty()) {
    core.log.warn({ frameworkId: framework.id, resources: outcome.additionalShared.toString() }, 'Tasks use more copies of shared resources than offered; not accounted');
  }
  core.recover(framework.id, outcome.agentId, outcome.converted);
  core.recover(framework.id, outcome.agentId, outcome.declined, filtersOf(call.filters));
  core.rescind(outcome.rescinded);
}

function volumeInUse(agent: Agent, volume: Resource): boolean {
  const wanted = parse([volume]).unallocate();
  if (wanted.isEmpty()) return false;
  for (const byTask of agent.tasks.values()) for (const t of byTask.values()) if (!isTerminalState(t.task.state) && t.resources.unallocate().contains(wanted)) return true;
  for (const byId of agent.executors.values()) for (const e of byId.values()) if (e.resources.unallocate().contains(wanted)) return true;
  return false;
}

function launchTask(core: MasterCore, framework: Framework, agent: Agent, task: TaskInfo, launchExecutor: boolean): void {
  if (task.executor !== undefined && launchExecutor) core.addExecutor(framework.id, agent, task.executor, parse(task.executor.resources));
  core.addTask(framework, agent, task, parse(task.resources));
  core.log.info(
    { frameworkId: framework.id, agentId: agent.id, taskId: task.taskId?.value },
    `Launching task ${task.taskId?.value ?? ''} of framework ${framework.id} on agent ${agent.id} on ${launchExecutor ? 'new' : 'existing'} executor`,
  );
  core.sendToAgent(agent, {
    type: internal.AgentEvent_Type.RUN_TASK,
    runTask: { framework: framework.info, frameworkId: { value: framework.id }, task, launchExecutor },
  });
}

function launchGroup(core: MasterCore, framework: Framework, agent: Agent, op: Offer_Operation, launchExecutor: boolean): void {
  const executor = op.launchGroup?.executor ?? {};
  const taskGroup = op.launchGroup?.taskGroup ?? {};
  if (launchExecutor) core.addExecutor(framework.id, agent, executor, parse(executor.resources));
  for (const task of taskGroup.tasks ?? []) core.addTask(framework, agent, task, parse(task.resources));
  core.log.info({ frameworkId: framework.id, agentId: agent.id, tasks: (taskGroup.tasks ?? []).map((t) => t.taskId?.value) }, 'Launching task group');
  core.sendToAgent(agent, {
    type: internal.AgentEvent_Type.RUN_TASK_GROUP,
    runTaskGroup: { framework: framework.info, frameworkId: { value: framework.id }, executor, taskGroup, launchExecutor },
  });
}

/** DECLINE: the offers go back with the call's filters; unknown IDs are only logged. */
export function decline(core: MasterCore, framework: Framework, call: scheduler.Call_Decline): void {
  const outcome = core.offers.decline(framework.id, call.offerIds ?? []);
  for (const offer of outcome.declined) core.recover(framework.id, offer.agentId, offer.resources, filtersOf(call.filters));
  for (const id of outcome.ignored) core.log.warn({ frameworkId: framework.id, offerId: id }, `Ignoring decline of offer ${id} since it is no longer valid`);
}

function checkRoles(core: MasterCore, framework: Framework, roles: readonly string[], what: string): boolean {
  for (const role of roles) {
    const error = roleError(role);
    const problem = error !== undefined ? `${what} role '${role}' is invalid: ${error}` : !framework.roles.has(role) ? `${what} role '${role}' is not one of the frameworks's subscribed roles` : undefined;
    if (problem !== undefined) {
      core.log.warn({ frameworkId: framework.id }, `Dropping call: ${problem}`);
      return false;
    }
  }
  return true;
}

/** REVIVE: clears filters and resumes offers for the roles (all when none given). */
export function revive(core: MasterCore, framework: Framework, call: scheduler.Call_Revive | undefined): void {
  const roles = call?.roles ?? [];
  if (!checkRoles(core, framework, roles, 'revive')) return;
  for (const role of roles.length > 0 ? roles : [...framework.roles]) framework.suppressedRoles.delete(role);
  core.guard('reviveOffers', () => core.allocator.reviveOffers(framework.id, roles));
}

/** SUPPRESS: no offers for the roles (all when none given) until REVIVE. */
export function suppress(core: MasterCore, framework: Framework, call: scheduler.Call_Suppress | undefined): void {
  const roles = call?.roles ?? [];
  if (!checkRoles(core, framework, roles, 'suppression')) return;
  for (const role of roles.length > 0 ? roles : [...framework.roles]) framework.suppressedRoles.add(role);
  core.guard('suppressOffers', () => core.allocator.suppressOffers(framework.id, roles));
}

/** KILL: KILL_TASK to the agent; an unknown task is answered by reconciliation, as Mesos does. */
export function kill(core: MasterCore, framework: Framework, call: scheduler.Call_Kill): void {
  const taskId = call.taskId?.value ?? '';
  const record = framework.tasks.get(taskId);
  if (record === undefined) {
    core.log.warn({ frameworkId: framework.id, taskId }, `Cannot kill task ${taskId} because it is unknown; performing reconciliation`);
    reconcile(core, framework, { tasks: [{ taskId: { value: taskId }, ...(call.agentId === undefined ? {} : { agentId: call.agentId }) }] });
    return;
  }
  if (call.agentId !== undefined && call.agentId.value !== record.agentId) {
    core.log.warn({ frameworkId: framework.id, taskId }, `Cannot kill task ${taskId} of agent ${call.agentId.value ?? ''}: it belongs to agent ${record.agentId}`);
    return;
  }
  const agent = core.agents.get(record.agentId);
  if (agent === undefined) return;
  // Remembered in case the agent is partitioned without the master knowing yet; re-sent when it re-registers.
  agent.killedTasks.add(`${framework.id}/${taskId}`);
  if (!agent.connected) {
    core.log.warn({ frameworkId: framework.id, taskId }, `Cannot kill task ${taskId}: agent ${agent.id} is disconnected; kill will be retried if it re-registers`);
    return;
  }
  const killTask: internal.AgentEvent_KillTask = { frameworkId: { value: framework.id }, taskId: { value: taskId } };
  if (call.killPolicy !== undefined) killTask.killPolicy = call.killPolicy;
  core.log.info({ frameworkId: framework.id, taskId, agentId: agent.id }, `Telling agent ${agent.id} to kill task ${taskId}`);
  core.sendToAgent(agent, { type: internal.AgentEvent_Type.KILL_TASK, killTask });
}

/** SHUTDOWN: SHUTDOWN_EXECUTOR to the agent. */
export function shutdown(core: MasterCore, framework: Framework, call: scheduler.Call_Shutdown): void {
  const agentId = call.agentId?.value ?? '';
  const executorId = call.executorId?.value ?? '';
  const agent = core.agents.get(agentId);
  if (agent === undefined) {
    core.log.warn({ frameworkId: framework.id, agentId, executorId }, `Unable to shutdown executor '${executorId}' of unknown agent ${agentId}`);
    return;
  }
  core.sendToAgent(agent, { type: internal.AgentEvent_Type.SHUTDOWN_EXECUTOR, shutdownExecutor: { frameworkId: { value: framework.id }, executorId: { value: executorId } } });
}

/** ACKNOWLEDGE: passed to the agent; a task whose terminal update is acknowledged is done. */
export function acknowledge(core: MasterCore, framework: Framework, call: scheduler.Call_Acknowledge): void {
  const agentId = call.agentId?.value ?? '';
  const taskId = call.taskId?.value ?? '';
  const uuid = call.uuid ?? Buffer.alloc(0);
  const agent = core.agents.get(agentId);
  if (agent === undefined || !agent.connected) {
    core.counters.invalid_status_update_acknowledgements++;
    core.log.warn({ frameworkId: framework.id, taskId, agentId }, `Cannot send acknowledgement for status ${uuidText(uuid)} of task ${taskId}: agent is ${agent === undefined ? 'not registered' : 'disconnected'}`);
    return;
  }
  const record = agent.tasks.get(framework.id)?.get(taskId);
  if (record !== undefined) {
    if (record.task.statusUpdateState === undefined) {
      core.counters.invalid_status_update_acknowledgements++;
      core.log.warn({ frameworkId: framework.id, taskId }, 'Ignoring acknowledgement: the update was not sent by this master');
      return;
    }
    if (isTerminalState(record.task.statusUpdateState) && sameBytes(record.task.statusUpdateUuid, uuid)) core.removeTask(record);
  }
  core.sendToAgent(agent, { type: internal.AgentEvent_Type.ACKNOWLEDGE, acknowledge: { frameworkId: { value: framework.id }, taskId: { value: taskId }, uuid: Buffer.from(uuid) } });
  core.counters.valid_status_update_acknowledgements++;
}

function latestStatusOf(core: MasterCore, framework: Framework, taskId: string): TaskStatus | undefined {
  const record = framework.tasks.get(taskId);
  if (record === undefined) return undefined;
  const task = record.task;
  const last = task.statuses?.[task.statuses.length - 1];
  return masterStatus({
    taskId,
    state: task.statusUpdateState ?? task.state ?? TaskState.TASK_STAGING,
    message: 'Reconciliation: Latest task state',
    reason: TaskStatus_Reason.REASON_RECONCILIATION,
    agentId: record.agentId,
    executorId: task.executorId?.value,
    healthy: last?.healthy,
  });
}

/**
 * RECONCILE (Mesos's `Master::reconcile`). Implicit (no tasks): the latest state of every task the framework has.
 * Explicit: per task, its latest state if known; else TASK_GONE if its agent is registered, TASK_UNREACHABLE if
 * the agent is unreachable, TASK_UNKNOWN otherwise; TASK_LOST instead of those three for frameworks that are not
 * PARTITION_AWARE. All from the master, without `uuid`.
 */
export function reconcile(core: MasterCore, framework: Framework, call: scheduler.Call_Reconcile): void {
  const send = (status: TaskStatus): void => {
    core.sendToFramework(framework, { type: scheduler.Event_Type.UPDATE, update: { status } });
  };
  const tasks = call.tasks ?? [];
  if (tasks.length === 0) {
    core.log.info({ frameworkId: framework.id }, `Performing implicit task state reconciliation for framework ${framework.id}`);
    for (const taskId of framework.tasks.keys()) send(latestStatusOf(core, framework, taskId)!);
    return;
  }
  core.log.info({ frameworkId: framework.id }, `Performing explicit task state reconciliation for ${tasks.length} tasks of framework ${framework.id}`);
  const aware = framework.capabilities.partitionAware;
  for (const t of tasks) {
    const taskId = t.taskId?.value ?? '';
    const agentId = t.agentId?.value;
    const known = latestStatusOf(core, framework, taskId);
    if (known !== undefined) {
      send(known);
    } else if (agentId !== undefined && core.agents.has(agentId)) {
      send(masterStatus({ taskId, agentId, state: aware ? TaskState.TASK_GONE : TaskState.TASK_LOST, message: 'Reconciliation: Task is unknown to the agent', reason: TaskStatus_Reason.REASON_RECONCILIATION }));
    } else if (agentId !== undefined && core.unreachable.has(agentId)) {
      send(
        masterStatus({
          taskId,
          agentId,
          state: aware ? TaskState.TASK_UNREACHABLE : TaskState.TASK_LOST,
          message: 'Reconciliation: Task is unreachable',
          reason: TaskStatus_Reason.REASON_RECONCILIATION,
          unreachableTime: core.unreachable.get(agentId)!.time,
        }),
      );
    } else {
      send(masterStatus({ taskId, agentId, state: aware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST, message: 'Reconciliation: Task is unknown', reason: TaskStatus_Reason.REASON_RECONCILIATION }));
    }
  }
}

/**
 * RECONCILE_OPERATIONS (Mesos's `Master::reconcileOperations`). Without operations: the latest status of every
 * operation the master tracks for the framework (implicit). With operations: a known one gets its latest status;
 * an unknown one is answered from what is known of its agent. Reconciliation answers carry no uuid (they are not
 * sent reliably, so they are not acknowledged).
 */
export function reconcileOperations(core: MasterCore, framework: Framework, call: scheduler.Call_ReconcileOperations): void {
  const send = (status: OperationStatus): void => {
    const unreliable: OperationStatus = { ...status };
    delete unreliable.uuid;
    core.sendToFramework(framework, { type: scheduler.Event_Type.UPDATE_OPERATION_STATUS, updateOperationStatus: { status: unreliable } });
  };
  const asked = call.operations ?? [];
  if (asked.length === 0) {
    for (const operation of operationsOf(core, { frameworkId: framework.id })) {
      const status = operation.statuses?.at(-1) ?? operation.latestStatus;
      if (status !== undefined) send(status);
    }
    return;
  }
  for (const op of asked) {
    const agentId = op.agentId?.value;
    const known = findOperation(core, framework.id, op.operationId?.value ?? '', agentId);
    const latest = known === undefined ? undefined : (known.statuses?.at(-1) ?? known.latestStatus);
    if (latest !== undefined) {
      send(latest);
      continue;
    }
    let state = OperationState.OPERATION_UNKNOWN;
    let message = "Reconciliation: Operation is unknown and no 'agent_id' was provided";
    if (agentId !== undefined && core.agents.has(agentId)) message = 'Reconciliation: Operation is unknown';
    else if (agentId !== undefined && core.unreachable.has(agentId)) {
      state = OperationState.OPERATION_UNREACHABLE;
      message = 'Reconciliation: Agent is unreachable';
    } else if (agentId !== undefined) message = 'Reconciliation: Both operation and agent are unknown';
    const status: OperationStatus = { state, message, ...(op.operationId === undefined ? {} : { operationId: op.operationId }) };
    if (op.agentId !== undefined) status.agentId = op.agentId;
    if (op.resourceProviderId !== undefined) status.resourceProviderId = op.resourceProviderId;
    send(status);
  }
}

/** ACKNOWLEDGE_OPERATION_STATUS: the framework has a terminal operation status, so the master may forget it. */
export function acknowledgeOperation(core: MasterCore, framework: Framework, call: scheduler.Call_AcknowledgeOperationStatus): void {
  const uuid = call.uuid ?? new Uint8Array();
  if (!acknowledgeOperationStatus(core, framework.id, uuid)) {
    core.log.warn({ frameworkId: framework.id, operationId: call.operationId?.value }, 'Ignoring an acknowledgement of an unknown operation status');
  }
}

/** MESSAGE: FRAMEWORK_MESSAGE to the agent, for the executor. */
export function message(core: MasterCore, framework: Framework, call: scheduler.Call_Message): void {
  const agentId = call.agentId?.value ?? '';
  const agent = core.agents.get(agentId);
  if (agent === undefined || !agent.connected) {
    core.log.warn({ frameworkId: framework.id, agentId }, `Cannot send framework message to agent ${agentId}: agent is ${agent === undefined ? 'not registered' : 'disconnected'}`);
    return;
  }
  core.counters.messages_framework_to_executor++;
  core.sendToAgent(agent, {
    type: internal.AgentEvent_Type.FRAMEWORK_MESSAGE,
    frameworkMessage: { frameworkId: { value: framework.id }, executorId: call.executorId ?? { value: '' }, data: Buffer.from(call.data ?? Buffer.alloc(0)) },
  });
}

/** REQUEST, the inverse-offer calls and ACKNOWLEDGE_OPERATION_STATUS: accepted and logged; nothing to act on. */
export function noop(core: MasterCore, framework: Framework, type: scheduler.Call_Type, detail: string): void {
  core.log.info({ frameworkId: framework.id, call: scheduler.Call_Type[type] }, `Processing ${scheduler.Call_Type[type]} call for framework ${framework.id}: ${detail}`);
}
