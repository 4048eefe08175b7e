/**
 * The JSON models of the polled endpoints, in the shape of Mesos 1.11 (src/master/readonly_handler.cpp `state`,
 * `FullFrameworkWriter`, `Summary<Framework>`, `SlaveWriter`, `SlavesWriter::writeSlave`; src/common/http.cpp
 * `json(Task)`, `json(Resources)`, `json(MasterInfo)`, ...). Pure functions of the master's state: state-cache.ts
 * keeps their output as text per agent, framework and task and assembles the answers from it; {@link stateJson}
 * builds the whole `/master/state` document from scratch (the reference the cache is tested against).
 */
import { AgentInfo_Capability_Type, DrainState, ExecutorInfo_Type, FrameworkInfo_Capability_Type, TaskState, Value_Type, toMesosJson, type Attribute, type Labels, type TaskStatus } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { MasterCore } from './core';
import { flagsModel } from './flags';
import { agentExecutors, agentTasks, frameworkUsedByAgent, isTerminalOrUnreachable, usedResources, type Agent, type ExecutorRecord, type Framework, type TaskRecord } from './model';
import { MESOS_VERSION, type VersionInfo } from './version';
import type { OutstandingOffer } from '@mesos-ts/offer-manager';


export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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
export function protoJson(type: Parameters<typeof toMesosJson>[0], message: unknown): Json {
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

/** Mesos's `json(Summary<Framework>)`: the fields `/master/state-summary` shows for a framework. */
export function frameworkSummaryJson(framework: Framework, used: Resources, offered: Resources): JsonObject {
  const info = framework.info;
  return {
    id: framework.id,
    name: info.name ?? '',
    // HTTP frameworks have no libprocess pid; Mesos leaves `pid` out for them.
    used_resources: resourcesJson(used),
    offered_resources: resourcesJson(offered),
    capabilities: (info.capabilities ?? []).map((c) => FrameworkInfo_Capability_Type[c.type ?? 0] ?? 'UNKNOWN'),
    hostname: info.hostname ?? '',
    webui_url: info.webuiUrl ?? '',
    active: framework.active,
    connected: framework.state === 'connected',
    recovered: framework.state === 'recovered',
  };
}

/**
 * `FullFrameworkWriter`'s fields before the task lists: the summary, then user ... `role` / `roles`.
 * `used` and `offered` are what its tasks and executors use and what is offered to it.
 */
export function frameworkHeadJson(framework: Framework, used: Resources, offered: Resources): JsonObject {
  const info = framework.info;
  const out = frameworkSummaryJson(framework, used, offered);
  out['user'] = info.user ?? '';
  out['failover_timeout'] = info.failoverTimeout ?? 0;
  out['checkpoint'] = info.checkpoint ?? false;
  out['registered_time'] = framework.registeredTime;
  out['unregistered_time'] = framework.unregisteredTime ?? 0;
  if (info.principal !== undefined) out['principal'] = info.principal;
  out['resources'] = resourcesJson(used.plus(offered));
  if (framework.reregisteredTime !== framework.registeredTime) out['reregistered_time'] = framework.reregisteredTime;
  if (framework.capabilities.multiRole) out['roles'] = [...(info.roles ?? [])];
  else out['role'] = info.role ?? '*';
  return out;
}

/** `FullFrameworkWriter`'s fields after `executors`: `labels` (if any) and `offer_constraints`. */
export function frameworkTailJson(framework: Framework): JsonObject {
  const out: JsonObject = {};
  if (framework.info.labels !== undefined) out['labels'] = labelsJson(framework.info.labels);
  out['offer_constraints'] = framework.offerConstraints === undefined ? {} : protoJson('mesos.v1.scheduler.OfferConstraints', framework.offerConstraints);
  return out;
}

/** Mesos's `json(Offer)`. */
export function offerJson(o: OutstandingOffer): JsonObject {
  return { id: o.id, framework_id: o.frameworkId, allocation_info: { role: o.role }, slave_id: o.agentId, resources: resourcesJson(o.resources) };
}

/** Every executor of a framework, with its agent. */
export function* frameworkExecutors(framework: Framework): Iterable<[string, ExecutorRecord]> {
  for (const [agentId, byId] of framework.executors) for (const record of byId.values()) yield [agentId, record];
}

/** Mesos's `FullFrameworkWriter`, built from scratch. */
export function frameworkJson(core: MasterCore, framework: Framework): JsonObject {
  const used = Resources.sum(frameworkUsedByAgent(framework).values());
  const offered = core.offers.outstandingResources(framework.id);
  const out = frameworkHeadJson(framework, used, offered);
  out['tasks'] = [...framework.tasks.values()].map(taskJson);
  out['unreachable_tasks'] = [...framework.unreachableTasks.values()].map(taskJson);
  out['completed_tasks'] = framework.completedTasks.map(taskJson);
  out['offers'] = core.offers.offersOf(framework.id).map(offerJson);
  out['executors'] = [...frameworkExecutors(framework)].map(([agentId, record]) => executorJson(record, agentId));
  return { ...out, ...frameworkTailJson(framework) };
}

/** What an agent's tasks (not terminal or unreachable) and executors use. */
export function agentUsed(agent: Agent): Resources {
  const live = [...agentTasks(agent)].filter((t) => !isTerminalOrUnreachable(t.task.state));
  return usedResources(live).plus(usedResources(agentExecutors(agent)));
}

/** What is offered on an agent. */
export function agentOffered(core: MasterCore, agent: Agent): Resources {
  return Resources.sum(core.offers.offersOn(agent.id).map((o) => o.resources));
}

/** Mesos's `SlaveWriter` (the agents of `/master/state` and `/master/state-summary`). */
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
  out['offered_resources'] = resourcesJson(agentOffered(core, agent));
  const reserved: JsonObject = {};
  for (const [role, r] of agent.total.reservedByRole()) reserved[role] = resourcesJson(r);
  out['reserved_resources'] = reserved;
  out['unreserved_resources'] = resourcesJson(agent.total.unreserved());
  out['active'] = agent.active;
  out['deactivated'] = agent.deactivated;
  out['version'] = agent.version;
  out['capabilities'] = agent.capabilityList.map((c) => AgentInfo_Capability_Type[c.type ?? 0] ?? 'UNKNOWN');
  if (agent.drain !== undefined) {
    out['drain_info'] = protoJson('mesos.v1.DrainInfo', { state: agent.drain.state ?? DrainState.UNKNOWN, config: agent.drain.config });
  }
  return out;
}

