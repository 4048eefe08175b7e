/**
 * The cgroup v2 paths of the cgroups layer and isolators. These machines mount every controller as v1 (their v2
 * hierarchy has none), and a controller can be in only one hierarchy at a time, so the v2 files cannot be exercised
 * on the real kernel here. A directory laid out as a cgroup2 mount stands in for it: the test checks what the
 * manager and the isolators write (controllers enabled level by level, `cpu.weight`, `cpu.max`, `memory.max`) and
 * how they read the kernel's v2 files (`cpu.stat` in microseconds, `memory.stat`, `memory.events`' `oom_kill`).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskStatus_Reason } from '@mesos-ts/proto';
import { CgroupsManager } from '../cgroups/manager';
import type { CgroupLayout } from '../cgroups/layout';
import { CgroupsCpuIsolator, cfsQuotaUs, cpuShares, sharesToWeight } from './cgroups-cpu';
import { CgroupsMemIsolator } from './cgroups-mem';
import type { IsolatorContainer } from './isolator';

describe('cgroups v2 files (a cgroup2 layout in a directory)', () => {
  let mount: string;
  let manager: CgroupsManager;
  const id = 'c1';
  const container = (cpus: number, memBytes: bigint): IsolatorContainer =>
    ({ containerId: id, config: { containerId: id, command: {}, environment: {}, sandbox: '/', resources: [] }, limits: { cpus, memBytes } }) as IsolatorContainer;

  beforeEach(() => {
    mount = mkdtempSync(join(tmpdir(), 'mesos-ts-cgroup2-'));
    // The kernel makes these files in every cgroup; here the levels above the containers get them by hand.
    mkdirSync(join(mount, 'mesos'));
    writeFileSync(join(mount, 'cgroup.subtree_control'), '');
    writeFileSync(join(mount, 'mesos', 'cgroup.subtree_control'), '');
    const layout: CgroupLayout = { v1: new Map(), v2: { mountPoint: mount, root: '/', controllers: ['cpu', 'memory', 'pids'] } };
    manager = new CgroupsManager(layout, 'mesos');
  });
  afterEach(() => rmSync(mount, { recursive: true, force: true }));

  it('creates one unified cgroup and enables the controllers from the mount down to the cgroups root', async () => {
    const made = await manager.create(id, ['cpu', 'cpuacct', 'memory']);
    expect(made.paths).toEqual([join(mount, 'mesos', id)]);
    expect(manager.pathOf(id, 'memory')).toEqual({ version: 2, path: join(mount, 'mesos', id) });
    // Each level's subtree_control got what it lacked (the kernel keeps a set; this directory keeps the last write).
    expect(readFileSync(join(mount, 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +memory');
    expect(readFileSync(join(mount, 'mesos', 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +memory');
  });

  it('cgroups/cpu writes cpu.weight and cpu.max, and reads cpu.stat in microseconds', async () => {
    await manager.create(id, ['cpu', 'cpuacct']);
    const dir = join(mount, 'mesos', id);
    const cpu = new CgroupsCpuIsolator(manager, { enableCfs: true });
    await cpu.prepare(container(0.5, 64n << 20n));
    expect(readFileSync(join(dir, 'cpu.weight'), 'utf8')).toBe(String(sharesToWeight(cpuShares(0.5))));
    expect(readFileSync(join(dir, 'cpu.max'), 'utf8')).toBe(`${cfsQuotaUs(0.5)} 100000`);
    // The runtimes' linear map of shares (2..262144) onto weights (1..10000): the ends meet, ratios are kept.
    expect([sharesToWeight(2), sharesToWeight(1024), sharesToWeight(262_144)]).toEqual([1, 39, 10_000]);

    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 3000000\nuser_usec 2500000\nsystem_usec 500000\nnr_periods 40\nnr_throttled 12\nthrottled_usec 1500000\n');
    writeFileSync(join(dir, 'cgroup.procs'), '101\n102\n');
    writeFileSync(join(dir, 'cgroup.threads'), '101\n102\n103\n');
    const stats = await cpu.usage(id);
    expect(stats).toMatchObject({ cpusUserTimeSecs: 2.5, cpusSystemTimeSecs: 0.5, cpusNrPeriods: 40, cpusNrThrottled: 12, cpusThrottledTimeSecs: 1.5, processes: 2, threads: 3 });
  });

  it('cgroups/mem writes memory.max, reads memory.stat, and turns a rising oom_kill in memory.events into the limitation', async () => {
    await manager.create(id, ['memory']);
    const dir = join(mount, 'mesos', id);
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\n');
    const mem = new CgroupsMemIsolator(manager, { pollMs: 10 });
    try {
      await mem.prepare(container(1, 96n << 20n));
      expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(96 << 20));

      writeFileSync(join(dir, 'memory.current'), String(50 << 20));
      writeFileSync(join(dir, 'memory.stat'), `anon ${40 << 20}\nfile ${8 << 20}\nfile_mapped ${1 << 20}\nunevictable 0\n`);
      expect(await mem.usage(id)).toMatchObject({ memTotalBytes: BigInt(50 << 20), memLimitBytes: BigInt(96 << 20), memRssBytes: BigInt(40 << 20), memCacheBytes: BigInt(8 << 20) });

      writeFileSync(join(dir, 'memory.peak'), String(96 << 20));
      writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\n');
      const limitation = await mem.watch(id);
      expect(limitation.reason).toBe(TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY);
      expect(limitation.message).toMatch(/^Memory limit exceeded: Requested: 96MB Maximum Used: 96MB/);
    } finally {
      await mem.cleanup(id);
    }
  });
});
