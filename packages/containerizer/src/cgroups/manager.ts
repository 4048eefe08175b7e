/**
 * A container's cgroups: created under `<mount>/<cgroupsRoot>/<containerId>` in each hierarchy it needs, joined by
 * the container's first process before it executes, killed as a whole, waited for until empty, and removed.
 *
 * The manager keeps no per-container state: which cgroups a container has is read from the file system (every
 * hierarchy is looked at), so the same calls clean up containers of an agent that was killed and restarted.
 *
 * Killing uses, in this order, what the host offers: the v2 `cgroup.kill` file (Linux 5.14+, also in a hybrid
 * layout, where the unified hierarchy has no controllers but still has this core file), the v1 freezer (freeze,
 * SIGKILL every member, thaw: nothing can fork meanwhile), or SIGKILL to each member, repeated until none is left.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { controllerVersion, detectLayout, type CgroupController, type CgroupLayout } from './layout';
import { parsePids, readControl, writeControl } from './files';

/** Where a container's cgroup for one controller is, and which cgroup version serves it. */
export interface ControllerCgroup {
  readonly version: 1 | 2;
  /** The container's cgroup directory serving this controller. */
  readonly path: string;
}

/** What {@link CgroupsManager.create} made for a container. */
export interface ContainerCgroups {
  readonly containerId: string;
  /** Controller -> its cgroup (the same directory for co-mounted v1 controllers and for all v2 ones). */
  readonly controllers: ReadonlyMap<CgroupController, ControllerCgroup>;
  /** Every directory made, each once: the container's process joins all of them (`cgroup.procs`). */
  readonly paths: readonly string[];
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Container IDs become directory names: nothing that could leave the cgroups root. */
export function checkCgroupName(name: string, what: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) return `${what} must be 1 to 255 characters`;
  if (name === '.' || name === '..' || /[/\0\n]/.test(name)) return `${what} '${name}' cannot be a cgroup name`;
  return undefined;
}

/** Options of {@link CgroupsManager}. */
export interface CgroupsManagerOptions {
  /** The hierarchies; detected from /proc/self/mountinfo when absent. */
  readonly layout?: CgroupLayout;
  /** The cgroup under which every container's cgroup goes (Mesos's `--cgroups_root`, default `mesos`). */
  readonly root?: string;
}

/** Creates, kills, waits for and removes container cgroups under one root. */
export class CgroupsManager {
  readonly layout: CgroupLayout;
  /** The root cgroup (relative to each mount), e.g. `mesos`. */
  readonly root: string;

  constructor(layout: CgroupLayout, root = 'mesos') {
    const segments = root.split('/').filter(Boolean);
    const problem = segments.length === 0 ? 'cgroups root must not be empty' : segments.map((s) => checkCgroupName(s, 'cgroups root segment')).find(Boolean);
    if (problem) throw new Error(problem);
    this.layout = layout;
    this.root = segments.join('/');
  }

  /** Detects the layout (unless given) and makes a manager. */
  static async open(options: CgroupsManagerOptions = {}): Promise<CgroupsManager> {
    return new CgroupsManager(options.layout ?? (await detectLayout()), options.root);
  }

  /** Whether `controller` is available here (by v1 or v2). */
  supports(controller: CgroupController): boolean {
    return controllerVersion(this.layout, controller) !== undefined;
  }

  /** Every hierarchy's mount point, each once (co-mounted v1 controllers share one). */
  private mountPoints(): string[] {
    const points = new Set<string>();
    for (const hierarchy of this.layout.v1.values()) points.add(hierarchy.mountPoint);
    if (this.layout.v2) points.add(this.layout.v2.mountPoint);
    return [...points];
  }

  /** The directory a controller's cgroup of `containerId` has (whether or not it exists). */
  pathOf(containerId: string, controller: CgroupController): ControllerCgroup | undefined {
    const version = controllerVersion(this.layout, controller);
    if (version === 1) return { version, path: join(this.layout.v1.get(controller)!.mountPoint, this.root, containerId) };
    if (version === 2) return { version, path: join(this.layout.v2!.mountPoint, this.root, containerId) };
    return undefined;
  }

