/**
 * The UI's model of the cluster, kept from the master's operator event stream: SUBSCRIBED replaces everything with
 * its `get_state` snapshot, then each TASK_ / AGENT_ / FRAMEWORK_ event changes one entry. Pure: {@link applyEvent}
 * mutates the given state and returns whether anything changed, so one render can follow many events.
 */
import { addResources, plus, sumResources, zero, type Quantities } from './resources';
import type { Agent, Framework, FrameworkInfo, MasterEvent, Resource, Task, TaskStatus } from './types';

/** Terminal task states (Mesos's `isTerminalState`) and the unreachable one, which holds no resources either. */
const ENDED = new Set(['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED', 'TASK_GONE', 'TASK_GONE_BY_OPERATOR']);

export function isTerminal(state: string | undefined): boolean {
  return state !== undefined && ENDED.has(state);
}

/** A task as the UI keeps it: Mesos's Task, with its current state and the statuses seen so far. */
export interface TaskView {
  readonly key: string;
  readonly id: string;
  readonly frameworkId: string;
  readonly agentId: string;
  readonly executorId: string;
  readonly name: string;
  state: string;
  statuses: TaskStatus[];
  readonly resources: readonly Resource[];
  /** Seconds since the epoch of the latest status, or when the UI first saw the task. */
  updated: number;
}

export interface FrameworkView {
  readonly id: string;
  info: FrameworkInfo;
  framework: Framework;
  /** Removed (torn down, or failed over too late): shown among the completed frameworks. */
  completed: boolean;
}

export interface AgentView {
  readonly id: string;
  agent: Agent;
}

export interface ClusterState {
  agents: Map<string, AgentView>;
  frameworks: Map<string, FrameworkView>;
  /** Tasks by `<framework id>/<task id>`, in the order first seen. */
  tasks: Map<string, TaskView>;
  heartbeatSeconds: number | undefined;
  /** Whether a SUBSCRIBED snapshot has arrived. */
  loaded: boolean;
}

/** How many ended tasks to keep (oldest go first), so a long-lived page does not grow without bound. */
export const MAX_ENDED_TASKS = 2000;

export function emptyCluster(): ClusterState {
  return { agents: new Map(), frameworks: new Map(), tasks: new Map(), heartbeatSeconds: undefined, loaded: false };
}

export function taskKey(frameworkId: string, taskId: string): string {
  return `${frameworkId}/${taskId}`;
}

function latestTimestamp(statuses: readonly TaskStatus[]): number | undefined {
  let latest: number | undefined;
  for (const s of statuses) if (typeof s.timestamp === 'number' && (latest === undefined || s.timestamp > latest)) latest = s.timestamp;
  return latest;
}

function taskView(task: Task, now: number): TaskView | undefined {
  const id = task.task_id?.value;
  const frameworkId = task.framework_id?.value;
  if (id === undefined || frameworkId === undefined) return undefined;
  const statuses = [...(task.statuses ?? [])];
  return {
    key: taskKey(frameworkId, id),
    id,
    frameworkId,
    agentId: task.agent_id?.value ?? '',
    executorId: task.executor_id?.value ?? '',
    name: task.name ?? '',
    state: task.state ?? 'TASK_STAGING',
    statuses,
    resources: task.resources ?? [],
    updated: latestTimestamp(statuses) ?? now,
  };
}

function putFramework(state: ClusterState, framework: Framework, completed: boolean): boolean {
  const id = framework.framework_info?.id?.value;
  if (id === undefined) return false;
  state.frameworks.set(id, { id, info: framework.framework_info ?? {}, framework, completed });
  return true;
}

function putAgent(state: ClusterState, agent: Agent): boolean {
  const id = agent.agent_info?.id?.value;
  if (id === undefined) return false;
  state.agents.set(id, { id, agent });
  return true;
}

function putTask(state: ClusterState, task: Task, now: number): boolean {
  const view = taskView(task, now);
  if (view === undefined) return false;
  state.tasks.set(view.key, view);
  return true;
}

/** Drops the oldest ended tasks beyond {@link MAX_ENDED_TASKS}. */
function trimEnded(state: ClusterState): void {
  let ended = 0;
  for (const t of state.tasks.values()) if (isTerminal(t.state)) ended++;
  if (ended <= MAX_ENDED_TASKS) return;
  for (const [key, t] of state.tasks) {
    if (ended <= MAX_ENDED_TASKS) break;
    if (isTerminal(t.state)) {
      state.tasks.delete(key);
      ended--;
    }
  }
}

/** Replaces everything with a SUBSCRIBED snapshot. */
function load(state: ClusterState, event: NonNullable<MasterEvent['subscribed']>, now: number): void {
  const snapshot = event.get_state ?? {};
  state.agents = new Map();
  state.frameworks = new Map();
  state.tasks = new Map();
  for (const a of snapshot.get_agents?.agents ?? []) putAgent(state, a);
  for (const f of snapshot.get_frameworks?.completed_frameworks ?? []) putFramework(state, f, true);
  for (const f of snapshot.get_frameworks?.frameworks ?? []) putFramework(state, f, false);
  const tasks = snapshot.get_tasks ?? {};
  for (const list of [tasks.completed_tasks, tasks.unreachable_tasks, tasks.pending_tasks, tasks.tasks, tasks.orphan_tasks]) {
    for (const t of list ?? []) putTask(state, t, now);
  }
  trimEnded(state);
  state.heartbeatSeconds = event.heartbeat_interval_seconds;
  state.loaded = true;
}

