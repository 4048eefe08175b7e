import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLinuxLauncher, createPosixLauncher, type ForkRequest } from './launcher';

describe('launchers', () => {
  let dir: string;
  let out: number;
  let errFd: number;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'launcher-test-'));
    out = openSync(join(dir, 'stdout'), 'a');
    errFd = openSync(join(dir, 'stderr'), 'a');
  });
  afterEach(async () => {
    closeSync(out);
    closeSync(errFd);
    await rm(dir, { recursive: true, force: true });
  });

  const request = (extra: Partial<ForkRequest> = {}): ForkRequest => ({
    containerId: 'c1',
    file: '/bin/sh',
    argv0: 'sh',
    args: ['-c', 'echo hi; exit 4'],
    env: { PATH: '/usr/bin:/bin' },
    cwd: dir,
    stdout: out,
    stderr: errFd,
    cgroups: [],
    namespaces: [],
    ...extra,
  });

  it('posix: runs the program directly and reports its exit', async () => {
    const forked = await createPosixLauncher().fork(request());
    if (!forked.ok) throw forked.error;
    expect(await forked.value.exited).toEqual({ code: 4, signal: null });
    expect(await readFile(join(dir, 'stdout'), 'utf8')).toBe('hi\n');
  });

  it('posix: a cgroup that cannot be joined is a launch error naming it, and the task never runs', async () => {
    const forked = await createPosixLauncher().fork(request({ cgroups: [join(dir, 'no-such-cgroup')] }));
    expect(forked.ok).toBe(false);
    if (!forked.ok) expect(forked.error.message).toContain(`cannot join cgroup ${join(dir, 'no-such-cgroup')}`);
    expect(await readFile(join(dir, 'stdout'), 'utf8')).toBe('');
  });

  it('posix: refuses namespaces', async () => {
    const forked = await createPosixLauncher().fork(request({ namespaces: ['pid'] }));
    expect(forked.ok).toBe(false);
    if (!forked.ok) expect(forked.error.message).toContain('the posix launcher cannot create namespaces (pid)');
  });

  it('linux: a failing unshare is a launch error with its message', async () => {
    const launcher = createLinuxLauncher({ unshare: join(dir, 'no-unshare') });
    const forked = await launcher.fork(request());
    expect(forked.ok).toBe(false);
    if (!forked.ok) expect(forked.error.message).toMatch(/no-unshare.*(not found|No such file)/);
    expect(await readFile(join(dir, 'stdout'), 'utf8')).toBe('');
  });
});
