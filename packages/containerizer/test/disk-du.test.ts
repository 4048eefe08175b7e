/**
 * disk/du: usage measured with the real `du` in real sandboxes (posix launcher; no root needed), the quota
 * enforced with REASON_CONTAINER_LIMITATION_DISK, persistent volumes measured on their own, and the isolator's
 * rules (MOUNT disks not enforced, one `du` at a time, failures retried) with a probe of known answers.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resource_DiskInfo_Source_Type, TaskStatus_Reason, type Resource } from '@mesos-ts/proto';
import { DiskDuIsolator, parseDuOutput, type DiskUsageProbe } from '../src/isolators/disk-du';
import type { ContainerConfig } from '../src/types';
import { eventually, MesosHarness, scalar } from './mesos-support';

const MB = 1024n * 1024n;
const volume = (mb: number, containerPath: string, extra: Partial<NonNullable<Resource['disk']>> = {}): Resource => ({
  ...scalar('disk', mb),
  disk: { persistence: { id: `vol-${containerPath}` }, volume: { containerPath, mode: 1 }, ...extra },
});
// Writes `mb` MB of zeros with head(1), which every Linux has.
const write = (file: string, mb: number): string => `head -c ${mb * 1024 * 1024} /dev/zero > ${file}`;

describe('disk/du with real du', () => {
  let h: MesosHarness;
  beforeEach(() => {
    h = new MesosHarness();
  });
  afterEach(async () => {
    expect(await h.close()).toEqual([]);
  });

  it('reports sandbox usage against the disk resource, without enforcing by default', async () => {
    const c = await h.containerizer({ isolation: ['posix/cpu', 'disk/du'], containerDiskWatchIntervalMs: 50 });
    const config = await h.config({ value: `${write('blob', 2)}; sleep 60` }, { resources: [scalar('disk', 1)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    let used = 0n;
    await eventually(async () => {
      const usage = await c.usage(config.containerId);
      used = usage.ok ? (usage.value.diskUsedBytes ?? 0n) : 0n;
      return used >= 2n * MB;
    }, 15_000);
    const usage = await c.usage(config.containerId);
    if (!usage.ok) throw usage.error;
    expect(usage.value.diskLimitBytes).toBe(1n * MB);
    expect(usage.value.diskStatistics).toEqual([{ limitBytes: 1n * MB, usedBytes: usage.value.diskUsedBytes }]);
    // Over its quota, but enforcement is off: it keeps running.
    expect(c.containers()).toContain(config.containerId);
    const termination = await c.destroy(config.containerId);
    expect(termination?.limitation).toBeUndefined();
  }, 30_000);

  it('ends a container over its quota with the disk limitation', async () => {
    const c = await h.containerizer({ isolation: ['disk/du'], containerDiskWatchIntervalMs: 50, enforceContainerDiskQuota: true });
    const config = await h.config({ value: `${write('blob', 3)}; sleep 60` }, { resources: [scalar('disk', 1)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    const termination = await c.wait(config.containerId);
    expect(termination?.limitation?.reason).toBe(TaskStatus_Reason.REASON_CONTAINER_LIMITATION_DISK);
    expect(termination?.message).toMatch(/^Disk usage \(\d+(KB|MB)\) exceeds quota \(1MB\)$/);
    expect(termination?.limitation?.resources).toEqual({ disk: 1 });
    expect(termination?.signal).toBe('SIGKILL');
    expect(c.containers()).toEqual([]);
  }, 30_000);

  it('leaves a container within its quota alone, and measures nothing without a disk resource', async () => {
    const c = await h.containerizer({ isolation: ['disk/du'], containerDiskWatchIntervalMs: 50, enforceContainerDiskQuota: true });
    const within = await h.config({ value: `${write('blob', 1)}; sleep 1` }, { resources: [scalar('disk', 8)] });
    const bare = await h.config({ value: 'sleep 60' });
    for (const config of [within, bare]) {
      const launched = await c.launch(config);
      if (!launched.ok) throw launched.error;
    }
    const bareUsage = await c.usage(bare.containerId);
    expect(bareUsage.ok && [bareUsage.value.diskUsedBytes, bareUsage.value.diskStatistics]).toEqual([undefined, undefined]);
    const termination = await c.wait(within.containerId);
    expect(termination?.limitation).toBeUndefined();
    expect(termination?.exitCode).toBe(0);
    await c.destroy(bare.containerId);
  }, 30_000);

  it('measures a persistent volume on its own and keeps it out of the sandbox usage', async () => {
    const volumeDir = await mkdtemp(join(tmpdir(), 'disk-du-volume-'));
    try {
      const c = await h.containerizer({ isolation: ['disk/du'], containerDiskWatchIntervalMs: 50 });
      const sandbox = await h.sandbox();
      await symlink(volumeDir, join(sandbox, 'data')); // as the agent links a volume without filesystem/linux
      const config = await h.config({ value: `${write('data/blob', 2)}; sleep 60` }, { sandbox, resources: [scalar('disk', 4), volume(3, 'data')] });
      const launched = await c.launch(config);
      if (!launched.ok) throw launched.error;
      await eventually(async () => {
        const usage = await c.usage(config.containerId);
        const vol = usage.ok ? usage.value.diskStatistics?.find((s) => s.persistence?.id === 'vol-data') : undefined;
        return (vol?.usedBytes ?? 0n) >= 2n * MB;
      }, 15_000);
      const usage = await c.usage(config.containerId);
      if (!usage.ok) throw usage.error;
      expect(usage.value.diskLimitBytes).toBe(4n * MB);
      expect(usage.value.diskUsedBytes).toBeLessThan(1n * MB);
      expect(usage.value.diskStatistics?.find((s) => s.persistence?.id === 'vol-data')?.limitBytes).toBe(3n * MB);
      await c.destroy(config.containerId);
    } finally {
      await rm(volumeDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('DiskDuIsolator rules (probe with known answers)', () => {
  const config = (resources: Resource[], sandbox = '/sandbox'): ContainerConfig => ({
    containerId: 'c1',
    command: { value: 'true' },
    environment: {},
    sandbox,
    resources,
  });

  it('parses du output', () => {
    expect(parseDuOutput('2052\t/tmp/x\n')).toBe(2052n * 1024n);
    expect(() => parseDuOutput('du: cannot access')).toThrow("Unexpected output from 'du'");
  });

  it('does not enforce MOUNT disks, excludes volumes inside the sandbox, and runs one du at a time', async () => {
    let running = 0;
    let most = 0;
    const calls: Array<[string, readonly string[]]> = [];
    const probe: DiskUsageProbe = async (path, excludes) => {
      calls.push([path, excludes]);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return path.endsWith('mnt') ? 50n * MB : 1n * MB;
    };
    const isolator = new DiskDuIsolator({ watchIntervalMs: 10, enforceQuota: true, probe });
    const mount = volume(2, 'mnt', { source: { type: Resource_DiskInfo_Source_Type.MOUNT } });
    await isolator.prepare({ containerId: 'c1', config: config([scalar('disk', 2), mount]), limits: {} });
    await eventually(() => calls.length >= 6, 5000);
    expect(await isolator.check('c1')).toBeUndefined();
    expect(most).toBe(1);
    expect(calls.find(([path]) => path === '/sandbox')?.[1]).toEqual(['/sandbox/mnt']);
    const usage = await isolator.usage('c1');
    expect(usage.diskStatistics?.find((s) => s.source)?.usedBytes).toBe(50n * MB);
    await isolator.cleanup('c1');
    const after = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls.length).toBeLessThanOrEqual(after + 1); // at most the measurement already under way
    expect(await isolator.usage('c1')).toEqual({});
  });

  it('reports a failed du and tries again; the watch resolves once over quota', async () => {
    const errors: string[] = [];
    let answer: bigint | Error = new Error("du: cannot access '/sandbox': No such file or directory");
    const probe: DiskUsageProbe = async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    };
    const isolator = new DiskDuIsolator({ watchIntervalMs: 10, enforceQuota: true, probe, onError: (_id, _path, e) => errors.push(e.message) });
    await isolator.prepare({ containerId: 'c1', config: config([scalar('disk', 1.5)]), limits: {} });
    await eventually(() => errors.length >= 2, 5000);
    expect(errors[0]).toContain('No such file or directory');
    answer = 1536n * 1024n + 1024n; // 1 KB over 1.5 MB, which Mesos truncates to 1 MB
    const limitation = await isolator.watch('c1');
    expect(limitation.message).toBe('Disk usage (1537KB) exceeds quota (1MB)');
    expect(await isolator.check('c1')).toBe(limitation);
    await isolator.cleanup('c1');
  });

  it('refuses bad settings and resources with a message naming them', async () => {
    expect(() => new DiskDuIsolator({ watchIntervalMs: 0 })).toThrow('disk watch interval must be a positive number of milliseconds, got 0');
    const isolator = new DiskDuIsolator({ probe: async () => 0n });
    await expect(isolator.prepare({ containerId: 'c1', config: config([scalar('disk', -1)]), limits: {} })).rejects.toThrow(
      "the 'disk' resource must be a non-negative scalar, got -1",
    );
    await isolator.prepare({ containerId: 'c2', config: config([]), limits: {} });
    await expect(isolator.prepare({ containerId: 'c2', config: config([]), limits: {} })).rejects.toThrow("container 'c2' has already been prepared");
    await isolator.cleanup('c2');
  });

  it('creates nothing on disk for a volume whose host path is unknown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'disk-du-'));
    try {
      await mkdir(join(dir, 'sb'));
      const calls: string[] = [];
      const isolator = new DiskDuIsolator({ watchIntervalMs: 10, probe: async (path) => (calls.push(path), 0n) });
      await isolator.prepare({ containerId: 'c1', config: config([volume(1, '/abs/data')], join(dir, 'sb')), limits: {} });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(calls).toEqual([]);
      expect(await isolator.usage('c1')).toEqual({});
      await isolator.cleanup('c1');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
