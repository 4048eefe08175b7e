/**
 * Where the cgroup hierarchies of this host are: cgroup v1 controllers (each mounted alone, or several co-mounted
 * as `cpu,cpuacct`) and the cgroup v2 unified hierarchy (mounted alone on a v2-only host, or next to the v1 ones
 * in the "hybrid" layout). Found from /proc/self/mountinfo, as Mesos's `cgroups::hierarchies()` finds them from
 * /proc/mounts.
 */
import { readFile } from 'node:fs/promises';

/** The controllers the isolators here use. */
export type CgroupController = 'cpu' | 'cpuacct' | 'memory' | 'pids' | 'freezer' | 'devices';

/** One mounted hierarchy. */
export interface CgroupMount {
  /** Where it is mounted, e.g. `/sys/fs/cgroup/memory` or `/sys/fs/cgroup`. */
  readonly mountPoint: string;
  /** The cgroup of the mount's root (the `root` field of mountinfo; `/` unless this is a bind or a namespace). */
  readonly root: string;
}

/** A cgroup v1 hierarchy: its mount and the controllers attached to it. */
export interface CgroupV1Hierarchy extends CgroupMount {
  readonly controllers: readonly string[];
}

/** The cgroup v2 hierarchy and the controllers its root offers (`cgroup.controllers`). */
export interface CgroupV2Hierarchy extends CgroupMount {
  readonly controllers: readonly string[];
}

/** Every hierarchy of the host. */
export interface CgroupLayout {
  /** v1 controller name -> its hierarchy (co-mounted controllers share one entry's mount point). */
  readonly v1: ReadonlyMap<string, CgroupV1Hierarchy>;
  /** The unified hierarchy, if one is mounted. */
  readonly v2?: CgroupV2Hierarchy;
}

/** Undoes mountinfo's octal escapes (`\040` for a space and the like). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** One cgroup mount found in a mountinfo text, before v2's controllers are read. */
export interface CgroupMountEntry {
  readonly version: 1 | 2;
  readonly mountPoint: string;
  readonly root: string;
  /** v1: the controllers from the super options (`name=systemd` style named hierarchies are left out). */
  readonly controllers: readonly string[];
}

/**
 * Parses the text of /proc/<pid>/mountinfo (proc(5)) and returns its cgroup and cgroup2 mounts. Lines that are
 * not well formed are skipped: the file is the kernel's, a broken line means a format this parser does not know.
 */
export function parseCgroupMounts(text: string): CgroupMountEntry[] {
  const mounts: CgroupMountEntry[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    const [fsType, , superOptions = ''] = after;
    const root = before[3];
    const mountPoint = before[4];
    if (root === undefined || mountPoint === undefined) continue;
    if (fsType === 'cgroup2') {
      mounts.push({ version: 2, mountPoint: unescape(mountPoint), root: unescape(root), controllers: [] });
    } else if (fsType === 'cgroup') {
      // Super options hold the controllers plus generic flags (rw, relatime, ...) and `name=...`.
      const controllers = superOptions
        .split(',')
        .filter((option) => option !== 'rw' && option !== 'ro' && !option.includes('=') && /^[a-z_]+$/.test(option))
        .filter((option) => !GENERIC_OPTIONS.has(option));
      if (controllers.length > 0) {
        mounts.push({ version: 1, mountPoint: unescape(mountPoint), root: unescape(root), controllers });
      }
    }
  }
  return mounts;
}

/** Mount options of a cgroup v1 mount that are not controller names. */
const GENERIC_OPTIONS = new Set(['relatime', 'noatime', 'nodiratime', 'nosuid', 'nodev', 'noexec', 'xattr', 'clone_children', 'noprefix', 'cpuset_v2_mode', 'favordynmods', 'nsdelegate', 'memory_recursiveprot', 'memory_localevents', 'memory_hugetlb_accounting']);

/**
 * Builds the layout from parsed mounts. The first mount of a controller wins (a controller can only be attached
 * to one v1 hierarchy, so later lines are bind mounts of the same one). `v2Controllers` are the unified root's
 * `cgroup.controllers`.
 */
export function buildLayout(mounts: readonly CgroupMountEntry[], v2Controllers: readonly string[] = []): CgroupLayout {
  const v1 = new Map<string, CgroupV1Hierarchy>();
  let v2: CgroupV2Hierarchy | undefined;
  for (const mount of mounts) {
    if (mount.version === 2) {
      v2 ??= { mountPoint: mount.mountPoint, root: mount.root, controllers: [...v2Controllers] };
      continue;
    }
    for (const controller of mount.controllers) {
      if (!v1.has(controller)) v1.set(controller, { mountPoint: mount.mountPoint, root: mount.root, controllers: mount.controllers });
    }
  }
  return v2 ? { v1, v2 } : { v1 };
}

/** Reads this process's mountinfo and the unified root's controllers. Throws if mountinfo cannot be read. */
export async function detectLayout(mountinfo = '/proc/self/mountinfo'): Promise<CgroupLayout> {
  const mounts = parseCgroupMounts(await readFile(mountinfo, 'utf8'));
  const unified = mounts.find((m) => m.version === 2);
  let controllers: string[] = [];
  if (unified) {
    const text = await readFile(`${unified.mountPoint}/cgroup.controllers`, 'utf8').catch(() => '');
    controllers = text.split(/\s+/).filter(Boolean);
  }
  return buildLayout(mounts, controllers);
}

/**
 * Where a controller is served: by a v1 hierarchy when one has it (on a hybrid host the v1 mount owns it, and a
 * controller cannot be in both), else by the unified hierarchy when its root offers it; undefined when neither.
 * On v2, cpuacct's statistics come with `cpu` (cpu.stat), and freezing is core (`cgroup.freeze`), so those two
 * count as served wherever the unified hierarchy is.
 */
export function controllerVersion(layout: CgroupLayout, controller: CgroupController): 1 | 2 | undefined {
  if (layout.v1.has(controller)) return 1;
  if (!layout.v2) return undefined;
  if (controller === 'freezer' || controller === 'cpuacct') return 2;
  // v2 has no devices files (device access there is eBPF), whatever cgroup.controllers says.
  if (controller === 'devices') return undefined;
  return layout.v2.controllers.includes(controller) ? 2 : undefined;
}
