/**
 * `GET /master/state` in the JSON shape of Mesos 1.11 (src/master/readonly_handler.cpp `state`,
 * `FullFrameworkWriter`, `SlaveWriter`; src/common/http.cpp `json(Task)`, `json(Resources)`, ...) and the master's
 * `/metrics/snapshot` figures. Pure functions of the master's state.
 */
import { AgentInfo_Capability_Type, ExecutorInfo_Type, FrameworkInfo_Capability_Type, TaskState, Value_Type, toMesosJson, type Attribute, type Labels, type TaskStatus } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import { flagsModel } from './flags';
import { agentExecutors, agentTasks, frameworkUsedByAgent, isTerminalOrUnreachable, usedResources, type Agent, type ExecutorRecord, type Framework, type TaskRecord } from './model';
import { MESOS_VERSION, type VersionInfo } from './version';


type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function formatRanges(ranges: { begin: number; end: number }[]): string {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  const merged: { begin: number; end: number }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return `[${merged.map((r) => `${r.begin}-${r.end}`).join(', ')}]`;
}

/**
 * Mesos's `json(Resources)`: `cpus`, `gpus`, `mem`, `disk` always (0 when absent); every scalar summed by name,
 * ranges as `[a-b, c-d]`, sets as `{a, b}`; revocable resources under `<name>_revocable`.
 */
export function resourcesJson(resources: Resources): JsonObject {
  const out: JsonObject = { cpus: 0, gpus: 0, mem: 0, disk: 0 };
  const scalars = new Map<string, number>();
  const ranges = new Map<string, { begin: number; end: number }[]>();
  const sets = new Map<string, Set<string>>();
  for (const e of resources.toArray()) {
    const name = e.revocable ? `${e.name}_revocable` : e.name;
    if (e.type === Value_Type.SCALAR) scalars.set(name, (scalars.get(name) ?? 0) + (e.scalar ?? 0));
    else if (e.type === Value_Type.RANGES) ranges.set(name, [...(ranges.get(name) ?? []), ...(e.ranges ?? []).map((r) => ({ begin: r.begin, end: r.end }))]);
    else if (e.type === Value_Type.SET) sets.set(name, new Set([...(sets.get(name) ?? []), ...(e.set ?? [])]));
  }
  for (const [name, value] of scalars) out[name] = Math.round(value * 1000) / 1000;
  for (const [name, value] of ranges) out[name] = formatRanges(value);
  for (const [name, value] of sets) out[name] = `{${[...value].sort().join(', ')}}`;
  return out;
}

function attributesJson(attributes: readonly Attribute[] | undefined): JsonObject {
  const out: JsonObject = {};
  for (const a of attributes ?? []) {
    const name = a.name ?? '';
    if (a.type === Value_Type.SCALAR) out[name] = a.scalar?.value ?? 0;
    else if (a.type === Value_Type.RANGES) out[name] = formatRanges((a.ranges?.range ?? []).map((r) => ({ begin: Number(r.begin ?? 0), end: Number(r.end ?? 0) })));
    else if (a.type === Value_Type.SET) out[name] = `{${(a.set?.item ?? []).join(', ')}}`;
    else if (a.type === Value_Type.TEXT) out[name] = a.text?.value ?? '';
  }
  return out;
}

/** A generated message as Mesos's `JSON::Protobuf` writes it (64-bit integers as numbers). */
function protoJson(type: Parameters<typeof toMesosJson>[0], message: unknown): Json {
  return JSON.parse(JSON.stringify(toMesosJson(type, message as never), (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v))) as Json;
}

function labelsJson(labels: Labels): Json {
  return (labels.labels ?? []).map((l) => protoJson('mesos.v1.Label', l));
}

function statusJson(status: TaskStatus): JsonObject {
  const out: JsonObject = { state: TaskState[status.state ?? TaskState.TASK_STAGING] ?? 'TASK_STAGING', timestamp: status.timestamp ?? 0 };
  if (status.labels !== undefined) out['labels'] = labelsJson(status.labels);
  if (status.containerStatus !== undefined) out['container_status'] = protoJson('mesos.v1.ContainerStatus', status.containerStatus);
  if (status.healthy !== undefined) out['healthy'] = status.healthy;
  return out;
}

/** Mesos's `json(Task)`. */
export function taskJson(record: TaskRecord): JsonObject {
  const task = record.task;
  const out: JsonObject = {
    id: record.taskId,
    name: task.name ?? '',
    framework_id: record.frameworkId,
    executor_id: task.executorId?.value ?? '',
    slave_id: record.agentId,
    state: TaskState[task.state ?? TaskState.TASK_STAGING] ?? 'TASK_STAGING',
    resources: resourcesJson(record.resources),
  };
  const limits = Object.entries(task.limits ?? {});
  if (limits.length > 0) out['limits'] = Object.fromEntries(limits.map(([k, v]) => [k, v.value ?? 0]));
  out['role'] = task.resources?.[0]?.allocationInfo?.role ?? '';
  out['statuses'] = (task.statuses ?? []).map(statusJson);
  if (task.user !== undefined) out['user'] = task.user;
  if (task.labels !== undefined) out['labels'] = labelsJson(task.labels);
  if (task.discovery !== undefined) out['discovery'] = protoJson('mesos.v1.DiscoveryInfo', task.discovery);
  if (task.container !== undefined) out['container'] = protoJson('mesos.v1.ContainerInfo', task.container);
  if (task.healthCheck !== undefined) out['health_check'] = protoJson('mesos.v1.HealthCheck', task.healthCheck);
  return out;
}

