/**
 * `launchTaskProcess` with a root filesystem (a command task with an image), against the real kernel (root only):
 * the task runs in its own mount namespace, pivoted into the rootfs, with the mounts it was given; a rootfs that
 * cannot be entered is a launch error with the script's words. Uses the static busybox that
 * tools/scripts/ensure-busybox.sh installs at /bin/busybox; nothing stays mounted.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchTaskProcess, type RootfsLaunch } from '../src/task-process';

const REPO = join(__dirname, '..', '..', '..');
const suite = process.getuid?.() === 0 ? describe : describe.skip;

suite('launchTaskProcess in a root filesystem (real kernel)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mesos-ts-rootfs-task-'));
  const rootfs = join(scratch, 'rootfs');
  const sandbox = join(scratch, 'sandbox');
  const tools = { unshare: '/usr/bin/unshare', mount: '/bin/mount', busybox: '/bin/busybox' };

  beforeAll(() => {
    execFileSync('bash', [join(REPO, 'tools', 'scripts', 'ensure-busybox.sh')], { stdio: 'inherit', timeout: 300_000 });
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    mkdirSync(sandbox);
    copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    for (const applet of ['sh', 'cat', 'ls']) symlinkSync('busybox', join(rootfs, 'bin', applet));
    execFileSync('chmod', ['755', join(rootfs, 'bin', 'busybox')]);
  }, 300_000);

  afterAll(() => {
    const left = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(scratch));
    rmSync(scratch, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  const launch = (root: RootfsLaunch, script: string) =>
    launchTaskProcess({
      command: { file: '/bin/sh', args: ['-c', script], argv0: 'sh' },
      env: { PATH: '/bin' },
      cwd: sandbox,
      output: { stdout: join(sandbox, 'stdout'), stderr: join(sandbox, 'stderr') },
      rootfs: root,
    });

  it('runs the task pivoted into the rootfs, with the sandbox mounted, and reports its exit status', async () => {
    const mounts = [{ source: sandbox, target: join(rootfs, 'mnt', 'sandbox'), recursive: true }];
    const started = await launch({ path: rootfs, workingDirectory: '/work', info: { ...tools, mounts } }, 'ls /; pwd; echo in-image > /mnt/sandbox/note; exit 4');
    if (!started.ok) throw new Error(started.error);
    expect(await started.value.exited).toEqual({ code: 4, signal: null });
    const stdout = readFileSync(join(sandbox, 'stdout'), 'utf8');
    // Only the rootfs's own entries (plus the mount points made in it) are visible.
    expect(stdout.split('\n').slice(0, -2).sort()).toEqual(['bin', 'mnt', 'tmp', 'work']);
    expect(stdout).toContain('/work\n');
    expect(readFileSync(join(sandbox, 'note'), 'utf8')).toBe('in-image\n');
  });

  it('fails the launch naming why when the rootfs cannot be entered', async () => {
    const started = await launch({ path: join(scratch, 'missing'), workingDirectory: '/', info: { ...tools, mounts: [] } }, 'true');
    const message = started.ok ? '' : started.error;
    expect(message).toMatch(/^Failed to enter the root filesystem '.*\/missing': mount: .*mount point does not exist/);
    expect(message).toContain(`cannot bind the root filesystem ${join(scratch, 'missing')}`);
  });
});
