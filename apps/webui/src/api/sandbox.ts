/**
 * A task's sandbox on its agent, read as Mesos's UI does: the agent's `/files/browse` and `/files/read` by JSONP
 * (agents are another origin). The sandbox directory comes from the agent's `/state` (the executor's
 * `directory`); when that cannot be read, the agent's virtual path `/frameworks/<fid>/executors/<eid>/runs/latest`.
 */
import { jsonp } from './http';

export interface FileEntry {
  readonly path: string;
  readonly size: number;
  readonly mode: string;
  readonly mtime: number;
}

export interface ReadChunk {
  readonly data: string;
  readonly offset: number;
}

interface AgentExecutorJson {
  readonly id?: string;
  readonly directory?: string;
  readonly tasks?: readonly { readonly id?: string }[];
  readonly queued_tasks?: readonly { readonly id?: string }[];
  readonly completed_tasks?: readonly { readonly id?: string }[];
}
interface AgentFrameworkJson {
  readonly id?: string;
  readonly executors?: readonly AgentExecutorJson[];
  readonly completed_executors?: readonly AgentExecutorJson[];
}
interface AgentStateJson {
  readonly frameworks?: readonly AgentFrameworkJson[];
  readonly completed_frameworks?: readonly AgentFrameworkJson[];
}

/** The executor directory holding `taskId`, from an agent's `/state` (pure, for tests). */
export function findSandbox(state: AgentStateJson, frameworkId: string, taskId: string, executorId: string): string | undefined {
  const frameworks = [...(state.frameworks ?? []), ...(state.completed_frameworks ?? [])].filter((f) => f.id === frameworkId);
  for (const f of frameworks) {
    // The newest run first: a completed executor of the same ID may still be listed.
    for (const e of [...(f.executors ?? []), ...(f.completed_executors ?? [])]) {
      const holds = [...(e.tasks ?? []), ...(e.queued_tasks ?? []), ...(e.completed_tasks ?? [])].some((t) => t.id === taskId);
      if ((holds || (executorId !== '' && e.id === executorId)) && e.directory !== undefined) return e.directory;
    }
  }
  return undefined;
}

/** The agent's virtual path of the latest run of the task's executor (a command task's executor has its ID). */
export function virtualSandbox(frameworkId: string, taskId: string, executorId: string): string {
  return `/frameworks/${frameworkId}/executors/${executorId === '' ? taskId : executorId}/runs/latest`;
}

export async function locateSandbox(agentUrl: string, frameworkId: string, taskId: string, executorId: string): Promise<string> {
  try {
    const state = await jsonp<AgentStateJson>(`${agentUrl}/state`);
    const found = findSandbox(state, frameworkId, taskId, executorId);
    if (found !== undefined) return found;
  } catch {
    // Fall through to the virtual path, which the agent serves without its state.
  }
  return virtualSandbox(frameworkId, taskId, executorId);
}

export function browse(agentUrl: string, path: string): Promise<FileEntry[]> {
  return jsonp<FileEntry[]>(`${agentUrl}/files/browse?path=${encodeURIComponent(path)}`);
}

/** `offset` -1 asks for the file's size only (`data` empty). */
export function read(agentUrl: string, path: string, offset: number, length: number): Promise<ReadChunk> {
  return jsonp<ReadChunk>(`${agentUrl}/files/read?path=${encodeURIComponent(path)}&offset=${offset}&length=${length}`);
}
