/**
 * The Mesos containerizer with cgroups isolators against the real kernel (root only): memory limit and OOM
 * limitation, CPU shares and CFS quota, pids.max, statistics, destroy and cleanup.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskStatus_Reason } from '@mesos-ts/proto';
import { cgroupsUsable, eventually, MesosHarness, scalar } from './mesos-support';
import { running } from './support';

const usable = cgroupsUsable();
const suite = usable ? describe : describe.skip;

suite('MesosContainerizer with cgroups isolators (real kernel)', () => {
  let h: MesosHarness;
  beforeEach(() => {
    h = new MesosHarness();
  });
  afterEach(async () => {
    expect(await h.close()).toEqual([]);
  });

  it('ends a memory hog over its limit with the memory limitation', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/mem', 'cgroups/cpu'] });
    // Node allocates 16 MB at a time and touches it, until the kernel's OOM killer steps in. Not through a shell,
    // so the status is the hog's own.
    const hog = 'const a = []; for (;;) a.push(Buffer.alloc(16 * 1024 * 1024, 1))';
    const command = { shell: false, value: process.execPath, arguments: ['node', '-e', hog] };
    const config = await h.config(command, { resources: [scalar('mem', 96), scalar('cpus', 1)] });
    const launched = await c.launch(config);
    expect(launched.ok).toBe(true);

    const termination = await c.wait(config.containerId);
    expect(termination?.limitation?.reason).toBe(TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY);
    expect(termination?.message).toMatch(/^Memory limit exceeded: Requested: 96MB Maximum Used: \d+(B|KB|MB)\n/);
    expect(termination?.message).toContain('MEMORY STATISTICS');
    expect(termination?.signal).toBe('SIGKILL');
    expect(c.containers()).toEqual([]);
  }, 60_000);

  it('sets cpu.shares from cpus and a CFS quota that measurably throttles a busy loop', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/cpu'], enableCfs: true });
    const config = await h.config({ value: 'while :; do :; done' }, { resources: [scalar('cpus', 0.2)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    const cpu = c.cgroups!.pathOf(config.containerId, 'cpu')!;
    if (cpu.version === 1) {
      expect((await readFile(join(cpu.path, 'cpu.shares'), 'utf8')).trim()).toBe('204');
      expect((await readFile(join(cpu.path, 'cpu.cfs_quota_us'), 'utf8')).trim()).toBe('20000');
    } else {
      expect((await readFile(join(cpu.path, 'cpu.max'), 'utf8')).trim()).toBe('20000 100000');
    }
    const before = await c.usage(config.containerId);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await c.usage(config.containerId);
    if (!before.ok || !after.ok) throw new Error('usage failed');
    const used =
      (after.value.cpusUserTimeSecs ?? 0) + (after.value.cpusSystemTimeSecs ?? 0) -
      ((before.value.cpusUserTimeSecs ?? 0) + (before.value.cpusSystemTimeSecs ?? 0));
    // 1.5 s of wall time at 0.2 cpus is 0.3 s; unthrottled it would be close to 1.5 s.
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(0.75);
    expect(after.value.cpusNrThrottled).toBeGreaterThan(0);
    expect(after.value.cpusNrPeriods).toBeGreaterThan(0);
    expect(after.value.cpusThrottledTimeSecs).toBeGreaterThan(0);
    expect(after.value.cpusLimit).toBe(0.2);
    expect(after.value.processes).toBe(1);

    const termination = await c.destroy(config.containerId);
    expect(termination?.signal).toBe('SIGKILL');
    expect(termination?.message).toBe('Container destroyed: Command terminated with signal Killed');
  }, 30_000);

  it('stops forks beyond pids.max', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/pids'], pidsMax: 5 });
    const config = await h.config({ value: 'for i in 1 2 3 4 5 6 7 8; do sleep 30 & done; wait' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    const pids = c.cgroups!.pathOf(config.containerId, 'pids')!;
    expect((await readFile(join(pids.path, 'pids.max'), 'utf8')).trim()).toBe('5');
    await eventually(async () => (await readFile(join(config.sandbox, 'stderr'), 'utf8')).length > 0, 20_000);
    expect(await readFile(join(config.sandbox, 'stderr'), 'utf8')).toMatch(/fork|Resource temporarily unavailable|Cannot/i);
    // dash gives up when a fork fails, so the container may be over already; either way it ends.
    expect(await c.destroy(config.containerId)).toBeDefined();
  }, 30_000);

  it('reports memory statistics and limits, and destroy leaves no process and no cgroup', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/cpu', 'cgroups/mem', 'cgroups/pids'] });
    const config = await h.config({ value: 'sleep 100 & sleep 100 & wait' }, { resources: [scalar('mem', 64), scalar('cpus', 0.5)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    await eventually(async () => (await c.cgroups!.pids(config.containerId)).length === 3);
    const usage = await c.usage(config.containerId);
    if (!usage.ok) throw usage.error;
    expect(usage.value.memLimitBytes).toBe(64n * 1024n * 1024n);
    expect(usage.value.memTotalBytes).toBeGreaterThan(0n);
    expect(usage.value.memRssBytes).toBeDefined();
    expect(usage.value.processes).toBe(3);
    expect(usage.value.cpusLimit).toBe(0.5);
    expect(typeof usage.value.timestamp).toBe('number');

    const pids = await c.cgroups!.pids(config.containerId);
    await c.destroy(config.containerId);
    for (const pid of pids) expect(await running(pid)).toBe(false);
    expect(await c.cgroups!.existing(config.containerId)).toEqual([]);
    expect((await c.usage(config.containerId)).ok).toBe(false);
  }, 30_000);

  it('a container whose first process exits loses the rest of its processes and its cgroups', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/mem'] });
    const config = await h.config({ value: '(setsid sleep 100 &); exit 3' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    const termination = await c.wait(config.containerId);
    expect(termination).toEqual({ status: 3 << 8, exitCode: 3, message: 'Command exited with status 3' });
    expect(await c.cgroups!.existing(config.containerId)).toEqual([]);
  }, 30_000);

  it('cleans up orphans: cgroups of containers an earlier agent left behind', async () => {
    const first = await h.containerizer({ isolation: ['cgroups/mem'] });
    const config = await h.config({ value: 'sleep 1000' });
    const launched = await first.launch(config);
    if (!launched.ok) throw launched.error;
    // A second containerizer on the same root stands for the restarted agent, which knows no containers.
    const second = await h.containerizer({ isolation: ['cgroups/mem'] });
    const recovered = await second.recover(['some-known-container']);
    expect(recovered).toEqual({ ok: true, value: [config.containerId] });
    expect(await running(launched.value.pid)).toBe(false);
    expect(await second.cgroups!.existing(config.containerId)).toEqual([]);
    // The first containerizer sees its container end.
    expect((await first.wait(config.containerId))?.signal).toBe('SIGKILL');
  }, 30_000);

  it('refuses a missing program and unknown isolators, cleaning up what launch made', async () => {
    const c = await h.containerizer({ isolation: ['cgroups/mem'] });
    const config = await h.config({ value: 'no-such-program-here', shell: false });
    const launched = await c.launch(config);
    expect(launched.ok).toBe(false);
    if (!launched.ok) expect(launched.error.message).toContain("'no-such-program-here' was not found in PATH");
    expect(await c.cgroups!.existing(config.containerId)).toEqual([]);
  });
});
