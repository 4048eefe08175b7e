/**
 * `disk/du`: how much disk a container uses, measured with `du -k -s` every `--container_disk_watch_interval`
 * (default 15 s), and, with `--enforce_container_disk_quota`, a container over its `disk` resource is ended with
 * REASON_CONTAINER_LIMITATION_DISK ("Disk usage (X) exceeds quota (Y)"), as Mesos's posix disk isolator
 * (src/slave/containerizer/mesos/isolators/posix/disk.cpp).
 *
 * What is measured, per container:
 *   - the sandbox, against the `disk` resources without a volume (their sum), excluding persistent volume paths
 *     that lie inside it;
 *   - each persistent volume (`disk` with `disk.volume`), against its own size, at its container path (relative:
 *     in the sandbox, where the agent links or mounts it; absolute: the host path of the matching mount).
 * MOUNT disks are measured but never enforced here: their filesystem enforces its own size.
 *
 * As in Mesos, only one `du` runs at a time across all containers (it walks whole trees and is charged to the
 * agent), and a path is measured again `interval` after its previous measurement ended. Usage reports the last
 * measurement: `disk_used_bytes`/`disk_limit_bytes` for the sandbox, and one DiskStatistics per path.
 */
import { execFile } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import {
  Resource_DiskInfo_Source_Type,
  TaskStatus_Reason,
  type DiskStatistics,
  type Resource,
  type ResourceStatistics,
} from '@mesos-ts/proto';
import { formatBytes } from '../cgroups/files';
import type { ContainerConfig } from '../types';
import type { ContainerLimitation, Isolator, IsolatorContainer, LaunchContribution } from './isolator';

/** Mesos's default `--container_disk_watch_interval`. */
export const DEFAULT_DISK_WATCH_INTERVAL_MS = 15_000;

const MB = 1024n * 1024n;

/** Measures the disk usage of `path` in bytes, leaving out `excludes`; rejects with a message saying why not. */
export type DiskUsageProbe = (path: string, excludes: readonly string[]) => Promise<bigint>;

/** Parses `du -k -s` output (`<kilobytes>\t<path>`) into bytes; throws quoting the output otherwise. */
export function parseDuOutput(output: string): bigint {
  const first = output.trim().split(/[ \t]+/)[0] ?? '';
  if (!/^\d+$/.test(first)) throw new Error(`Unexpected output from 'du': ${JSON.stringify(output)}`);
  return BigInt(first) * 1024n;
}

/** Runs `du -k -s [--exclude P]... PATH` (1 KB blocks whatever the platform). */
export const duProbe: DiskUsageProbe = (path, excludes) =>
  new Promise((resolve, reject) => {
    const args = ['-k', '-s', ...excludes.flatMap((exclude) => ['--exclude', exclude]), path];
    execFile('du', args, { encoding: 'utf8', maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`Failed to perform 'du' on '${path}': ${stderr.trim() || error.message}`, { cause: error }));
        return;
      }
      try {
        resolve(parseDuOutput(stdout));
      } catch (parseError) {
        reject(parseError as Error);
      }
    });
  });

/** Options of {@link DiskDuIsolator}. */
export interface DiskDuOptions {
  /** `--container_disk_watch_interval` in ms (default 15 s). */
  readonly watchIntervalMs?: number;
  /** `--enforce_container_disk_quota` (default false: measure only). */
  readonly enforceQuota?: boolean;
  /** How usage is measured (default: the `du` command). */
  readonly probe?: DiskUsageProbe;
  /** Told when a measurement fails (it is retried at the next interval). */
  readonly onError?: (containerId: string, path: string, error: Error) => void;
}

/** One measured path of a container. */
interface PathInfo {
  /** What `du` is run on. */
  readonly target: string;
  readonly quota: bigint;
  readonly resource: Resource;
  /** MOUNT disks are not enforced. */
  readonly enforce: boolean;
  readonly sandbox: boolean;
  lastUsage?: bigint;
}

