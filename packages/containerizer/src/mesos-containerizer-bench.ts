/**
 * A small latency probe for containerizers: launch-to-running and destroy times over `count` containers, run one
 * after another, as p50/p99 in milliseconds. The agent's `npm run bench:containers` builds on it.
 */
import { performance } from 'node:perf_hooks';
import type { ContainerConfig, Containerizer } from './types';

/** Latency figures in milliseconds. */
export interface LatencyReport {
  readonly count: number;
  readonly launchP50: number;
  readonly launchP99: number;
  readonly destroyP50: number;
  readonly destroyP99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Launches `count` containers made by `makeConfig(i)` one at a time, timing each launch until it resolves (the
 * process runs in its cgroups and namespaces), then destroys each, timing until every process and cgroup is gone.
 * Throws on the first failed launch.
 */
export async function measureLatency(
  containerizer: Containerizer,
  count: number,
  makeConfig: (i: number) => Promise<ContainerConfig> | ContainerConfig,
): Promise<LatencyReport> {
  const launches: number[] = [];
  const destroys: number[] = [];
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const config = await makeConfig(i);
      const start = performance.now();
      const launched = await containerizer.launch(config);
      if (!launched.ok) throw launched.error;
      launches.push(performance.now() - start);
      ids.push(config.containerId);
    }
  } finally {
    for (const id of ids) {
      const start = performance.now();
      await containerizer.destroy(id);
      destroys.push(performance.now() - start);
    }
  }
  launches.sort((a, b) => a - b);
  destroys.sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    count,
    launchP50: round(percentile(launches, 50)),
    launchP99: round(percentile(launches, 99)),
    destroyP50: round(percentile(destroys, 50)),
    destroyP99: round(percentile(destroys, 99)),
  };
}
