/**
 * The master's validation, with Mesos 1.11's rules and messages (src/master/validation.cpp, src/common/roles.cpp,
 * src/common/validation.cpp, `Master::validateFramework`): framework infos, scheduler calls, tasks, task groups,
 * executors and offer operations. Pure: every function returns the error text (undefined when valid); the callers
 * decide whether that is a 400, an ERROR event or a TASK_ERROR.
 */
import {
  ContainerInfo_Type,
  Environment_Variable_Type,
  ExecutorInfo_Type,
  Offer_Operation_Type,
  encodeProtobuf,
  scheduler,
  type Environment,
  type ExecutorInfo,
  type FrameworkInfo,
  type Offer_Operation,
  type Resource,
  type TaskGroupInfo,
  type TaskInfo,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { isUuidBytes } from './status';
import { frameworkCapabilities, frameworkRoles, type AgentCapabilities, type FrameworkCapabilities } from './model';

const NAME_MAX = 255;
const MIN_CPUS = 0.01;
const MIN_MEM_MB = 32;

// ------------------------------------------------------------------------------------------------ ids, roles

/** Mesos's `common::validation::validateID`: framework, task, executor and agent IDs. */
export function idError(id: string): string | undefined {
  if (id === '') return 'ID must not be empty';
  if (Buffer.byteLength(id, 'utf8') > NAME_MAX) return `ID must not be greater than ${NAME_MAX} characters`;
  if (id === '.' || id === '..') return `'${id}' is disallowed`;
  // Control characters and path separators: IDs become directory names on agents.
  if (/[\x00-\x1f\x7f/\\]/.test(id)) return `'${id}' contains invalid characters`;
  return undefined;
}

/** Mesos's `roles::validate`, with its messages. */
export function roleError(role: string): string | undefined {
  if (role === '*') return undefined;
  if (role.startsWith('/')) return `Role '${role}' cannot start with a slash`;
  if (role.endsWith('/')) return `Role '${role}' cannot end with a slash`;
  if (role.includes('//')) return `Role '${role}' cannot contain two adjacent slashes`;
  const components = role.split('/').filter((c) => c !== '');
  if (components.length === 0) return 'Role names cannot be the empty string';
  for (const component of components) {
    if (component === '.') return `Role '${role}' cannot include '.' as a component`;
    if (component === '..') return `Role '${role}' cannot include '..' as a component`;
    if (component === '*') return `Role '${role}' cannot include '*' as a component`;
    if (component.startsWith('-')) return `Role component '${component}' is invalid because it starts with a dash`;
    if (/[\x08\x09-\x0d\x20\x7f]/.test(component)) return `Role component '${component}' is invalid because it contains backspace or whitespace`;
  }
  return undefined;
}

/** stout's `stringify(std::set<string>)`: `{ a, b }`. */
function stringifySet(items: Iterable<string>): string {
  return `{ ${[...items].sort().join(', ')} }`;
}

// ------------------------------------------------------------------------------------------------ frameworks

/** What framework validation needs to know about the master. */
export interface FrameworkValidationContext {
  /** `--roles`, when set: the only roles frameworks may use. */
  readonly roleWhitelist?: readonly string[] | undefined;
  /** Whether a framework with this ID was removed (torn down, or its failover timeout passed). */
  readonly isCompleted: (frameworkId: string) => boolean;
}

function scalarInputError(value: number): string | undefined {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN not supported' : 'Infinite values not supported';
  if (value !== 0 && Math.abs(value) < 2.2250738585072014e-308) return 'Subnormal values not supported';
  if (value < 0) return 'Negative values not supported';
  return undefined;
}

/** `validation::framework::validate`: roles, ID and offer filters. */
function frameworkInfoError(info: FrameworkInfo): string | undefined {
  const multiRole = frameworkCapabilities(info).multiRole;
  if (multiRole) {
    if (info.role !== undefined) return "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable";
  } else if ((info.roles ?? []).length > 0) {
    return "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable";
  }
  if (multiRole) {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const role of info.roles ?? []) (seen.has(role) ? duplicates : seen).add(role);
    if (duplicates.size > 0) return `'FrameworkInfo.roles' contains duplicate items: ${stringifySet(duplicates)}`;
    for (const role of info.roles ?? []) {
      const error = roleError(role);
      if (error !== undefined) return `'FrameworkInfo.roles' contains invalid role: ${error}`;
    }
  } else {
    const error = roleError(info.role ?? '*');
    if (error !== undefined) return `'FrameworkInfo.role' is not a valid role: ${error}`;
  }
  const id = info.id?.value;
  if (id !== undefined && id !== '') {
    const error = idError(id);
    if (error !== undefined) return error;
  }
  for (const filters of Object.values(info.offerFilters ?? {})) {
    for (const quantities of filters.minAllocatableResources?.quantities ?? []) {
      const entries = Object.entries(quantities.quantities ?? {});
      if (entries.length === 0) return 'Resource quantities must contain at least one quantity';
      for (const [name, scalar] of entries) {
        const error = scalarInputError(scalar.value ?? 0);
        if (error !== undefined) return `Invalid resource quantity for '${name}': ${error}`;
      }
    }
  }
  return undefined;
}