/** Mesos's `json(ExecutorInfo)` plus `slave_id`. */
export function executorJson(record: ExecutorRecord, agentId: string): JsonObject {
  const e = record.info;
  const command = e.command ?? {};
  const commandJson: JsonObject = {};
  if (command.shell !== undefined) commandJson['shell'] = command.shell;
  if (command.value !== undefined) commandJson['value'] = command.value;
  commandJson['argv'] = [...(command.arguments ?? [])];
  if (command.environment !== undefined) commandJson['environment'] = protoJson('mesos.v1.Environment', command.environment);
  commandJson['uris'] = (command.uris ?? []).map((u) => ({ value: u.value ?? '', executable: u.executable ?? false }));
  const out: JsonObject = {
    executor_id: e.executorId?.value ?? '',
    name: e.name ?? '',
    framework_id: e.frameworkId?.value ?? '',
    command: commandJson,
    resources: resourcesJson(record.resources),
  };
  const role = e.resources?.[0]?.allocationInfo?.role;
  if (role !== undefined) out['role'] = role;
  if (e.labels !== undefined) out['labels'] = labelsJson(e.labels);
  if (e.type !== undefined) out['type'] = ExecutorInfo_Type[e.type] ?? 'UNKNOWN';
  out['slave_id'] = agentId;
  return out;
}

function frameworkUsed(framework: Framework): Resources {
  return Resources.sum(frameworkUsedByAgent(framework).values());
}

/** Mesos's `FullFrameworkWriter` (with the `Summary<Framework>` fields). */
export function frameworkJson(core: MasterCore, framework: Framework): JsonObject {
  const info = framework.info;
  const used = frameworkUsed(framework);
  const offered = core.offers.outstandingResources(framework.id);
  const out: JsonObject = {
    id: framework.id,
    name: info.name ?? '',
    used_resources: resourcesJson(used),
    offered_resources: resourcesJson(offered),
    capabilities: (info.capabilities ?? []).map((c) => FrameworkInfo_Capability_Type[c.type ?? 0] ?? 'UNKNOWN'),
    hostname: info.hostname ?? '',
    webui_url: info.webuiUrl ?? '',
    active: framework.active,
    connected: framework.state === 'connected',
    recovered: framework.state === 'recovered',
    user: info.user ?? '',
    failover_timeout: info.failoverTimeout ?? 0,
    checkpoint: info.checkpoint ?? false,
    registered_time: framework.registeredTime,
    unregistered_time: framework.unregisteredTime ?? 0,
  };
  if (info.principal !== undefined) out['principal'] = info.principal;
  out['resources'] = resourcesJson(used.plus(offered));
  if (framework.reregisteredTime !== framework.registeredTime) out['reregistered_time'] = framework.reregisteredTime;
  if (framework.capabilities.multiRole) out['roles'] = [...(info.roles ?? [])];
  else out['role'] = info.role ?? '*';
  out['tasks'] = [...framework.tasks.values()].map(taskJson);
  out['unreachable_tasks'] = [...framework.unreachableTasks.values()].map(taskJson);
  out['completed_tasks'] = framework.completedTasks.map(taskJson);
  out['offers'] = core.offers.offersOf(framework.id).map((o) => ({
    id: o.id,
    framework_id: o.frameworkId,
    allocation_info: { role: o.role },
    slave_id: o.agentId,
    resources: resourcesJson(o.resources),
  }));
  const executors: Json[] = [];
  for (const [agentId, byId] of framework.executors) for (const record of byId.values()) executors.push(executorJson(record, agentId));
  out['executors'] = executors;
  if (info.labels !== undefined) out['labels'] = labelsJson(info.labels);
  out['offer_constraints'] = framework.offerConstraints === undefined ? {} : protoJson('mesos.v1.scheduler.OfferConstraints', framework.offerConstraints);
  return out;
}

/** What an agent's tasks and executors use. */
export function agentUsed(agent: Agent): Resources {
  const live = [...agentTasks(agent)].filter((t) => !isTerminalOrUnreachable(t.task.state));
  return usedResources(live).plus(usedResources(agentExecutors(agent)));
}

