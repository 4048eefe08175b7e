/**
 * `cgroups/pids`: caps how many processes and threads a container may have (`pids.max`, when a limit is given:
 * forks beyond it fail with EAGAIN) and reports how many it has. The limit is agent-wide per container
 * (Mesos has no per-task pids resource).
 */
import { join } from 'node:path';
import type { ResourceStatistics } from '@mesos-ts/proto';
import type { CgroupsManager } from '../cgroups/manager';
import { readNumber, writeControl } from '../cgroups/files';
import { never, type ContainerLimitation, type Isolator, type IsolatorContainer, type LaunchContribution } from './isolator';

/** Options of {@link CgroupsPidsIsolator}. */
export interface CgroupsPidsOptions {
  /** `pids.max` of every container (processes plus threads); no limit when absent. */
  readonly max?: number;
}

export class CgroupsPidsIsolator implements Isolator {
  readonly name = 'cgroups/pids';
  readonly controllers = ['pids'] as const;
  private readonly max: number | undefined;

  constructor(
    private readonly cgroups: CgroupsManager,
    options: CgroupsPidsOptions = {},
  ) {
    if (options.max !== undefined && (!Number.isInteger(options.max) || options.max < 1)) {
      throw new Error(`cgroups/pids: the pids limit must be a positive integer, got ${String(options.max)}`);
    }
    this.max = options.max;
  }

  async recover(): Promise<void> {
    // No state of its own.
  }

  async prepare({ containerId }: IsolatorContainer): Promise<LaunchContribution | undefined> {
    const pids = this.cgroups.pathOf(containerId, 'pids');
    if (!pids) throw new Error("cgroups/pids needs the 'pids' controller, which this host does not have");
    if (this.max !== undefined) await writeControl(join(pids.path, 'pids.max'), String(this.max));
    return undefined;
  }

  async isolate(): Promise<void> {
    // The process joined its cgroups before it executed.
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(containerId: string): Promise<Partial<ResourceStatistics>> {
    const pids = this.cgroups.pathOf(containerId, 'pids');
    if (!pids) return {};
    // pids.current counts tasks, i.e. threads; ResourceStatistics has no field of its own for it.
    const current = await readNumber(join(pids.path, 'pids.current'));
    return current === undefined ? {} : { threads: Number(current) };
  }

  async cleanup(): Promise<void> {
    // The cgroups go with the container.
  }
}
