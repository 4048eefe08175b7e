/**
 * `cgroups/mem`: a hard memory limit of the container's `mem` (at least 32 MB, as Mesos), a soft limit of the same
 * on v1, memory statistics, and OOM detection. When the kernel's OOM killer kills a process of the container, the
 * `oom_kill` counter rises (v1: in `memory.oom_control`; v2: in `memory.events`), and the watch resolves with a
 * REASON_CONTAINER_LIMITATION_MEMORY limitation. Mesos listens with an eventfd; Node cannot, so the counters are
 * polled (every `pollMs`, and once more when the container's first process exits, through `check`).
 */
import { join } from 'node:path';
import { TaskStatus_Reason, type ResourceStatistics } from '@mesos-ts/proto';
import type { CgroupsManager } from '../cgroups/manager';
import { formatBytes, readControl, readFlatKeyed, readNumber, writeControl } from '../cgroups/files';
import type { ContainerLimitation, Isolator, IsolatorContainer, LaunchContribution } from './isolator';

/** The smallest hard limit set (Mesos's MIN_MEMORY). */
export const MIN_MEMORY_BYTES = 32n * 1024n * 1024n;
const MB = 1024 * 1024;

/** Options of {@link CgroupsMemIsolator}. */
export interface CgroupsMemOptions {
  /** How often the OOM counters are read (default 250 ms). */
  readonly pollMs?: number;
}

interface Watched {
  readonly path: string;
  readonly version: 1 | 2;
  readonly requested?: bigint;
  /** The oom_kill counter when the container was prepared. */
  readonly baseline: bigint;
  limitation?: ContainerLimitation;
  readonly promise: Promise<ContainerLimitation>;
  readonly resolve: (limitation: ContainerLimitation) => void;
}

