/**
 * Turning Mesos's `--isolation` names into isolators. Names are Mesos's; `cgroups/all` stands for every cgroups
 * isolator whose controller this host has, as in Mesos. Isolators that come later (`filesystem/linux`, `disk/du`,
 * `gpu/nvidia`, ...) register in {@link ISOLATOR_NAMES} and the switch below.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { CgroupsManager } from '../cgroups/manager';
import { CgroupsCpuIsolator } from './cgroups-cpu';
import { CgroupsMemIsolator } from './cgroups-mem';
import { CgroupsPidsIsolator } from './cgroups-pids';
import type { Isolator } from './isolator';
import { NamespacesPidIsolator } from './namespaces-pid';
import { createPosixCpuIsolator, createPosixMemIsolator } from './posix';

/** The isolator names this package knows. */
export const ISOLATOR_NAMES = ['posix/cpu', 'posix/mem', 'cgroups/cpu', 'cgroups/mem', 'cgroups/pids', 'cgroups/all', 'namespaces/pid'] as const;

/** What building the isolators needs. */
export interface IsolatorDeps {
  /** Needed by the cgroups isolators (undefined when none is selected). */
  readonly cgroups?: CgroupsManager;
  readonly launcher: 'posix' | 'linux';
  readonly enableCfs?: boolean;
  readonly pidsMax?: number;
  readonly memPollMs?: number;
}

/** True when any of `names` needs cgroups. */
export function needsCgroups(names: readonly string[]): boolean {
  return names.some((name) => name.startsWith('cgroups/'));
}

/**
 * Builds the isolators for `names` (order kept, duplicates dropped). An unknown name, a cgroups isolator without
 * cgroups, or `namespaces/pid` with the posix launcher is an error that names it.
 */
export function createIsolators(names: readonly string[], deps: IsolatorDeps): Result<Isolator[]> {
  const fail = (message: string): Result<Isolator[]> => err(new MesosTsError('INVALID_ARGUMENT', message));
  const expanded: string[] = [];
  for (const raw of names) {
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (name === 'cgroups/all') {
      if (!deps.cgroups) return fail("Isolator 'cgroups/all' needs cgroups, which this host does not have");
      if (deps.cgroups.supports('cpu')) expanded.push('cgroups/cpu');
      if (deps.cgroups.supports('memory')) expanded.push('cgroups/mem');
      if (deps.cgroups.supports('pids')) expanded.push('cgroups/pids');
    } else if (name.length > 0) {
      expanded.push(name);
    }
  }
  const isolators: Isolator[] = [];
  const seen = new Set<string>();
  for (const name of expanded) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (name.startsWith('cgroups/') && !deps.cgroups) {
      return fail(`Isolator '${name}' needs cgroups, which this host does not have`);
    }
    try {
      switch (name) {
        case 'posix/cpu':
          isolators.push(createPosixCpuIsolator());
          break;
        case 'posix/mem':
          isolators.push(createPosixMemIsolator());
          break;
        case 'cgroups/cpu':
          if (!deps.cgroups!.supports('cpu')) return fail("Isolator 'cgroups/cpu' needs the 'cpu' cgroup controller, which is not mounted");
          isolators.push(new CgroupsCpuIsolator(deps.cgroups!, { enableCfs: deps.enableCfs ?? false }));
          break;
        case 'cgroups/mem':
          if (!deps.cgroups!.supports('memory')) return fail("Isolator 'cgroups/mem' needs the 'memory' cgroup controller, which is not mounted");
          isolators.push(new CgroupsMemIsolator(deps.cgroups!, deps.memPollMs !== undefined ? { pollMs: deps.memPollMs } : {}));
          break;
        case 'cgroups/pids':
          if (!deps.cgroups!.supports('pids')) return fail("Isolator 'cgroups/pids' needs the 'pids' cgroup controller, which is not mounted");
          isolators.push(new CgroupsPidsIsolator(deps.cgroups!, deps.pidsMax !== undefined ? { max: deps.pidsMax } : {}));
          break;
        case 'namespaces/pid':
          if (deps.launcher !== 'linux') return fail("Isolator 'namespaces/pid' needs the linux launcher (--launcher=linux)");
          isolators.push(new NamespacesPidIsolator());
          break;
        default:
          return fail(`Unknown or unsupported isolator '${name}'; known: ${ISOLATOR_NAMES.join(', ')}`);
      }
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  return ok(isolators);
}
