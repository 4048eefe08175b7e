import { TaskState, isTerminalState, master, toMesosJson, type Task } from '@mesos-ts/proto';
import type { OperatorClient } from '../operator/client';
import { CommandFailure } from '../operator/failure';
import { agentOrigin, findSandbox, readFileChunk } from '../operator/sandbox';
import { shortResources } from '../output/resources';
import { formatTable } from '../output/table';
import type { CliCommand } from './command';
import { defineAction, defineGroup, jsonOption, masterOption, type MasterFlags } from './shared';

interface TaskListFlags extends MasterFlags {
  readonly all?: boolean;
  readonly framework?: string;
}

interface TaskLogFlags extends MasterFlags {
  readonly follow?: boolean;
  readonly stderr?: boolean;
  readonly framework?: string;
}

/** Columns of `mesos task list`. */
export const TASK_COLUMNS = ['ID', 'NAME', 'STATE', 'FRAMEWORK', 'HOST', 'RESOURCES'] as const;

/** The tasks of GET_TASKS that `mesos task list` shows: active ones, and with `all` completed and unreachable ones. */
export function selectTasks(tasks: master.Response_GetTasks, all: boolean, frameworkId?: string): Task[] {
  const list = [...(tasks.pendingTasks ?? []), ...(tasks.tasks ?? []), ...(all ? [...(tasks.unreachableTasks ?? []), ...(tasks.completedTasks ?? [])] : [])];
  return frameworkId === undefined ? list : list.filter((t) => t.frameworkId?.value === frameworkId);
}

/** The rows of `mesos task list`; `hosts` maps agent IDs to hostnames. */
export function taskRows(tasks: readonly Task[], hosts: ReadonlyMap<string, string>): string[][] {
  return tasks.map((t) => {
    const agentId = t.agentId?.value ?? '';
    return [t.taskId?.value ?? '', t.name ?? '', TaskState[t.state ?? TaskState.TASK_STAGING] ?? String(t.state), t.frameworkId?.value ?? '', hosts.get(agentId) ?? agentId, shortResources(t.resources)];
  });
}

/**
 * The task `id` names: an exact task ID, else the one task whose ID starts with it (like docker's ID prefixes).
 * Several frameworks may use the same task ID; then `frameworkId` must pick one.
 * @throws CommandFailure when none or several match.
 */
export function findTask(tasks: master.Response_GetTasks, id: string, frameworkId?: string): Task {
  const all = selectTasks(tasks, true, frameworkId);
  // The active copy wins over an old completed one with the same ID.
  const exact = all.filter((t) => t.taskId?.value === id);
  const matches = exact.length > 0 ? exact : all.filter((t) => t.taskId?.value?.startsWith(id) === true);
  const frameworks = new Set(matches.map((t) => t.frameworkId?.value));
  const ids = new Set(matches.map((t) => t.taskId?.value));
  if (matches.length === 0) throw new CommandFailure(`no task '${id}'${frameworkId === undefined ? '' : ` of framework ${frameworkId}`} (see 'mesos task list --all')`);
  if (ids.size > 1) throw new CommandFailure(`'${id}' matches ${ids.size} tasks (${[...ids].slice(0, 5).join(', ')}${ids.size > 5 ? ', ...' : ''}); give more of the ID`);
  if (frameworks.size > 1) throw new CommandFailure(`task '${id}' exists in ${frameworks.size} frameworks; pick one with --framework (${[...frameworks].join(', ')})`);
  return matches[0]!;
}

const PAGE = 64 * 1024;
const POLL_MS = 500;
const STATE_CHECK_MS = 2000;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `mesos task list` and `mesos task log`. */
export const taskCommand: CliCommand = {
  name: 'task',
  register(program, context, done) {
    const group = defineGroup(program, 'task', 'Tasks of the cluster and their output');

    const list = group
      .command('list')
      .description('List tasks: ID, name, state, framework, host, resources')
      .option('-a, --all', 'Include completed and unreachable tasks')
      .option('--framework <id>', 'Only the tasks of this framework')
      .addOption(masterOption())
      .addOption(jsonOption());
    defineAction<TaskListFlags>(list, context, done, async ({ client, options, out, json }) => {
      const answer = await client.call({ type: master.Call_Type.GET_STATE });
      const state = answer.response.getState ?? {};
      const tasks = selectTasks(state.getTasks ?? {}, options.all === true, options.framework);
      // The selected tasks, each as the operator API spells a Task.
      if (options.json === true) return json({ tasks: tasks.map((t) => toMesosJson('mesos.v1.Task', t)) });
      const hosts = new Map((state.getAgents?.agents ?? []).map((a) => [a.agentInfo?.id?.value ?? '', a.agentInfo?.hostname ?? '']));
      out(formatTable(TASK_COLUMNS, taskRows(tasks, hosts)));
    });

    const log = group
      .command('log')
      .description("Print a task's stdout (or stderr) from its sandbox on the agent; --follow keeps printing new output")
      .argument('<task>', 'Task ID (or a unique prefix of one)')
      .option('-f, --follow', 'Keep printing new output until the task ends (or Ctrl-C)')
      .option('--stderr', 'Print stderr instead of stdout')
      .option('--framework <id>', 'The framework of the task, when several have one with this ID')
      .addOption(masterOption());
    defineAction<TaskLogFlags>(log, context, done, async ({ client, options, args, out }) => {
      try {
        return await printTaskLog(client, String(args[0]), options, out, context.interrupt);
      } catch (error) {
        // Ctrl-C in the middle of a request is the normal way to stop following.
        if (error instanceof CommandFailure && error.exitCode === 130 && options.follow === true) return 0;
        throw error;
      }
    });
    return group;
  },
};

