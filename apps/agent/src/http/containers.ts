/**
 * The agent's containers as `/containers`, `/monitor/statistics` and GET_CONTAINERS show them (Mesos's
 * `Http::__containers` and `_statistics`): one entry per executor that has not terminated, with its container's
 * status (ID and executor pid) and resource usage from the containerizer. Usage that cannot be had (the
 * container is starting or has just ended) leaves `statistics` out of the entry, as Mesos does.
 */
import { toMesosJson, type ContainerStatus, type ResourceStatistics } from '@mesos-ts/proto';
import type { Containerizer } from '@mesos-ts/containerizer';
import type { AgentCore } from '../agent-core';
import type { ExecutorRecord } from '../records';
import type { Json } from '../state-json';

/** One executor's container. */
export interface ContainerEntry {
  readonly executor: ExecutorRecord;
  readonly status: ContainerStatus;
  readonly statistics: ResourceStatistics | undefined;
}

/** Entries for every executor of a live framework that has not terminated, usage read in parallel. */
export async function containerEntries(core: AgentCore, containerizer: Containerizer, containerId?: string): Promise<ContainerEntry[]> {
  const executors: ExecutorRecord[] = [];
  for (const framework of core.frameworks.values()) {
    for (const executor of framework.executors.values()) {
      if (executor.state === 'TERMINATED') continue;
      if (containerId !== undefined && executor.containerId !== containerId) continue;
      executors.push(executor);
    }
  }
  return Promise.all(
    executors.map(async (executor) => {
      const usage = await containerizer.usage(executor.containerId).catch(() => undefined);
      const status: ContainerStatus = { containerId: { value: executor.containerId } };
      if (executor.pid !== undefined) status.executorPid = executor.pid;
      return { executor, status, statistics: usage?.ok ? usage.value : undefined };
    }),
  );
}

function identity(executor: ExecutorRecord): Record<string, Json> {
  return {
    framework_id: executor.frameworkId,
    executor_id: executor.id,
    executor_name: executor.info.name ?? '',
    source: executor.info.source ?? '',
  };
}

/** `/containers`: every entry, with `status`, and `statistics` when known. */
export function containersJson(entries: readonly ContainerEntry[]): Json[] {
  return entries.map(({ executor, status, statistics }) => ({
    ...identity(executor),
    container_id: executor.containerId,
    status: toMesosJson('mesos.v1.ContainerStatus', status) as Json,
    ...(statistics === undefined ? {} : { statistics: toMesosJson('mesos.v1.ResourceStatistics', statistics) as Json }),
  }));
}

/** `/monitor/statistics`: the entries whose usage is known. */
export function statisticsJson(entries: readonly ContainerEntry[]): Json[] {
  return entries
    .filter((e) => e.statistics !== undefined)
    .map(({ executor, statistics }) => ({ ...identity(executor), statistics: toMesosJson('mesos.v1.ResourceStatistics', statistics!) as Json }));
}
