/**
 * Speculative operations on agent default resources (RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME,
 * SHRINK_VOLUME), as Mesos 1.11's master applies them (src/master/master.cpp `apply`, `_apply`,
 * `updateOperationStatus`; src/master/http.cpp `_operation`): the master changes its view of the agent at once,
 * tells the agent with APPLY_OPERATION, and keeps the operation (Mesos's `Operation`) until the agent confirms it
 * with UPDATE_OPERATION_STATUS. Frameworks that gave the operation an `id` get that status as an
 * UPDATE_OPERATION_STATUS event.
 *
 * The agent is the authority on what it has checkpointed: when it re-registers, its report wins, and operations it
 * never confirmed are settled from that report (see {@link settleOnReregister}).
 */
import { randomUUID } from 'node:crypto';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import {
  OperationState,
  Offer_Operation_Type,
  internal,
  scheduler,
  type Offer_Operation,
  type Operation,
  type OperationStatus,
  type Resource,
} from '@mesos-ts/proto';
import { Resources, applyCheckpointed, checkpointedOf } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import type { Agent, Framework } from './model';

const T = Offer_Operation_Type;

/** How many finished operations with feedback are kept for GET_OPERATIONS before the oldest go (no ACK yet). */
const MAX_TERMINAL_OPERATIONS = 1000;

/** The operation types the master applies speculatively. */
export const SPECULATIVE_TYPES: ReadonlySet<Offer_Operation_Type> = new Set([T.RESERVE, T.UNRESERVE, T.CREATE, T.DESTROY, T.GROW_VOLUME, T.SHRINK_VOLUME]);

// ------------------------------------------------------------------------------------------------ resource helpers

function strip(list: readonly Resource[] | undefined): Resource[] | undefined {
  return list?.map(({ allocationInfo: _dropped, ...rest }) => rest);
}

function stripOne(resource: Resource | undefined): Resource | undefined {
  if (resource === undefined) return undefined;
  const { allocationInfo: _dropped, ...rest } = resource;
  return rest;
}

/** The operation with every resource's allocation removed: what applies to an agent's (unallocated) total. */
export function withoutAllocation(op: Offer_Operation): Offer_Operation {
  const out: Offer_Operation = { ...op };
  if (op.reserve !== undefined) out.reserve = { ...op.reserve, resources: strip(op.reserve.resources), source: strip(op.reserve.source) };
  if (op.unreserve !== undefined) out.unreserve = { ...op.unreserve, resources: strip(op.unreserve.resources) };
  if (op.create !== undefined) out.create = { ...op.create, volumes: strip(op.create.volumes) };
  if (op.destroy !== undefined) out.destroy = { ...op.destroy, volumes: strip(op.destroy.volumes) };
  if (op.growVolume !== undefined) out.growVolume = { ...op.growVolume, volume: stripOne(op.growVolume.volume), addition: stripOne(op.growVolume.addition) };
  if (op.shrinkVolume !== undefined) out.shrinkVolume = { ...op.shrinkVolume, volume: stripOne(op.shrinkVolume.volume) };
  return out;
}

/**
 * Mesos's `getConsumedResources`: what the operation takes from the agent's resources. RESERVE takes the
 * resources under the new reservation (or `source`), CREATE the disk under the volumes.
 */
export function consumedBy(op: Offer_Operation): Result<Resources> {
  const parse = (list: readonly Resource[] | undefined): Result<Resources> => Resources.fromProto(list ?? []);
  try {
    switch (op.type) {
      case T.RESERVE: {
        if ((op.reserve?.source ?? []).length > 0) return parse(op.reserve?.source);
        const reserved = parse(op.reserve?.resources);
        return reserved.ok ? ok(reserved.value.popReservation()) : reserved;
      }
      case T.UNRESERVE:
        return parse(op.unreserve?.resources);
      case T.CREATE: {
        const disks = (op.create?.volumes ?? []).map((v) => {
          const { disk, ...rest } = v;
          return disk?.source !== undefined ? { ...rest, disk: { source: disk.source } } : rest;
        });
        return parse(disks);
      }
      case T.DESTROY:
        return parse(op.destroy?.volumes);
      case T.GROW_VOLUME: {
        const volume = parse(op.growVolume?.volume === undefined ? [] : [op.growVolume.volume]);
        const addition = parse(op.growVolume?.addition === undefined ? [] : [op.growVolume.addition]);
        if (!volume.ok) return volume;
        return addition.ok ? ok(volume.value.plus(addition.value)) : addition;
      }
      case T.SHRINK_VOLUME:
        return parse(op.shrinkVolume?.volume === undefined ? [] : [op.shrinkVolume.volume]);
      default:
        return err(new MesosTsError('INVALID_ARGUMENT', `Operation ${T[op.type ?? T.UNKNOWN] ?? op.type} is not a speculative operation`));
    }
  } catch (e) {
    return err(new MesosTsError('INVALID_ARGUMENT', (e as Error).message, { cause: e }));
  }
}

