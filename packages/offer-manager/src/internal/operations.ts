/**
 * Operation helpers for ACCEPT: naming, allocation-info injection and the
 * checks Mesos's `Master::accept` runs on every operation before any is
 * applied (`validateAndUpgradeResources` in src/common/resources_utils.cpp,
 * plus two rules of its own).
 */
import { MesosTsError } from '@mesos-ts/errors';
import { Offer_Operation_Type, type ExecutorInfo, type Offer_Operation, type Resource, type TaskInfo } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';

const T = Offer_Operation_Type;

/** The operation's type name as Mesos prints it. */
export function operationName(type: Offer_Operation_Type | undefined): string {
  if (type === undefined) return 'UNKNOWN';
  return (T as unknown as Record<number, string>)[type] ?? `UNKNOWN(${type})`;
}

export function isLaunch(type: Offer_Operation_Type | undefined): boolean {
  return type === T.LAUNCH || type === T.LAUNCH_GROUP;
}

function invalid(message: string): MesosTsError {
  return new MesosTsError('INVALID_ARGUMENT', message);
}

// ------------------------------------------------------------ allocation info

function inject(resources: Resource[] | undefined, role: string): Resource[] | undefined {
  if (resources === undefined) return undefined;
  return resources.map((r) => inject1(r, role)!);
}

function inject1(resource: Resource | undefined, role: string): Resource | undefined {
  if (resource === undefined || resource === null || typeof resource !== 'object') return resource;
  return resource.allocationInfo === undefined ? { ...resource, allocationInfo: { role } } : resource;
}

function injectExecutor(executor: ExecutorInfo | undefined, role: string): ExecutorInfo | undefined {
  return executor === undefined ? undefined : { ...executor, resources: inject(executor.resources, role) };
}

function injectTask(task: TaskInfo, role: string): TaskInfo {
  const out: TaskInfo = { ...task, resources: inject(task.resources, role) };
  if (task.executor !== undefined) out.executor = injectExecutor(task.executor, role);
  return out;
}

/**
 * The operation with `allocation_info { role }` set on every resource that
 * has none, as Mesos's `protobuf::injectAllocationInfo`: schedulers may leave
 * it out, and the offered resources all carry it. Copies only what it
 * changes; the input is not modified.
 */
export function injectAllocationInfo(op: Offer_Operation, role: string): Offer_Operation {
  const out: Offer_Operation = { ...op };
  if (op.launch !== undefined) out.launch = { ...op.launch, taskInfos: op.launch.taskInfos?.map((t) => injectTask(t, role)) };
  if (op.launchGroup !== undefined) {
    const g = op.launchGroup;
    out.launchGroup = { ...g, executor: injectExecutor(g.executor, role) };
    if (g.taskGroup !== undefined) out.launchGroup.taskGroup = { ...g.taskGroup, tasks: g.taskGroup.tasks?.map((t) => injectTask(t, role)) };
  }
  if (op.reserve !== undefined) out.reserve = { source: inject(op.reserve.source, role), resources: inject(op.reserve.resources, role) };
  if (op.unreserve !== undefined) out.unreserve = { resources: inject(op.unreserve.resources, role) };
  if (op.create !== undefined) out.create = { volumes: inject(op.create.volumes, role) };
  if (op.destroy !== undefined) out.destroy = { volumes: inject(op.destroy.volumes, role) };
  if (op.growVolume !== undefined) out.growVolume = { volume: inject1(op.growVolume.volume, role), addition: inject1(op.growVolume.addition, role) };
  if (op.shrinkVolume !== undefined) out.shrinkVolume = { ...op.shrinkVolume, volume: inject1(op.shrinkVolume.volume, role) };
  if (op.createDisk !== undefined) out.createDisk = { ...op.createDisk, source: inject1(op.createDisk.source, role) };
  if (op.destroyDisk !== undefined) out.destroyDisk = { source: inject1(op.destroyDisk.source, role) };
  return stripUndefined(out);
}

/** Drops keys whose value is undefined (so injected copies compare equal to hand-written protos). */
function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

// ------------------------------------------------------------ pre-checks

// Resources parsed by the pre-checks, by the proto (array) they came from, so
// that applying the operation right after does not parse them again.
const parsed = new WeakMap<object, Resources>();

/**
 * The resources of a message that passed {@link precheckOperation}.
 * @throws MesosTsError INTERNAL if they do not parse (a bug: they were checked).
 */
export function readResources(resources: Resource | readonly Resource[] | undefined): Resources {
  if (resources === undefined) return Resources.EMPTY;
  const known = parsed.get(resources);
  if (known !== undefined) return known;
  const r = Resources.fromProto(resources);
  if (!r.ok) throw new MesosTsError('INTERNAL', `resources passed validation but do not parse: ${r.error.message}`, { cause: r.error });
  return r.value;
}

function checkResources(field: string, resources: Resource | readonly Resource[] | undefined, required: boolean): string | undefined {
  if (resources === undefined) return required ? `'${field}' must be set` : undefined;
  const r = Resources.fromProto(resources);
  if (!r.ok) return `'${field}': ${r.error.message}`;
  parsed.set(resources, r.value);
  return undefined;
}