export class CgroupsMemIsolator implements Isolator {
  readonly name = 'cgroups/mem';
  readonly controllers = ['memory'] as const;
  private readonly pollMs: number;
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly cgroups: CgroupsManager,
    options: CgroupsMemOptions = {},
  ) {
    this.pollMs = Math.max(10, options.pollMs ?? 250);
  }

  async recover(known: readonly string[]): Promise<void> {
    for (const id of this.watched.keys()) if (!known.includes(id)) this.forget(id);
  }

  async prepare({ containerId, limits }: IsolatorContainer): Promise<LaunchContribution | undefined> {
    const memory = this.cgroups.pathOf(containerId, 'memory');
    if (!memory) throw new Error("cgroups/mem needs the 'memory' controller, which this host does not have");
    const requested = limits.memBytes;
    if (requested !== undefined) {
      const hard = requested > MIN_MEMORY_BYTES ? requested : MIN_MEMORY_BYTES;
      if (memory.version === 1) {
        await writeControl(join(memory.path, 'memory.soft_limit_in_bytes'), String(requested));
        await writeControl(join(memory.path, 'memory.limit_in_bytes'), String(hard));
      } else {
        await writeControl(join(memory.path, 'memory.max'), String(hard));
      }
    }
    let resolve!: (limitation: ContainerLimitation) => void;
    const promise = new Promise<ContainerLimitation>((r) => {
      resolve = r;
    });
    const baseline = await this.oomKills(memory.path, memory.version);
    this.watched.set(containerId, {
      path: memory.path,
      version: memory.version,
      ...(requested !== undefined ? { requested } : {}),
      baseline,
      promise,
      resolve,
    });
    this.timer ??= setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref?.();
    return undefined;
  }

  async isolate(): Promise<void> {
    // The process joined its cgroups before it executed.
  }

  watch(containerId: string): Promise<ContainerLimitation> {
    const watched = this.watched.get(containerId);
    return watched ? watched.promise : new Promise(() => undefined);
  }

  async check(containerId: string): Promise<ContainerLimitation | undefined> {
    const watched = this.watched.get(containerId);
    if (!watched) return undefined;
    if (!watched.limitation) await this.inspect(containerId, watched);
    return watched.limitation;
  }

  async usage(containerId: string): Promise<Partial<ResourceStatistics>> {
    const memory = this.cgroups.pathOf(containerId, 'memory');
    if (!memory) return {};
    const stats: Partial<ResourceStatistics> = {};
    const stat = await readFlatKeyed(join(memory.path, 'memory.stat'));
    if (memory.version === 1) {
      stats.memTotalBytes = (await readNumber(join(memory.path, 'memory.usage_in_bytes'))) ?? 0n;
      const limit = await readNumber(join(memory.path, 'memory.limit_in_bytes'));
      // v1 reports "no limit" as a huge page-aligned number; only a real limit is reported.
      if (limit !== undefined && limit < 1n << 62n) stats.memLimitBytes = limit;
      const soft = await readNumber(join(memory.path, 'memory.soft_limit_in_bytes'));
      if (soft !== undefined && soft < 1n << 62n) stats.memSoftLimitBytes = soft;
      const rss = stat.get('total_rss');
      const cache = stat.get('total_cache');
      if (rss !== undefined) stats.memRssBytes = stats.memAnonBytes = rss;
      if (cache !== undefined) stats.memCacheBytes = stats.memFileBytes = cache;
      const mapped = stat.get('total_mapped_file');
      if (mapped !== undefined) stats.memMappedFileBytes = mapped;
      const swap = stat.get('total_swap');
      if (swap !== undefined) stats.memSwapBytes = swap;
      const unevictable = stat.get('total_unevictable');
      if (unevictable !== undefined) stats.memUnevictableBytes = unevictable;
    } else {
      stats.memTotalBytes = (await readNumber(join(memory.path, 'memory.current'))) ?? 0n;
      const limit = await readNumber(join(memory.path, 'memory.max'));
      if (limit !== undefined) stats.memLimitBytes = limit;
      const anon = stat.get('anon');
      const file = stat.get('file');
      if (anon !== undefined) stats.memRssBytes = stats.memAnonBytes = anon;
      if (file !== undefined) stats.memCacheBytes = stats.memFileBytes = file;
      const mapped = stat.get('file_mapped');
      if (mapped !== undefined) stats.memMappedFileBytes = mapped;
      const unevictable = stat.get('unevictable');
      if (unevictable !== undefined) stats.memUnevictableBytes = unevictable;
      const swap = await readNumber(join(memory.path, 'memory.swap.current')).catch(() => undefined);
      if (swap !== undefined) stats.memSwapBytes = swap;
    }
    return stats;
  }

  async cleanup(containerId: string): Promise<void> {
    this.forget(containerId);
  }

  private forget(containerId: string): void {
    this.watched.delete(containerId);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling) return; // a slow read must not pile up rounds
    this.polling = true;
    try {
      for (const [id, watched] of this.watched) if (!watched.limitation) await this.inspect(id, watched);
    } finally {
      this.polling = false;
    }
  }

  /** Reads the counter; on a rise, builds the limitation and resolves the watch. Never throws. */
  private async inspect(containerId: string, watched: Watched): Promise<void> {
    const kills = await this.oomKills(watched.path, watched.version).catch(() => undefined);
    if (kills === undefined || kills <= watched.baseline || watched.limitation) return;
    watched.limitation = await this.describe(watched);
    if (this.watched.get(containerId) === watched) watched.resolve(watched.limitation);
  }

  private async oomKills(path: string, version: 1 | 2): Promise<bigint> {
    const file = version === 1 ? 'memory.oom_control' : 'memory.events';
    return (await readFlatKeyed(join(path, file))).get('oom_kill') ?? 0n;
  }

  /** Mesos's message: the limit, the peak usage, then memory.stat for debugging. */
  private async describe(watched: Watched): Promise<ContainerLimitation> {
    const { path, version } = watched;
    const limitFile = version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
    const peakFiles = version === 1 ? ['memory.max_usage_in_bytes'] : ['memory.peak', 'memory.current'];
    const limit = await readNumber(join(path, limitFile)).catch(() => undefined);
    let peak: bigint | undefined;
    for (const file of peakFiles) {
      peak = await readNumber(join(path, file)).catch(() => undefined);
      if (peak !== undefined) break;
    }
    const stat = await readControl(join(path, 'memory.stat')).catch(() => undefined);
    let message = 'Memory limit exceeded: ';
    if (limit !== undefined) message += `Requested: ${formatBytes(limit)} `;
    if (peak !== undefined) message += `Maximum Used: ${formatBytes(peak)}\n`;
    if (stat !== undefined) message += `\nMEMORY STATISTICS: \n${stat}\n`;
    const usedMb = peak !== undefined ? Number(peak) / MB : 0;
    return {
      reason: TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY,
      message,
      resources: { mem: Math.round(usedMb * 1000) / 1000 },
    };
  }
}