/** Whether `failover_timeout` converts to a Duration (stout's `Duration::create`: finite, within int64 nanoseconds). */
export function isValidFailoverTimeout(seconds: number | undefined): boolean {
  if (seconds === undefined) return true;
  return Number.isFinite(seconds) && Math.abs(seconds) * 1e9 < 9.2233720368547758e18;
}

/**
 * `Master::validateFramework`: the FrameworkInfo of a SUBSCRIBE or UPDATE_FRAMEWORK, the master's `--roles`
 * whitelist, the suppressed roles, removed frameworks and the failover timeout.
 */
export function validateFramework(info: FrameworkInfo, suppressedRoles: readonly string[], context: FrameworkValidationContext): string | undefined {
  const error = frameworkInfoError(info);
  if (error !== undefined) return error;
  if (context.roleWhitelist !== undefined) {
    const allowed = new Set(['*', ...context.roleWhitelist]);
    const invalid = [...frameworkRoles(info)].filter((r) => !allowed.has(r));
    if (invalid.length > 0) return `Roles ${stringifySet(invalid)} are not present in the master's --roles`;
  }
  const roles = frameworkRoles(info);
  for (const role of suppressedRoles) {
    if (!roles.has(role)) return `Suppressed role '${role}' is not contained in the list of roles`;
  }
  const id = info.id?.value;
  if (id !== undefined && id !== '' && context.isCompleted(id)) return 'Framework has been removed';
  if (!isValidFailoverTimeout(info.failoverTimeout)) return `The framework failover_timeout (${info.failoverTimeout}) is invalid`;
  return undefined;
}

/** `validation::framework::validateUpdate`: what a resubscription or UPDATE_FRAMEWORK may not change. */
export function validateFrameworkUpdate(oldInfo: FrameworkInfo, newInfo: FrameworkInfo): string | undefined {
  if (oldInfo.principal !== newInfo.principal) return "Changing framework's principal is not allowed.";
  const oldUser = oldInfo.user ?? '';
  const newUser = newInfo.user ?? '';
  if (oldUser !== newUser) return `Updating 'FrameworkInfo.user' is unsupported; attempted to update from '${oldUser}' to '${newUser}'`;
  const oldCheckpoint = oldInfo.checkpoint ?? false;
  const newCheckpoint = newInfo.checkpoint ?? false;
  if (oldCheckpoint !== newCheckpoint) {
    return `Updating 'FrameworkInfo.checkpoint' is unsupported; attempted to update from '${oldCheckpoint}' to '${newCheckpoint}'`;
  }
  return undefined;
}

/** `validation::framework::preserveImmutableFields`: a resubscription keeps the old `user` and `checkpoint`. */
export function preserveImmutableFields(oldInfo: FrameworkInfo, newInfo: FrameworkInfo): FrameworkInfo {
  const out: FrameworkInfo = { ...newInfo };
  if (oldInfo.user !== undefined) out.user = oldInfo.user;
  if (oldInfo.checkpoint !== undefined) out.checkpoint = oldInfo.checkpoint;
  else delete out.checkpoint;
  return out;
}

