/**
 * The master's state and the operations every part of it shares: sending events to schedulers and agents, making
 * and taking back offers, and the task and executor bookkeeping of Mesos's `Master::addTask`, `updateTask`,
 * `removeTask`, `removeExecutor` and `forward` (src/master/master.cpp). The calls that change frameworks, agents
 * and tasks on request live in frameworks.ts, agents.ts and scheduler-calls.ts; the HTTP endpoints in
 * scheduler-api.ts and agent-api.ts.
 *
 * Everything runs on Node's one thread, so each call sees and leaves the state consistent. Allocator calls are
 * guarded: a bookkeeping mismatch is logged, never thrown out of a request handler.
 */
import { performance } from 'node:perf_hooks';
import { AllocatorDriver } from '@mesos-ts/allocator/driver';
import type { OfferFilters } from '@mesos-ts/allocator';
import type { AgentDescription, OfferMap, OutstandingOffer } from '@mesos-ts/offer-manager';
import { TaskState, internal, scheduler, type ExecutorInfo, type MasterInfo, type Task, type TaskInfo, type TaskStatus, type URL as ProtoURL } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { Logger } from 'pino';
import { newMessageCounters, type MessageCounter } from './call-metrics';
import { MasterChanges } from './events';
import { makeInverseOffers } from './inverse-offers';
import { MaintenanceState, agentMachineId } from './maintenance-state';
import { watchMaintenance } from './maintenance-watch';
import type { MasterFlags } from './flags';
import {
  isTerminalOrUnreachable,
  isTerminalState,
  pushBounded,
  type Agent,
  type ExecutorRecord,
  type Framework,
  type TaskRecord,
  type UnreachableAgent,
} from './model';
import { WatchedOfferManager } from './state-offers';
import { nowSeconds } from './status';

/** How often schedulers get a HEARTBEAT (Mesos's `DEFAULT_HEARTBEAT_INTERVAL`). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;

/** Options of {@link MasterCore}. */
export interface MasterCoreOptions {
  readonly flags: MasterFlags;
  readonly logger: Logger;
  readonly info: MasterInfo;
  /** Time between scheduler heartbeats; default 15 s. */
  readonly heartbeatIntervalMs?: number;
}

/** A cancellable timer the master owns; all are cleared by `stop()`. */
export interface Timer {
  cancel(): void;
}

/** Counters for `/metrics/snapshot` (gauges are computed from the state), plus `messages_*` (call-metrics.ts). */
export interface MasterCounters extends Record<MessageCounter, number> {
  tasks_finished: number;
  tasks_failed: number;
  tasks_killed: number;
  tasks_lost: number;
  tasks_error: number;
  tasks_dropped: number;
  tasks_gone: number;
  tasks_gone_by_operator: number;
  valid_status_updates: number;
  invalid_status_updates: number;
  valid_status_update_acknowledgements: number;
  invalid_status_update_acknowledgements: number;
  slave_registrations: number;
  slave_reregistrations: number;
  slave_removals: number;
  slave_unreachable_completed: number;
  frameworks_registered_total: number;
  messages_framework_to_executor: number;
  messages_executor_to_framework: number;
  invalid_scheduler_calls: number;
}

const TERMINAL_COUNTER: Partial<Record<TaskState, keyof MasterCounters>> = {
  [TaskState.TASK_FINISHED]: 'tasks_finished',
  [TaskState.TASK_FAILED]: 'tasks_failed',
  [TaskState.TASK_KILLED]: 'tasks_killed',
  [TaskState.TASK_LOST]: 'tasks_lost',
  [TaskState.TASK_ERROR]: 'tasks_error',
  [TaskState.TASK_DROPPED]: 'tasks_dropped',
  [TaskState.TASK_GONE]: 'tasks_gone',
  [TaskState.TASK_GONE_BY_OPERATOR]: 'tasks_gone_by_operator',
};

/** `setTimeout` caps delays at 2^31-1 ms; longer ones (a failover timeout of weeks) are chained. */
const MAX_DELAY = 2_147_483_647;

