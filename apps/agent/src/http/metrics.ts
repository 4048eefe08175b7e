/**
 * The agent's `/metrics/snapshot` and GET_METRICS values, under Mesos's names (src/slave/metrics.cpp) where the
 * agent can measure them, plus libprocess's `system/*` gauges:
 *
 * - `slave/uptime_secs`, `slave/registered`, `slave/frameworks_active`;
 * - `slave/tasks_{staging,starting,running,killing}` (gauges over live executors; queued tasks count as staging)
 *   and `slave/tasks_{finished,failed,killed,lost,gone}` (counters, see {@link TerminalTaskCounter});
 * - `slave/executors_{registering,running,terminating,terminated}`, `slave/container_launch_errors`;
 * - `slave/<cpus|gpus|mem|disk>_{total,used,percent}` and their `_revocable_` forms (used = what live executors
 *   and their unfinished tasks hold);
 * - `system/cpus_total`, `system/load_{1,5,15}min`, `system/mem_{total,free}_bytes`.
 *
 * Left out because the agent does not track them (rather than reporting a made-up 0): `slave/valid_status_updates`,
 * `slave/invalid_status_updates`, `slave/valid_framework_messages`, `slave/invalid_framework_messages`,
 * `slave/executors_preempted`, `slave/recovery_errors`, `slave/recovery_time_secs`,
 * `slave/executor_directory_max_allowed_age_secs`, `containerizer/mesos/*`.
 */
import * as os from 'node:os';
import { TaskState, TaskStatus_Reason, type Task } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { AgentCore } from '../agent-core';
import type { ExecutorRecord } from '../records';
import { executorAllocated } from '../state-json';

const TERMINAL_COUNTERS: ReadonlyMap<TaskState, string> = new Map([
  [TaskState.TASK_FINISHED, 'slave/tasks_finished'],
  [TaskState.TASK_FAILED, 'slave/tasks_failed'],
  [TaskState.TASK_KILLED, 'slave/tasks_killed'],
  [TaskState.TASK_LOST, 'slave/tasks_lost'],
  [TaskState.TASK_GONE, 'slave/tasks_gone'],
]);

/**
 * Counts tasks that reached a terminal state, each once: every snapshot walks the tasks the agent still holds
 * (terminated and completed ones, bounded by the completed-executor history) and counts those it has not seen.
 * Task records are remembered weakly, so the history costs nothing once the agent forgets a task. A task that
 * ends and is forgotten between two snapshots (more than 150 executors of one framework ending in between) is
 * not counted.
 */
export class TerminalTaskCounter {
  readonly #seen = new WeakSet<object>();
  readonly #counts = new Map<string, number>(Array.from(TERMINAL_COUNTERS.values(), (name) => [name, 0]));
  #launchErrors = 0;

  /** Counts what is new in `core` and returns the counters. */
  update(core: AgentCore): ReadonlyMap<string, number> {
    const count = (task: Task): void => {
      if (this.#seen.has(task)) return;
      const name = TERMINAL_COUNTERS.get(task.state ?? TaskState.TASK_STAGING);
      if (name === undefined) return;
      this.#seen.add(task);
      this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    };
    const visit = (executor: ExecutorRecord): void => {
      for (const task of executor.terminatedTasks.values()) count(task);
      for (const task of executor.completedTasks) count(task);
      if (executor.pendingTermination?.reason === TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED && !this.#seen.has(executor)) {
        this.#seen.add(executor);
        this.#launchErrors++;
      }
    };
    for (const framework of [...core.frameworks.values(), ...core.completedFrameworks]) {
      for (const executor of framework.executors.values()) visit(executor);
      for (const executor of framework.completedExecutors) visit(executor);
    }
    return new Map([...this.#counts, ['slave/container_launch_errors', this.#launchErrors]]);
  }
}

/** Inputs of {@link agentMetrics}. */
export interface MetricsInput {
  readonly core: AgentCore;
  readonly counters: TerminalTaskCounter;
  readonly registered: boolean;
  /** Seconds since the agent started. */
  readonly uptimeSecs: number;
}

/** The snapshot: metric name -> value, names sorted. */
export function agentMetrics(input: MetricsInput): Record<string, number> {
  const { core } = input;
  const out: Record<string, number> = {
    'slave/uptime_secs': input.uptimeSecs,
    'slave/registered': input.registered ? 1 : 0,
  };
  const taskGauges: Record<string, number> = { staging: 0, starting: 0, running: 0, killing: 0 };
  const executorGauges: Record<string, number> = { registering: 0, running: 0, terminating: 0, terminated: 0 };
  let frameworksActive = 0;
  const used: Resources[] = [];
  for (const framework of core.frameworks.values()) {
    if (framework.state === 'RUNNING') frameworksActive++;
    for (const executor of framework.executors.values()) {
      executorGauges[executor.state.toLowerCase()]! += 1;
      taskGauges['staging']! += executor.queuedTasks.size;
      for (const task of executor.launchedTasks.values()) {
        const state = task.state ?? TaskState.TASK_STAGING;
        if (state === TaskState.TASK_STAGING) taskGauges['staging']! += 1;
        else if (state === TaskState.TASK_STARTING) taskGauges['starting']! += 1;
        else if (state === TaskState.TASK_RUNNING) taskGauges['running']! += 1;
        else if (state === TaskState.TASK_KILLING) taskGauges['killing']! += 1;
      }
      if (executor.state !== 'TERMINATED') used.push(executorAllocated(executor));
    }
  }
  out['slave/frameworks_active'] = frameworksActive;
  for (const [state, n] of Object.entries(taskGauges)) out[`slave/tasks_${state}`] = n;
  for (const [state, n] of Object.entries(executorGauges)) out[`slave/executors_${state}`] = n;
  for (const [name, n] of input.counters.update(core)) out[name] = n;

  const parsed = Resources.fromProto([...(core.agentInfo.resources ?? [])]);
  const total = parsed.ok ? parsed.value : Resources.empty();
  const allocated = Resources.sum(used);
  for (const [suffix, pick] of [
    ['', (r: Resources) => r.nonRevocable()],
    ['_revocable', (r: Resources) => r.revocable()],
  ] as const) {
    for (const name of ['cpus', 'gpus', 'mem', 'disk']) {
      const t = pick(total).get(name) ?? 0;
      const u = pick(allocated).get(name) ?? 0;
      out[`slave/${name}${suffix}_total`] = t;
      out[`slave/${name}${suffix}_used`] = u;
      out[`slave/${name}${suffix}_percent`] = t === 0 ? 0 : u / t;
    }
  }

  const [load1, load5, load15] = os.loadavg();
  out['system/cpus_total'] = os.cpus().length;
  out['system/load_1min'] = load1 ?? 0;
  out['system/load_5min'] = load5 ?? 0;
  out['system/load_15min'] = load15 ?? 0;
  out['system/mem_total_bytes'] = os.totalmem();
  out['system/mem_free_bytes'] = os.freemem();
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