interface Info {
  readonly paths: Map<string, PathInfo>;
  limitation?: ContainerLimitation;
  readonly limited: Promise<ContainerLimitation>;
  readonly resolve: (limitation: ContainerLimitation) => void;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

const toBytes = (megabytes: number): bigint => BigInt(Math.floor(megabytes)) * MB;

/** Where a volume's data is on the host: a relative container path is in the sandbox; an absolute one is a mount. */
function volumeHostPath(config: ContainerConfig, containerPath: string): string | undefined {
  if (!isAbsolute(containerPath)) return join(config.sandbox, containerPath);
  return config.mounts?.find((mount) => mount.containerPath === containerPath)?.hostPath;
}

/** The sandbox quota and the persistent volume paths of a container's `disk` resources. */
function pathsOf(config: ContainerConfig): Map<string, Omit<PathInfo, 'target'>> {
  const paths = new Map<string, Omit<PathInfo, 'target'>>();
  let sandboxMb = 0;
  let sandboxResource: Resource | undefined;
  for (const resource of config.resources) {
    if (resource.name !== 'disk') continue;
    const value = resource.scalar?.value ?? 0;
    if (!Number.isFinite(value) || value < 0) throw new Error(`disk/du: the 'disk' resource must be a non-negative scalar, got ${String(value)}`);
    const containerPath = resource.disk?.volume?.containerPath;
    if (containerPath === undefined || containerPath === '') {
      sandboxMb += value;
      sandboxResource ??= resource;
      continue;
    }
    const host = volumeHostPath(config, containerPath);
    if (host === undefined) continue; // an absolute volume path without a mount: nothing on the host to measure
    const mount = resource.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT;
    paths.set(host, { quota: toBytes(value), resource, enforce: !mount, sandbox: false });
  }
  if (sandboxResource) paths.set(config.sandbox, { quota: toBytes(sandboxMb), resource: sandboxResource, enforce: true, sandbox: true });
  return paths;
}

export class DiskDuIsolator implements Isolator {
  readonly name = 'disk/du';
  readonly controllers = [] as const;
  private readonly intervalMs: number;
  private readonly enforce: boolean;
  private readonly probe: DiskUsageProbe;
  private readonly onError: (containerId: string, path: string, error: Error) => void;
  private readonly infos = new Map<string, Info>();
  /** One `du` at a time: each measurement chains on the previous one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: DiskDuOptions = {}) {
    const interval = options.watchIntervalMs ?? DEFAULT_DISK_WATCH_INTERVAL_MS;
    if (!Number.isFinite(interval) || interval <= 0) {
      throw new Error(`disk/du: the disk watch interval must be a positive number of milliseconds, got ${String(interval)}`);
    }
    this.intervalMs = interval;
    this.enforce = options.enforceQuota ?? false;
    this.probe = options.probe ?? duProbe;
    this.onError = options.onError ?? (() => undefined);
  }

  async recover(known: readonly string[]): Promise<void> {
    // Usage of recovered containers is not tracked until they are launched again here (Mesos rebuilds it from
    // checkpointed state, which this package does not keep).
    for (const id of [...this.infos.keys()]) if (!known.includes(id)) await this.cleanup(id);
  }

  async prepare({ containerId, config }: IsolatorContainer): Promise<LaunchContribution | undefined> {
    if (this.infos.has(containerId)) throw new Error(`disk/du: container '${containerId}' has already been prepared`);
    const wanted = pathsOf(config);
    const paths = new Map<string, PathInfo>();
    for (const [path, info] of wanted) {
      // A trailing '/' makes du follow a volume that the agent linked into the sandbox.
      const link = !info.sandbox && (await lstat(path).catch(() => undefined))?.isSymbolicLink();
      paths.set(path, { ...info, target: link ? join(path, '/') : path });
    }
    let resolve!: (limitation: ContainerLimitation) => void;
    const limited = new Promise<ContainerLimitation>((r) => {
      resolve = r;
    });
    const info: Info = { paths, limited, resolve, stopped: false };
    this.infos.set(containerId, info);
    if (paths.size > 0) void this.round(containerId, info);
    return undefined;
  }

  async isolate(): Promise<void> {
    // Nothing to attach: usage is measured on paths.
  }

  watch(containerId: string): Promise<ContainerLimitation> {
    return this.infos.get(containerId)?.limited ?? new Promise(() => undefined);
  }

  async check(containerId: string): Promise<ContainerLimitation | undefined> {
    return this.infos.get(containerId)?.limitation;
  }

  async usage(containerId: string): Promise<Partial<ResourceStatistics>> {
    const info = this.infos.get(containerId);
    if (!info) return {};
    const stats: Partial<ResourceStatistics> = {};
    const perPath: DiskStatistics[] = [];
    for (const path of info.paths.values()) {
      const entry: DiskStatistics = { limitBytes: path.quota };
      if (path.lastUsage !== undefined) entry.usedBytes = path.lastUsage;
      if (!path.sandbox) {
        if (path.resource.disk?.source) entry.source = path.resource.disk.source;
        if (path.resource.disk?.persistence) entry.persistence = path.resource.disk.persistence;
      } else {
        stats.diskLimitBytes = path.quota;
        stats.diskUsedBytes = path.lastUsage ?? 0n;
      }
      perPath.push(entry);
    }
    if (perPath.length > 0) stats.diskStatistics = perPath;
    return stats;
  }

  async cleanup(containerId: string): Promise<void> {
    const info = this.infos.get(containerId);
    if (!info) return;
    info.stopped = true;
    clearTimeout(info.timer);
    this.infos.delete(containerId);
  }

  /** Measures every path of the container once (queued behind other measurements), then schedules the next round. */
  private async round(containerId: string, info: Info): Promise<void> {
    for (const [path, entry] of info.paths) {
      if (info.stopped) return;
      const excludes = entry.sandbox ? [...info.paths.values()].filter((p) => !p.sandbox && p.target.startsWith(`${path}/`)).map((p) => p.target.replace(/\/$/, '')) : [];
      const measured = this.queue.then(() => (info.stopped ? undefined : this.probe(entry.target, excludes)));
      this.queue = measured.catch(() => undefined);
      try {
        const usage = await measured;
        if (usage === undefined || info.stopped) return;
        entry.lastUsage = usage;
        this.judge(containerId, info, entry, usage);
      } catch (error) {
        if (!info.stopped) this.onError(containerId, path, error as Error);
      }
    }
    if (info.stopped) return;
    info.timer = setTimeout(() => void this.round(containerId, info), this.intervalMs);
    info.timer.unref?.();
  }

  /** With enforcement on, a path over its quota ends the container (first limitation wins). */
  private judge(containerId: string, info: Info, entry: PathInfo, usage: bigint): void {
    if (!this.enforce || !entry.enforce || info.limitation || usage <= entry.quota) return;
    const limitation: ContainerLimitation = {
      reason: TaskStatus_Reason.REASON_CONTAINER_LIMITATION_DISK,
      message: `Disk usage (${formatBytes(usage)}) exceeds quota (${formatBytes(entry.quota)})`,
      resources: { disk: Number(entry.quota / MB) },
    };
    info.limitation = limitation;
    if (this.infos.get(containerId) === info) info.resolve(limitation);
  }
}