function checkTaskResources(field: string, task: TaskInfo): string | undefined {
  return checkResources(`${field}.resources`, task.resources, false) ?? (task.executor === undefined ? undefined : checkResources(`${field}.executor.resources`, task.executor.resources, false));
}

/**
 * Mesos's `validateAndUpgradeResources`: the operation's own field must be
 * set and every resource in it must be valid. The upgrade of deprecated
 * reservation fields happens when the resources are read.
 */
function resourceProblem(op: Offer_Operation, at: string): string | undefined {
  switch (op.type) {
    case T.RESERVE:
      if (op.reserve === undefined) return 'A RESERVE offer operation must have the Offer.Operation.reserve field set.';
      return checkResources(`${at}.reserve.resources`, op.reserve.resources ?? [], false) ?? checkResources(`${at}.reserve.source`, op.reserve.source ?? [], false);
    case T.UNRESERVE:
      if (op.unreserve === undefined) return 'An UNRESERVE offer operation must have the Offer.Operation.unreserve field set.';
      return checkResources(`${at}.unreserve.resources`, op.unreserve.resources ?? [], false);
    case T.CREATE:
      if (op.create === undefined) return 'A CREATE offer operation must have the Offer.Operation.create field set.';
      return checkResources(`${at}.create.volumes`, op.create.volumes ?? [], false);
    case T.DESTROY:
      if (op.destroy === undefined) return 'A DESTROY offer operation must have the Offer.Operation.destroy field set.';
      return checkResources(`${at}.destroy.volumes`, op.destroy.volumes ?? [], false);
    case T.GROW_VOLUME:
      if (op.growVolume === undefined) return 'A GROW_VOLUME operation must have the Offer.Operation.grow_volume field set';
      return checkResources(`${at}.grow_volume.volume`, op.growVolume.volume, true) ?? checkResources(`${at}.grow_volume.addition`, op.growVolume.addition, true);
    case T.SHRINK_VOLUME:
      if (op.shrinkVolume === undefined) return 'A SHRINK_VOLUME offer operation must have the Offer.Operation.shrink_volume field set';
      return checkResources(`${at}.shrink_volume.volume`, op.shrinkVolume.volume, true);
    case T.LAUNCH: {
      if (op.launch === undefined) return 'A LAUNCH offer operation must have the Offer.Operation.launch field set.';
      const tasks = op.launch.taskInfos ?? [];
      for (let i = 0; i < tasks.length; i++) {
        const problem = checkTaskResources(`${at}.launch.task_infos[${i}]`, tasks[i]!);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case T.LAUNCH_GROUP: {
      const g = op.launchGroup;
      if (g === undefined) return 'A LAUNCH_GROUP offer operation must have the Offer.Operation.launch_group field set.';
      if (g.executor !== undefined) {
        const problem = checkResources(`${at}.launch_group.executor.resources`, g.executor.resources, false);
        if (problem !== undefined) return problem;
      }
      const tasks = g.taskGroup?.tasks ?? [];
      for (let i = 0; i < tasks.length; i++) {
        const problem = checkTaskResources(`${at}.launch_group.task_group.tasks[${i}]`, tasks[i]!);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case T.CREATE_DISK:
      if (op.createDisk === undefined) return 'A CREATE_DISK offer operation must have the Offer.Operation.create_disk field set.';
      return checkResources(`${at}.create_disk.source`, op.createDisk.source, true);
    case T.DESTROY_DISK:
      if (op.destroyDisk === undefined) return 'A DESTROY_DISK offer operation must have the Offer.Operation.destroy_disk field set.';
      return checkResources(`${at}.destroy_disk.source`, op.destroyDisk.source, true);
    default:
      return UNKNOWN;
  }
}

const UNKNOWN = 'Unknown offer operation';

/**
 * The checks `Master::accept` makes on each operation before `_accept`
 * applies any: valid resources, no `reserve.source` (reservation updates are
 * operator-only in Mesos 1.11), and no operation `id` on launches (their
 * feedback comes as task status updates). Rules that need the framework or
 * the agent (operation feedback needs an HTTP framework and a
 * RESOURCE_PROVIDER agent) belong to the master's `checkOperation` hook.
 *
 * @param index the operation's position, named in the message.
 * @returns the error to drop the operation with, message as Mesos words it
 *   (non-launch operations get Mesos's "Operation attempted with invalid
 *   resources: " prefix), or undefined.
 */
export function precheckOperation(op: Offer_Operation, index: number): MesosTsError | undefined {
  const at = `operations[${index}]`;
  const problem = resourceProblem(op, at);
  const launch = isLaunch(op.type);
  if (problem !== undefined) {
    if (problem === UNKNOWN) return invalid(`${at}: ${problem}`);
    return invalid(launch ? problem : `Operation attempted with invalid resources: ${problem}`);
  }
  if (op.type === T.RESERVE && (op.reserve?.source?.length ?? 0) > 0) {
    return invalid(`Operation attempted with invalid resources: '${at}.reserve.source': Reservation updates are not yet implemented for the scheduler API.`);
  }
  if (launch && op.id !== undefined) {
    return invalid(`'${at}.id': The \`id\` field cannot be set on ${operationName(op.type)} operations`);
  }
  return undefined;
}
