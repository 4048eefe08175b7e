import { buildLayout, parseCgroupMounts } from '../cgroups/layout';
import { CgroupsManager } from '../cgroups/manager';
import { cfsQuotaUs, cpuShares, sharesToWeight } from './cgroups-cpu';
import { createIsolators } from './registry';

const layout = buildLayout(
  parseCgroupMounts(
    ['32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu', '35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory'].join('\n'),
  ),
);
const cgroups = new CgroupsManager(layout);

describe('isolator registry', () => {
  it('builds isolators by their Mesos names, in order, once each', () => {
    const built = createIsolators(['posix/cpu', 'cgroups/mem', 'posix/cpu', 'posix/mem'], { cgroups, launcher: 'posix' });
    expect(built.ok && built.value.map((i) => i.name)).toEqual(['posix/cpu', 'cgroups/mem', 'posix/mem']);
  });

  it('expands cgroups/all to what the host has', () => {
    const built = createIsolators(['cgroups/all'], { cgroups, launcher: 'posix' });
    expect(built.ok && built.value.map((i) => i.name)).toEqual(['cgroups/cpu', 'cgroups/mem']);
  });

  it('names what is wrong', () => {
    const message = (names: string[], launcher: 'posix' | 'linux' = 'posix', withCgroups = true): string => {
      const built = createIsolators(names, { ...(withCgroups ? { cgroups } : {}), launcher });
      return built.ok ? 'ok' : built.error.message;
    };
    expect(message(['cgroups/blkio'])).toContain("Unknown or unsupported isolator 'cgroups/blkio'");
    expect(message(['cgroups/pids'])).toContain("'cgroups/pids' needs the 'pids' cgroup controller");
    expect(message(['namespaces/pid'])).toContain('needs the linux launcher');
    expect(message(['namespaces/pid'], 'linux')).toBe('ok');
    expect(message(['cgroups/mem'], 'posix', false)).toContain("'cgroups/mem' needs cgroups");
    const pids = new CgroupsManager(buildLayout(parseCgroupMounts('39 31 0:36 / /p rw - cgroup cgroup rw,pids')));
    const built = createIsolators(['cgroups/pids'], { cgroups: pids, launcher: 'posix', pidsMax: 0 });
    expect(built.ok ? 'ok' : built.error.message).toContain('pids limit must be a positive integer, got 0');
  });
});

describe('cgroups/cpu arithmetic', () => {
  it('gives 1024 shares per cpu, at least 2', () => {
    expect(cpuShares(1)).toBe(1024);
    expect(cpuShares(0.2)).toBe(204);
    expect(cpuShares(0.001)).toBe(2);
  });
  it('gives a CFS quota of cpus x period, at least 1 ms', () => {
    expect(cfsQuotaUs(0.2)).toBe(20_000);
    expect(cfsQuotaUs(2.5)).toBe(250_000);
    expect(cfsQuotaUs(0.001)).toBe(1_000);
  });
  it('maps shares to v2 weights', () => {
    expect(sharesToWeight(2)).toBe(1);
    expect(sharesToWeight(1024)).toBe(39);
    expect(sharesToWeight(262_144)).toBe(10_000);
  });
});
