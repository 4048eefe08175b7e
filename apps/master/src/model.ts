/**
 * The master's in-memory records of frameworks, agents, tasks and executors, in the shape of Mesos's `Framework`
 * and `Slave` structs (src/master/master.hpp, framework.cpp). Plain data plus small helpers; the behaviour lives in
 * the modules that change them (frameworks.ts, agents.ts, tasks.ts).
 */
import type { EventStream } from '@mesos-ts/http-api';
import {
  AgentInfo_Capability_Type,
  DrainState,
  FrameworkInfo_Capability_Type,
  TaskState,
  isTerminalState,
  type AgentInfo,
  type AgentInfo_Capability,
  type DrainConfig,
  type ExecutorInfo,
  type FrameworkInfo,
  type Task,
  type scheduler,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';

/** The capabilities of a framework the master acts on (Mesos's `protobuf::framework::Capabilities`). */
export interface FrameworkCapabilities {
  readonly multiRole: boolean;
  readonly partitionAware: boolean;
  readonly reservationRefinement: boolean;
  readonly sharedResources: boolean;
  readonly taskKillingState: boolean;
}

/** Reads the capabilities out of a FrameworkInfo. */
export function frameworkCapabilities(info: FrameworkInfo): FrameworkCapabilities {
  const types = new Set((info.capabilities ?? []).map((c) => c.type));
  return {
    multiRole: types.has(FrameworkInfo_Capability_Type.MULTI_ROLE),
    partitionAware: types.has(FrameworkInfo_Capability_Type.PARTITION_AWARE),
    reservationRefinement: types.has(FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT),
    sharedResources: types.has(FrameworkInfo_Capability_Type.SHARED_RESOURCES),
    taskKillingState: types.has(FrameworkInfo_Capability_Type.TASK_KILLING_STATE),
  };
}

/** The roles a framework subscribes to: `roles` with MULTI_ROLE, else `role` (default `*`), as `getRoles`. */
export function frameworkRoles(info: FrameworkInfo): Set<string> {
  if (frameworkCapabilities(info).multiRole) return new Set(info.roles ?? []);
  return new Set([info.role ?? '*']);
}

/** A scheduler's open SUBSCRIBE stream. */
export interface SchedulerConnection {
  /** The `Mesos-Stream-Id` the scheduler must send with every other call. */
  readonly streamId: string;
  readonly stream: EventStream<'mesos.v1.scheduler.Event'>;
}

/**
 * Mesos's framework states: CONNECTED (a stream is open), DISCONNECTED (the stream closed; the failover timeout
 * runs), RECOVERED (known only from an agent's report after a master restart; never subscribed to this master).
 */
export type FrameworkConnectionState = 'connected' | 'disconnected' | 'recovered';

/** A task as the master tracks it: Mesos's `Task` message plus its resources parsed once. */
export interface TaskRecord {
  /** Mutable: `state`, `statuses`, `statusUpdateState` and `statusUpdateUuid` change with updates. */
  readonly task: Task;
  /** `task.resources`, allocated to the task's role: what goes back to the allocator when it ends. */
  readonly resources: Resources;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly taskId: string;
}

/** An executor the master accounts resources for (custom and default executors; command executors are not). */
export interface ExecutorRecord {
  readonly info: ExecutorInfo;
  readonly resources: Resources;
}

/** A framework known to the master: registered (any state) or completed. */
export interface Framework {
  readonly id: string;
  info: FrameworkInfo;
  roles: Set<string>;
  capabilities: FrameworkCapabilities;
  suppressedRoles: Set<string>;
  offerConstraints: scheduler.OfferConstraints | undefined;
  state: FrameworkConnectionState;
  /** Whether the allocator may offer to it (connected and not deactivated). */
  active: boolean;
  connection: SchedulerConnection | undefined;
  /** Seconds since the epoch. */
  registeredTime: number;
  reregisteredTime: number;
  unregisteredTime: number | undefined;
  /** Live tasks (non-terminal, or terminal with an unacknowledged update), by task ID. */
  readonly tasks: Map<string, TaskRecord>;
  /** Tasks on agents marked unreachable, by task ID (bounded like completed tasks). */
  readonly unreachableTasks: Map<string, TaskRecord>;
  /** Finished tasks, oldest first, at most `--max_completed_tasks_per_framework`. */
  readonly completedTasks: TaskRecord[];
  /** Agent ID -> executor ID -> executor. */
  readonly executors: Map<string, Map<string, ExecutorRecord>>;
  /** The pending failover-timeout timer while disconnected. */
  failoverTimer: { cancel(): void } | undefined;
}

/** Creates a framework record in the given state. */
export function newFramework(info: FrameworkInfo, state: FrameworkConnectionState, now: number): Framework {
  return {
    id: info.id?.value ?? '',
    info,
    roles: frameworkRoles(info),
    capabilities: frameworkCapabilities(info),
    suppressedRoles: new Set(),
    offerConstraints: undefined,
    state,
    active: false,
    connection: undefined,
    registeredTime: now,
    reregisteredTime: now,
    unregisteredTime: undefined,
    tasks: new Map(),
    unreachableTasks: new Map(),
    completedTasks: [],
    executors: new Map(),
    failoverTimer: undefined,
  };
}

/** An agent's open session: the event stream of `POST /master/internal/agent`. */
export interface AgentSession {
  readonly streamId: string;
  readonly stream: EventStream<'mesos_ts.internal.AgentEvent'>;
}

/** The capabilities of an agent the master acts on. */
export interface AgentCapabilities {
  readonly multiRole: boolean;
  readonly hierarchicalRole: boolean;
  readonly reservationRefinement: boolean;
  readonly resourceProvider: boolean;
  readonly agentOperationFeedback: boolean;
  readonly resizeVolume: boolean;
  readonly taskResourceLimits: boolean;
}

/**
 * Reads an agent's capabilities. An agent that reports none is taken for a current one with the capabilities every
 * Mesos >= 1.5 agent has (MULTI_ROLE, HIERARCHICAL_ROLE, RESERVATION_REFINEMENT), as our agent may not list them.
 */
export function agentCapabilities(list: readonly AgentInfo_Capability[]): AgentCapabilities {
  const types = new Set(list.map((c) => c.type));
  const modern = list.length === 0;
  return {
    multiRole: modern || types.has(AgentInfo_Capability_Type.MULTI_ROLE),
    hierarchicalRole: modern || types.has(AgentInfo_Capability_Type.HIERARCHICAL_ROLE),
    reservationRefinement: modern || types.has(AgentInfo_Capability_Type.RESERVATION_REFINEMENT),
    resourceProvider: types.has(AgentInfo_Capability_Type.RESOURCE_PROVIDER),
    agentOperationFeedback: types.has(AgentInfo_Capability_Type.AGENT_OPERATION_FEEDBACK),
    resizeVolume: types.has(AgentInfo_Capability_Type.RESIZE_VOLUME),
    taskResourceLimits: types.has(AgentInfo_Capability_Type.TASK_RESOURCE_LIMITS),
  };
}

/** A registered agent (connected or not). */
export interface Agent {
  readonly id: string;
  /** With `id` set. */
  info: AgentInfo;
  /** libprocess's identity, `slave(1)@<ip>:<port>`. */
  pid: string;
  /** From `pid`: where the agent listens. */
  ip: string;
  port: number;
  version: string;
  capabilityList: AgentInfo_Capability[];
  capabilities: AgentCapabilities;
  /** Total resources (unallocated), as the master accounts them (speculative operations applied). */
  total: Resources;
  registeredTime: number;
  reregisteredTime: number | undefined;
  connected: boolean;
  active: boolean;
  /**
   * Deactivated by the operator (DEACTIVATE_AGENT) or by DRAIN_AGENT: no offers are made for it until
   * REACTIVATE_AGENT, even while it is connected (Mesos's `Master::deactivatedSlaves`). `active` is false then too.
   */
  deactivated: boolean;
  /** Set while the agent is draining or drained (Mesos's `Slave::drainInfo`); cleared by REACTIVATE_AGENT. */
  drain: { state: DrainState; config: DrainConfig } | undefined;
  session: AgentSession | undefined;
  /** Framework ID -> task ID -> task. */
  readonly tasks: Map<string, Map<string, TaskRecord>>;
  /** Framework ID -> executor ID -> executor. */
  readonly executors: Map<string, Map<string, ExecutorRecord>>;
  /** `<framework id>/<task id>` of tasks a KILL was asked for (re-sent when the agent comes back). */
  readonly killedTasks: Set<string>;
  /** Health checking (Mesos's SlaveObserver). */
  ping: { timer: NodeJS.Timeout | undefined; pinged: boolean; timeouts: number; nextId: bigint };
}

/** An agent marked unreachable: what the master keeps to answer reconciliation and re-admit it. */
export interface UnreachableAgent {
  readonly info: AgentInfo;
  /** Seconds since the epoch. */
  readonly time: number;
}

/** The resources a set of task and executor records use. */
export function usedResources(records: Iterable<{ readonly resources: Resources }>): Resources {
  let total = Resources.EMPTY;
  for (const r of records) total = total.plus(r.resources);
  return total;
}

/** Every task on an agent. */
export function* agentTasks(agent: Agent): Iterable<TaskRecord> {
  for (const byTask of agent.tasks.values()) yield* byTask.values();
}

/** Every executor on an agent. */
export function* agentExecutors(agent: Agent): Iterable<ExecutorRecord> {
  for (const byId of agent.executors.values()) yield* byId.values();
}

/** What a framework uses per agent (tasks in a non-terminal state and executors), allocated. */
export function frameworkUsedByAgent(framework: Framework): Map<string, Resources> {
  const out = new Map<string, Resources>();
  const add = (agentId: string, r: Resources): void => {
    out.set(agentId, (out.get(agentId) ?? Resources.EMPTY).plus(r));
  };
  for (const t of framework.tasks.values()) if (!isTerminalOrUnreachable(t.task.state)) add(t.agentId, t.resources);
  for (const [agentId, byId] of framework.executors) for (const e of byId.values()) add(agentId, e.resources);
  return out;
}

export { isTerminalState };

/** Terminal or TASK_UNREACHABLE: the states in which a task's resources are no longer allocated. */
export function isTerminalOrUnreachable(state: TaskState | undefined): boolean {
  return isTerminalState(state) || state === TaskState.TASK_UNREACHABLE;
}

/** Pushes onto a bounded history, dropping the oldest entries beyond `max`. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  while (list.length > max) list.shift();
}