// ------------------------------------------------------------------------------------------------ scheduler calls

function sameFrameworkId(a: { value?: string | undefined } | undefined, b: { value?: string | undefined } | undefined): boolean {
  // proto2 message equality: an unset FrameworkID equals one whose value is the default ''.
  return (a?.value ?? '') === (b?.value ?? '');
}

/** `validation::scheduler::call::validate`: the call's type and the field its type needs. */
export function validateSchedulerCall(call: scheduler.Call): string | undefined {
  const T = scheduler.Call_Type;
  if (call.type === undefined) return "Expecting 'type' to be present";
  if (call.type === T.SUBSCRIBE) {
    if (call.subscribe === undefined) return "Expecting 'subscribe' to be present";
    if (!sameFrameworkId(call.subscribe.frameworkInfo?.id, call.frameworkId)) return "'framework_id' differs from 'subscribe.framework_info.id'";
    return undefined;
  }
  if (call.frameworkId === undefined) return "Expecting 'framework_id' to be present";
  const need = (present: unknown, field: string): string | undefined => (present === undefined ? `Expecting '${field}' to be present` : undefined);
  switch (call.type) {
    case T.ACCEPT:
      return need(call.accept, 'accept');
    case T.DECLINE:
      return need(call.decline, 'decline');
    case T.ACCEPT_INVERSE_OFFERS:
      return need(call.acceptInverseOffers, 'accept_inverse_offers');
    case T.DECLINE_INVERSE_OFFERS:
      return need(call.declineInverseOffers, 'decline_inverse_offers');
    case T.KILL:
      return need(call.kill, 'kill');
    case T.SHUTDOWN:
      return need(call.shutdown, 'shutdown');
    case T.ACKNOWLEDGE:
      if (call.acknowledge === undefined) return "Expecting 'acknowledge' to be present";
      return isUuidBytes(call.acknowledge.uuid) ? undefined : 'Not a valid UUID';
    case T.ACKNOWLEDGE_OPERATION_STATUS:
      if (call.acknowledgeOperationStatus === undefined) return "Expecting 'acknowledge_operation_status' to be present";
      if (!isUuidBytes(call.acknowledgeOperationStatus.uuid)) return 'Not a valid UUID';
      return call.acknowledgeOperationStatus.agentId === undefined ? "Expecting 'agent_id' to be present" : undefined;
    case T.RECONCILE:
      return need(call.reconcile, 'reconcile');
    case T.RECONCILE_OPERATIONS:
      return need(call.reconcileOperations, 'reconcile_operations');
    case T.MESSAGE:
      return need(call.message, 'message');
    case T.REQUEST:
      return need(call.request, 'request');
    case T.UPDATE_FRAMEWORK:
      if (call.updateFramework === undefined) return "Expecting 'update_framework' to be present";
      if (!sameFrameworkId(call.frameworkId, call.updateFramework.frameworkInfo?.id)) return "'framework_id' differs from 'update_framework.framework_info.id'";
      return undefined;
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ tasks

/** What the task validators need to know about the framework and the agent a launch targets. */
export interface LaunchContext {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly agent: AgentCapabilities;
  readonly framework: FrameworkCapabilities;
  /** 'live' for a task the framework runs (or has not acknowledged the end of); 'unreachable' for one on an unreachable agent. */
  readonly taskIdInUse: (taskId: string) => 'live' | 'unreachable' | undefined;
  /** The ExecutorInfo of a running executor of the framework on the agent. */
  readonly runningExecutor: (executorId: string) => ExecutorInfo | undefined;
}

function resourcesOf(list: readonly Resource[] | undefined): Resources {
  const parsed = Resources.fromProto(list ?? []);
  return parsed.ok ? parsed.value : Resources.EMPTY;
}

function singleRoleError(list: readonly Resource[] | undefined): string | undefined {
  let role: string | undefined;
  for (const r of list ?? []) {
    const own = r.allocationInfo?.role;
    if (own === undefined) return 'The resources are not allocated to a role';
    if (role === undefined) role = own;
    else if (own !== role) return `The resources have multiple allocation roles ('${own}' and '${role}') but only one allocation role is allowed`;
  }
  return undefined;
}

function revocableMixError(resources: Resources): string | undefined {
  for (const name of resources.names()) {
    const named = resources.byName(name);
    const revocable = named.revocable();
    if (!revocable.isEmpty() && !revocable.equals(named)) return `Cannot use both revocable and non-revocable '${name}' at the same time`;
  }
  return undefined;
}

function persistenceIdError(resources: Resources): string | undefined {
  const seen = new Set<string>();
  for (const e of resources.toArray()) {
    const id = e.disk?.persistence?.id;
    if (id === undefined) continue;
    const key = `${e.reservationRole ?? '*'}/${id}`;
    if (seen.has(key)) return `Persistence ID '${id}' is not unique`;
    seen.add(key);
  }
  return undefined;
}

function environmentError(environment: Environment | undefined): string | undefined {
  for (const variable of environment?.variables ?? []) {
    const type = variable.type ?? Environment_Variable_Type.VALUE;
    if (type === Environment_Variable_Type.SECRET) {
      if (variable.secret === undefined) return `Environment variable '${variable.name}' of type 'SECRET' must have a secret set`;
      if (variable.value !== undefined) return `Environment variable '${variable.name}' of type 'SECRET' must not have a value set`;
    } else if (variable.value === undefined) {
      return `Environment variable '${variable.name}' of type 'VALUE' must have a value set`;
    }
  }
  return undefined;
}

function nonNegative(duration: { nanoseconds?: bigint | undefined } | undefined): boolean {
  return duration === undefined || (duration.nanoseconds ?? 0n) >= 0n;
}

/** `validation::executor::validate` plus the framework ID, resources and compatibility checks of `internal::validate`. */
function executorError(executor: ExecutorInfo, context: LaunchContext): string | undefined {
  const type = executor.type;
  if (type === ExecutorInfo_Type.DEFAULT) {
    if (executor.command !== undefined) return "'ExecutorInfo.command' must not be set for 'DEFAULT' executor";
    if (executor.container !== undefined) {
      if (executor.container.type !== ContainerInfo_Type.MESOS) return "'ExecutorInfo.container.type' must be 'MESOS' for 'DEFAULT' executor";
      if (executor.container.mesos?.image !== undefined) return "'ExecutorInfo.container.mesos.image' must not be set for 'DEFAULT' executor";
    }
  } else if (type === ExecutorInfo_Type.CUSTOM && executor.command === undefined) {
    return "'ExecutorInfo.command' must be set for 'CUSTOM' executor";
  }
  const idProblem = idError(executor.executorId?.value ?? '');
  if (idProblem !== undefined) return idProblem;
  if (!nonNegative(executor.shutdownGracePeriod)) return "ExecutorInfo's 'shutdown_grace_period' must be non-negative";
  const env = environmentError(executor.command?.environment);
  if (env !== undefined) return `Executor's \`CommandInfo\` is invalid: ${env}`;
  if (executor.frameworkId === undefined) return "'ExecutorInfo.framework_id' must be set";
  if (executor.frameworkId.value !== context.frameworkId) {
    return `ExecutorInfo has an invalid FrameworkID (Actual: ${executor.frameworkId.value ?? ''} vs Expected: ${context.frameworkId})`;
  }
  const resources = resourcesOf(executor.resources);
  const persistence = persistenceIdError(resources);
  if (persistence !== undefined) return `Executor uses duplicate persistence ID: ${persistence}`;
  const single = singleRoleError(executor.resources);
  if (single !== undefined) return `Invalid executor resources: ${single}`;
  const mix = revocableMixError(resources);
  if (mix !== undefined) return `Executor mixes revocable and non-revocable resources: ${mix}`;
  const running = context.runningExecutor(executor.executorId?.value ?? '');
  if (running !== undefined && !sameMessage(running, executor)) {
    return 'ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID.';
  }
  return undefined;
}

function sameMessage(a: ExecutorInfo, b: ExecutorInfo): boolean {
  return Buffer.from(encodeProtobuf('mesos.v1.ExecutorInfo', a)).equals(Buffer.from(encodeProtobuf('mesos.v1.ExecutorInfo', b)));
}

/** `task::internal::validateTask`: the task's own fields (not its executor). */
function taskFieldsError(task: TaskInfo, context: LaunchContext): string | undefined {
  const taskId = task.taskId?.value ?? '';
  const idProblem = idError(taskId);
  if (idProblem !== undefined) return idProblem;
  const inUse = context.taskIdInUse(taskId);
  if (inUse === 'live') return `Task has duplicate ID: ${taskId}`;
  if (inUse === 'unreachable') return `Task reuses the ID of an unreachable task: ${taskId}`;
  const agentId = task.agentId?.value ?? '';
  if (agentId !== context.agentId) return `Task uses invalid agent ${agentId} while agent ${context.agentId} is expected`;
  if (!nonNegative(task.killPolicy?.gracePeriod)) return "Task's 'kill_policy.grace_period' must be non-negative";
  if (!nonNegative(task.maxCompletionTime)) return "Task's `max_completion_time` must be non-negative";
  if ((task.resources ?? []).length === 0) return 'Task uses no resources';
  const resources = resourcesOf(task.resources);
  const persistence = persistenceIdError(resources);
  if (persistence !== undefined) return `Task uses duplicate persistence ID: ${persistence}`;
  const single = singleRoleError(task.resources);
  if (single !== undefined) return `Invalid task resources: ${single}`;
  const mix = revocableMixError(resources);
  if (mix !== undefined) return `Task mixes revocable and non-revocable resources: ${mix}`;
  const env = environmentError(task.command?.environment);
  if (env !== undefined) return `Task's \`CommandInfo\` is invalid: ${env}`;
  if (task.container?.type === ContainerInfo_Type.DOCKER && task.container.docker === undefined) {
    return "Task's `ContainerInfo` is invalid: DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
  }
  const limits = Object.keys(task.limits ?? {});
  if (limits.length > 0) {
    if (!context.agent.taskResourceLimits) return 'Agent is not capable of handling task resource limits';
    if (limits.some((name) => name !== 'cpus' && name !== 'mem')) return 'Only cpus and mem may be included in a task\'s resource limits';
    const cpuLimit = task.limits?.['cpus']?.value;
    if (cpuLimit !== undefined) {
      const cpus = resources.cpus();
      if (cpus === undefined) return 'When a CPU limit is specified, a CPU request must also be specified';
      if (cpuLimit < cpus) return 'The cpu limit must be greater than or equal to the cpu request';
    }
    const memLimit = task.limits?.['mem']?.value;
    if (memLimit !== undefined) {
      const mem = resources.mem();
      if (mem === undefined) return 'When a memory limit is specified, a memory request must also be specified';
      if (Number.isFinite(memLimit) && memLimit < mem) return 'The memory limit must be greater than or equal to the memory request';
    }
  }
  return undefined;
}

/**
 * `validation::task::validate` for a task of a LAUNCH, without the final "more than available" check, which the
 * offer manager makes (it knows what is left of the offers).
 */
export function validateTask(task: TaskInfo, context: LaunchContext): string | undefined {
  const own = taskFieldsError(task, context);
  if (own !== undefined) return own;
  if ((task.executor !== undefined) === (task.command !== undefined)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  if (task.executor !== undefined) {
    const executor = task.executor;
    const error = executorError(executor, context);
    if (error !== undefined) return error;
    if (executor.type !== undefined && executor.type !== ExecutorInfo_Type.CUSTOM) return "'ExecutorInfo.type' must be 'CUSTOM'";
    if (executor.command === undefined) return "'ExecutorInfo.command' must be set";
    if (!resourcesOf(executor.resources).shared().isEmpty()) {
      return `Executor resources ${resourcesOf(executor.resources).toString()} should not contain any shared resources`;
    }
    if (executor.container?.linuxInfo?.shareCgroups === true) return "The 'share_cgroups' field cannot be set to 'true' on executor containers";
  }
  const total = resourcesOf(task.resources).plus(resourcesOf(task.executor?.resources));
  const persistence = persistenceIdError(total);
  if (persistence !== undefined) return `Task and its executor use duplicate persistence ID: ${persistence}`;
  const mix = revocableMixError(total);
  if (mix !== undefined) return `Task and its executor mix revocable and non-revocable resources: ${mix}`;
  if (task.container?.linuxInfo?.shareCgroups === false) return "Only tasks in a task group may have 'share_cgroups' set to 'false'";
  return undefined;
}

/** `validation::task::group::validate`, without the "more than available" check (the offer manager's). */
export function validateTaskGroup(group: TaskGroupInfo, executor: ExecutorInfo | undefined, context: LaunchContext): string | undefined {
  for (const task of group.tasks ?? []) {
    const error = taskFieldsError(task, context) ?? groupTaskError(task);
    if (error !== undefined) return `Task '${task.taskId?.value ?? ''}' is invalid: ${error}`;
  }
  if (executor === undefined) return "'ExecutorInfo' must be set for a task group";
  const error = executorError(executor, context);
  if (error !== undefined) return error;
  const id = executor.executorId?.value ?? '';
  if (executor.type === undefined) return "'ExecutorInfo.type' must be set";
  if (executor.type === ExecutorInfo_Type.UNKNOWN) return 'Unknown executor type';
  if (executor.container?.type === ContainerInfo_Type.DOCKER) return 'Docker ContainerInfo is not supported on the executor';
  for (const task of group.tasks ?? []) {
    if (task.executor !== undefined && !sameMessage(task.executor, executor)) {
      return `The \`ExecutorInfo\` of task '${task.taskId?.value ?? ''}' is different from executor '${id}'`;
    }
  }
  const resources = resourcesOf(executor.resources);
  const cpus = resources.cpus();
  if (cpus === undefined || cpus < MIN_CPUS) return `Executor '${id}' uses less CPUs (${cpus ?? 'None'}) than the minimum required (${MIN_CPUS})`;
  const mem = resources.mem();
  if (mem === undefined || mem < MIN_MEM_MB) {
    return `Executor '${id}' uses less memory (${mem === undefined ? 'None' : `${mem}MB`}) than the minimum required (${MIN_MEM_MB}MB)`;
  }
  if (resources.disk() === undefined) return `Executor '${id}' uses no disk`;
  let total = resources;
  for (const task of group.tasks ?? []) total = total.plus(resourcesOf(task.resources));
  const persistence = persistenceIdError(total);
  if (persistence !== undefined) return `Task group and executor use duplicate persistence ID: ${persistence}`;
  const mix = revocableMixError(total);
  if (mix !== undefined) return `Task group and executor mix revocable and non-revocable resources: ${mix}`;
  if (executor.container?.linuxInfo?.shareCgroups === true) return "The 'share_cgroups' field cannot be set to 'true' on executor containers";
  return undefined;
}

function groupTaskError(task: TaskInfo): string | undefined {
  if (task.executor === undefined) return "'TaskInfo.executor' must be set";
  if (task.container?.type === ContainerInfo_Type.DOCKER) return 'Docker ContainerInfo is not supported on the task';
  return undefined;
}

// ------------------------------------------------------------------------------------------------ operations

/** What operation validation needs: the framework's roles and capabilities, the agent's, volumes in use. */
export interface OperationContext {
  readonly frameworkRoles: ReadonlySet<string>;
  readonly framework: FrameworkCapabilities;
  readonly agent: AgentCapabilities;
  readonly agentId: string;
  /** Whether a persistent volume is used by a task or executor on the agent. */
  readonly volumeInUse: (volume: Resource) => boolean;
}

/**
 * The master's checks of a non-launch operation (`validation::operation::validate` and `Master::accept`'s feedback
 * rules), the parts that need the framework or the agent. The offer manager checks the resources themselves.
 */
export function validateOperation(op: Offer_Operation, context: OperationContext): string | undefined {
  const T = Offer_Operation_Type;
  if (op.id !== undefined && op.type !== T.LAUNCH && op.type !== T.LAUNCH_GROUP) {
    // Operation feedback needs the agent to report operation outcomes (Mesos's `Master::accept`).
    if (!context.agent.resourceProvider) {
      return `Operation requested feedback, but agent ${context.agentId} does not have the required RESOURCE_PROVIDER capability`;
    }
    if (!context.agent.agentOperationFeedback) {
      return `Operation on agent default resources requested feedback, but agent ${context.agentId} does not have the required AGENT_OPERATION_FEEDBACK and RESOURCE_PROVIDER capabilities`;
    }
  }
  switch (op.type) {
    case T.RESERVE:
      for (const e of resourcesOf(op.reserve?.resources).toArray()) {
        const text = e.toString();
        const reservationRole = e.reservationRole;
        if (!e.isDynamicallyReserved() || reservationRole === undefined) return `Resource ${text} is not dynamically reserved`;
        if (!context.agent.hierarchicalRole && reservationRole.includes('/')) {
          return `Resource ${text} with reservation for hierarchical role '${reservationRole}' cannot be reserved on an agent without HIERARCHICAL_ROLE capability`;
        }
        if (!context.agent.reservationRefinement && e.hasRefinedReservations()) {
          return `Resource ${text} with reservation refinement cannot be reserved on an agent without RESERVATION_REFINEMENT capability`;
        }
        const allocated = e.allocationRole;
        if (allocated === undefined) {
          return `A reserve operation was attempted on unallocated resource ${text}, but frameworks can only perform reservations on allocated resources`;
        }
        if (allocated !== reservationRole) {
          return `A reserve operation was attempted for a resource with role '${reservationRole}', but the resource was allocated to role '${allocated}'`;
        }
        if (!context.frameworkRoles.has(allocated)) {
          return `A reserve operation was attempted for a resource allocated to role '${allocated}', but the framework only has roles '${stringifySet(context.frameworkRoles)}'`;
        }
      }
      return undefined;
    case T.UNRESERVE:
      for (const e of resourcesOf(op.unreserve?.resources).toArray()) {
        if (!e.isDynamicallyReserved()) return `Resource ${e.toString()} is not dynamically reserved`;
        if (e.isPersistentVolume()) {
          return `A dynamically reserved persistent volume ${e.toString()} cannot be unreserved directly. Please destroy the persistent volume first then unreserve the resource`;
        }
      }
      return undefined;
    case T.CREATE:
      for (const v of op.create?.volumes ?? []) {
        if (v.disk === undefined) return `Not a persistent volume: Resource ${describe(v)} does not have DiskInfo`;
        if (v.disk.persistence === undefined) return "Not a persistent volume: 'persistence' is not set in DiskInfo";
        if (v.disk.volume === undefined) return "Not a persistent volume: Expecting 'volume' to be set for persistent volume";
        if (v.shared !== undefined && !context.framework.sharedResources) {
          return `Create volume operation for '${describe(v)}' has been attempted by a framework with no SHARED_RESOURCES capability`;
        }
      }
      return undefined;
    case T.DESTROY:
      for (const v of op.destroy?.volumes ?? []) {
        if (v.disk?.persistence === undefined) return "Not a persistent volume: 'persistence' is not set in DiskInfo";
        if (context.volumeInUse(v)) return 'Persistent volumes in use';
      }
      return undefined;
    case T.GROW_VOLUME:
    case T.SHRINK_VOLUME:
      if (!context.agent.resizeVolume) {
        const verb = op.type === T.GROW_VOLUME ? 'grown' : 'shrunk';
        return `Volume cannot be ${verb} on agent ${context.agentId} without RESIZE_VOLUME capability`;
      }
      return undefined;
    case T.CREATE_DISK:
    case T.DESTROY_DISK:
      return 'Disk operations need a resource provider, which mesos-ts agents do not have';
    default:
      return undefined;
  }
}

function describe(resource: Resource): string {
  const parsed = Resources.fromProto([resource]);
  return parsed.ok ? parsed.value.toString() : (resource.name ?? '?');
}
