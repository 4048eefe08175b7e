import {
  Offer_Operation_Type,
  scheduler,
  type AgentID,
  type ExecutorID,
  type Filters,
  type FrameworkID,
  type FrameworkInfo,
  type KillPolicy,
  type Offer,
  type OfferID,
  type Offer_Operation,
  type OperationID,
  type OperationStatus,
  type Request,
  type TaskID,
  type TaskInfo,
  type TaskStatus,
} from '@mesos-ts/proto';

/**
 * Pure builders of scheduler `Call`s, one per call type the helpers of `SchedulerClient` send. They leave
 * `frameworkId` unset: the client fills it in (it knows the ID the master assigned). Use them directly to
 * batch, log or test calls without a connection.
 */

/** Offer IDs as the wire wants them: plain strings or `OfferID`s. */
export type OfferIdLike = string | OfferID;

function offerIds(ids: readonly OfferIdLike[]): OfferID[] {
  return ids.map((id) => (typeof id === 'string' ? { value: id } : id));
}

/** `ACCEPT`: apply `operations` to the resources of `offerIds` (all offers must be from one agent). */
export function acceptCall(ids: readonly OfferIdLike[], operations: readonly Offer_Operation[], filters?: Filters): scheduler.Call {
  const accept: scheduler.Call_Accept = { offerIds: offerIds(ids), operations: [...operations] };
  if (filters !== undefined) accept.filters = filters;
  return { type: scheduler.Call_Type.ACCEPT, accept };
}

/** `DECLINE`: give the offers back; `filters.refuseSeconds` keeps them away for a while (Mesos default 5 s). */
export function declineCall(ids: readonly OfferIdLike[], filters?: Filters): scheduler.Call {
  const decline: scheduler.Call_Decline = { offerIds: offerIds(ids) };
  if (filters !== undefined) decline.filters = filters;
  return { type: scheduler.Call_Type.DECLINE, decline };
}

/**
 * A `LAUNCH` operation for `tasks`. Each task without an `agentId` gets the offer's: Mesos requires
 * `TaskInfo.agent_id` and it can only be the offer's agent.
 */
export function launchOperation(offer: Offer, tasks: readonly TaskInfo[]): Offer_Operation {
  const taskInfos = tasks.map((task) => (task.agentId === undefined && offer.agentId !== undefined ? { ...task, agentId: offer.agentId } : task));
  return { type: Offer_Operation_Type.LAUNCH, launch: { taskInfos } };
}

/** `ACCEPT` of one offer with one `LAUNCH` of `tasks`. */
export function launchCall(offer: Offer, tasks: readonly TaskInfo[], filters?: Filters): scheduler.Call {
  if (offer.id === undefined) throw new TypeError('launch: the offer has no id');
  return acceptCall([offer.id], [launchOperation(offer, tasks)], filters);
}

/**
 * `ACKNOWLEDGE` of a status update, or `undefined` when the update needs none: only updates with a `uuid`
 * (sent reliably by an agent) are acknowledged; the master's own updates (e.g. reconciliation answers) have none.
 */
export function acknowledgeCall(status: TaskStatus): scheduler.Call | undefined {
  if (status.uuid === undefined || status.uuid.length === 0) return undefined;
  const acknowledge: scheduler.Call_Acknowledge = { uuid: status.uuid };
  if (status.agentId !== undefined) acknowledge.agentId = status.agentId;
  if (status.taskId !== undefined) acknowledge.taskId = status.taskId;
  return { type: scheduler.Call_Type.ACKNOWLEDGE, acknowledge };
}

/** `KILL` of a task; `agentId` speeds the master up when known, `killPolicy` overrides the task's grace period. */
export function killCall(taskId: string | TaskID, agentId?: string | AgentID, killPolicy?: KillPolicy): scheduler.Call {
  const kill: scheduler.Call_Kill = { taskId: typeof taskId === 'string' ? { value: taskId } : taskId };
  if (agentId !== undefined) kill.agentId = typeof agentId === 'string' ? { value: agentId } : agentId;
  if (killPolicy !== undefined) kill.killPolicy = killPolicy;
  return { type: scheduler.Call_Type.KILL, kill };
}

/** `REVIVE`: clear filters and resume offers, for `roles` (all the framework's roles when empty). */
export function reviveCall(roles: readonly string[] = []): scheduler.Call {
  return roles.length === 0 ? { type: scheduler.Call_Type.REVIVE } : { type: scheduler.Call_Type.REVIVE, revive: { roles: [...roles] } };
}

/** `SUPPRESS`: stop offers, for `roles` (all the framework's roles when empty). */
export function suppressCall(roles: readonly string[] = []): scheduler.Call {
  return roles.length === 0 ? { type: scheduler.Call_Type.SUPPRESS } : { type: scheduler.Call_Type.SUPPRESS, suppress: { roles: [...roles] } };
}

/** A task to reconcile: its ID and, when known, its agent. */
export interface ReconcileTask {
  readonly taskId: string | TaskID;
  readonly agentId?: string | AgentID;
}

/** `RECONCILE`: the latest state of `tasks`, or of all known tasks when empty (implicit reconciliation). */
export function reconcileCall(tasks: readonly ReconcileTask[] = []): scheduler.Call {
  return {
    type: scheduler.Call_Type.RECONCILE,
    reconcile: {
      tasks: tasks.map((task) => {
        const entry: scheduler.Call_Reconcile_Task = { taskId: typeof task.taskId === 'string' ? { value: task.taskId } : task.taskId };
        if (task.agentId !== undefined) entry.agentId = typeof task.agentId === 'string' ? { value: task.agentId } : task.agentId;
        return entry;
      }),
    },
  };
}

