/**
 * `filesystem/linux` (Mesos's src/slave/containerizer/mesos/isolators/filesystem/linux.cpp): the container gets a
 * mount namespace of its own, and in it
 *
 * - with an image: the provisioned root filesystem, with a fresh /proc (the pid namespace's when there is one),
 *   read-only /sys, a minimal /dev (a tmpfs holding binds of the host's null, zero, full, random, urandom and tty,
 *   plus devpts and /dev/shm), and the sandbox bind-mounted at `--sandbox_directory` (default
 *   `/mnt/mesos/sandbox`, which MESOS_SANDBOX then names);
 * - with or without an image: the persistent volumes of {@link ContainerConfig.mounts} bind-mounted at their
 *   container paths (relative ones inside the sandbox), read-only when asked.
 *
 * The isolator only decides what is mounted where ({@link LaunchMount}s, in order); the linux launcher performs
 * the mounts inside the new mount namespace and enters the root filesystem (pivot_root) before the task runs. So
 * every mount lives and dies with the container's mount namespace: nothing is left on the host to clean up.
 */
import { access, constants, lstat, readlink, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, posix } from 'node:path';
import type { ResourceStatistics } from '@mesos-ts/proto';
import type { ContainerMount } from '../types';
import { never, type ContainerLimitation, type Isolator, type IsolatorContainer, type LaunchContribution, type LaunchMount } from './isolator';

/** Where the sandbox appears inside a container with a root filesystem (Mesos's `--sandbox_directory`). */
export const DEFAULT_SANDBOX_DIRECTORY = '/mnt/mesos/sandbox';

/** Host devices bound into a container's /dev, as Mesos's standard devices. */
const STANDARD_DEVICES = ['null', 'zero', 'full', 'random', 'urandom', 'tty'] as const;

/** Parts of the container's /proc that are re-bound read-only (Mesos does the same for these). */
const READ_ONLY_PROC = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'] as const;

/** Options of {@link FilesystemLinuxIsolator}. */
export interface FilesystemLinuxOptions {
  /** `--sandbox_directory`: an absolute path; default {@link DEFAULT_SANDBOX_DIRECTORY}. */
  readonly sandboxDirectory?: string;
}

/**
 * Checks a container path: absolute or relative, normalized, and a relative one must stay inside the sandbox.
 * Returns the reason when it is not acceptable.
 */
export function checkContainerPath(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'containerPath must be a non-empty string';
  if (path.includes('\0')) return `containerPath '${path}' must not contain NUL`;
  if (!isAbsolute(path)) {
    const normal = posix.normalize(path);
    if (normal === '..' || normal.startsWith('../') || normal === '.') return `containerPath '${path}' must name a path inside the sandbox`;
  }
  return undefined;
}

/**
 * Resolves `path` (absolute, as the container sees it) inside `rootfs` the way the kernel will after pivot_root:
 * symlinks, absolute ones included, stay inside the root filesystem. Returns the host path, or undefined when a
 * component is missing or the links loop.
 */
export async function resolveInRootfs(rootfs: string, path: string): Promise<string | undefined> {
  const pending = path.split('/').filter((part) => part !== '' && part !== '.');
  const resolved: string[] = [];
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const host = join(rootfs, ...resolved, part);
    const info = await lstat(host).catch(() => undefined);
    if (!info) return undefined;
    if (info.isSymbolicLink()) {
      if ((hops += 1) > 40) return undefined;
      const target = await readlink(host);
      if (target.startsWith('/')) resolved.length = 0;
      pending.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
      continue;
    }
    resolved.push(part);
  }
  return join(rootfs, ...resolved);
}

/**
 * Finds the program a container with a root filesystem executes: `file` itself when it has a `/` (relative to
 * `cwd`), else the first executable match in `path` (the container's PATH), all looked up inside `rootfs`.
 * Returns the absolute path inside the container, or the reason it cannot be executed.
 */
