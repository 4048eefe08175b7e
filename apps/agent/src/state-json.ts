/**
 * The agent's `/state` (also `/state.json`) and `/flags` documents, in the shape of Mesos 1.11's
 * (src/slave/http.cpp `state`, `ExecutorWriter`, `FrameworkWriter`; src/common/http.cpp JSON models): field
 * names, nesting and units as Mesos writes them, so tools and the web UI read them unchanged.
 */
import { formatDuration } from '@mesos-ts/flags';
import {
  ExecutorInfo_Type,
  FrameworkInfo_Capability_Type,
  TaskState,
  toMesosJson,
  type Attribute,
  type DrainConfig,
  type Resource,
  type Task,
  type TaskInfo,
  type TaskStatus,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { AgentCore } from './agent-core';
import { agentFlags, type AgentFlags } from './flags';
import type { ExecutorRecord, FrameworkRecord } from './records';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parse(resources: readonly Resource[] | Resources): Resources {
  if (resources instanceof Resources) return resources;
  const parsed = Resources.fromProto([...resources]);
  return parsed.ok ? parsed.value : Resources.empty();
}

function valueOf(r: Resources, name: string): Json | undefined {
  const ranges = r.getRanges(name);
  if (ranges !== undefined) return `[${ranges.map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
  const set = r.getSet(name);
  if (set !== undefined) return `{${set.join(', ')}}`;
  return r.get(name);
}

/**
 * Mesos's resources JSON model: `cpus`, `gpus`, `mem`, `disk` always (0 when absent), every other name as a
 * number (scalars), `[a-b, c-d]` (ranges) or `{a, b}` (sets); revocable ones under `<name>_revocable`.
 */
export function resourcesJson(resources: readonly Resource[] | Resources): Record<string, Json> {
  const r = parse(resources);
  const out: Record<string, Json> = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
  const nonRevocable = r.nonRevocable();
  for (const name of nonRevocable.names()) {
    const value = valueOf(nonRevocable, name);
    if (value !== undefined) out[name] = value;
  }
  const revocable = r.revocable();
  for (const name of revocable.names()) {
    const value = valueOf(revocable, name);
    if (value !== undefined) out[`${name}_revocable`] = value;
  }
  return out;
}

/** Each Resource as its protobuf JSON, in Mesos's ENDPOINT format (the `*_full` fields). */
function resourcesFullJson(resources: Resources): Json[] {
  return resources.toProto({ format: 'endpoint' }).map((r) => toMesosJson('mesos.v1.Resource', r) as Json);
}

/** Role -> resources model, for the reservations of `resources`. */
function byRoleJson(resources: Resources, model: (r: Resources) => Json): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [role, reserved] of resources.reservedByRole()) out[role] = model(reserved);
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

/** The role the first resource is allocated to (tasks and executors never mix roles). */
function roleOf(resources: readonly Resource[] | undefined): string | undefined {
  return resources?.[0]?.allocationInfo?.role;
}

function statusJson(status: TaskStatus): Json {
  const out: Record<string, Json> = { state: TaskState[status.state ?? 0] ?? 'TASK_STAGING', timestamp: status.timestamp ?? 0 };
  if (status.labels !== undefined) out['labels'] = (status.labels.labels ?? []).map((l) => toMesosJson('mesos.v1.Label', l) as Json);
  if (status.containerStatus !== undefined) out['container_status'] = toMesosJson('mesos.v1.ContainerStatus', status.containerStatus) as Json;
  if (status.healthy !== undefined) out['healthy'] = status.healthy;
  return out;
}

/** Mesos's Task JSON model (common/http.cpp `json(Task)`). */
export function taskJson(task: Task): Json {
  const out: Record<string, Json> = {
    id: task.taskId?.value ?? '',
    name: task.name ?? '',
    framework_id: task.frameworkId?.value ?? '',
    executor_id: task.executorId?.value ?? '',
    slave_id: task.agentId?.value ?? '',
    state: TaskState[task.state ?? 0] ?? 'TASK_STAGING',
    resources: resourcesJson(task.resources ?? []),
  };
  if (task.limits !== undefined && Object.keys(task.limits).length > 0) {
    out['limits'] = Object.fromEntries(Object.entries(task.limits).map(([name, v]) => [name, v.value ?? 0]));
  }
  const role = roleOf(task.resources);
  if (role !== undefined) out['role'] = role;
  out['statuses'] = (task.statuses ?? []).map(statusJson);
  if (task.user !== undefined) out['user'] = task.user;
  if (task.labels !== undefined) out['labels'] = (task.labels.labels ?? []).map((l) => toMesosJson('mesos.v1.Label', l) as Json);
  if (task.discovery !== undefined) out['discovery'] = toMesosJson('mesos.v1.DiscoveryInfo', task.discovery) as Json;
  if (task.container !== undefined) out['container'] = toMesosJson('mesos.v1.ContainerInfo', task.container) as Json;
  if (task.healthCheck !== undefined) out['health_check'] = toMesosJson('mesos.v1.HealthCheck', task.healthCheck) as Json;
  return out;
}

/** Mesos's TaskInfo JSON model, for queued tasks (`json(TaskInfo)` in slave/http.cpp). */
function taskInfoJson(task: TaskInfo): Json {
  const out: Record<string, Json> = {
    id: task.taskId?.value ?? '',
    name: task.name ?? '',
    slave_id: task.agentId?.value ?? '',
    resources: resourcesJson(task.resources ?? []),
  };
  const role = roleOf(task.resources);
  if (role !== undefined) out['role'] = role;
  if (task.command !== undefined) out['command'] = toMesosJson('mesos.v1.CommandInfo', task.command) as Json;
  if (task.executor !== undefined) out['executor_id'] = task.executor.executorId?.value ?? '';
  if (task.discovery !== undefined) out['discovery'] = toMesosJson('mesos.v1.DiscoveryInfo', task.discovery) as Json;
  return out;
}

/**
 * What an executor holds (Mesos's `Executor::allocatedResources`): its own resources plus those of its tasks
 * that have not ended (queued or launched).
 */
export function executorAllocated(executor: ExecutorRecord): Resources {
  const parts: Resources[] = [parse(executor.info.resources ?? [])];
  for (const task of executor.queuedTasks.values()) parts.push(parse(task.resources ?? []));
  for (const task of executor.launchedTasks.values()) parts.push(parse(task.resources ?? []));
  return Resources.sum(parts);
}

function executorJson(executor: ExecutorRecord): Json {
  const info = executor.info;
  const out: Record<string, Json> = {
    id: executor.id,
    name: info.name ?? '',
    source: info.source ?? '',
    container: executor.containerId,
    directory: executor.directory,
    resources: resourcesJson(executorAllocated(executor)),
  };
  const role = roleOf(info.resources);
  if (role !== undefined) out['role'] = role;
  if (info.labels !== undefined) out['labels'] = (info.labels.labels ?? []).map((l) => toMesosJson('mesos.v1.Label', l) as Json);
  // Beyond Mesos (which leaves `type` out when unset): the agent's own command executors say `COMMAND`.
  if (info.type !== undefined) out['type'] = ExecutorInfo_Type[info.type] ?? 'UNKNOWN';
  else if (executor.commandExecutor) out['type'] = 'COMMAND';
  out['tasks'] = [...executor.launchedTasks.values()].map(taskJson);
  // Beyond Mesos's TaskInfo model: `state` (always TASK_STAGING), so every task entry carries one.
  out['queued_tasks'] = [...executor.queuedTasks.values()].map((t) => ({ ...(taskInfoJson(t) as Record<string, Json>), state: 'TASK_STAGING' }));
  // Mesos lists terminated (not yet acknowledged) tasks among the completed ones.
  out['completed_tasks'] = [...executor.completedTasks, ...executor.terminatedTasks.values()].map(taskJson);
  return out;
}

function isMultiRole(framework: FrameworkRecord): boolean {
  return (framework.info.capabilities ?? []).some((c) => c.type === FrameworkInfo_Capability_Type.MULTI_ROLE);
}

function frameworkJson(framework: FrameworkRecord): Json {
  const info = framework.info;
  const out: Record<string, Json> = {
    id: framework.id,
    name: info.name ?? '',
    user: info.user ?? '',
    failover_timeout: info.failoverTimeout ?? 0,
    checkpoint: info.checkpoint === true,
    hostname: info.hostname ?? '',
  };
  if (info.principal !== undefined) out['principal'] = info.principal;
  if (isMultiRole(framework)) out['roles'] = [...(info.roles ?? [])];
  else out['role'] = info.role ?? '*';
  out['executors'] = [...framework.executors.values()].map(executorJson);
  out['completed_executors'] = framework.completedExecutors.map(executorJson);
  return out;
}

/** Build facts, as `/version` shows them. */
export interface BuildInfo {
  readonly version: string;
  readonly build_date: string;
  readonly build_time: number;
  readonly build_user: string;
  readonly git_sha?: string;
}

/** What `/state` shows besides the core's frameworks. */
export interface StateContext {
  readonly build: BuildInfo;
  /** Seconds since the epoch. */
  readonly startTime: number;
  readonly hostname: string;
  readonly attributes: readonly Attribute[];
  readonly masterHostname: string | undefined;
  readonly flags: AgentFlags;
  readonly launcherDir: string;
  /** Capability names the agent registered with (e.g. `MULTI_ROLE`). */
  readonly capabilities: readonly string[];
  readonly drainConfig?: DrainConfig | undefined;
}

/** The `/state` document. */
export function agentStateJson(core: AgentCore, context: StateContext): Json {
  const info = core.agentInfo;
  const total = parse(info.resources ?? []);
  const allocated = Resources.sum([...core.frameworks.values()].flatMap((f) => [...f.executors.values()].filter((e) => e.state !== 'TERMINATED').map(executorAllocated)));
  const out: Record<string, Json> = { version: context.build.version };
  if (context.build.git_sha !== undefined) out['git_sha'] = context.build.git_sha;
  Object.assign(out, {
    build_date: context.build.build_date,
    build_time: context.build.build_time,
    build_user: context.build.build_user,
    start_time: context.startTime,
    id: info.id?.value ?? '',
    pid: core.pid,
    hostname: context.hostname,
    capabilities: [...context.capabilities],
  });
  if (info.domain !== undefined) out['domain'] = toMesosJson('mesos.v1.DomainInfo', info.domain) as Json;
  if (context.drainConfig !== undefined) out['drain_config'] = toMesosJson('mesos.v1.DrainConfig', context.drainConfig) as Json;
  Object.assign(out, {
    resources: resourcesJson(total),
    reserved_resources: byRoleJson(total, resourcesJson),
    unreserved_resources: resourcesJson(total.unreserved()),
    reserved_resources_full: byRoleJson(total, resourcesFullJson),
    unreserved_resources_full: resourcesFullJson(total.unreserved()),
    reserved_resources_allocated: byRoleJson(allocated, resourcesJson),
    unreserved_resources_allocated: resourcesJson(allocated.unreserved()),
    resource_providers: [],
    attributes: attributesJson(context.attributes),
  });
  if (context.masterHostname !== undefined) out['master_hostname'] = context.masterHostname;
  out['flags'] = flagsJson(context.flags, context.launcherDir);
  out['frameworks'] = [...core.frameworks.values()].map(frameworkJson);
  out['completed_frameworks'] = core.completedFrameworks.map(frameworkJson);
  return out;
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