/** Each agent's URL as offers show it, made once per address (see `describeAgent`). */
const agentUrls = new WeakMap<Agent, ProtoURL>();
const NO_EXECUTOR_IDS: readonly string[] = Object.freeze([]);

/** The master's state and shared operations. */
export class MasterCore {
  readonly flags: MasterFlags;
  readonly log: Logger;
  readonly info: MasterInfo;
  readonly id: string;
  readonly heartbeatIntervalMs: number;
  readonly driver: AllocatorDriver;
  /** The outstanding offers; watchable, so that the polled endpoints' cache sees every offer made or removed. */
  readonly offers: WatchedOfferManager;
  /** Registered frameworks (connected, disconnected or recovered), by ID. */
  readonly frameworks = new Map<string, Framework>();
  /** Removed frameworks, oldest first, at most `--max_completed_frameworks`. */
  readonly completedFrameworks = new Map<string, Framework>();
  /** Registered agents (connected or not), by ID. */
  readonly agents = new Map<string, Agent>();
  /** Agents marked unreachable, by ID. */
  readonly unreachable = new Map<string, UnreachableAgent>();
  readonly counters: MasterCounters = {
    tasks_finished: 0,
    tasks_failed: 0,
    tasks_killed: 0,
    tasks_lost: 0,
    tasks_error: 0,
    tasks_dropped: 0,
    tasks_gone: 0,
    tasks_gone_by_operator: 0,
    valid_status_updates: 0,
    invalid_status_updates: 0,
    valid_status_update_acknowledgements: 0,
    invalid_status_update_acknowledgements: 0,
    slave_registrations: 0,
    slave_reregistrations: 0,
    slave_removals: 0,
    slave_unreachable_completed: 0,
    frameworks_registered_total: 0,
    messages_framework_to_executor: 0,
    messages_executor_to_framework: 0,
    invalid_scheduler_calls: 0,
    ...newMessageCounters(),
  };
  /** Seconds since the epoch. */
  readonly startTime = nowSeconds();
  /**
   * Called after an executor is added to or removed from an agent and its framework. No operator event exists for
   * executors; the polled endpoints' cache (state-cache.ts) listens here.
   */
  readonly executorListeners = new Set<(agent: Agent, frameworkId: string) => void>();
  /** Every change to frameworks, agents and tasks, as it happens (events.ts). */
  readonly changes = new MasterChanges((err, change) => this.log.error({ err, change: change.kind }, 'A change listener failed'));
  /** Machines, the maintenance schedule, drained / deactivated / gone agents, inverse offers (maintenance.ts). */
  readonly maintenance = new MaintenanceState();
  private nextFrameworkId = 0;
  private nextAgentId = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private offerTimer: Timer | undefined;
  private offerTimerAt: number | undefined;
  private stopped = false;

  constructor(options: MasterCoreOptions) {
    this.flags = options.flags;
    this.log = options.logger;
    this.info = options.info;
    this.id = options.info.id ?? '';
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const clock = { now: () => performance.now() };
    this.offers = new WatchedOfferManager({ clock, masterId: this.id, ...(this.flags.offer_timeout === undefined ? {} : { offerTimeoutMs: this.flags.offer_timeout }) });
    this.driver = new AllocatorDriver({
      allocationIntervalMs: this.flags.allocation_interval,
      minAllocatableResources: this.flags.min_allocatable_resources.value,
      roleSorter: this.flags.role_sorter as 'drf' | 'random',
      frameworkSorter: this.flags.framework_sorter as 'drf' | 'random',
      offerCallback: (frameworkId, offerMap) => this.offer(frameworkId, offerMap),
      inverseOfferCallback: (frameworkId, requests) => this.guard('inverseOffer', () => makeInverseOffers(this, frameworkId, requests)),
      onRun: (stats, ms) => this.log.debug({ stats, ms }, 'Allocation run'),
    });
    if (this.flags.weights !== undefined) this.driver.allocator.updateWeights([...this.flags.weights.value]);
    watchMaintenance(this);
  }

