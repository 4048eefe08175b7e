/**
 * Helpers for the Mesos containerizer's real-kernel tests: a containerizer under a cgroups root of its own
 * (`mesos_ts_test_<pid>_<n>`), sandboxes, and a close() that destroys everything, removes the root and checks that
 * nothing of it is left in /sys/fs/cgroup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandInfo } from '@mesos-ts/proto';
import { buildLayout, detectLayout, parseCgroupMounts, type CgroupLayout } from '../src/cgroups/layout';
import { MesosContainerizer, type MesosContainerizerOptions } from '../src/mesos-containerizer';
import type { ContainerConfig } from '../src/types';

export { eventually, scalar, readSandbox } from './support';

export const isRoot = process.getuid?.() === 0;

let layout: CgroupLayout | undefined;
/**
 * Whether this host has what the tests need: root, a memory, cpu and pids controller, util-linux. Synchronous, so
 * that a suite can be skipped at definition time (jest runs these files as CommonJS: no top-level await).
 */
export function cgroupsUsable(): boolean {
  if (!isRoot || !existsSync('/usr/bin/unshare') || !existsSync('/usr/bin/setpriv')) return false;
  try {
    const mounts = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
    const unified = mounts.find((m) => m.version === 2);
    const v2 = unified ? readFileSync(`${unified.mountPoint}/cgroup.controllers`, 'utf8').split(/\s+/).filter(Boolean) : [];
    layout = buildLayout(mounts, v2);
  } catch {
    return false;
  }
  const has = (c: string): boolean => layout!.v1.has(c) || (layout!.v2?.controllers.includes(c) ?? false);
  return has('memory') && has('cpu') && has('pids');
}

let counter = 0;

/** Every place a cgroups root could be, for the leftover check. */
async function cgroupMounts(): Promise<string[]> {
  const found = layout ?? (await detectLayout());
  const mounts = new Set([...found.v1.values()].map((h) => h.mountPoint));
  if (found.v2) mounts.add(found.v2.mountPoint);
  return [...mounts];
}

/** A Mesos containerizer with a cgroups root of its own, plus sandboxes; `close()` removes all of it. */
export class MesosHarness {
  readonly root = `mesos_ts_test_${process.pid}_${(counter += 1)}`;
  private readonly sandboxes: string[] = [];
  private readonly made: MesosContainerizer[] = [];

  async containerizer(options: MesosContainerizerOptions = {}): Promise<MesosContainerizer> {
    const created = await MesosContainerizer.create({ cgroupsRoot: this.root, memPollMs: 50, ...options });
    if (!created.ok) throw created.error;
    this.made.push(created.value);
    return created.value;
  }

  async sandbox(): Promise<string> {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'mesos-containerizer-test-')));
    this.sandboxes.push(dir);
    return dir;
  }

  async config(command: CommandInfo, extra: Partial<Omit<ContainerConfig, 'command'>> = {}): Promise<ContainerConfig> {
    counter += 1;
    return {
      containerId: `c-${process.pid}-${counter}`,
      environment: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      resources: [],
      sandbox: extra.sandbox ?? (await this.sandbox()),
      command,
      ...extra,
    };
  }

  /** The cgroup directories under this harness's root, in every hierarchy. */
  async leftovers(): Promise<string[]> {
    const left: string[] = [];
    for (const mount of await cgroupMounts()) {
      const dir = join(mount, this.root);
      if (!existsSync(dir)) continue;
      left.push(dir, ...(await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => join(dir, e.name)));
    }
    return left;
  }

  /** Destroys every container, cleans up orphans, removes the root; then nothing of it may be left. */
  async close(): Promise<string[]> {
    for (const containerizer of this.made) {
      await Promise.all(containerizer.containers().map((id) => containerizer.destroy(id)));
      await containerizer.recover([]);
      await containerizer.cgroups?.removeRoot();
    }
    await Promise.all(this.sandboxes.map((dir) => rm(dir, { recursive: true, force: true })));
    return this.leftovers();
  }
}