/** Where a task runs: the task as the master knows it, its agent's HTTP origin and a name for messages. */
interface TaskPlace {
  readonly task: Task;
  readonly origin: string;
  readonly agentName: string;
}

async function locateTask(client: OperatorClient, taskArg: string, frameworkId: string | undefined): Promise<TaskPlace> {
  const state = (await client.call({ type: master.Call_Type.GET_STATE })).response.getState ?? {};
  const task = findTask(state.getTasks ?? {}, taskArg, frameworkId);
  const agentId = task.agentId?.value ?? '';
  const agent = (state.getAgents?.agents ?? []).find((a) => a.agentInfo?.id?.value === agentId);
  if (agent === undefined) throw new CommandFailure(`the agent ${agentId === '' ? '(none)' : agentId} of task '${task.taskId?.value}' is not registered (removed or unreachable): its sandbox cannot be read`);
  return { task, origin: agentOrigin(agent), agentName: agent.agentInfo?.hostname ?? agentId };
}

/**
 * `mesos task log`: finds the task's agent and sandbox, prints its stdout (or stderr) page by page, and with
 * `--follow` keeps polling for new output until the task is terminal (checked every {@link STATE_CHECK_MS}) and
 * everything is read, or until `interrupt`.
 */
async function printTaskLog(client: OperatorClient, taskArg: string, options: TaskLogFlags, out: (text: string) => void, interrupt: AbortSignal | undefined): Promise<number> {
  const file = options.stderr === true ? 'stderr' : 'stdout';
  const follow = options.follow === true;
  // A function, not a field read: the flag flips while we await.
  const interrupted = (): boolean => interrupt?.aborted === true;

  let place = await locateTask(client, taskArg, options.framework);
  let sandbox: string | undefined;
  // A staging task has no sandbox yet: wait for it when following.
  for (;;) {
    sandbox = findSandbox(await client.getJson(place.origin, '/state'), place.task);
    if (sandbox !== undefined) break;
    const ended = isTerminalState(place.task.state);
    if (!follow || ended) throw new CommandFailure(`the agent ${place.agentName} knows no sandbox for task '${place.task.taskId?.value}'${ended ? ' (its executor may have been garbage collected)' : ' yet'}`);
    await sleep(POLL_MS * 2, interrupt);
    if (interrupted()) return 0;
    place = await locateTask(client, taskArg, options.framework);
  }

  const path = `${sandbox}/${file}`;
  const taskId = place.task.taskId?.value;
  let offset = 0;
  let finished = !follow || isTerminalState(place.task.state);
  let lastStateCheck = Date.now();
  for (;;) {
    const chunk = await readFileChunk(client, place.origin, path, offset, PAGE);
    if (chunk === undefined && !follow) throw new CommandFailure(`no ${file} in the sandbox of task '${taskId}' on ${place.agentName} (${path})`);
    if (chunk !== undefined && chunk.data.length > 0) {
      out(chunk.data);
      offset = chunk.offset + Buffer.byteLength(chunk.data, 'utf8');
      continue;
    }
    // Nothing new. A task known to have ended before this read has no more output to come.
    if (finished || interrupted()) return 0;
    await sleep(POLL_MS, interrupt);
    if (interrupted()) return 0;
    if (Date.now() - lastStateCheck >= STATE_CHECK_MS) {
      lastStateCheck = Date.now();
      const tasks = (await client.call({ type: master.Call_Type.GET_TASKS })).response.getTasks ?? {};
      const now = selectTasks(tasks, true, place.task.frameworkId?.value).find((t) => t.taskId?.value === taskId);
      // Gone from the master (its framework torn down and forgotten) counts as ended.
      if (now === undefined || isTerminalState(now.state)) finished = true;
    }
  }
}