  /**
   * Creates the container's cgroups for `controllers`, plus its cgroup in the unified hierarchy whenever one is
   * mounted (for `cgroup.kill` and `cgroup.events`), plus a v1 freezer cgroup where there is no unified hierarchy.
   * On v2, the controllers are enabled in `cgroup.subtree_control` from the mount down to the root. Throws with
   * the controller or file named; a missing controller is an error.
   */
  async create(containerId: string, controllers: readonly CgroupController[]): Promise<ContainerCgroups> {
    const problem = checkCgroupName(containerId, 'container ID');
    if (problem) throw new Error(problem);
    const wanted = new Set<CgroupController>(controllers);
    if (!this.layout.v2 && this.layout.v1.has('freezer')) wanted.add('freezer');
    const made = new Map<CgroupController, ControllerCgroup>();
    const paths = new Set<string>();
    const v2Controllers: string[] = [];
    for (const controller of wanted) {
      const cgroup = this.pathOf(containerId, controller);
      if (!cgroup) throw new Error(`cgroup controller '${controller}' is not mounted on this host (neither v1 nor v2)`);
      made.set(controller, cgroup);
      paths.add(cgroup.path);
      if (cgroup.version === 2 && controller !== 'freezer' && controller !== 'cpuacct') v2Controllers.push(controller);
    }
    if (this.layout.v2) paths.add(join(this.layout.v2.mountPoint, this.root, containerId));
    if (this.layout.v2 && v2Controllers.length > 0) await this.enableV2(v2Controllers);
    for (const path of paths) {
      try {
        await mkdir(path, { recursive: true });
      } catch (error) {
        throw new Error(`Failed to create cgroup '${path}': ${(error as Error).message}`, { cause: error });
      }
    }
    return { containerId, controllers: made, paths: [...paths] };
  }

