import { buildLayout, controllerVersion, parseCgroupMounts } from './layout';
import { formatBytes, parseFlatKeyed, parseLimit, parsePids } from './files';
import { CgroupsManager, checkCgroupName } from './manager';

// What these machines show: v1 controllers one per directory, a cgroup2 mount at /sys/fs/cgroup/unified.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`;

// A systemd host of the older kind: cpu and cpuacct co-mounted.
const COMOUNTED = `25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:8 - cgroup cgroup rw,cpu,cpuacct
26 24 0:23 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,memory`;

// A v2-only host.
const UNIFIED = `30 24 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`;

describe('cgroup layout', () => {
  it('finds v1 controllers and the hybrid unified mount', () => {
    const layout = buildLayout(parseCgroupMounts(HYBRID), ['hugetlb']);
    expect([...layout.v1.keys()].sort()).toEqual(['cpu', 'cpuacct', 'freezer', 'memory', 'pids']);
    expect(layout.v1.get('memory')?.mountPoint).toBe('/sys/fs/cgroup/memory');
    expect(layout.v2).toEqual({ mountPoint: '/sys/fs/cgroup/unified', root: '/', controllers: ['hugetlb'] });
    expect(controllerVersion(layout, 'memory')).toBe(1);
    expect(controllerVersion(layout, 'freezer')).toBe(1);
  });

  it('shares one mount between co-mounted controllers', () => {
    const layout = buildLayout(parseCgroupMounts(COMOUNTED));
    expect(layout.v1.get('cpu')?.mountPoint).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(layout.v1.get('cpuacct')?.mountPoint).toBe('/sys/fs/cgroup/cpu,cpuacct');
    expect(layout.v2).toBeUndefined();
    expect(controllerVersion(layout, 'pids')).toBeUndefined();
    const manager = new CgroupsManager(layout);
    expect(manager.pathOf('c1', 'cpuacct')).toEqual({ version: 1, path: '/sys/fs/cgroup/cpu,cpuacct/mesos/c1' });
  });

  it('serves controllers from v2 on a unified host, freezer and cpuacct as core', () => {
    const layout = buildLayout(parseCgroupMounts(UNIFIED), ['cpuset', 'cpu', 'io', 'memory', 'pids']);
    expect(layout.v1.size).toBe(0);
    for (const c of ['cpu', 'cpuacct', 'memory', 'pids', 'freezer'] as const) expect(controllerVersion(layout, c)).toBe(2);
    const manager = new CgroupsManager(layout, 'mesos/agent1');
    expect(manager.pathOf('c1', 'memory')).toEqual({ version: 2, path: '/sys/fs/cgroup/mesos/agent1/c1' });
  });

  it('rejects names that would leave the root', () => {
    expect(checkCgroupName('../x', 'container ID')).toContain("cannot be a cgroup name");
    expect(checkCgroupName('..', 'container ID')).toContain('cannot be a cgroup name');
    expect(checkCgroupName('', 'container ID')).toContain('1 to 255');
    expect(checkCgroupName('1b9c-uuid', 'container ID')).toBeUndefined();
    expect(() => new CgroupsManager(buildLayout([]), '/')).toThrow('cgroups root must not be empty');
  });
});

describe('cgroup files', () => {
  it('parses flat keyed files, limits and pid lists', () => {
    expect(parseFlatKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')).toEqual(
      new Map([['oom_kill_disable', 0n], ['under_oom', 0n], ['oom_kill', 2n]]),
    );
    expect(parseLimit('max\n', 'memory.max')).toBeUndefined();
    expect(parseLimit('67108864\n', 'memory.max')).toBe(67108864n);
    expect(() => parseLimit('lots', 'memory.max')).toThrow(`Unexpected content "lots" in 'memory.max'`);
    expect(parsePids('12\n345\n\n')).toEqual([12, 345]);
  });

  it('formats bytes as Mesos does', () => {
    expect(formatBytes(64n * 1024n * 1024n)).toBe('64MB');
    expect(formatBytes(1536n * 1024n)).toBe('1536KB');
    expect(formatBytes(100n)).toBe('100B');
    expect(formatBytes(0n)).toBe('0B');
    expect(formatBytes(2n * 1024n ** 3n)).toBe('2GB');
  });
});