// ------------------------------------------------------------------------------------------------ the operations kept

interface TrackedOperation {
  readonly operation: Operation;
  readonly uuidHex: string;
  readonly agentId: string;
  readonly frameworkId: string | undefined;
  /** What the operation turned the consumed resources into, as the framework was offered them (ACCEPT only). */
  readonly converted: readonly Resource[] | undefined;
}

interface OperationStore {
  readonly byUuid: Map<string, TrackedOperation>;
  /** Terminal operations with feedback, oldest first: kept until acknowledged or evicted. */
  readonly terminal: string[];
}

const stores = new WeakMap<MasterCore, OperationStore>();

function storeOf(core: MasterCore): OperationStore {
  let store = stores.get(core);
  if (store === undefined) {
    const created: OperationStore = { byUuid: new Map(), terminal: [] };
    store = created;
    stores.set(core, created);
    // Operations of an agent that is gone for good go with it (Mesos's `removeOperation` in `_removeSlave`).
    core.changes.listen((change) => {
      if (change.kind !== 'agent_removed' || change.why === 'unreachable') return;
      for (const [uuid, tracked] of created.byUuid) if (tracked.agentId === change.agent.id) created.byUuid.delete(uuid);
    });
  }
  return store;
}

function isTerminalOperation(state: OperationState | undefined): boolean {
  return state !== undefined && state !== OperationState.OPERATION_PENDING && state !== OperationState.OPERATION_UNREACHABLE && state !== OperationState.OPERATION_RECOVERING;
}

/** Filters for {@link operationsOf}. */
export interface OperationFilter {
  readonly agentId?: string;
  readonly frameworkId?: string;
}

/**
 * The operations the master tracks (Mesos's `GET_OPERATIONS`): pending ones, and finished ones that asked for
 * feedback until the framework acknowledges them. Copies; oldest first.
 */
export function operationsOf(core: MasterCore, filter: OperationFilter = {}): Operation[] {
  const out: Operation[] = [];
  for (const tracked of storeOf(core).byUuid.values()) {
    if (filter.agentId !== undefined && tracked.agentId !== filter.agentId) continue;
    if (filter.frameworkId !== undefined && tracked.frameworkId !== filter.frameworkId) continue;
    out.push(structuredClone(tracked.operation));
  }
  return out;
}

/** The operation a framework gave `operationId`, if the master tracks it (RECONCILE_OPERATIONS). */
export function findOperation(core: MasterCore, frameworkId: string, operationId: string, agentId?: string): Operation | undefined {
  for (const tracked of storeOf(core).byUuid.values()) {
    if (tracked.frameworkId !== frameworkId || tracked.operation.info?.id?.value !== operationId) continue;
    if (agentId !== undefined && tracked.agentId !== agentId) continue;
    return structuredClone(tracked.operation);
  }
  return undefined;
}

/**
 * ACKNOWLEDGE_OPERATION_STATUS: the framework has the operation's terminal status, so the master forgets it.
 * Returns whether an operation with that status uuid was known.
 */
