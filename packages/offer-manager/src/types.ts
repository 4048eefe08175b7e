/**
 * Public types of the offer manager: its options, what it is told about
 * agents, the offers it keeps and what its calls return.
 */
import type { MesosTsError } from '@mesos-ts/errors';
import type { Attribute, DomainInfo, Offer, Offer_Operation, Offer_Operation_Type, TaskInfo, URL, Unavailability } from '@mesos-ts/proto';
import type { Resources } from '@mesos-ts/resources';

/** Where the offer manager reads time from: milliseconds on a monotonic scale. Injected, never `Date.now`. */
export interface Clock {
  now(): number;
}

export interface OfferManagerOptions {
  /** Stamps offers (`createdAt`) and decides which have timed out. */
  readonly clock: Clock;
  /** The master's `MasterInfo.id`; offer IDs are `<masterId>-O<n>`, as Mesos's `Master::newOfferId()`. */
  readonly masterId: string;
  /**
   * Mesos's `--offer_timeout`: an offer outstanding this long is rescinded
   * by {@link OfferManager.expire}. Absent: offers never time out (Mesos's
   * default). Must be greater than zero.
   */
  readonly offerTimeoutMs?: number;
}

/**
 * What the allocator hands out in one run to one framework: role -> agent ID
 * -> resources (allocated to that role). `OfferMap` from
 * `@mesos-ts/allocator` is one of these.
 */
export type OfferMap = ReadonlyMap<string, ReadonlyMap<string, Resources>>;

/**
 * What an offer needs to know about the agent it is on, as the master knows
 * it when it makes the offer (Mesos copies these from its `Slave` and
 * `Machine` records into each `Offer`). The messages given here are put into
 * the offers by reference, not copied: replace them when the agent changes,
 * never mutate them.
 */
export interface AgentDescription {
  readonly hostname: string;
  /** `AgentInfo.attributes`. */
  readonly attributes?: readonly Attribute[];
  /** `AgentInfo.domain`. */
  readonly domain?: DomainInfo;
  /**
   * Where the agent can be reached. Mesos sets `http://<ip>:<port>/<pid id>`
   * with the hostname in `address.hostname`; see `agentUrl` in
   * `@mesos-ts/offer-manager/testing` for that shape.
   */
  readonly url?: URL;
  /** IDs of the executors of the framework being offered to that already run on the agent (`Offer.executor_ids`). */
  readonly executorIds?: readonly string[];
  /** The agent's machine is scheduled for maintenance (`Offer.unavailability`). */
  readonly unavailability?: Unavailability;
  /**
   * False while the agent is deactivated or disconnected: then nothing is
   * offered on it and its resources are returned (Mesos's `Master::offer`
   * does the same). Default true.
   */
  readonly active?: boolean;
}

/** Looks an agent up by ID; `undefined` when the master does not know it (its resources are returned). */
export type AgentLookup = (agentId: string) => AgentDescription | undefined;

/** The capabilities of the framework that change how it is shown its offers. */
export interface FrameworkOfferFormat {
  /**
   * MULTI_ROLE. Without it the framework is shown offers without
   * `allocation_info` on the offer and its resources (MESOS-8237). Default true.
   */
  readonly multiRole?: boolean;
  /**
   * RESERVATION_REFINEMENT. Without it resources are shown in the
   * pre-refinement format (`role`/`reservation`). Default true.
   */
  readonly reservationRefinement?: boolean;
}

/**
 * An offer the master has made and nobody has answered, rescinded or timed
 * out yet. Frozen; treat `offer` as read-only too (it shares messages with
 * the `AgentDescription` it was made from).
 */
