/**
 * `posix/cpu` and `posix/mem`: no isolation, only statistics read from /proc over the container's processes (its
 * process group and session and their descendants), as Mesos's posix isolators report them.
 */
import type { ResourceStatistics } from '@mesos-ts/proto';
import { containerProcesses, hasProc, sumUsage, systemConstants } from '../internal/proc';
import { never, type ContainerLimitation, type Isolator, type LaunchContribution } from './isolator';

/** Pids of the containers' first processes, shared by both posix isolators of one containerizer. */
class PosixIsolator implements Isolator {
  readonly controllers = [] as const;
  private readonly leaders = new Map<string, { pid: number; sessions: Set<number> }>();

  constructor(
    readonly name: 'posix/cpu' | 'posix/mem',
  ) {}

  async recover(known: readonly string[]): Promise<void> {
    for (const id of this.leaders.keys()) if (!known.includes(id)) this.leaders.delete(id);
  }

  async prepare(): Promise<LaunchContribution | undefined> {
    return undefined;
  }

  async isolate(containerId: string, pid: number): Promise<void> {
    this.leaders.set(containerId, { pid, sessions: new Set() });
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(containerId: string): Promise<Partial<ResourceStatistics>> {
    const leader = this.leaders.get(containerId);
    if (!leader || !(await hasProc())) return {};
    const [stats, constants] = await Promise.all([containerProcesses(leader.pid, '/proc', leader.sessions), systemConstants()]);
    const used = sumUsage(stats, constants);
    return this.name === 'posix/cpu'
      ? { processes: used.processes, threads: used.threads, cpusUserTimeSecs: used.cpusUserTimeSecs, cpusSystemTimeSecs: used.cpusSystemTimeSecs }
      : { memRssBytes: used.memRssBytes };
  }

  async cleanup(containerId: string): Promise<void> {
    this.leaders.delete(containerId);
  }
}

/** `posix/cpu`: processes, threads and CPU times from /proc. */
export function createPosixCpuIsolator(): Isolator {
  return new PosixIsolator('posix/cpu');
}

/** `posix/mem`: resident memory from /proc. */
export function createPosixMemIsolator(): Isolator {
  return new PosixIsolator('posix/mem');
}
