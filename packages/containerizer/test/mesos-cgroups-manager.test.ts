/**
 * CgroupsManager against the real kernel (root only): both kill paths (v2 `cgroup.kill`, and the v1 freezer used
 * where no unified hierarchy is mounted), waiting until empty, removal, and listing leftovers.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectLayout, type CgroupLayout } from '../src/cgroups/layout';
import { CgroupsManager } from '../src/cgroups/manager';
import { cgroupsUsable, eventually } from './mesos-support';
import { running } from './support';

const suite = cgroupsUsable() ? describe : describe.skip;

suite('CgroupsManager (real kernel)', () => {
  const root = `mesos_ts_test_${process.pid}_manager`;
  let layout: CgroupLayout;
  const managers: CgroupsManager[] = [];
  beforeAll(async () => {
    layout = await detectLayout();
  });
  afterAll(async () => {
    for (const manager of managers) {
      for (const id of await manager.list()) await manager.destroy(id);
      await manager.removeRoot();
    }
    const mounts = new Set([...layout.v1.values()].map((h) => h.mountPoint));
    if (layout.v2) mounts.add(layout.v2.mountPoint);
    for (const mount of mounts) expect(existsSync(join(mount, root))).toBe(false);
    // Nothing of any test run of this process is left anywhere under /sys/fs/cgroup.
    for (const mount of mounts) {
      expect(readdirSync(mount).filter((name) => name.startsWith(`mesos_ts_test_${process.pid}_`))).toEqual([]);
    }
  });

  /** Starts `sh -c script` inside the container's cgroups (joined before exec, as the launchers do). */
  function startIn(paths: readonly string[], script: string): number {
    const join = paths.map((p) => `echo $$ > ${p}/cgroup.procs`).join('; ');
    const child = spawn('/bin/sh', ['-c', `${join}; exec sh -c '${script}'`], { stdio: 'ignore', detached: true });
    child.unref();
    return child.pid!;
  }

  const cases: Array<[string, (l: CgroupLayout) => CgroupLayout]> = [
    ['as found on this host (cgroup.kill where a unified hierarchy is mounted)', (l) => l],
    ['with the v1 freezer (no unified hierarchy)', (l) => ({ v1: l.v1 })],
  ];
  it.each(cases)('kills a forking process tree, waits until empty and removes its cgroups: %s', async (_, shape) => {
    const manager = new CgroupsManager(shape(layout), root);
    managers.push(manager);
    const id = `tree-${managers.length}`;
    const cgroups = await manager.create(id, ['memory', 'pids']);
    if (!shape(layout).v2) expect(cgroups.paths.some((p) => p.includes('/freezer/'))).toBe(true);
    const pid = startIn(cgroups.paths, 'while :; do sleep 0.01 & sleep 0.02; done & sleep 100 & wait');
    await eventually(async () => (await manager.pids(id)).length >= 3);
    expect(await manager.list()).toContain(id);
    const members = await manager.pids(id);
    expect(members).toContain(pid);

    await manager.destroy(id, 20_000);
    for (const member of members) expect(await running(member)).toBe(false);
    expect(await manager.existing(id)).toEqual([]);
    expect(await manager.list()).not.toContain(id);
  });

  it('refuses a controller this host lacks, naming it', async () => {
    const manager = new CgroupsManager({ v1: new Map() }, root);
    await expect(manager.create('x', ['memory'])).rejects.toThrow("cgroup controller 'memory' is not mounted on this host");
  });
});