  /** Enables `controllers` for the children of the mount's root and of each level of the cgroups root. */
  private async enableV2(controllers: readonly string[]): Promise<void> {
    const v2 = this.layout.v2!;
    let dir = v2.mountPoint;
    const levels = [dir];
    for (const segment of this.root.split('/')) {
      dir = join(dir, segment);
      levels.push(dir);
    }
    for (const level of levels) {
      await mkdir(level, { recursive: true });
      const enabled = (await readControl(join(level, 'cgroup.subtree_control'))).split(/\s+/);
      const missing = controllers.filter((c) => !enabled.includes(c));
      if (missing.length > 0) await writeControl(join(level, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
    }
  }

  /** The container's cgroup directories that exist now, in every hierarchy. */
  async existing(containerId: string): Promise<string[]> {
    if (checkCgroupName(containerId, 'container ID')) return [];
    const found = await Promise.all(
      this.mountPoints().map(async (mount) => {
        const path = join(mount, this.root, containerId);
        return (await stat(path).catch(() => undefined))?.isDirectory() ? path : undefined;
      }),
    );
    return found.filter((p): p is string => p !== undefined);
  }

  /** Container IDs that have a cgroup under the root in any hierarchy (to find orphans after a restart). */
  async list(): Promise<string[]> {
    const ids = new Set<string>();
    for (const mount of this.mountPoints()) {
      const entries = await readdir(join(mount, this.root), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) if (entry.isDirectory()) ids.add(entry.name);
    }
    return [...ids].sort();
  }

  /** Pids in the container's cgroups (and any sub-cgroups a task made), each once. */
  async pids(containerId: string): Promise<number[]> {
    const pids = new Set<number>();
    for (const dir of await this.existing(containerId)) {
      for (const cgroup of await subtree(dir)) {
        const text = await readControl(join(cgroup, 'cgroup.procs')).catch(() => '');
        for (const pid of parsePids(text)) pids.add(pid);
      }
    }
    return [...pids];
  }

  /** Sends `signal` to every process of the container; returns how many were signalled. */
  async signal(containerId: string, signal: NodeJS.Signals): Promise<number> {
    let sent = 0;
    for (const pid of await this.pids(containerId)) {
      try {
        process.kill(pid, signal);
        sent += 1;
      } catch {
        // It exited meanwhile.
      }
    }
    return sent;
  }

  /** SIGKILLs every process of the container at once (see the module comment for how). */
  async kill(containerId: string): Promise<void> {
    const dirs = await this.existing(containerId);
    const unified = this.layout.v2 ? join(this.layout.v2.mountPoint, this.root, containerId) : undefined;
    if (unified && dirs.includes(unified) && existsSync(join(unified, 'cgroup.kill'))) {
      // cgroup.kill also kills the members of descendant cgroups.
      await writeControl(join(unified, 'cgroup.kill'), '1');
      return;
    }
    const freezer = this.layout.v1.has('freezer') ? this.pathOf(containerId, 'freezer')?.path : undefined;
    if (freezer && dirs.includes(freezer)) {
      await this.freezeKillThaw(containerId, freezer);
      return;
    }
    await this.signal(containerId, 'SIGKILL');
  }

  private async freezeKillThaw(containerId: string, freezer: string): Promise<void> {
    const state = join(freezer, 'freezer.state');
    await writeControl(state, 'FROZEN');
    // Freezing takes effect asynchronously; FREEZING means some task has not stopped yet.
    for (let i = 0; i < 200 && (await readControl(state)).trim() !== 'FROZEN'; i += 1) {
      if (i % 20 === 19) await writeControl(state, 'FROZEN');
      await delay(5);
    }
    await this.signal(containerId, 'SIGKILL');
    // Frozen processes get the SIGKILL only once thawed.
    await writeControl(state, 'THAWED');
  }

  /** Whether no process is left in any of the container's cgroups. */
  async empty(containerId: string): Promise<boolean> {
    return (await this.pids(containerId)).length === 0;
  }

  /**
   * Kills the container's processes and waits until its cgroups are empty, killing again each round (a process
   * forked during the first kill). Throws after `timeoutMs`.
   */
  async killAndWait(containerId: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let interval = 5;
    for (;;) {
      if (await this.empty(containerId)) return;
      await this.kill(containerId);
      if (await this.empty(containerId)) return;
      if (Date.now() > deadline) throw new Error(`Processes of container '${containerId}' still run after ${timeoutMs} ms`);
      await delay(interval);
      interval = Math.min(100, interval * 2);
    }
  }

  /**
   * Removes the container's cgroups (deepest first, for sub-cgroups a task made). They must be empty; rmdir of a
   * cgroup whose last process is exiting can fail with EBUSY for a moment, so that is retried.
   */
  async remove(containerId: string): Promise<void> {
    for (const dir of await this.existing(containerId)) {
      for (const cgroup of (await subtree(dir)).reverse()) await rmdirRetrying(cgroup);
    }
  }

  /** Kill, wait until empty, remove: what destroying a container does to its cgroups. */
  async destroy(containerId: string, timeoutMs?: number): Promise<void> {
    await this.killAndWait(containerId, timeoutMs);
    await this.remove(containerId);
  }

  /** Removes the root cgroups (if empty of containers); for tests and agent shutdown. Never throws. */
  async removeRoot(): Promise<void> {
    for (const mount of this.mountPoints()) {
      const segments = this.root.split('/');
      for (let n = segments.length; n > 0; n -= 1) {
        await rmdir(join(mount, ...segments.slice(0, n))).catch(() => undefined);
      }
    }
  }
}

/** `dir` and every cgroup below it, parents before children. */
async function subtree(dir: string): Promise<string[]> {
  const result = [dir];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) result.push(...(await subtree(join(dir, entry.name))));
  return result;
}

async function rmdirRetrying(path: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await rmdir(path);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || attempt >= 50) {
        throw new Error(`Failed to remove cgroup '${path}': ${(error as Error).message}`, { cause: error });
      }
      await delay(20);
    }
  }
}