export function acknowledgeOperationStatus(core: MasterCore, frameworkId: string, statusUuid: Uint8Array): boolean {
  const store = storeOf(core);
  const wanted = Buffer.from(statusUuid).toString('hex');
  for (const [uuid, tracked] of store.byUuid) {
    if (tracked.frameworkId !== frameworkId) continue;
    const latest = tracked.operation.latestStatus;
    if (latest?.uuid?.value === undefined || Buffer.from(latest.uuid.value).toString('hex') !== wanted) continue;
    if (isTerminalOperation(latest.state)) {
      store.byUuid.delete(uuid);
      const at = store.terminal.indexOf(uuid);
      if (at >= 0) store.terminal.splice(at, 1);
    }
    return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------------ applying

/** How an operation came to the master. */
export interface ApplyOrigin {
  /** The framework whose ACCEPT carried it; undefined for the operator API. */
  readonly framework?: Framework | undefined;
  /** What it converted the offered resources into (allocated), from the offer manager; ACCEPT only. */
  readonly converted?: Resources | undefined;
}

/**
 * Mesos's `_apply` for a speculative operation whose resources the allocator has already moved (updateAllocation
 * for an ACCEPT, updateAvailable for the operator API): the agent's total changes, the operation is tracked as
 * OPERATION_PENDING, and the agent gets APPLY_OPERATION with its checkpointed resources after it.
 * Returns the operation's uuid, or an error when it does not apply to the agent's total (nothing changed then).
 */
export function applyOperation(core: MasterCore, agent: Agent, operation: Offer_Operation, origin: ApplyOrigin = {}): Result<Uint8Array> {
  const plain = withoutAllocation(operation);
  const total = agent.total.apply(plain);
  if (!total.ok) return total;
  agent.total = total.value;

  const uuid = Buffer.from(randomUUID().replace(/-/g, ''), 'hex');
  const uuidHex = uuid.toString('hex');
  const frameworkId = origin.framework?.id;
  const pending: OperationStatus = { state: OperationState.OPERATION_PENDING, agentId: { value: agent.id } };
  if (operation.id !== undefined) pending.operationId = operation.id;
  const tracked: Operation = { agentId: { value: agent.id }, info: operation, latestStatus: pending, statuses: [], uuid: { value: uuid } };
  if (frameworkId !== undefined) tracked.frameworkId = { value: frameworkId };
  storeOf(core).byUuid.set(uuidHex, {
    operation: tracked,
    uuidHex,
    agentId: agent.id,
    frameworkId,
    converted: origin.converted?.toProto(),
  });

  const checkpointed = checkpointedOf(agent.total).toProto();
  const applyEvent: internal.AgentEvent_ApplyOperation = { operation, operationUuid: uuid, checkpointedResources: checkpointed };
  if (frameworkId !== undefined) applyEvent.frameworkId = { value: frameworkId };
  const sent = core.sendToAgent(agent, { type: internal.AgentEvent_Type.APPLY_OPERATION, applyOperation: applyEvent });
  const name = T[operation.type ?? T.UNKNOWN] ?? String(operation.type);
  core.log.info(
    { agentId: agent.id, frameworkId, operation: name, operationUuid: uuidHex, sent },
    `Applied ${name} operation${frameworkId === undefined ? ' from the operator' : ` of framework ${frameworkId}`} on agent ${agent.id}; its total is now ${agent.total.toString()}`,
  );
  core.changes.emit({ kind: 'agent_updated', agent });
  return ok(uuid);
}

/** The status an UPDATE_OPERATION_STATUS event carries to the framework. */
function statusForFramework(tracked: TrackedOperation, status: OperationStatus): OperationStatus {
  const out: OperationStatus = { ...status, agentId: { value: tracked.agentId } };
  const id = tracked.operation.info?.id;
  if (id !== undefined) out.operationId = id;
  else delete out.operationId;
  if (status.state === OperationState.OPERATION_FINISHED && tracked.converted !== undefined && (status.convertedResources ?? []).length === 0) {
    out.convertedResources = [...tracked.converted];
  }
  return out;
}

/** Records a new status of a tracked operation and tells its framework, as Mesos's `updateOperation`. */
function updateTracked(core: MasterCore, tracked: TrackedOperation, status: OperationStatus): void {
  const store = storeOf(core);
  const full = statusForFramework(tracked, status);
  tracked.operation.latestStatus = full;
  (tracked.operation.statuses ??= []).push(full);
  const framework = tracked.frameworkId === undefined ? undefined : core.frameworks.get(tracked.frameworkId);
  const wantsFeedback = tracked.operation.info?.id !== undefined;
  if (framework !== undefined && wantsFeedback) {
    core.sendToFramework(framework, { type: scheduler.Event_Type.UPDATE_OPERATION_STATUS, updateOperationStatus: { status: full } });
  }
  if (!isTerminalOperation(full.state)) return;
  if (!wantsFeedback || framework === undefined) {
    store.byUuid.delete(tracked.uuidHex);
    return;
  }
  store.terminal.push(tracked.uuidHex);
  while (store.terminal.length > MAX_TERMINAL_OPERATIONS) store.byUuid.delete(store.terminal.shift()!);
}

/**
 * The agent's UPDATE_OPERATION_STATUS. A speculative operation is already applied, so a failure reported for one
 * means the agent and the master disagree: it is logged (the agent's report at re-registration settles it).
 */
export function operationStatusFromAgent(core: MasterCore, agent: Agent, update: internal.AgentCall_UpdateOperationStatus): void {
  const uuidHex = Buffer.from(update.operationUuid ?? Buffer.alloc(0)).toString('hex');
  const tracked = storeOf(core).byUuid.get(uuidHex);
  const state = update.status?.state;
  if (tracked === undefined || tracked.agentId !== agent.id) {
    core.log.warn({ agentId: agent.id, operationUuid: uuidHex }, `Ignoring status of unknown operation ${uuidHex} from agent ${agent.id}`);
    return;
  }
  if (isTerminalOperation(tracked.operation.latestStatus?.state)) {
    core.log.info({ agentId: agent.id, operationUuid: uuidHex }, `Ignoring a repeated status of finished operation ${uuidHex}`);
    return;
  }
  if (state !== OperationState.OPERATION_FINISHED) {
    core.log.error(
      { agentId: agent.id, operationUuid: uuidHex, state: state === undefined ? undefined : OperationState[state], message: update.status?.message },
      `Agent ${agent.id} could not apply speculative operation ${uuidHex}: ${update.status?.message ?? ''}`,
    );
  }
  updateTracked(core, tracked, update.status ?? { state: OperationState.OPERATION_FINISHED });
}

/**
 * Settles an agent's pending operations when it re-registers with `reported` checkpointed resources. When they
 * match what the master expected, the agent has applied everything it was sent (only the confirmations were lost):
 * the operations finish. Otherwise the agent did not get them: they are dropped (Mesos's OPERATION_DROPPED for
 * operations unknown to a re-registering agent), and the agent's resources stand. `expected` is undefined for an
 * agent the master had removed from its registered agents (unreachable): its pending operations are dropped.
 */
export function settleOnReregister(core: MasterCore, agent: Agent, expected: Resources | undefined, reported: Resources): void {
  // Without an expectation (the agent comes back from unreachable) nothing tells whether it applied them.
  const applied = expected !== undefined && expected.equals(reported);
  for (const tracked of [...storeOf(core).byUuid.values()]) {
    if (tracked.agentId !== agent.id || isTerminalOperation(tracked.operation.latestStatus?.state)) continue;
    const status: OperationStatus = applied
      ? { state: OperationState.OPERATION_FINISHED }
      : { state: OperationState.OPERATION_DROPPED, message: 'The agent re-registered without having applied the operation' };
    updateTracked(core, tracked, status);
  }
}

// ------------------------------------------------------------------------------------------------ the operator's path

/** An operator operation's outcome: 202, or an HTTP error status with Mesos's message. */
export type OperatorOutcome = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * Mesos's `Http::_operation` + `Master::apply`: rescinds outstanding offers on the agent, one at a time, until
 * what they held covers the operation (each with the default 5 s filter, so that the allocator does not hand
 * the resources straight back), then asks the allocator to apply it to what is available: 409 when it cannot.
 */
export function applyOperatorOperation(core: MasterCore, agent: Agent, operation: Offer_Operation): OperatorOutcome {
  const name = T[operation.type ?? T.UNKNOWN] ?? String(operation.type);
  const consumed = consumedBy(operation);
  if (!consumed.ok) return { ok: false, status: 400, message: `Invalid ${name} operation: ${consumed.error.message}` };
  let required = consumed.value;
  let recovered = Resources.EMPTY;
  for (const offer of core.offers.offersOn(agent.id)) {
    const held = offer.resources.unallocate();
    if (required.minus(held).equals(required)) continue;
    recovered = recovered.plus(held);
    required = required.minus(held);
    if (core.offers.rescind(offer.id) === undefined) continue;
    core.recover(offer.frameworkId, offer.agentId, offer.resources, { refuseSeconds: undefined });
    const framework = core.frameworks.get(offer.frameworkId);
    if (framework !== undefined) core.sendToFramework(framework, { type: scheduler.Event_Type.RESCIND, rescind: { offerId: { value: offer.id } } });
    core.log.info({ agentId: agent.id, offerId: offer.id }, `Rescinded offer ${offer.id} for a ${name} operation on agent ${agent.id}`);
    if (recovered.apply(withoutAllocation(operation)).ok) break;
  }
  try {
    core.allocator.updateAvailable(agent.id, [withoutAllocation(operation)]);
  } catch (e) {
    return { ok: false, status: 409, message: (e as Error).message };
  }
  const applied = applyOperation(core, agent, operation);
  if (!applied.ok) {
    // The allocator and the master disagree about the agent; put the allocator back on the master's total.
    core.log.error({ agentId: agent.id, err: applied.error }, `The allocator applied a ${name} operation the agent's total does not take`);
    core.guard('updateAgent', () => core.allocator.updateAgent(agent.id, { total: agent.total }));
    return { ok: false, status: 409, message: applied.error.message };
  }
  return { ok: true };
}

/**
 * The speculative operation of an ACCEPT, validated and accounted by the offer manager (the allocator gets
 * `updateAllocation` after the loop): applied to the agent as {@link applyOperation} does. Should the agent's
 * total not take it (the master's and the offer manager's views differ, a bug), the change is made from what the
 * offer manager computed, so that the master stays in step with the allocator.
 */
export function applyAcceptedOperation(core: MasterCore, framework: Framework, agent: Agent, operation: Offer_Operation, consumed: Resources, converted: Resources): void {
  const applied = applyOperation(core, agent, operation, { framework, converted });
  if (applied.ok) return;
  core.log.error({ frameworkId: framework.id, agentId: agent.id, err: applied.error }, 'An accepted operation does not apply to the agent\'s total; using the offer\'s conversion');
  agent.total = agent.total.minus(consumed.unallocate()).plus(converted.unallocate());
  core.changes.emit({ kind: 'agent_updated', agent });
}
