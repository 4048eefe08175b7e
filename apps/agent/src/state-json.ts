/**
 * The agent's `/state` and `/flags` endpoints, in the shape of Mesos's (src/slave/http.cpp `state`, `flags`;
 * src/common/http.cpp JSON models), kept short for now: identity, resources and attributes, and frameworks with
 * their executors and tasks. The full agent state is a later piece of work.
 */
import { formatDuration } from '@mesos-ts/flags';
import { ExecutorInfo_Type, TaskState, type Attribute, type Resource, type Task, type TaskInfo } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { AgentCore } from './agent-core';
import { agentFlags, type AgentFlags } from './flags';
import type { ExecutorRecord, FrameworkRecord } from './records';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Mesos's resources JSON model: scalars as numbers, ranges as `[a-b, c-d]`, sets as `{a, b}`, by name. */
export function resourcesJson(resources: readonly Resource[]): Record<string, Json> {
  const parsed = Resources.fromProto([...resources]);
  const out: Record<string, Json> = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  if (!parsed.ok) return out;
  const r = parsed.value;
  for (const name of r.names()) {
    const ranges = r.getRanges(name);
    const set = r.getSet(name);
    const scalar = r.get(name);
    if (ranges !== undefined) out[name] = `[${ranges.map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
    else if (set !== undefined) out[name] = `{${set.join(', ')}}`;
    else if (scalar !== undefined) out[name] = scalar;
  }
  return out;
}

/** Mesos's attributes JSON model: name -> value (scalars as numbers, ranges and sets as text). */
export function attributesJson(attributes: readonly Attribute[]): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const a of attributes) {
    if (a.name === undefined) continue;
    if (a.scalar?.value !== undefined) out[a.name] = a.scalar.value;
    else if (a.text?.value !== undefined) out[a.name] = a.text.value;
    else if (a.ranges !== undefined) out[a.name] = `[${(a.ranges.range ?? []).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
    else if (a.set !== undefined) out[a.name] = `{${(a.set.item ?? []).join(',')}}`;
  }
  return out;
}

function taskJson(task: Task): Json {
  return {
    id: task.taskId?.value ?? '',
    name: task.name ?? '',
    framework_id: task.frameworkId?.value ?? '',
    executor_id: task.executorId?.value ?? '',
    slave_id: task.agentId?.value ?? '',
    state: TaskState[task.state ?? 0] ?? 'TASK_STAGING',
    resources: resourcesJson(task.resources ?? []),
    statuses: (task.statuses ?? []).map((s) => ({ state: TaskState[s.state ?? 0] ?? '', timestamp: s.timestamp ?? 0 })),
    ...(task.user === undefined ? {} : { user: task.user }),
  };
}

function queuedTaskJson(task: TaskInfo, frameworkId: string, executorId: string): Json {
  return {
    id: task.taskId?.value ?? '',
    name: task.name ?? '',
    framework_id: frameworkId,
    executor_id: executorId,
    slave_id: task.agentId?.value ?? '',
    state: 'TASK_STAGING',
    resources: resourcesJson(task.resources ?? []),
  };
}

function executorJson(executor: ExecutorRecord): Json {
  return {
    id: executor.id,
    name: executor.info.name ?? '',
    source: executor.info.source ?? '',
    container: executor.containerId,
    directory: executor.directory,
    type: executor.commandExecutor ? 'COMMAND' : executor.info.type === ExecutorInfo_Type.DEFAULT ? 'DEFAULT' : 'CUSTOM',
    state: executor.state,
    resources: resourcesJson(executor.resources),
    tasks: [...executor.launchedTasks.values(), ...executor.terminatedTasks.values()].map(taskJson),
    queued_tasks: [...executor.queuedTasks.values()].map((t) => queuedTaskJson(t, executor.frameworkId, executor.id)),
    completed_tasks: executor.completedTasks.map(taskJson),
  };
}

function frameworkJson(framework: FrameworkRecord): Json {
  const info = framework.info;
  return {
    id: framework.id,
    name: info.name ?? '',
    user: info.user ?? '',
    role: info.role ?? '*',
    roles: info.roles ?? [],
    checkpoint: info.checkpoint === true,
    hostname: info.hostname ?? '',
    failover_timeout: info.failoverTimeout ?? 0,
    executors: [...framework.executors.values()].map(executorJson),
    completed_executors: framework.completedExecutors.map(executorJson),
  };
}

/** What `/state` shows besides the core's frameworks. */
export interface StateContext {
  readonly version: string;
  readonly startTime: number;
  readonly hostname: string;
  readonly attributes: readonly Attribute[];
  readonly masterHostname: string | undefined;
  readonly flags: AgentFlags;
  readonly launcherDir: string;
}

/** The `/state` document. */
export function agentStateJson(core: AgentCore, context: StateContext): Json {
  const info = core.agentInfo;
  return {
    version: context.version,
    start_time: context.startTime,
    id: info.id?.value ?? '',
    pid: core.pid,
    hostname: context.hostname,
    resources: resourcesJson(info.resources ?? []),
    attributes: attributesJson(context.attributes),
    ...(context.masterHostname === undefined ? {} : { master_hostname: context.masterHostname }),
    flags: flagsJson(context.flags, context.launcherDir),
    frameworks: [...core.frameworks.values()].map(frameworkJson),
    completed_frameworks: core.completedFrameworks.map(frameworkJson),
  };
}

/** `/flags`'s values: every set flag as Mesos prints it (durations as `5secs`, booleans as `true`). */
export function flagsJson(flags: AgentFlags, launcherDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const spec = agentFlags as Record<string, { readonly type: string }>;
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    out[name] = spec[name]?.type === 'duration' && typeof value === 'number' ? formatDuration(value) : String(value);
  }
  out['launcher_dir'] ??= launcherDir;
  return out;
}