export interface OutstandingOffer {
  /** `offer.id.value`. */
  readonly id: string;
  readonly frameworkId: string;
  readonly agentId: string;
  /** The role it is allocated to (`offer.allocation_info.role`). */
  readonly role: string;
  /** What is offered, allocated to `role`: what goes back to the allocator if the offer is not used. */
  readonly resources: Resources;
  /** The full offer as the master keeps it (before any per-framework formatting). Read-only. */
  readonly offer: Offer;
  /** `clock.now()` when it was made. */
  readonly createdAt: number;
  /** When {@link OfferManager.expire} rescinds it; undefined without an offer timeout. */
  readonly expiresAt: number | undefined;
}

/** Resources the allocator offered that did not become an offer, to give straight back (no filter). */
export interface ReturnedResources {
  readonly agentId: string;
  readonly role: string;
  readonly resources: Resources;
  readonly reason: 'UNKNOWN_AGENT' | 'INACTIVE_AGENT';
}

/** What {@link OfferManager.createOffers} made. */
export interface CreatedOffers {
  /** The new outstanding offers, one per (role, agent). */
  readonly offers: readonly OutstandingOffer[];
  /**
   * The same offers, in the same order, as the framework is to be shown them
   * (the OFFERS event): `ephemeral_ports` stripped, and formatted for the
   * framework's capabilities. Each is a new top-level object that shares its
   * unchanged parts with the recorded offer: encode it, do not mutate it.
   */
  readonly forFramework: readonly Offer[];
  /** Resources not offered because the agent is unknown or inactive: `recoverResources` them without filters. */
  readonly returned: readonly ReturnedResources[];
}

/** What {@link OfferManager.decline} did. */
export interface DeclineOutcome {
  /**
   * The offers removed. Recover each one's `resources` with the DECLINE's
   * filters; no RESCIND is sent.
   */
  readonly declined: readonly OutstandingOffer[];
  /** Offer IDs that named no outstanding offer of this framework; ignored (Mesos logs a warning). */
  readonly ignored: readonly string[];
}

/** Per-ACCEPT knowledge only the master has. All optional. */
export interface AcceptOptions {
  /**
   * Whether an executor of this framework already runs on the agent. A
   * task's executor resources are only consumed when the executor is new, as
   * in Mesos. Executors launched earlier in the same ACCEPT count as running.
   * Default: none runs.
   */
  readonly isExecutorRunning?: (executorId: string) => boolean;
  /**
   * The master's own checks of one operation other than LAUNCH (and of a
   * LAUNCH_GROUP as a whole), run in order at the point Mesos runs them:
   * `validation::operation::validate`, authorization, agent capabilities,
   * the task group validation. An error drops the operation (OPERATION_ERROR,
   * or TASK_ERROR for each task of a group); its resources stay offered.
   */
  readonly checkOperation?: (operation: Offer_Operation, context: OperationContext) => MesosTsError | undefined;
  /**
   * The master's own checks of one task of a LAUNCH (authorization, task ID,
   * command, container, ...), run before the offer manager checks its
   * resources. An error makes that task a TASK_ERROR; the others go on.
   */
  readonly checkTask?: (task: TaskInfo, context: TaskContext) => MesosTsError | undefined;
}

/** What a `checkOperation` hook is told. */
export interface OperationContext {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  /** Index of the operation in the ACCEPT. */
  readonly index: number;
  /** The offered resources still unused at this point (after the operations before it). */
  readonly remaining: Resources;
}

/** What a `checkTask` hook is told. */
export interface TaskContext extends OperationContext {
  /** Index of the task in the LAUNCH. */
  readonly taskIndex: number;
  /** What the task may use: `remaining`, with every offered copy of shared resources counted. */
  readonly available: Resources;
}

/** What became of one task of a LAUNCH or LAUNCH_GROUP. */
export interface TaskOutcome {
  readonly taskId: string;
  /** Why it is not launched (TASK_ERROR); undefined when it is launched. */
  readonly error: MesosTsError | undefined;
  /** What it takes from the offer: its resources, plus its executor's when that executor is new. */
  readonly consumed: Resources;
  /** Whether the agent is to start the task's executor (Mesos's `launch_executor`). */
  readonly launchExecutor: boolean;
}