function resourceListJson(resources: Resources): Json[] {
  return resources.toProto({ format: 'endpoint' }).map((r) => protoJson('mesos.v1.Resource', r));
}

/** `SlavesWriter::writeSlave` (the agents of `/master/slaves`): {@link agentJson} plus the `*_full` resources. */
export function agentFullJson(core: MasterCore, agent: Agent): JsonObject {
  const out = agentJson(core, agent);
  const reserved: JsonObject = {};
  for (const [role, r] of agent.total.reservedByRole()) reserved[role] = resourceListJson(r);
  out['reserved_resources_full'] = reserved;
  out['unreserved_resources_full'] = resourceListJson(agent.total.unreserved());
  out['used_resources_full'] = resourceListJson(agentUsed(agent));
  out['offered_resources_full'] = resourceListJson(agentOffered(core, agent));
  return out;
}

/** `/master/state`'s fields before `slaves`: build, master identity, agent counts, leader, flags. */
export function masterHeadJson(core: MasterCore, version: VersionInfo, agentCounts: { active: number; inactive: number }): JsonObject {
  const info = core.info;
  const out: JsonObject = { version: MESOS_VERSION };
  if (version.git_sha !== undefined) out['git_sha'] = version.git_sha;
  if (version.git_tag !== undefined) out['git_tag'] = version.git_tag;
  out['build_date'] = version.build_date;
  out['build_time'] = version.build_time;
  out['build_user'] = version.build_user;
  out['start_time'] = core.startTime;
  // This master is elected as it starts (no ZooKeeper contender yet).
  out['elected_time'] = core.startTime;
  out['id'] = core.id;
  out['pid'] = info.pid ?? '';
  out['hostname'] = info.hostname ?? '';
  out['capabilities'] = [];
  out['activated_slaves'] = agentCounts.active;
  out['deactivated_slaves'] = agentCounts.inactive;
  out['unreachable_slaves'] = core.unreachable.size;
  if (info.domain !== undefined) out['domain'] = protoJson('mesos.v1.DomainInfo', info.domain);
  out['leader'] = info.pid ?? '';
  out['leader_info'] = leaderInfoJson(core);
  if (core.flags.log_dir !== undefined) out['log_dir'] = core.flags.log_dir;
  out['flags'] = flagsModel(core.flags);
  return out;
}

/** Mesos's `json(MasterInfo)` of the leading master (this one): id, pid, port, hostname and domain. */
export function leaderInfoJson(core: MasterCore): JsonObject {
  const info = core.info;
  const out: JsonObject = { id: core.id, pid: info.pid ?? '', port: info.port ?? 0, hostname: info.hostname ?? '' };
  if (info.domain !== undefined) out['domain'] = protoJson('mesos.v1.DomainInfo', info.domain);
  return out;
}

/** Active and inactive agents, walked (the reference; the cache keeps these counts itself). */
export function countAgents(core: MasterCore): { active: number; inactive: number } {
  let active = 0;
  for (const a of core.agents.values()) if (a.active) active++;
  return { active, inactive: core.agents.size - active };
}

/** The whole `/master/state` body, built from scratch by walking everything (the cache's reference). */
export function stateJson(core: MasterCore, version: VersionInfo): JsonObject {
  const out = masterHeadJson(core, version, countAgents(core));
  out['slaves'] = [...core.agents.values()].map((a) => agentJson(core, a));
  out['recovered_slaves'] = [];
  out['frameworks'] = [...core.frameworks.values()].map((f) => frameworkJson(core, f));
  out['completed_frameworks'] = [...core.completedFrameworks.values()].map((f) => frameworkJson(core, f));
  out['orphan_tasks'] = [];
  out['unregistered_frameworks'] = [];
  return out;
}
