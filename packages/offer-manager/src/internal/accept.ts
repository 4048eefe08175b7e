/**
 * The resource side of a valid ACCEPT, as Mesos's `Master::_accept`
 * (src/master/master.cpp): operations are taken in order against a running
 * "remaining" pool that starts as the offered resources. Speculative
 * operations (RESERVE, UNRESERVE, CREATE, DESTROY) convert part of the pool
 * in place, so later operations can use their results; launches and disk
 * operations take their resources out of it; GROW_VOLUME / SHRINK_VOLUME
 * take theirs out and park the result aside, so nothing later uses it. An
 * operation or task that fails is dropped on its own and the rest go on;
 * what is left at the end is declined.
 */
import { MesosTsError } from '@mesos-ts/errors';
import { Offer_Operation_Type, type Offer_Operation, type Resource, type TaskInfo } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { AcceptOptions, AcceptOutcome, OperationContext, OperationOutcome, OutstandingOffer, TaskOutcome } from '../types';
import { injectAllocationInfo, isLaunch, operationName, precheckOperation, readResources } from './operations';

const T = Offer_Operation_Type;

export interface AcceptInput {
  readonly frameworkId: string;
  readonly agentId: string;
  readonly role: string;
  readonly accepted: readonly OutstandingOffer[];
  readonly operations: readonly Offer_Operation[];
  readonly options: AcceptOptions;
  /**
   * Removes the other outstanding offers on the agent that hold `volume`
   * (DESTROY rescinds them) and returns them.
   */
  readonly rescindHolding: (volume: Resource) => readonly OutstandingOffer[];
}

function invalid(message: string): MesosTsError {
  return new MesosTsError('INVALID_ARGUMENT', message);
}

const read = readResources;

function taskId(task: TaskInfo): string {
  return task.taskId?.value ?? '';
}

function tasksOf(op: Offer_Operation): readonly TaskInfo[] {
  if (op.type === T.LAUNCH) return op.launch?.taskInfos ?? [];
  if (op.type === T.LAUNCH_GROUP) return op.launchGroup?.taskGroup?.tasks ?? [];
  return [];
}