/** What became of one operation of an ACCEPT, in the order given. */
export interface OperationOutcome {
  readonly index: number;
  readonly type: Offer_Operation_Type;
  /** The operation with the offer's allocation info injected into its resources (what the agent is to apply). */
  readonly operation: Offer_Operation;
  /**
   * Why it was dropped (OPERATION_ERROR; for LAUNCH/LAUNCH_GROUP, TASK_ERROR
   * for each task); undefined when applied. A LAUNCH with some invalid tasks
   * is applied: see `tasks`.
   */
  readonly error: MesosTsError | undefined;
  /** Offered resources the operation used up (empty when dropped). */
  readonly consumed: Resources;
  /**
   * What a RESERVE, UNRESERVE, CREATE, DESTROY, GROW_VOLUME or SHRINK_VOLUME
   * turned `consumed` into (empty for launches, disk operations and drops).
   */
  readonly converted: Resources;
  /** Per task, for LAUNCH and LAUNCH_GROUP. */
  readonly tasks?: readonly TaskOutcome[];
}

/**
 * A valid ACCEPT, processed. What the master does with it, in Mesos's order:
 * send the launches and operations to the agent, then
 * `allocator.updateAllocation(frameworkId, agentId, offered, allocatorOperations)`
 * if there are any, `recoverResources(frameworkId, agentId, converted)`
 * (no filter), `recoverResources(frameworkId, agentId, declined, acceptFilters)`,
 * and RESCIND + `recoverResources` (no filter) for each of `rescinded`.
 * `launched` and `pendingOperations` stay allocated to the framework.
 */
export interface AcceptOutcome {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  /** The offers used (removed from the outstanding set). */
  readonly accepted: readonly OutstandingOffer[];
  /** Their resources together. */
  readonly offered: Resources;
  /** One per operation given, in order. */
  readonly operations: readonly OperationOutcome[];
  /**
   * The speculative operations applied (RESERVE, UNRESERVE, CREATE, DESTROY,
   * GROW_VOLUME, SHRINK_VOLUME), in order, for the allocator's
   * `updateAllocation`.
   */
  readonly allocatorOperations: readonly Offer_Operation[];
  /** Resources taken by tasks and new executors: they stay allocated. */
  readonly launched: Resources;
  /**
   * Resources taken by CREATE_DISK / DESTROY_DISK, which the resource
   * provider converts later: they stay allocated until its status update.
   */
  readonly pendingOperations: Resources;
  /**
   * Copies of shared resources that tasks use beyond those offered (several
   * tasks may share one offered volume). Mesos adds them to the framework's
   * allocation with a conversion from nothing.
   */
  readonly additionalShared: Resources;
  /** Results of speculative operations nobody used: recover them without a filter (they are not declined). */
  readonly converted: Resources;
  /** Offered resources nobody used: recover them with the ACCEPT's filters (implicitly declined). */
  readonly declined: Resources;
  /**
   * Other outstanding offers on the agent that held a volume a DESTROY
   * removes: rescinded (send RESCIND, recover without a filter).
   */
  readonly rescinded: readonly OutstandingOffer[];
}

/**
 * An ACCEPT refused as a whole because of its offer IDs (Mesos's offer
 * validation). `error.message` is Mesos's; the master sends TASK_LOST (or
 * TASK_DROPPED) with REASON_INVALID_OFFERS for each task and OPERATION_ERROR
 * for each other operation, with "Task launched with invalid offers: " or
 * "Operation attempted with invalid offers: " before it.
 */
export interface AcceptRejection {
  readonly error: MesosTsError;
  /**
   * The framework's own offers among the IDs, removed all the same: Mesos
   * treats them as used. Recover each one's resources without a filter; no
   * RESCIND is sent.
   */
  readonly discarded: readonly OutstandingOffer[];
}
