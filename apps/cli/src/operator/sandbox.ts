import type { Task, master } from '@mesos-ts/proto';
import type { OperatorClient } from './client';
import { CommandFailure } from './failure';

/**
 * The HTTP origin of an agent from GET_AGENTS: its libprocess pid (`slave(1)@10.0.0.5:5051`) when it has one,
 * since that is the address the agent bound; otherwise `hostname:port` from its AgentInfo.
 */
export function agentOrigin(agent: master.Response_GetAgents_Agent): string {
  const pid = /@(.+):(\d+)$/.exec(agent.pid ?? '');
  if (pid !== null) {
    const host = pid[1]!.includes(':') && !pid[1]!.startsWith('[') ? `[${pid[1]}]` : pid[1]!;
    return `http://${host}:${pid[2]}`;
  }
  return `http://${agent.agentInfo?.hostname ?? 'localhost'}:${agent.agentInfo?.port ?? 5051}`;
}

/** The parts of an agent's `/state` JSON that locate a task's sandbox. */
interface StateTask {
  readonly id?: unknown;
}
interface StateExecutor {
  readonly id?: unknown;
  readonly directory?: unknown;
  readonly type?: unknown;
  readonly tasks?: readonly StateTask[];
  readonly queued_tasks?: readonly StateTask[];
  readonly completed_tasks?: readonly StateTask[];
}
interface StateFramework {
  readonly id?: unknown;
  readonly executors?: readonly StateExecutor[];
  readonly completed_executors?: readonly StateExecutor[];
}

/**
 * Finds the sandbox of `task` in an agent's `/state` (Mesos's shape): the directory of the executor that runs it
 * (a command task's executor has the task's ID), and for a task of a task group (a DEFAULT executor) the task's
 * own sandbox below it, `<executor directory>/tasks/<task id>`, where the default executor writes its stdout.
 *
 * @returns the directory, or `undefined` when the agent does not (yet, or any more) know the task's executor.
 */
export function findSandbox(state: unknown, task: Task): string | undefined {
  const taskId = task.taskId?.value ?? '';
  const frameworkId = task.frameworkId?.value ?? '';
  const executorId = task.executorId?.value !== undefined && task.executorId.value !== '' ? task.executorId.value : taskId;
  const s = (typeof state === 'object' && state !== null ? state : {}) as { frameworks?: readonly StateFramework[]; completed_frameworks?: readonly StateFramework[] };
  const frameworks = [...(s.frameworks ?? []), ...(s.completed_frameworks ?? [])].filter((f) => f.id === frameworkId);
  // Newest run first: a restarted executor (same ID) appears again in `executors` after its completed runs.
  const executors = frameworks.flatMap((f) => [...(f.executors ?? []), ...[...(f.completed_executors ?? [])].reverse()]);
  const hasTask = (e: StateExecutor): boolean => [...(e.tasks ?? []), ...(e.queued_tasks ?? []), ...(e.completed_tasks ?? [])].some((t) => t.id === taskId);
  const executor = executors.find((e) => e.id === executorId && hasTask(e)) ?? executors.find((e) => e.id === executorId) ?? executors.find(hasTask);
  if (executor === undefined || typeof executor.directory !== 'string' || executor.directory === '') return undefined;
  return executor.type === 'DEFAULT' ? `${executor.directory}/tasks/${taskId}` : executor.directory;
}

/** One answer of an agent's `/files/read`. */
export interface FileChunk {
  readonly data: string;
  readonly offset: number;
}

/**
 * Reads up to `length` bytes of `path` from `offset` with the agent's `GET /files/read` (Mesos's files endpoint).
 * @returns the chunk, or `undefined` when the agent answers 404 (no such file, or not one it serves).
 */
export async function readFileChunk(client: OperatorClient, origin: string, path: string, offset: number, length: number): Promise<FileChunk | undefined> {
  let body: unknown;
  try {
    body = await client.getJson(origin, '/files/read', { path, offset: String(offset), length: String(length) });
  } catch (error) {
    if (error instanceof CommandFailure && error.status === 404) return undefined;
    throw error;
  }
  const b = (typeof body === 'object' && body !== null ? body : {}) as { data?: unknown; offset?: unknown };
  if (typeof b.data !== 'string' || typeof b.offset !== 'number') throw new CommandFailure(`the agent at ${origin} answered /files/read without 'data' and 'offset'`);
  return { data: b.data, offset: b.offset };
}
