/**
 * Turning Mesos's `--isolation` names into isolators. Names are Mesos's; `cgroups/all` stands for every cgroups
 * isolator whose controller this host has, as in Mesos. Isolators that come later register in {@link ISOLATOR_NAMES}
 * and the switch below. `gpu/nvidia` needs `cgroups/devices` (or `cgroups/all`) and is always prepared after it.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { DEVICES_V2_UNSUPPORTED } from '../cgroups/devices';
import type { CgroupsManager } from '../cgroups/manager';
import type { NvidiaSetup } from '../gpu/resources';
import { CgroupsCpuIsolator } from './cgroups-cpu';
import { CgroupsDevicesIsolator } from './cgroups-devices';
import { CgroupsMemIsolator } from './cgroups-mem';
import { CgroupsPidsIsolator } from './cgroups-pids';
import { DiskDuIsolator, type DiskUsageProbe } from './disk-du';
import { FilesystemLinuxIsolator } from './filesystem-linux';
import { NvidiaGpuIsolator } from './gpu-nvidia';
import type { Isolator } from './isolator';
import { NamespacesPidIsolator } from './namespaces-pid';
import { createPosixCpuIsolator, createPosixMemIsolator } from './posix';

/** The isolator names this package knows. */
export const ISOLATOR_NAMES = ['posix/cpu', 'posix/mem', 'cgroups/cpu', 'cgroups/mem', 'cgroups/pids', 'cgroups/devices', 'cgroups/all', 'namespaces/pid', 'disk/du', 'gpu/nvidia', 'filesystem/linux'] as const;

/** What building the isolators needs. */
export interface IsolatorDeps {
  /** Needed by the cgroups isolators (undefined when none is selected). */
  readonly cgroups?: CgroupsManager;
  readonly launcher: 'posix' | 'linux';
  readonly enableCfs?: boolean;
  readonly pidsMax?: number;
  readonly memPollMs?: number;
  /** disk/du: `--container_disk_watch_interval` in ms (default 15 s). */
  readonly diskWatchIntervalMs?: number;
  /** disk/du: `--enforce_container_disk_quota`. */
  readonly enforceDiskQuota?: boolean;
  /** disk/du: how usage is measured (default `du`). */
  readonly diskProbe?: DiskUsageProbe;
  /** cgroups/devices: entries allowed besides the default list (Mesos's `--allowed_devices`), `c 10:229 rwm` style. */
  readonly allowedDevices?: readonly string[];
  /** gpu/nvidia: the GPUs and control devices (from resolveNvidiaGpus); required with gpu/nvidia. */
  readonly nvidia?: NvidiaSetup;
  /** filesystem/linux: `--sandbox_directory`, the sandbox's path inside an image's root filesystem. */
  readonly sandboxDirectory?: string;
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
      if (deps.cgroups.supports('devices')) expanded.push('cgroups/devices');
    } else if (name.length > 0) {
      expanded.push(name);
    }
  }
  // gpu/nvidia allows devices on top of cgroups/devices' deny-all, so it must be prepared after it.
  const gpuAt = expanded.indexOf('gpu/nvidia');
  if (gpuAt >= 0) {
    if (!expanded.includes('cgroups/devices')) {
      if (deps.cgroups && !deps.cgroups.supports('devices')) return fail(`Isolator 'gpu/nvidia' cannot be used: ${DEVICES_V2_UNSUPPORTED}`);
      return fail("The 'cgroups/devices' or 'cgroups/all' isolator must be enabled in order to use the 'gpu/nvidia' isolator");
    }
    expanded.splice(gpuAt, 1);
    expanded.splice(expanded.lastIndexOf('cgroups/devices') + 1, 0, 'gpu/nvidia');
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
        case 'cgroups/devices':
          isolators.push(new CgroupsDevicesIsolator(deps.cgroups!, deps.allowedDevices ? { allowed: deps.allowedDevices } : {}));
          break;
        case 'disk/du':
          isolators.push(
            new DiskDuIsolator({
              ...(deps.diskWatchIntervalMs !== undefined ? { watchIntervalMs: deps.diskWatchIntervalMs } : {}),
              ...(deps.enforceDiskQuota !== undefined ? { enforceQuota: deps.enforceDiskQuota } : {}),
              ...(deps.diskProbe ? { probe: deps.diskProbe } : {}),
            }),
          );
          break;
        case 'gpu/nvidia':
          if (!deps.cgroups) return fail("Isolator 'gpu/nvidia' needs cgroups, which this host does not have");
          if (!deps.nvidia) return fail("Isolator 'gpu/nvidia' needs the agent's GPUs (detected with nvidia-smi), which were not given");
          isolators.push(new NvidiaGpuIsolator(deps.cgroups, deps.nvidia));
          break;
        case 'filesystem/linux':
          if (deps.launcher !== 'linux') return fail("Isolator 'filesystem/linux' needs the linux launcher (--launcher=linux)");
          isolators.push(new FilesystemLinuxIsolator(deps.sandboxDirectory !== undefined ? { sandboxDirectory: deps.sandboxDirectory } : {}));
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
