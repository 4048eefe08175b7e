/**
 * The agent operator API's answers as `mesos.v1.agent.Response` messages (Mesos's `getFrameworks`,
 * `getExecutors`, `getTasks`, `getState`, `getAgent`, `getFlags`, `getVersion`, `getMetrics`,
 * `getContainers`): built from the core's records, so JSON and protobuf answers come from one value.
 */
import { TaskState, agent, type ExecutorInfo, type Task, type TaskInfo, type VersionInfo } from '@mesos-ts/proto';
import type { AgentCore } from '../agent-core';
import { createTask, type ExecutorRecord, type FrameworkRecord } from '../records';
import type { BuildInfo } from '../state-json';
import type { ContainerEntry } from './containers';

function allFrameworks(core: AgentCore): FrameworkRecord[] {
  return [...core.frameworks.values(), ...core.completedFrameworks];
}

/** The ExecutorInfo as the agent runs it (framework ID always set). */
function executorInfoOf(executor: ExecutorRecord): ExecutorInfo {
  return { ...executor.info, frameworkId: { value: executor.frameworkId } };
}

/** GET_FRAMEWORKS: live and completed frameworks. */
export function getFrameworks(core: AgentCore): agent.Response_GetFrameworks {
  return {
    frameworks: [...core.frameworks.values()].map((f) => ({ frameworkInfo: f.info })),
    completedFrameworks: core.completedFrameworks.map((f) => ({ frameworkInfo: f.info })),
  };
}

/** GET_EXECUTORS: executors of every framework the agent knows, live and completed. */
export function getExecutors(core: AgentCore): agent.Response_GetExecutors {
  const out = { executors: [] as agent.Response_GetExecutors_Executor[], completedExecutors: [] as agent.Response_GetExecutors_Executor[] };
  for (const framework of allFrameworks(core)) {
    for (const executor of framework.executors.values()) out.executors.push({ executorInfo: executorInfoOf(executor) });
    for (const executor of framework.completedExecutors) out.completedExecutors.push({ executorInfo: executorInfoOf(executor) });
  }
  return out;
}

/** GET_TASKS: queued (as TASK_STAGING Tasks), launched, terminated and completed tasks of every executor. */
export function getTasks(core: AgentCore): agent.Response_GetTasks {
  const out = { pendingTasks: [] as Task[], queuedTasks: [] as Task[], launchedTasks: [] as Task[], terminatedTasks: [] as Task[], completedTasks: [] as Task[] };
  const agentId = core.agentInfo.id;
  // Task.agent_id is required on the wire; records made before registration may lack it.
  const stamped = (task: Task): Task => (task.agentId === undefined && agentId !== undefined ? { ...task, agentId } : task);
  const queued = (info: TaskInfo, executor: ExecutorRecord): Task => stamped(createTask(info, TaskState.TASK_STAGING, executor.frameworkId, executor.id));
  for (const framework of allFrameworks(core)) {
    for (const executor of [...framework.executors.values(), ...framework.completedExecutors]) {
      for (const info of executor.queuedTasks.values()) out.queuedTasks.push(queued(info, executor));
      for (const task of executor.launchedTasks.values()) out.launchedTasks.push(stamped(task));
      for (const task of executor.terminatedTasks.values()) out.terminatedTasks.push(stamped(task));
      for (const task of executor.completedTasks) out.completedTasks.push(stamped(task));
    }
  }
  return out;
}

/** GET_STATE: tasks, executors and frameworks together. */
export function getState(core: AgentCore): agent.Response_GetState {
  return { getTasks: getTasks(core), getExecutors: getExecutors(core), getFrameworks: getFrameworks(core) };
}

/** GET_AGENT: the AgentInfo, and the drain in progress if any. */
export function getAgent(core: AgentCore, drainConfig: agent.Response_GetAgent['drainConfig']): agent.Response_GetAgent {
  return { agentInfo: core.agentInfo, ...(drainConfig === undefined ? {} : { drainConfig }) };
}

/** GET_VERSION's VersionInfo. */
export function versionInfo(build: BuildInfo): VersionInfo {
  return {
    version: build.version,
    buildDate: build.build_date,
    buildTime: build.build_time,
    buildUser: build.build_user,
    ...(build.git_sha === undefined ? {} : { gitSha: build.git_sha }),
  };
}

/** GET_CONTAINERS: one entry per container, with status and statistics when known. */
export function getContainers(entries: readonly ContainerEntry[]): agent.Response_GetContainers {
  return {
    containers: entries.map(({ executor, status, statistics }) => ({
      frameworkId: { value: executor.frameworkId },
      executorId: { value: executor.id },
      executorName: executor.info.name ?? '',
      containerId: { value: executor.containerId },
      containerStatus: status,
      ...(statistics === undefined ? {} : { resourceStatistics: statistics }),
    })),
  };
}
