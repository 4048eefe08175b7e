/**
 * The Mesos containerizer with the linux launcher and `namespaces/pid` against the real kernel (root only).
 */
import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import { cgroupsUsable, eventually, MesosHarness, readSandbox, scalar } from './mesos-support';
import { running } from './support';

const suite = cgroupsUsable() ? describe : describe.skip;

suite('MesosContainerizer with the linux launcher (real kernel)', () => {
  let h: MesosHarness;
  beforeEach(() => {
    h = new MesosHarness();
  });
  afterEach(async () => {
    expect(await h.close()).toEqual([]);
  });

  it('runs a task in a pid namespace of its own: it sees only its own processes, as pid 1', async () => {
    const c = await h.containerizer({ launcher: 'linux', isolation: ['namespaces/pid', 'cgroups/mem'] });
    const config = await h.config({ value: 'sleep 30 & echo "self $$"; ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\\n" " "' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    const termination = await c.wait(config.containerId);
    expect(termination).toEqual({ status: 0, exitCode: 0, message: 'Command exited with status 0' });
    const out = await readSandbox(config.sandbox, 'stdout');
    expect(out).toMatch(/^self 1\n/);
    // pid 1 (the shell), the sleep, ls, grep, sort, tr: a handful of low pids, none of the host's.
    const pids = out.split('\n')[1]!.trim().split(' ').map(Number);
    expect(pids[0]).toBe(1);
    expect(pids.length).toBeLessThan(10);
    expect(Math.max(...pids)).toBeLessThan(20);
    // The sleep died with the namespace's init; nothing of the container is left.
    expect(await c.cgroups!.existing(config.containerId)).toEqual([]);
  });

  it('gives the task its own hostname (uts) and mounts (mount) without touching the host', async () => {
    const c = await h.containerizer({ launcher: 'linux', isolation: [] });
    const config = await h.config({ value: 'hostname mesos-ts-task && hostname && mount -t tmpfs none /mnt && echo mounted' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    expect((await c.wait(config.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('mesos-ts-task\nmounted\n');
    expect(hostname()).not.toBe('mesos-ts-task');
    expect(await readFile('/proc/self/mounts', 'utf8')).not.toMatch(/^none \/mnt tmpfs/m);
  });

  it('destroys a container in a pid namespace: SIGKILL status, no process and no cgroup left', async () => {
    const c = await h.containerizer({ launcher: 'linux', isolation: ['namespaces/pid', 'cgroups/cpu', 'cgroups/mem'] });
    const config = await h.config({ value: 'sleep 100 & sleep 100 & wait' }, { resources: [scalar('cpus', 0.1), scalar('mem', 32)] });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    await eventually(async () => (await c.cgroups!.pids(config.containerId)).length >= 4); // unshare, sh, 2 sleeps
    const pids = await c.cgroups!.pids(config.containerId);
    const termination = await c.destroy(config.containerId);
    expect(termination).toEqual({
      status: 9,
      signal: 'SIGKILL',
      message: 'Container destroyed: Command terminated with signal Killed',
    });
    for (const pid of pids) expect(await running(pid)).toBe(false);
    expect(await c.cgroups!.existing(config.containerId)).toEqual([]);
  });

  it('a graceful destroy sends SIGTERM first and lets the task finish', async () => {
    const c = await h.containerizer({ launcher: 'linux', isolation: ['cgroups/mem'] });
    const config = await h.config({ value: 'trap "echo got TERM; exit 0" TERM; sleep 100 & wait' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    await eventually(async () => (await c.cgroups!.pids(config.containerId)).length >= 2);
    const termination = await c.destroy(config.containerId, 10_000);
    expect(termination?.message).toBe('Container destroyed: Command exited with status 0');
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('got TERM\n');
  });

  it('runs the task as another user, in its cgroups', async () => {
    const c = await h.containerizer({ launcher: 'linux', isolation: ['cgroups/mem'] });
    const config = await h.config({ value: 'id -u; cat /proc/self/cgroup' }, { user: 'nobody' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    expect((await c.wait(config.containerId))?.exitCode).toBe(0);
    const out = await readSandbox(config.sandbox, 'stdout');
    expect(out.split('\n')[0]).toBe('65534');
    expect(out).toContain(`memory:/${h.root}/${config.containerId}`);
  });

  it('refuses namespaces/pid with the posix launcher', async () => {
    await expect(h.containerizer({ launcher: 'posix', isolation: ['namespaces/pid'] })).rejects.toThrow(
      "Isolator 'namespaces/pid' needs the linux launcher",
    );
  });
});