/** Mesos's `SlaveWriter`. */
export function agentJson(core: MasterCore, agent: Agent): JsonObject {
  const out: JsonObject = {
    id: agent.id,
    hostname: agent.info.hostname ?? '',
    port: agent.info.port ?? agent.port,
    attributes: attributesJson(agent.info.attributes),
  };
  if (agent.info.domain !== undefined) out['domain'] = protoJson('mesos.v1.DomainInfo', agent.info.domain);
  out['pid'] = agent.pid;
  out['registered_time'] = agent.registeredTime;
  if (agent.reregisteredTime !== undefined) out['reregistered_time'] = agent.reregisteredTime;
  out['resources'] = resourcesJson(agent.total);
  out['used_resources'] = resourcesJson(agentUsed(agent));
  out['offered_resources'] = resourcesJson(Resources.sum(core.offers.offersOn(agent.id).map((o) => o.resources)));
  const reserved: JsonObject = {};
  for (const [role, r] of agent.total.reservedByRole()) reserved[role] = resourcesJson(r);
  out['reserved_resources'] = reserved;
  out['unreserved_resources'] = resourcesJson(agent.total.unreserved());
  out['active'] = agent.active;
  out['deactivated'] = false;
  out['version'] = agent.version;
  out['capabilities'] = agent.capabilityList.map((c) => AgentInfo_Capability_Type[c.type ?? 0] ?? 'UNKNOWN');
  return out;
}

/** The whole `/master/state` body. */
export function stateJson(core: MasterCore, version: VersionInfo): JsonObject {
  const info = core.info;
  const out: JsonObject = { version: MESOS_VERSION };
  if (version.git_sha !== undefined) out['git_sha'] = version.git_sha;
  out['build_date'] = version.build_date;
  out['build_time'] = version.build_time;
  out['build_user'] = version.build_user;
  out['start_time'] = core.startTime;
  out['elected_time'] = core.startTime;
  out['id'] = core.id;
  out['pid'] = info.pid ?? '';
  out['hostname'] = info.hostname ?? '';
  out['capabilities'] = [];
  const agents = [...core.agents.values()];
  out['activated_slaves'] = agents.filter((a) => a.active).length;
  out['deactivated_slaves'] = agents.filter((a) => !a.active).length;
  out['unreachable_slaves'] = core.unreachable.size;
  out['leader'] = info.pid ?? '';
  out['leader_info'] = { id: core.id, pid: info.pid ?? '', port: info.port ?? 0, hostname: info.hostname ?? '' };
  if (core.flags.log_dir !== undefined) out['log_dir'] = core.flags.log_dir;
  out['flags'] = flagsModel(core.flags);
  out['slaves'] = agents.map((a) => agentJson(core, a));
  out['recovered_slaves'] = [];
  out['frameworks'] = [...core.frameworks.values()].map((f) => frameworkJson(core, f));
  out['completed_frameworks'] = [...core.completedFrameworks.values()].map((f) => frameworkJson(core, f));
  out['orphan_tasks'] = [];
  out['unregistered_frameworks'] = [];
  return out;
}

/** The master's `/metrics/snapshot` figures (`master/...`), gauges computed from the state. */
export function masterMetrics(core: MasterCore): Record<string, number> {
  const out: Record<string, number> = {};
  const frameworks = [...core.frameworks.values()];
  out['master/frameworks_active'] = frameworks.filter((f) => f.active).length;
  out['master/frameworks_inactive'] = frameworks.filter((f) => !f.active).length;
  out['master/frameworks_connected'] = frameworks.filter((f) => f.state === 'connected').length;
  out['master/frameworks_disconnected'] = frameworks.filter((f) => f.state === 'disconnected').length;
  const agents = [...core.agents.values()];
  out['master/slaves_active'] = agents.filter((a) => a.active).length;
  out['master/slaves_inactive'] = agents.filter((a) => !a.active).length;
  out['master/slaves_connected'] = agents.filter((a) => a.connected).length;
  out['master/slaves_disconnected'] = agents.filter((a) => !a.connected).length;
  out['master/slaves_unreachable'] = core.unreachable.size;
  out['master/outstanding_offers'] = core.offers.size;
  const gauges: Partial<Record<TaskState, string>> = {
    [TaskState.TASK_STAGING]: 'staging',
    [TaskState.TASK_STARTING]: 'starting',
    [TaskState.TASK_RUNNING]: 'running',
    [TaskState.TASK_KILLING]: 'killing',
    [TaskState.TASK_UNREACHABLE]: 'unreachable',
  };
  for (const name of Object.values(gauges)) out[`master/tasks_${name}`] = 0;
  for (const f of frameworks) {
    for (const t of f.tasks.values()) {
      const name = t.task.state === undefined ? undefined : gauges[t.task.state];
      if (name !== undefined) out[`master/tasks_${name}`]! += 1;
    }
    out['master/tasks_unreachable']! += f.unreachableTasks.size;
  }
  for (const [name, value] of Object.entries(core.counters)) out[`master/${name}`] = value;
  let total = Resources.EMPTY;
  let used = Resources.EMPTY;
  for (const a of agents) {
    total = total.plus(a.total);
    used = used.plus(agentUsed(a).unallocate());
  }
  for (const name of ['cpus', 'mem', 'disk', 'gpus']) {
    const t = total.get(name) ?? 0;
    const u = used.get(name) ?? 0;
    out[`master/${name}_total`] = t;
    out[`master/${name}_used`] = u;
    out[`master/${name}_percent`] = t === 0 ? 0 : u / t;
  }
  out['master/elected'] = 1;
  return out;
}