/** `TEARDOWN`: end the framework (kills its tasks and executors); the master closes the event stream. */
export function teardownCall(): scheduler.Call {
  return { type: scheduler.Call_Type.TEARDOWN };
}

function agentIdOf(id: string | AgentID): AgentID {
  return typeof id === 'string' ? { value: id } : id;
}

function executorIdOf(id: string | ExecutorID): ExecutorID {
  return typeof id === 'string' ? { value: id } : id;
}

/** `ACCEPT_INVERSE_OFFERS`: the framework agrees to give the agents back for their maintenance windows. */
export function acceptInverseOffersCall(ids: readonly OfferIdLike[], filters?: Filters): scheduler.Call {
  return { type: scheduler.Call_Type.ACCEPT_INVERSE_OFFERS, acceptInverseOffers: { inverseOfferIds: offerIds(ids), ...(filters === undefined ? {} : { filters }) } };
}

/** `DECLINE_INVERSE_OFFERS`: the framework cannot give the agents back (yet). */
export function declineInverseOffersCall(ids: readonly OfferIdLike[], filters?: Filters): scheduler.Call {
  return { type: scheduler.Call_Type.DECLINE_INVERSE_OFFERS, declineInverseOffers: { inverseOfferIds: offerIds(ids), ...(filters === undefined ? {} : { filters }) } };
}

/** `SHUTDOWN`: stop one executor on one agent (its tasks are killed). */
export function shutdownCall(executorId: string | ExecutorID, agentId: string | AgentID): scheduler.Call {
  return { type: scheduler.Call_Type.SHUTDOWN, shutdown: { executorId: executorIdOf(executorId), agentId: agentIdOf(agentId) } };
}

/** `MESSAGE`: opaque bytes for one executor (best effort, as in Mesos). */
export function messageCall(executorId: string | ExecutorID, agentId: string | AgentID, data: Uint8Array): scheduler.Call {
  return { type: scheduler.Call_Type.MESSAGE, message: { executorId: executorIdOf(executorId), agentId: agentIdOf(agentId), data: Buffer.from(data) } };
}

/** `REQUEST`: ask the allocator for resources (Mesos accepts it and ignores it). */
export function requestCall(requests: readonly Request[]): scheduler.Call {
  return { type: scheduler.Call_Type.REQUEST, request: { requests: [...requests] } };
}

/** What `UPDATE_FRAMEWORK` changes besides the FrameworkInfo. */
export interface UpdateFrameworkOptions {
  /** Roles whose offers stay suppressed after the update; others are revived as needed. */
  readonly suppressedRoles?: readonly string[];
  readonly offerConstraints?: scheduler.OfferConstraints;
}

/** `UPDATE_FRAMEWORK`: replace the framework's FrameworkInfo (roles, capabilities, ...); its `id` must be set. */
export function updateFrameworkCall(frameworkInfo: FrameworkInfo, options: UpdateFrameworkOptions = {}): scheduler.Call {
  return {
    type: scheduler.Call_Type.UPDATE_FRAMEWORK,
    updateFramework: {
      frameworkInfo,
      ...(options.suppressedRoles === undefined ? {} : { suppressedRoles: [...options.suppressedRoles] }),
      ...(options.offerConstraints === undefined ? {} : { offerConstraints: options.offerConstraints }),
    },
  };
}

/**
 * `ACKNOWLEDGE_OPERATION_STATUS` for an operation status update that carries a `uuid`; `undefined` when it has none
 * (nothing to acknowledge).
 */
export function acknowledgeOperationStatusCall(status: OperationStatus): scheduler.Call | undefined {
  if (status.uuid === undefined || status.operationId === undefined) return undefined;
  const agentId = status.agentId;
  return {
    type: scheduler.Call_Type.ACKNOWLEDGE_OPERATION_STATUS,
    acknowledgeOperationStatus: {
      operationId: status.operationId,
      uuid: status.uuid.value,
      ...(agentId === undefined ? {} : { agentId: agentIdOf(agentId) }),
      ...(status.resourceProviderId === undefined ? {} : { resourceProviderId: status.resourceProviderId }),
    },
  };
}

/** `RECONCILE_OPERATIONS`: the latest status of `operations`, or of all the framework's operations when empty. */
export function reconcileOperationsCall(operations: readonly { operationId: string | OperationID; agentId?: string | AgentID }[] = []): scheduler.Call {
  return {
    type: scheduler.Call_Type.RECONCILE_OPERATIONS,
    reconcileOperations: {
      operations: operations.map((o) => ({
        operationId: typeof o.operationId === 'string' ? { value: o.operationId } : o.operationId,
        ...(o.agentId === undefined ? {} : { agentId: agentIdOf(o.agentId) }),
      })),
    },
  };
}

/** Sets `frameworkId` on a copy of `call` (the master rejects calls whose ID does not match the stream's). */
export function withFrameworkId(call: scheduler.Call, frameworkId: FrameworkID | undefined): scheduler.Call {
  return frameworkId === undefined || call.frameworkId !== undefined ? call : { ...call, frameworkId };
}