export async function findProgramInRootfs(
  rootfs: string,
  file: string,
  path: string | undefined,
  cwd: string,
): Promise<{ readonly program: string } | { readonly reason: string }> {
  const executable = async (candidate: string): Promise<boolean> => {
    const host = await resolveInRootfs(rootfs, candidate);
    if (host === undefined || !(await stat(host).catch(() => undefined))?.isFile()) return false;
    return access(host, constants.X_OK).then(() => true, () => false);
  };
  if (file.includes('/')) {
    const program = posix.resolve(cwd, file);
    return (await executable(program)) ? { program } : { reason: `'${file}' is not an executable file in the container's root filesystem` };
  }
  const dirs = (path ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  for (const dir of dirs) {
    if (!dir.startsWith('/')) continue;
    const program = posix.join(dir, file);
    if (await executable(program)) return { program };
  }
  return { reason: `'${file}' was not found in the container's PATH '${path ?? ''}'` };
}

/** The mount namespace, root filesystem and mounts of a container; see the module comment. */
export class FilesystemLinuxIsolator implements Isolator {
  readonly name = 'filesystem/linux';
  readonly controllers = [] as const;
  /** The sandbox's path inside a container with a root filesystem. */
  readonly sandboxDirectory: string;

  constructor(options: FilesystemLinuxOptions = {}) {
    const dir = options.sandboxDirectory ?? DEFAULT_SANDBOX_DIRECTORY;
    if (!isAbsolute(dir) || dir.includes('\0') || normalize(dir) === '/') {
      throw new Error(`Flag '--sandbox_directory' must be an absolute path other than '/', not '${dir}'`);
    }
    this.sandboxDirectory = normalize(dir).replace(/\/+$/, '');
  }

  async recover(): Promise<void> {
    // Nothing kept on the host: the mounts die with each container's mount namespace.
  }

  async prepare(container: IsolatorContainer): Promise<LaunchContribution> {
    const { config, rootfs } = container;
    const mounts: LaunchMount[] = [];
    const environment: Record<string, string> = {};
    if (rootfs !== undefined) {
      mounts.push(...this.rootfsMounts(rootfs, config.sandbox));
      environment.MESOS_SANDBOX = this.sandboxDirectory;
    }
    for (const [i, volume] of (config.mounts ?? []).entries()) {
      mounts.push(await this.volumeMount(volume, i, config.sandbox, rootfs));
    }
    return {
      namespaces: ['mount'],
      mounts,
      ...(rootfs !== undefined ? { rootfs } : {}),
      environment,
    };
  }

  /** The special filesystems and the sandbox of a container with a root filesystem, in mount order. */
  private rootfsMounts(rootfs: string, sandbox: string): LaunchMount[] {
    const at = (path: string): string => join(rootfs, path);
    const mounts: LaunchMount[] = [
      { source: 'proc', target: at('/proc'), type: 'proc', options: 'nosuid,noexec,nodev' },
      ...READ_ONLY_PROC.map((path) => ({ source: at(path), target: at(path), readOnly: true, optional: true })),
      { source: 'sysfs', target: at('/sys'), type: 'sysfs', options: 'ro,nosuid,noexec,nodev' },
      // Hide the host's cgroup hierarchies, as Mesos does.
      { source: 'tmpfs', target: at('/sys/fs/cgroup'), type: 'tmpfs', options: 'ro,nosuid,noexec,nodev,mode=755', optional: true },
      { source: 'tmpfs', target: at('/dev'), type: 'tmpfs', options: 'nosuid,noexec,strictatime,mode=755' },
      ...STANDARD_DEVICES.map((device) => ({ source: `/dev/${device}`, target: at(`/dev/${device}`), file: true })),
      // gid 5 is the tty group on every common distribution; glibc's grantpt expects it.
      { source: 'devpts', target: at('/dev/pts'), type: 'devpts', options: 'newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec' },
      { source: 'tmpfs', target: at('/dev/shm'), type: 'tmpfs', options: 'nosuid,nodev,strictatime,mode=1777' },
      { source: sandbox, target: at(this.sandboxDirectory), recursive: true },
    ];
    return mounts;
  }

  /** Where one persistent volume goes: checked here, so a bad path is a launch error naming it. */
  private async volumeMount(volume: ContainerMount, index: number, sandbox: string, rootfs: string | undefined): Promise<LaunchMount> {
    const where = `mounts[${index}]`;
    const problem = checkContainerPath(volume?.containerPath);
    if (problem) throw new Error(`${where}: ${problem}`);
    if (typeof volume.hostPath !== 'string' || !isAbsolute(volume.hostPath) || volume.hostPath.includes('\0')) {
      throw new Error(`${where}: hostPath must be an absolute path, not '${String(volume.hostPath)}'`);
    }
    const source = await stat(volume.hostPath).catch(() => undefined);
    if (!source) throw new Error(`${where}: hostPath '${volume.hostPath}' does not exist`);
    const containerPath = normalize(volume.containerPath);
    let target: string;
    if (!isAbsolute(containerPath)) {
      // Relative paths are inside the sandbox; with a root filesystem that is the sandbox's mount inside it,
      // which is the same directory, so the mount point is made in the sandbox either way.
      target = rootfs !== undefined ? join(rootfs, this.sandboxDirectory, containerPath) : join(sandbox, containerPath);
    } else if (rootfs !== undefined) {
      target = join(rootfs, containerPath);
    } else {
      // Sharing the host's filesystem, an absolute mount point is not created on the host (Mesos refuses too).
      const existing = await stat(containerPath).catch(() => undefined);
      if (!existing) {
        throw new Error(`${where}: containerPath '${containerPath}' is absolute and does not exist; it must exist when the container shares the host filesystem`);
      }
      target = containerPath;
    }
    return {
      source: volume.hostPath,
      target,
      recursive: true,
      ...(volume.readOnly === true ? { readOnly: true } : {}),
      ...(source.isDirectory() ? {} : { file: true }),
    };
  }

  async isolate(): Promise<void> {
    // The launcher mounted everything before the task executed.
  }

  watch(): Promise<ContainerLimitation> {
    return never();
  }

  async usage(): Promise<Partial<ResourceStatistics>> {
    return {};
  }

  async cleanup(): Promise<void> {
    // The mounts end with the mount namespace; the provisioner removes the root filesystem.
  }
}