function updateTask(state: ClusterState, event: NonNullable<MasterEvent['task_updated']>, now: number): boolean {
  const frameworkId = event.framework_id?.value;
  const status = event.status;
  const taskId = status?.task_id?.value;
  if (frameworkId === undefined || taskId === undefined || status === undefined) return false;
  const key = taskKey(frameworkId, taskId);
  const known = state.tasks.get(key);
  // An update for a task the snapshot did not hold (e.g. trimmed): keep what the update tells.
  const view = known ?? taskView({ task_id: { value: taskId }, framework_id: { value: frameworkId }, ...(status.agent_id === undefined ? {} : { agent_id: status.agent_id }) }, now);
  if (view === undefined) return false;
  view.state = event.state ?? status.state ?? view.state;
  view.statuses = [...view.statuses, status];
  view.updated = typeof status.timestamp === 'number' ? status.timestamp : now;
  if (known === undefined) state.tasks.set(key, view);
  if (isTerminal(view.state)) trimEnded(state);
  return true;
}

/**
 * Applies one event; returns whether the state changed. Unknown types (and HEARTBEAT) change nothing.
 * `now` is seconds since the epoch, used for tasks whose statuses carry no timestamp.
 */
export function applyEvent(state: ClusterState, event: MasterEvent, now: number): boolean {
  switch (event.type) {
    case 'SUBSCRIBED':
      load(state, event.subscribed ?? {}, now);
      return true;
    case 'TASK_ADDED':
      if (event.task_added?.task === undefined) return false;
      if (!putTask(state, event.task_added.task, now)) return false;
      trimEnded(state);
      return true;
    case 'TASK_UPDATED':
      return event.task_updated === undefined ? false : updateTask(state, event.task_updated, now);
    case 'AGENT_ADDED':
      return event.agent_added?.agent === undefined ? false : putAgent(state, event.agent_added.agent);
    case 'AGENT_REMOVED': {
      const id = event.agent_removed?.agent_id?.value;
      return id === undefined ? false : state.agents.delete(id);
    }
    case 'FRAMEWORK_ADDED':
      return event.framework_added?.framework === undefined ? false : putFramework(state, event.framework_added.framework, false);
    case 'FRAMEWORK_UPDATED':
      return event.framework_updated?.framework === undefined ? false : putFramework(state, event.framework_updated.framework, false);
    case 'FRAMEWORK_REMOVED': {
      const info = event.framework_removed?.framework_info;
      const id = info?.id?.value;
      if (info === undefined || id === undefined) return false;
      const known = state.frameworks.get(id);
      const framework: Framework = { ...(known?.framework ?? {}), framework_info: info, active: false, connected: false };
      state.frameworks.set(id, { id, info, framework, completed: true });
      return true;
    }
    default:
      return false;
  }
}

/** Whether a task holds resources on its agent now (not ended, not unreachable). */
export function isLive(task: TaskView): boolean {
  return !isTerminal(task.state) && task.state !== 'TASK_UNREACHABLE';
}

/** What the live tasks use, per agent and in total. Tasks are the one source that every event keeps current. */
export function usage(state: ClusterState): { total: Quantities; byAgent: Map<string, Quantities>; byFramework: Map<string, Quantities> } {
  const total = zero();
  const byAgent = new Map<string, Quantities>();
  const byFramework = new Map<string, Quantities>();
  for (const t of state.tasks.values()) {
    if (!isLive(t)) continue;
    const used = sumResources(t.resources);
    addResources(total, t.resources);
    byAgent.set(t.agentId, plus(byAgent.get(t.agentId) ?? zero(), used));
    byFramework.set(t.frameworkId, plus(byFramework.get(t.frameworkId) ?? zero(), used));
  }
  return { total, byAgent, byFramework };
}

/** The cluster's total: every registered agent's resources. */
export function capacity(state: ClusterState): Quantities {
  const total = zero();
  for (const a of state.agents.values()) addResources(total, a.agent.total_resources ?? a.agent.agent_info?.resources);
  return total;
}

/** Task counts by state name. */
export function countByState(tasks: Iterable<TaskView>): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tasks) out.set(t.state, (out.get(t.state) ?? 0) + 1);
  return out;
}

/** `http://<ip>:<port>` of an agent, from its pid `slave(1)@ip:port` (or its hostname and port). */
export function agentUrl(agent: Agent): string | undefined {
  const at = agent.pid?.lastIndexOf('@') ?? -1;
  if (agent.pid !== undefined && at >= 0) return `http://${agent.pid.slice(at + 1)}`;
  const host = agent.agent_info?.hostname;
  return host === undefined ? undefined : `http://${host}:${agent.agent_info?.port ?? 5051}`;
}