export function processAccept(input: AcceptInput): AcceptOutcome {
  const { frameworkId, agentId, role, accepted, options } = input;
  const offered = Resources.sum(accepted.map((o) => o.resources));

  let remaining = offered;
  // Every offered copy of the shared resources, kept whole across launches so
  // several tasks can use one offered shared volume (only CREATE and DESTROY
  // change it).
  let remainingShared = offered.shared();
  let launched = Resources.EMPTY;
  let pendingOperations = Resources.EMPTY;
  let resized = Resources.EMPTY;
  let additionalShared = Resources.EMPTY;
  const allocatorOperations: Offer_Operation[] = [];
  const rescinded: OutstandingOffer[] = [];
  const outcomes: OperationOutcome[] = [];
  // Executors started by this ACCEPT: later tasks do not pay for them again.
  const newExecutors = new Set<string>();
  const executorRunning = (id: string): boolean => newExecutors.has(id) || (options.isExecutorRunning?.(id) ?? false);

  for (let index = 0; index < input.operations.length; index++) {
    const raw = input.operations[index]!;
    const op = injectAllocationInfo(raw, role);
    const at = `operations[${index}]`;
    const type = op.type ?? T.UNKNOWN;
    const context = (): OperationContext => ({ frameworkId, agentId, role, index, remaining });

    const drop = (error: MesosTsError): void => {
      const tasks: TaskOutcome[] | undefined = isLaunch(type)
        ? tasksOf(op).map((t) => ({ taskId: taskId(t), error, consumed: Resources.EMPTY, launchExecutor: false }))
        : undefined;
      outcomes.push({ index, type, operation: op, error, consumed: Resources.EMPTY, converted: Resources.EMPTY, ...(tasks === undefined ? {} : { tasks }) });
    };
    const applied = (consumed: Resources, converted: Resources, tasks?: TaskOutcome[]): void => {
      outcomes.push({ index, type, operation: op, error: undefined, consumed, converted, ...(tasks === undefined ? {} : { tasks }) });
    };

    const pre = precheckOperation(op, index);
    if (pre !== undefined) {
      drop(pre);
      continue;
    }

    switch (type) {
      case T.RESERVE:
      case T.UNRESERVE:
      case T.CREATE:
      case T.DESTROY: {
        const hook = options.checkOperation?.(op, context());
        if (hook !== undefined) {
          drop(hook);
          break;
        }
        if (type === T.DESTROY) {
          // Mesos rescinds every other offer on the agent holding a volume
          // being destroyed (a shared volume may be offered to several
          // frameworks), before it knows whether the DESTROY applies.
          for (const volume of op.destroy?.volumes ?? []) rescinded.push(...input.rescindHolding(volume));
        }
        const result = remaining.apply(op);
        if (!result.ok) {
          drop(invalid(`'${at}': ${result.error.message}`));
          break;
        }
        const consumed = remaining.minus(result.value);
        const converted = result.value.minus(remaining);
        remaining = result.value;
        if (type === T.CREATE || type === T.DESTROY) remainingShared = remaining.shared();
        allocatorOperations.push(op);
        applied(consumed, converted);
        break;
      }

      case T.GROW_VOLUME:
      case T.SHRINK_VOLUME: {
        const hook = options.checkOperation?.(op, context());
        if (hook !== undefined) {
          drop(hook);
          break;
        }
        const consumed = type === T.GROW_VOLUME ? read(op.growVolume?.volume).plus(read(op.growVolume?.addition)) : read(op.shrinkVolume?.volume);
        const converted = consumed.apply(op);
        if (!converted.ok) {
          drop(invalid(`'${at}': ${converted.error.message}`));
          break;
        }
        if (!remaining.contains(consumed)) {
          drop(invalid(`'${at}': Invalid ${operationName(type)} operation: ${remaining.toString()} does not contain ${consumed.toString()}`));
          break;
        }
        remaining = remaining.minus(consumed);
        resized = resized.plus(converted.value);
        allocatorOperations.push(op);
        applied(consumed, converted.value);
        break;
      }

      case T.CREATE_DISK:
      case T.DESTROY_DISK: {
        const hook = options.checkOperation?.(op, context());
        if (hook !== undefined) {
          drop(hook);
          break;
        }
        const consumed = read(type === T.CREATE_DISK ? op.createDisk?.source : op.destroyDisk?.source);
        if (!remaining.contains(consumed)) {
          drop(invalid(`'${at}': Invalid ${operationName(type)} Operation: ${remaining.toString()} does not contain ${consumed.toString()}`));
          break;
        }
        remaining = remaining.minus(consumed);
        pendingOperations = pendingOperations.plus(consumed);
        applied(consumed, Resources.EMPTY);
        break;
      }

      case T.LAUNCH: {
        const tasks = op.launch?.taskInfos ?? [];
        const results: TaskOutcome[] = [];
        let consumedByOp = Resources.EMPTY;
        for (let taskIndex = 0; taskIndex < tasks.length; taskIndex++) {
          const task = tasks[taskIndex]!;
          const field = `${at}.launch.task_infos[${taskIndex}]`;
          const available = remaining.nonShared().plus(remainingShared);
          const fail = (error: MesosTsError): void => {
            results.push({ taskId: taskId(task), error, consumed: Resources.EMPTY, launchExecutor: false });
          };

          const hook = options.checkTask?.(task, { ...context(), taskIndex, available });
          if (hook !== undefined) {
            fail(hook);
            continue;
          }
          if ((task.resources ?? []).length === 0) {
            fail(invalid(`'${field}.resources': Task uses no resources`));
            continue;
          }
          const executorId = task.executor === undefined ? undefined : (task.executor.executorId?.value ?? '');
          const launchExecutor = executorId === undefined ? true : !executorRunning(executorId);
          let total = read(task.resources);
          if (executorId !== undefined && launchExecutor) total = total.plus(read(task.executor?.resources));
          if (!available.contains(total)) {
            fail(invalid(`'${field}': Total resources ${total.toString()} required by task and its executor is more than available ${available.toString()}`));
            continue;
          }
          if (executorId !== undefined) newExecutors.add(executorId);
          // Tasks may use more copies of a shared resource than the offer
          // holds; the extra copies are added to the allocation.
          additionalShared = additionalShared.plus(total.shared().minus(remaining.shared()));
          remaining = remaining.minus(total);
          launched = launched.plus(total);
          consumedByOp = consumedByOp.plus(total);
          results.push({ taskId: taskId(task), error: undefined, consumed: total, launchExecutor });
        }
        applied(consumedByOp, Resources.EMPTY, results);
        break;
      }

      case T.LAUNCH_GROUP: {
        const group = op.launchGroup!;
        const tasks = group.taskGroup?.tasks ?? [];
        const fail = (error: MesosTsError): void => {
          drop(error);
        };
        const hook = options.checkOperation?.(op, context());
        if (hook !== undefined) {
          fail(hook);
          break;
        }
        // The whole group launches or none of it does.
        const empty = tasks.findIndex((t) => (t.resources ?? []).length === 0);
        if (empty >= 0) {
          fail(invalid(`'${at}.launch_group.task_group.tasks[${empty}].resources': Task '${taskId(tasks[empty]!)}' is invalid: Task uses no resources`));
          break;
        }
        const executorId = group.executor?.executorId?.value ?? '';
        const launchExecutor = !executorRunning(executorId);
        const executorResources = launchExecutor ? read(group.executor?.resources) : Resources.EMPTY;
        const perTask = tasks.map((t) => read(t.resources));
        const total = Resources.sum(perTask).plus(executorResources);
        if (!remaining.contains(total)) {
          fail(invalid(`'${at}.launch_group': Total resources ${total.toString()} required by task group and its executor are more than available ${remaining.toString()}`));
          break;
        }
        newExecutors.add(executorId);
        remaining = remaining.minus(total);
        launched = launched.plus(total);
        // The executor's resources are reported with the first task.
        const results = tasks.map((t, i): TaskOutcome => ({
          taskId: taskId(t),
          error: undefined,
          consumed: i === 0 ? perTask[i]!.plus(executorResources) : perTask[i]!,
          launchExecutor,
        }));
        applied(total, Resources.EMPTY, results);
        break;
      }

      default:
        // precheckOperation refuses unknown types.
        drop(invalid(`'${at}': Unknown offer operation`));
    }
  }

  // What is left is split as Mesos does: the net results of speculative
  // operations go back without a filter (the framework did not decline
  // them), the rest with the ACCEPT's filters. GROW_VOLUME / SHRINK_VOLUME
  // results were parked aside and join the first part.
  const converted = remaining.plus(resized).minus(offered);
  const declined = remaining.minus(converted);

  return {
    frameworkId,
    agentId,
    role,
    accepted,
    offered,
    operations: outcomes,
    allocatorOperations,
    launched,
    pendingOperations,
    additionalShared,
    converted,
    declined,
    rescinded,
  };
}