  get allocator(): AllocatorDriver['allocator'] {
    return this.driver.allocator;
  }

  /** `<master id>-<nnnn>`, as Mesos's `newFrameworkId`. */
  newFrameworkId(): string {
    return `${this.id}-${String(this.nextFrameworkId++).padStart(4, '0')}`;
  }

  /** `<master id>-S<n>`, as Mesos's `newSlaveId`. */
  newAgentId(): string {
    return `${this.id}-S${this.nextAgentId++}`;
  }

  // ------------------------------------------------------------------------------------------ timers, guards

  /** Runs `fn` once after `ms` (chained past setTimeout's limit); unref'd, cleared by `stop()`. */
  timer(ms: number, fn: () => void): Timer {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (remaining: number): void => {
      const step = Math.max(0, Math.min(remaining, MAX_DELAY));
      handle = setTimeout(() => {
        this.timers.delete(handle!);
        if (cancelled || this.stopped) return;
        if (remaining > step) arm(remaining - step);
        else this.guard('timer', fn);
      }, step);
      handle.unref();
      this.timers.add(handle);
    };
    arm(Number.isFinite(ms) ? ms : MAX_DELAY);
    return {
      cancel: () => {
        cancelled = true;
        if (handle !== undefined) {
          clearTimeout(handle);
          this.timers.delete(handle);
        }
      },
    };
  }

