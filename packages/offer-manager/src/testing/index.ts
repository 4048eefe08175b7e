/**
 * Harnesses for code built on the offer manager (a master, a simulator) and
 * for its own tests: a fake clock, agent descriptions, offer maps and
 * builders for the operations a scheduler sends. Real values, no mocks.
 */
import { ExecutorInfo_Type, Offer_Operation_Type, Resource_ReservationInfo_Type, type ExecutorInfo, type Offer_Operation, type TaskInfo, type URL } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { AgentDescription, Clock } from '../types';

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** The agent URL Mesos puts in offers: `http://<ip>:<port>/<pid id>`, with the hostname alongside. */
export function agentUrl(hostname: string, ip = '127.0.0.1', port = 5051, pidId = 'slave(1)'): URL {
  return { scheme: 'http', address: { hostname, ip, port }, path: `/${pidId}` };
}

/** An active agent description with a hostname and Mesos's URL shape; override any field. */
export function mockAgent(hostname: string, overrides: Partial<AgentDescription> = {}): AgentDescription {
  return { hostname, url: agentUrl(hostname), attributes: [], ...overrides };
}

/** `Resources.mustParse`, for brevity. */
export function r(text: string, defaultRole?: string): Resources {
  return Resources.mustParse(text, defaultRole);
}

/**
 * An allocator-shaped offer map from `[role, agentId, resources]` triples
 * (resources as text or values; allocated to the role here, as the allocator
 * hands them out).
 */
export function offerMap(entries: ReadonlyArray<readonly [string, string, Resources | string]>): Map<string, Map<string, Resources>> {
  const map = new Map<string, Map<string, Resources>>();
  for (const [role, agentId, res] of entries) {
    const value = (typeof res === 'string' ? r(res) : res).allocate(role);
    let byAgent = map.get(role);
    if (byAgent === undefined) map.set(role, (byAgent = new Map()));
    byAgent.set(agentId, (byAgent.get(agentId) ?? Resources.EMPTY).plus(value));
  }
  return map;
}

function protos(res: Resources | string): ReturnType<Resources['toProto']> {
  return (typeof res === 'string' ? r(res) : res).toProto();
}

/** An ExecutorInfo of type CUSTOM with a command and the given resources. */
export function executor(id: string, resources: Resources | string = 'cpus:0.1;mem:32'): ExecutorInfo {
  return { type: ExecutorInfo_Type.CUSTOM, executorId: { value: id }, command: { value: 'exec' }, resources: protos(resources) };
}

/** A TaskInfo on `agentId` with a command (or the given executor). */
export function task(id: string, resources: Resources | string, options: { agentId?: string; executor?: ExecutorInfo } = {}): TaskInfo {
  const t: TaskInfo = { name: id, taskId: { value: id }, agentId: { value: options.agentId ?? 'agent' }, resources: protos(resources) };
  if (options.executor !== undefined) t.executor = options.executor;
  else t.command = { value: 'true' };
  return t;
}

/** A LAUNCH of the given tasks. */
export function launch(...tasks: TaskInfo[]): Offer_Operation {
  return { type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: tasks } };
}

/** A LAUNCH_GROUP of the given tasks with their executor. */
export function launchGroup(exec: ExecutorInfo, ...tasks: TaskInfo[]): Offer_Operation {
  return { type: Offer_Operation_Type.LAUNCH_GROUP, launchGroup: { executor: exec, taskGroup: { tasks } } };
}

/** RESERVE of resources that carry the (DYNAMIC) reservation to push, e.g. `reserve(dynamicallyReserved('cpus:1', 'eng'))`. */
export function reserve(resources: Resources | string): Offer_Operation {
  return { type: Offer_Operation_Type.RESERVE, reserve: { resources: protos(resources) } };
}

/** UNRESERVE of resources whose last reservation is to be popped. */
export function unreserve(resources: Resources | string): Offer_Operation {
  return { type: Offer_Operation_Type.UNRESERVE, unreserve: { resources: protos(resources) } };
}

/** CREATE of the given persistent volumes. */
export function create(volumes: Resources): Offer_Operation {
  return { type: Offer_Operation_Type.CREATE, create: { volumes: volumes.toProto() } };
}

/** DESTROY of the given persistent volumes. */
export function destroy(volumes: Resources): Offer_Operation {
  return { type: Offer_Operation_Type.DESTROY, destroy: { volumes: volumes.toProto() } };
}

/** `resources` dynamically reserved to `role` (one DYNAMIC reservation pushed). */
export function dynamicallyReserved(resources: Resources | string, role: string, principal?: string): Resources {
  const value = typeof resources === 'string' ? r(resources) : resources;
  return value.pushReservation(principal === undefined ? { type: Resource_ReservationInfo_Type.DYNAMIC, role } : { type: Resource_ReservationInfo_Type.DYNAMIC, role, principal });
}
