import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Environment_Variable_Type } from '@mesos-ts/proto';
import { buildTaskEnvironment, commandLine, launchTaskProcess, lookupUser } from './task-process';

describe('commandLine', () => {
  it('runs shell commands (the default) with /bin/sh -c', () => {
    expect(commandLine({ value: 'echo hi' }, 't')).toEqual({ ok: true, value: { file: '/bin/sh', args: ['-c', 'echo hi'], argv0: 'sh' } });
  });

  it('execs a non-shell command with arguments as the whole argv', () => {
    expect(commandLine({ shell: false, value: '/bin/echo', arguments: ['echo', 'a', 'b'] }, 't')).toEqual({ ok: true, value: { file: '/bin/echo', args: ['a', 'b'], argv0: 'echo' } });
    expect(commandLine({ shell: false, value: '/bin/true' }, 't')).toEqual({ ok: true, value: { file: '/bin/true', args: [], argv0: '/bin/true' } });
  });

  it("says what is missing in Mesos's words", () => {
    expect(commandLine({}, 't1')).toEqual({ ok: false, error: "Shell command of task 't1' is not specified" });
    expect(commandLine({ shell: false }, 't1')).toEqual({ ok: false, error: "Executable of task 't1' is not specified" });
  });
});

describe('buildTaskEnvironment', () => {
  it('layers the executor environment, the environments given, then the overrides; skips secrets', () => {
    const env = buildTaskEnvironment(
      { PATH: '/bin', A: 'executor', UNSET: undefined },
      [
        { variables: [{ name: 'A', value: 'flag' }, { name: 'B', value: 'flag' }] },
        { variables: [{ name: 'B', value: 'command' }, { name: 'S', type: Environment_Variable_Type.SECRET, secret: {} }, { name: 'EMPTY' }] },
        undefined,
      ],
      { MESOS_ALLOCATION_ROLE: 'web', A: 'override' },
    );
    expect(env).toEqual({ PATH: '/bin', A: 'override', B: 'command', EMPTY: '', MESOS_ALLOCATION_ROLE: 'web' });
  });
});

describe('lookupUser', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nbroken:x:abc:1::/:\n';
  it('finds a user in a passwd file', () => {
    expect(lookupUser('nobody', passwd)).toEqual({ name: 'nobody', uid: 65534, gid: 65534, home: '/nonexistent' });
    expect(lookupUser('missing', passwd)).toBeUndefined();
    expect(lookupUser('broken', passwd)).toBeUndefined();
  });
});

/** Whether `pid` runs (a zombie, killed but not yet reaped by an init that does not reap, does not count). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('launchTaskProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'task-process-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the command in its directory with its environment, output to files, and reports the exit', async () => {
    const started = await launchTaskProcess({
      command: { file: '/bin/sh', args: ['-c', 'echo "$X $(pwd)"; echo oops >&2; exit 4'], argv0: 'sh' },
      env: { X: 'hello', PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      cwd: dir,
      output: { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') },
    });
    if (!started.ok) throw new Error(started.error);
    expect(await started.value.exited).toEqual({ code: 4, signal: null });
    expect(readFileSync(join(dir, 'stdout'), 'utf8')).toBe(`hello ${dir}\n`);
    expect(readFileSync(join(dir, 'stderr'), 'utf8')).toBe('oops\n');
  });

  it('signals the whole process group: the children of a shell die too', async () => {
    const pidFile = join(dir, 'child.pid');
    const started = await launchTaskProcess({
      command: { file: '/bin/sh', args: ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], argv0: 'sh' },
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      output: { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') },
    });
    if (!started.ok) throw new Error(started.error);
    const deadline = Date.now() + 5000;
    let childPid = NaN;
    while (Number.isNaN(childPid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      try {
        childPid = Number(readFileSync(pidFile, 'utf8').trim()) || NaN;
      } catch {
        // not written yet
      }
    }
    expect(alive(childPid)).toBe(true);
    expect(started.value.signal('SIGKILL')).toBe(true);
    expect(await started.value.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(childPid)).toBe(false);
  });

  it('says why a command cannot start', async () => {
    const missing = await launchTaskProcess({ command: { file: '/nonexistent/bin', args: [], argv0: 'x' }, env: {}, output: 'inherit' });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error).toMatch(/^Failed to launch the command: spawn \/nonexistent\/bin ENOENT/);
    const badFiles = await launchTaskProcess({ command: { file: '/bin/true', args: [], argv0: 'true' }, env: {}, output: { stdout: join(dir, 'no', 'such', 'dir'), stderr: join(dir, 'e') } });
    expect(badFiles.ok).toBe(false);
    if (!badFiles.ok) expect(badFiles.error).toContain("Failed to open the task's output files");
  });

  it('refuses an unknown user when it would have to switch to it', async () => {
    if (process.getuid?.() !== 0) return;
    const started = await launchTaskProcess({ command: { file: '/bin/true', args: [], argv0: 'true' }, env: {}, output: 'inherit', user: 'no-such-user-here' });
    expect(started).toEqual({ ok: false, error: "Failed to switch to user 'no-such-user-here': no such user" });
  });

  it('runs the task as its user when the executor is root', async () => {
    const nobody = lookupUser('nobody');
    if (process.getuid?.() !== 0 || nobody === undefined) return;
    const started = await launchTaskProcess({
      command: { file: '/bin/sh', args: ['-c', 'id -u; id -g'], argv0: 'sh' },
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      output: { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr') },
      user: 'nobody',
    });
    if (!started.ok) throw new Error(started.error);
    expect(await started.value.exited).toEqual({ code: 0, signal: null });
    expect(readFileSync(join(dir, 'stdout'), 'utf8')).toBe(`${nobody.uid}\n${nobody.gid}\n`);
  });
});