  /** Runs `fn`, logging instead of throwing: a bug in one call must not take the master down. */
  guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log.error({ err: e }, `Internal error in ${what}`);
    }
  }

  /** Gives resources back to the allocator (with the filters of a DECLINE or ACCEPT). Never throws. */
  recover(frameworkId: string, agentId: string, resources: Resources, filters?: OfferFilters): void {
    if (resources.isEmpty()) return;
    try {
      this.allocator.recoverResources(frameworkId, agentId, resources, filters);
    } catch (e) {
      this.log.error({ err: e, frameworkId, agentId, resources: resources.toString() }, 'Failed to recover resources');
    }
  }

  // ------------------------------------------------------------------------------------------ sending

  /** Sends an event on the framework's stream, if it has one open. */
  sendToFramework(framework: Framework, event: scheduler.Event): boolean {
    const connection = framework.connection;
    if (connection === undefined || connection.stream.isClosed) return false;
    try {
      return connection.stream.send(event);
    } catch (e) {
      this.log.error({ err: e, frameworkId: framework.id }, 'Failed to encode an event for the framework');
      return false;
    }
  }

  /** Sends an event on the agent's stream, if it has one open. */
  sendToAgent(agent: Agent, event: internal.AgentEvent): boolean {
    const session = agent.session;
    if (session === undefined || session.stream.isClosed) return false;
    try {
      return session.stream.send(event);
    } catch (e) {
      this.log.error({ err: e, agentId: agent.id }, 'Failed to encode an event for the agent');
      return false;
    }
  }

  /** An ERROR event (Mesos's FrameworkErrorMessage). */
  static errorEvent(message: string): scheduler.Event {
    return { type: scheduler.Event_Type.ERROR, error: { message } };
  }

  // ------------------------------------------------------------------------------------------ offers

  /** What an offer says about its agent, for the framework being offered to. */
  describeAgent(agentId: string, frameworkId: string): AgentDescription | undefined {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return undefined;
    const hostname = agent.info.hostname ?? '';
    // One URL object per agent address, shared by its offers (they are never mutated): an allocation run after
    // filters expire makes hundreds of offers, and fewer short-lived objects there mean fewer scavenges mid-run.
    let url = agentUrls.get(agent);
    if (url === undefined || url.address?.hostname !== hostname || url.address.ip !== agent.ip || url.address.port !== agent.port) {
      url = { scheme: 'http', address: { hostname, ip: agent.ip, port: agent.port }, path: '/slave(1)' };
      agentUrls.set(agent, url);
    }
    const executors = agent.executors.get(frameworkId);
    const description: AgentDescription = {
      hostname,
      attributes: agent.info.attributes ?? [],
      url,
      executorIds: executors === undefined || executors.size === 0 ? NO_EXECUTOR_IDS : [...executors.keys()],
      active: agent.active && agent.connected,
      ...(agent.info.domain === undefined ? {} : { domain: agent.info.domain }),
    };
    // Offers on a machine scheduled for maintenance carry its unavailability (Mesos's `Master::offer`).
    const unavailability = this.maintenance.machines.size === 0 ? undefined : this.maintenance.unavailabilityOf(agentMachineId(agent));
    if (unavailability !== undefined) return { ...description, unavailability };
    return description;
  }

  /** The allocator's offer callback (Mesos's `Master::offer`). */
  private offer(frameworkId: string, offerMap: OfferMap): void {
    const framework = this.frameworks.get(frameworkId);
    if (framework === undefined || framework.state !== 'connected' || !framework.active) {
      this.log.warn({ frameworkId }, 'Returning resources offered to a framework that is gone, disconnected or inactive');
      for (const byAgent of offerMap.values()) for (const [agentId, resources] of byAgent) this.recover(frameworkId, agentId, resources);
      return;
    }
    const made = this.offers.createOffers(frameworkId, offerMap, (agentId) => this.describeAgent(agentId, frameworkId), {
      multiRole: framework.capabilities.multiRole,
      reservationRefinement: framework.capabilities.reservationRefinement,
    });
    for (const back of made.returned) this.recover(frameworkId, back.agentId, back.resources);
    if (made.forFramework.length > 0) {
      this.log.info({ frameworkId, offers: made.offers.map((o) => o.id) }, `Sending ${made.offers.length} offers to framework ${frameworkId}`);
      this.sendToFramework(framework, { type: scheduler.Event_Type.OFFERS, offers: { offers: [...made.forFramework] } });
    }
    this.armOfferTimer();
  }

  /** Takes offers back: RESCIND to their frameworks, resources to the allocator without a filter. */
  rescind(taken: readonly OutstandingOffer[]): void {
    for (const offer of taken) {
      this.recover(offer.frameworkId, offer.agentId, offer.resources);
      const framework = this.frameworks.get(offer.frameworkId);
      if (framework !== undefined) this.sendToFramework(framework, { type: scheduler.Event_Type.RESCIND, rescind: { offerId: { value: offer.id } } });
    }
  }

  /** Removes offers without telling the framework (Mesos's `discardOffer`): it is gone, failed over or misused them. */
  discard(taken: readonly OutstandingOffer[]): void {
    for (const offer of taken) this.recover(offer.frameworkId, offer.agentId, offer.resources);
  }

  /** Keeps one timer armed for the oldest offer's `--offer_timeout`. */
  armOfferTimer(): void {
    const next = this.offers.nextExpiry();
    if (next === undefined || this.stopped) return;
    if (this.offerTimer !== undefined && this.offerTimerAt !== undefined && this.offerTimerAt <= next) return;
    this.offerTimer?.cancel();
    this.offerTimerAt = next;
    this.offerTimer = this.timer(Math.max(0, next - performance.now()), () => {
      this.offerTimer = undefined;
      this.offerTimerAt = undefined;
      const expired = this.offers.expire();
      if (expired.length > 0) this.log.info({ offers: expired.map((o) => o.id) }, 'Rescinding offers: --offer_timeout passed');
      this.rescind(expired);
      this.armOfferTimer();
    });
  }

  // ------------------------------------------------------------------------------------------ tasks, executors

  /** Records a task being launched (Mesos's `addTask`): TASK_STAGING, on the framework and the agent. */
  addTask(framework: Framework, agent: Agent, info: TaskInfo, resources: Resources): TaskRecord {
    const task: Task = {
      name: info.name ?? '',
      taskId: info.taskId ?? { value: '' },
      frameworkId: { value: framework.id },
      agentId: { value: agent.id },
      state: TaskState.TASK_STAGING,
      resources: info.resources ?? [],
      statuses: [],
    };
    if (info.executor !== undefined) task.executorId = info.executor.executorId ?? { value: '' };
    if (info.labels !== undefined) task.labels = info.labels;
    if (info.discovery !== undefined) task.discovery = info.discovery;
    if (info.container !== undefined) task.container = info.container;
    if (info.healthCheck !== undefined) task.healthCheck = info.healthCheck;
    if (info.killPolicy !== undefined) task.killPolicy = info.killPolicy;
    if (info.limits !== undefined) task.limits = info.limits;
    const user = info.command?.user ?? info.executor?.command?.user;
    if (user !== undefined) task.user = user;
    return this.trackTask(task, resources);
  }

  /** Adds an existing task (from an agent's report) to the framework, if known, and the agent. */
  trackTask(task: Task, resources: Resources): TaskRecord {
    const record: TaskRecord = {
      task,
      resources,
      frameworkId: task.frameworkId?.value ?? '',
      agentId: task.agentId?.value ?? '',
      taskId: task.taskId?.value ?? '',
    };
    this.frameworks.get(record.frameworkId)?.tasks.set(record.taskId, record);
    const agent = this.agents.get(record.agentId);
    if (agent !== undefined) {
      let byTask = agent.tasks.get(record.frameworkId);
      if (byTask === undefined) agent.tasks.set(record.frameworkId, (byTask = new Map()));
      byTask.set(record.taskId, record);
    }
    this.changes.emit({ kind: 'task_added', task: record });
    return record;
  }

  /** Records an executor the master accounts resources for, on the agent and the framework. */
  addExecutor(frameworkId: string, agent: Agent, info: ExecutorInfo, resources: Resources): void {
    const id = info.executorId?.value ?? '';
    const record: ExecutorRecord = { info, resources };
    let onAgent = agent.executors.get(frameworkId);
    if (onAgent === undefined) agent.executors.set(frameworkId, (onAgent = new Map()));
    onAgent.set(id, record);
    const framework = this.frameworks.get(frameworkId);
    if (framework !== undefined) {
      let onFramework = framework.executors.get(agent.id);
      if (onFramework === undefined) framework.executors.set(agent.id, (onFramework = new Map()));
      onFramework.set(id, record);
    }
    for (const listener of this.executorListeners) listener(agent, frameworkId);
  }

  /** Mesos's `removeExecutor`: its resources go back to the allocator. */
  removeExecutor(agent: Agent, frameworkId: string, executorId: string): void {
    const record = agent.executors.get(frameworkId)?.get(executorId);
    if (record === undefined) return;
    this.log.info({ agentId: agent.id, frameworkId, executorId }, `Removing executor '${executorId}' with resources ${record.resources.toString()}`);
    this.recover(frameworkId, agent.id, record.resources);
    deleteNested(agent.executors, frameworkId, executorId);
    const framework = this.frameworks.get(frameworkId);
    if (framework !== undefined) deleteNested(framework.executors, agent.id, executorId);
    for (const listener of this.executorListeners) listener(agent, frameworkId);
  }

  /**
   * Mesos's `updateTask`: the task takes the update's latest state (unless it is terminal already), its status
   * history gets the status, and a task that has just ended gives its resources back.
   */
  updateTask(record: TaskRecord, status: TaskStatus, latestState?: TaskState): void {
    const task = record.task;
    const updateState = latestState ?? status.state ?? TaskState.TASK_STAGING;
    const transitioned = !isTerminalOrUnreachable(task.state) && isTerminalOrUnreachable(updateState);
    const before = task.state;
    if (!isTerminalState(task.state)) task.state = updateState;
    const statuses = (task.statuses ??= []);
    // One entry per state: a repeated state replaces the previous one. The data is dropped (it can be large).
    const kept: TaskStatus = { ...status };
    delete kept.data;
    if (statuses.length > 0 && statuses[statuses.length - 1]!.state === status.state) statuses[statuses.length - 1] = kept;
    else statuses.push(kept);
    if (transitioned) {
      this.recover(record.frameworkId, record.agentId, record.resources);
      const counter = status.state === undefined ? undefined : TERMINAL_COUNTER[status.state];
      if (counter !== undefined) this.counters[counter]++;
    }
    this.changes.emit({ kind: 'task_updated', task: record, status, state: task.state ?? updateState, stateChanged: before !== task.state });
  }

  /**
   * Mesos's `removeTask`: off the agent and the framework, into the framework's unreachable or completed tasks.
   * A task still running gives its resources back first.
   */
  removeTask(record: TaskRecord, unreachable = false): void {
    if (!isTerminalOrUnreachable(record.task.state)) {
      this.log.warn({ taskId: record.taskId, frameworkId: record.frameworkId }, 'Removing a task in a non-terminal state');
      this.recover(record.frameworkId, record.agentId, record.resources);
    }
    const framework = this.frameworks.get(record.frameworkId);
    if (framework !== undefined) {
      framework.tasks.delete(record.taskId);
      if (unreachable) {
        framework.unreachableTasks.set(record.taskId, record);
        // Bounded like Mesos's BoundedHashMap of unreachable tasks: the oldest go first.
        while (framework.unreachableTasks.size > this.flags.max_completed_tasks_per_framework) {
          const oldest = framework.unreachableTasks.keys().next().value;
          if (oldest === undefined) break;
          framework.unreachableTasks.delete(oldest);
        }
      } else {
        pushBounded(framework.completedTasks, record, this.flags.max_completed_tasks_per_framework);
      }
    }
    const agent = this.agents.get(record.agentId);
    if (agent !== undefined) deleteNested(agent.tasks, record.frameworkId, record.taskId);
    this.changes.emit({ kind: 'task_removed', task: record });
  }

  /**
   * Mesos's `forward`: sends a status to the framework as an UPDATE event. A status with a `uuid` (from an agent)
   * becomes the task's `status_update_state` / `status_update_uuid`, which the acknowledgement is matched against.
   */
  forward(framework: Framework, status: TaskStatus): void {
    const record = framework.tasks.get(status.taskId?.value ?? '');
    if (record !== undefined && status.uuid !== undefined && status.uuid.byteLength > 0) {
      if (status.state !== undefined) record.task.statusUpdateState = status.state;
      record.task.statusUpdateUuid = Buffer.from(status.uuid);
    }
    this.log.info(
      { frameworkId: framework.id, taskId: status.taskId?.value, state: TaskState[status.state ?? TaskState.TASK_STAGING] },
      `Sending status update ${TaskState[status.state ?? TaskState.TASK_STAGING]} for task ${status.taskId?.value ?? ''}${status.message ? ` '${status.message}'` : ''}`,
    );
    this.sendToFramework(framework, { type: scheduler.Event_Type.UPDATE, update: { status } });
  }

  /** Moves a removed framework into the bounded completed list. */
  archiveFramework(framework: Framework): void {
    this.frameworks.delete(framework.id);
    this.completedFrameworks.set(framework.id, framework);
    while (this.completedFrameworks.size > this.flags.max_completed_frameworks) {
      const oldest = this.completedFrameworks.keys().next().value;
      if (oldest === undefined) break;
      this.completedFrameworks.delete(oldest);
    }
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /** Starts the allocator's periodic runs. */
  start(): void {
    this.driver.start();
  }

  /** Stops the allocator and every timer and closes every stream. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.driver.stop();
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
    for (const agent of this.agents.values()) {
      if (agent.ping.timer !== undefined) clearTimeout(agent.ping.timer);
      agent.ping.timer = undefined;
      agent.session?.stream.close();
    }
    for (const framework of this.frameworks.values()) framework.connection?.stream.close();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}

function deleteNested<V>(map: Map<string, Map<string, V>>, outer: string, inner: string): void {
  const nested = map.get(outer);
  if (nested === undefined) return;
  nested.delete(inner);
  if (nested.size === 0) map.delete(outer);
}
