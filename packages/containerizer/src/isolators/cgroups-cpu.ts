/**
 * `cgroups/cpu`: CPU shares in proportion to the container's cpus (1024 per cpu, at least 2, as Mesos), a CFS
 * bandwidth quota of `cpus × period` with `--cgroups_enable_cfs`, and CPU time and throttling statistics.
 * v1 uses the cpu and cpuacct controllers (`cpu.shares`, `cpu.cfs_quota_us`, `cpuacct.stat`, `cpu.stat`); v2 the
 * cpu controller (`cpu.weight`, `cpu.max`, `cpu.stat`).
 */
import { join } from 'node:path';
import type { ResourceStatistics } from '@mesos-ts/proto';
import type { CgroupsManager } from '../cgroups/manager';
import { parsePids, readControl, readFlatKeyed, writeControl } from '../cgroups/files';
import { systemConstants } from '../internal/proc';
import { never, type ContainerLimitation, type Isolator, type IsolatorContainer, type LaunchContribution } from './isolator';

/** Shares per cpu and the kernel's minimum (Mesos's CPU_SHARES_PER_CPU, MIN_CPU_SHARES). */
export const CPU_SHARES_PER_CPU = 1024;
export const MIN_CPU_SHARES = 2;
/** The CFS period (the kernel's default, 100 ms) and the smallest quota Mesos sets (1 ms), in microseconds. */
export const CFS_PERIOD_US = 100_000;
export const MIN_CFS_QUOTA_US = 1_000;

/** cpu.shares for `cpus`: 1024 per cpu, truncated, at least 2. */
export function cpuShares(cpus: number): number {
  return Math.max(Math.floor(CPU_SHARES_PER_CPU * cpus), MIN_CPU_SHARES);
}

/** The CFS quota in microseconds for `cpus` over one period, at least 1 ms. */
export function cfsQuotaUs(cpus: number, periodUs = CFS_PERIOD_US): number {
  return Math.max(Math.round(periodUs * cpus), MIN_CFS_QUOTA_US);
}

/**
 * v2's cpu.weight (1..10000, default 100) for v1 shares (2..262144, default 1024): the same linear map the kernel
 * documentation and container runtimes use, so 1024 shares become weight 39 and relative weights are kept.
 */
export function sharesToWeight(shares: number): number {
  const clamped = Math.min(Math.max(shares, 2), 262_144);
  return 1 + Math.floor(((clamped - 2) * 9999) / 262_142);
}

/** Options of {@link CgroupsCpuIsolator}. */
export interface CgroupsCpuOptions {
  /** Mesos's `--cgroups_enable_cfs`: also cap CPU time with a CFS quota. */
  readonly enableCfs?: boolean;
}

export class CgroupsCpuIsolator implements Isolator {
  readonly name = 'cgroups/cpu';
  readonly controllers = ['cpu', 'cpuacct'] as const;
  private readonly enableCfs: boolean;

  constructor(
    private readonly cgroups: CgroupsManager,
    options: CgroupsCpuOptions = {},
  ) {
    this.enableCfs = options.enableCfs ?? false;
  }

  async recover(): Promise<void> {
    // No state of its own: the containerizer removes orphans' cgroups.
  }

  async prepare({ containerId, limits }: IsolatorContainer): Promise<LaunchContribution | undefined> {
    const cpu = this.cgroups.pathOf(containerId, 'cpu');
    if (!cpu) throw new Error("cgroups/cpu needs the 'cpu' controller, which this host does not have");
    if (limits.cpus === undefined) return undefined;
    const shares = cpuShares(limits.cpus);
    if (cpu.version === 1) {
      await writeControl(join(cpu.path, 'cpu.shares'), String(shares));
      if (this.enableCfs) {
        await writeControl(join(cpu.path, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
        await writeControl(join(cpu.path, 'cpu.cfs_quota_us'), String(cfsQuotaUs(limits.cpus)));
      }
    } else {
      await writeControl(join(cpu.path, 'cpu.weight'), String(sharesToWeight(shares)));
      if (this.enableCfs) await writeControl(join(cpu.path, 'cpu.max'), `${cfsQuotaUs(limits.cpus)} ${CFS_PERIOD_US}`);
    }
    return undefined;
  }

  async isolate(): Promise<void> {
    // The process joined its cgroups before it executed.
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(containerId: string): Promise<Partial<ResourceStatistics>> {
    const cpu = this.cgroups.pathOf(containerId, 'cpu');
    const acct = this.cgroups.pathOf(containerId, 'cpuacct');
    if (!cpu || !acct) return {};
    const stats: { -readonly [K in keyof ResourceStatistics]?: ResourceStatistics[K] } = {};
    const cpuStat = await readFlatKeyed(join(cpu.path, 'cpu.stat'));
    const number = (key: string): number | undefined => {
      const value = cpuStat.get(key);
      return value === undefined ? undefined : Number(value);
    };
    stats.processes = parsePids(await readControl(join(acct.path, 'cgroup.procs'))).length;
    if (acct.version === 1) {
      const { clockTicks } = await systemConstants();
      const times = await readFlatKeyed(join(acct.path, 'cpuacct.stat'));
      stats.cpusUserTimeSecs = Number(times.get('user') ?? 0n) / clockTicks;
      stats.cpusSystemTimeSecs = Number(times.get('system') ?? 0n) / clockTicks;
      stats.threads = parsePids(await readControl(join(acct.path, 'tasks'))).length;
    } else {
      stats.cpusUserTimeSecs = (number('user_usec') ?? 0) / 1e6;
      stats.cpusSystemTimeSecs = (number('system_usec') ?? 0) / 1e6;
      stats.threads = parsePids(await readControl(join(acct.path, 'cgroup.threads'))).length;
    }
    const periods = number('nr_periods');
    const throttled = number('nr_throttled');
    // v1 counts throttled time in nanoseconds, v2 in microseconds.
    const throttledSecs = cpu.version === 1 ? (number('throttled_time') ?? 0) / 1e9 : (number('throttled_usec') ?? 0) / 1e6;
    if (periods !== undefined) stats.cpusNrPeriods = periods;
    if (throttled !== undefined) stats.cpusNrThrottled = throttled;
    if (periods !== undefined) stats.cpusThrottledTimeSecs = throttledSecs;
    return stats;
  }

  async cleanup(): Promise<void> {
    // The cgroups go with the container (CgroupsManager.destroy).
  }
}
