/**
 * `filesystem/linux` against the real kernel (root only): image tasks run in the provisioned root filesystem with
 * the sandbox at /mnt/mesos/sandbox, persistent volumes are bind-mounted at their paths, and nothing stays
 * mounted afterwards. The image is built from busybox-static at test time; everything lives under one per-run
 * directory that is unmounted and removed at the end.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerInfo_Type, Image_Type, type ContainerInfo } from '@mesos-ts/proto';
import { Provisioner } from '../src/provisioner';
import { mountsUnder, unmountAll } from '../src/provisioner/backends';
import { ensureBusybox, buildBusyboxImage, writeDockerArchive } from './fixtures/busybox-image';
import { cgroupsUsable, eventually, MesosHarness, readSandbox } from './mesos-support';
import type { MesosContainerizerOptions } from '../src/mesos-containerizer';

const suite = cgroupsUsable() ? describe : describe.skip;
const ROOT = `/tmp/mesos_ts_test_fs_linux_${process.pid}`;

const busyboxImage = (): ContainerInfo => ({
  type: ContainerInfo_Type.MESOS,
  mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'mesos-ts/busybox' } } },
});

/** Mount points of this process's (the host's) namespace under the test's directories. */
async function hostMounts(): Promise<string[]> {
  return [...(await mountsUnder(ROOT)), ...(await mountsUnder('/tmp')).filter((p) => p.includes('mesos-containerizer-test-'))];
}

suite('filesystem/linux (real kernel)', () => {
  let h: MesosHarness;
  let busybox: string;
  const archives = join(ROOT, 'archives');

  beforeAll(async () => {
    await mkdir(ROOT, { recursive: true });
    busybox = await ensureBusybox();
    const image = await buildBusyboxImage(join(ROOT, 'build'));
    await writeDockerArchive(image, archives, 'mesos-ts/busybox', 'mesos-ts/busybox:latest');
  }, 300_000);

  afterAll(async () => {
    await unmountAll(ROOT).catch(() => undefined);
    await rm(ROOT, { recursive: true, force: true });
    expect(existsSync(ROOT)).toBe(false);
  });

  beforeEach(() => {
    h = new MesosHarness();
  });
  afterEach(async () => {
    expect(await h.close()).toEqual([]);
    expect(await hostMounts()).toEqual([]);
  });

  let n = 0;
  async function imageContainerizer(backend: 'overlay' | 'copy' = 'overlay', extra: MesosContainerizerOptions = {}) {
    n += 1;
    const provisioner = new Provisioner({
      storeDir: join(ROOT, `store-${n}`),
      provisionerDir: join(ROOT, `provisioner-${n}`),
      registryDir: archives,
      backend,
    });
    await provisioner.recover([]);
    const c = await h.containerizer({
      launcher: 'linux',
      isolation: ['filesystem/linux', 'namespaces/pid', 'cgroups/mem'],
      provisioner,
      tools: { busybox },
      ...extra,
    });
    return { c, provisioner };
  }

  it.each(['overlay', 'copy'] as const)(
    '%s: runs the image entrypoint in its working directory with the image environment',
    async (backend) => {
      const { c, provisioner } = await imageContainerizer(backend);
      const config = await h.config({ shell: false }, { container: busyboxImage() });
      const launched = await c.launch(config);
      if (!launched.ok) throw launched.error;
      const termination = await c.wait(config.containerId);
      expect(await readSandbox(config.sandbox, 'stderr')).toBe('');
      expect(termination).toEqual({ status: 0, exitCode: 0, message: 'Command exited with status 0' });
      expect(await readSandbox(config.sandbox, 'stdout')).toBe('hello from image in /opt args: from-cmd\n');
      // The root filesystem went with the container.
      expect(existsSync(join(provisioner.provisionerDir, 'containers', config.containerId))).toBe(false);
    },
    60_000,
  );

  it('a shell task sees the image, not the host; the sandbox is at /mnt/mesos/sandbox; /proc, /dev, /tmp work', async () => {
    const { c } = await imageContainerizer();
    const script = [
      'echo "sandbox=$MESOS_SANDBOX pwd=$(pwd)"',
      'echo written-inside > /mnt/mesos/sandbox/from-task',
      'test -e /etc/debian_version && echo host-visible || echo no-debian_version',
      'cat /etc/motd',
      'ls /proc | /bin/busybox grep -E "^[0-9]+$" | /bin/busybox head -1',
      'echo discard > /dev/null && /bin/busybox head -c 4 /dev/zero | /bin/busybox wc -c',
      'echo scratch > /tmp/t && cat /tmp/t',
      'cat /proc/self/mountinfo | /bin/busybox grep -c " / / " ',
      'test -e /tmp/.old_root* && echo old-root-left || echo no-old-root',
    ].join('; ');
    const config = await h.config({ value: script }, { container: busyboxImage() });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    const termination = await c.wait(config.containerId);
    expect(await readSandbox(config.sandbox, 'stderr')).toBe('');
    expect(termination?.exitCode).toBe(0);
    expect((await readSandbox(config.sandbox, 'stdout')).split('\n')).toEqual([
      'sandbox=/mnt/mesos/sandbox pwd=/opt',
      'no-debian_version',
      'layer two',
      '1',
      '4',
      'scratch',
      '1',
      'no-old-root',
      '',
    ]);
    expect(await readFile(join(config.sandbox, 'from-task'), 'utf8')).toBe('written-inside\n');
  }, 60_000);

  it('runs an image task as another user (uid and primary gid), who can write to the sandbox', async () => {
    const { c } = await imageContainerizer();
    const config = await h.config({ value: 'id -u; id -g; echo mine > $MESOS_SANDBOX/by-nobody' }, { container: busyboxImage(), user: 'nobody' });
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    expect((await c.wait(config.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe('65534\n65534\n');
    expect(await readFile(join(config.sandbox, 'by-nobody'), 'utf8')).toBe('mine\n');
  }, 60_000);

  it('persistent volumes: bind-mounted at relative and absolute paths, read-only when asked, kept after the task', async () => {
    const { c } = await imageContainerizer('copy');
    const volume = join(ROOT, 'volume-rw');
    const readOnly = join(ROOT, 'volume-ro');
    await mkdir(volume, { recursive: true });
    await mkdir(readOnly, { recursive: true });
    await writeFile(join(readOnly, 'seed'), 'seed\n');
    const mounts = [
      { hostPath: volume, containerPath: 'data', readOnly: false },
      { hostPath: volume, containerPath: '/var/lib/app', readOnly: false },
      { hostPath: readOnly, containerPath: '/ro', readOnly: true },
    ];
    const first = await h.config(
      { value: 'echo one > $MESOS_SANDBOX/data/a && echo two > /var/lib/app/b && cat /ro/seed && (echo x > /ro/x) 2>/dev/null || echo ro-refused' },
      { container: busyboxImage(), mounts },
    );
    const launched = await c.launch(first);
    if (!launched.ok) throw launched.error;
    expect((await c.wait(first.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(first.sandbox, 'stdout')).toBe('seed\nro-refused\n');
    expect(await readFile(join(volume, 'a'), 'utf8')).toBe('one\n');
    expect(await readFile(join(volume, 'b'), 'utf8')).toBe('two\n');
    expect(existsSync(join(readOnly, 'x'))).toBe(false);
    // The mount point made in the sandbox is empty on the host: the mount was only in the container's namespace.
    expect(existsSync(join(first.sandbox, 'data', 'a'))).toBe(false);

    const second = await h.config({ value: 'cat /mnt/mesos/sandbox/data/a /var/lib/app/b' }, { container: busyboxImage(), mounts });
    const again = await c.launch(second);
    if (!again.ok) throw again.error;
    expect((await c.wait(second.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(second.sandbox, 'stdout')).toBe('one\ntwo\n');
  }, 60_000);

  it('destroying a running image container leaves nothing mounted and removes its root filesystem', async () => {
    const { c, provisioner } = await imageContainerizer('overlay', { isolation: ['filesystem/linux', 'namespaces/pid', 'cgroups/mem', 'cgroups/pids'] });
    const volume = join(ROOT, 'volume-destroy');
    await mkdir(volume, { recursive: true });
    const config = await h.config(
      { value: 'sleep 100 & echo started > /mnt/mesos/sandbox/up; wait' },
      { container: busyboxImage(), mounts: [{ hostPath: volume, containerPath: 'v', readOnly: false }] },
    );
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    await eventually(async () => existsSync(join(config.sandbox, 'up')));
    const containerDir = join(provisioner.provisionerDir, 'containers', config.containerId);
    expect((await mountsUnder(containerDir)).length).toBe(1); // the overlay rootfs, in the host's namespace
    const termination = await c.destroy(config.containerId);
    expect(termination?.signal).toBe('SIGKILL');
    expect(await mountsUnder(containerDir)).toEqual([]);
    expect(existsSync(containerDir)).toBe(false);
    expect(await hostMounts()).toEqual([]);
  }, 60_000);

  it('without an image: the host filesystem, with volumes bind-mounted in the container namespace only', async () => {
    const c = await h.containerizer({ launcher: 'linux', isolation: ['filesystem/linux'] });
    const volume = join(ROOT, 'volume-host');
    await mkdir(volume, { recursive: true });
    await chmod(volume, 0o755);
    const config = await h.config(
      { value: 'echo kept > vol/file && test -e /etc/debian_version && echo host-fs && grep -c " $PWD/vol " /proc/self/mountinfo' },
      { mounts: [{ hostPath: volume, containerPath: 'vol', readOnly: false }] },
    );
    const launched = await c.launch(config);
    if (!launched.ok) throw launched.error;
    expect((await c.wait(config.containerId))?.exitCode).toBe(0);
    expect(await readSandbox(config.sandbox, 'stdout')).toBe(`host-fs\n1\n`);
    expect(await readFile(join(volume, 'file'), 'utf8')).toBe('kept\n');
    expect(existsSync(join(config.sandbox, 'vol', 'file'))).toBe(false);
  }, 60_000);

  it('refuses what it cannot honour, with messages that say why', async () => {
    // An image without filesystem/linux, or without a provisioner.
    const plain = await h.containerizer({ launcher: 'linux', isolation: ['namespaces/pid'] });
    const noFs = await plain.launch(await h.config({ shell: false }, { container: busyboxImage() }));
    expect(noFs.ok || noFs.error.message).toMatch("a container image needs the 'filesystem/linux' isolator and the linux launcher");
    const noProvisioner = await h.containerizer({ launcher: 'linux', isolation: ['filesystem/linux'] });
    const none = await noProvisioner.launch(await h.config({ shell: false }, { container: busyboxImage() }));
    expect(none.ok || none.error.message).toMatch('a container image needs an image provisioner');
    // The posix launcher cannot do it.
    await expect(h.containerizer({ launcher: 'posix', isolation: ['filesystem/linux'] })).rejects.toThrow(
      "Isolator 'filesystem/linux' needs the linux launcher",
    );
    // A volume path that leaves the sandbox, and a missing host path.
    const escaping = await noProvisioner.launch(await h.config({ value: 'true' }, { mounts: [{ hostPath: ROOT, containerPath: '../x', readOnly: false }] }));
    expect(escaping.ok || escaping.error.message).toMatch("mounts[0]: containerPath '../x' must name a path inside the sandbox");
    const missing = await noProvisioner.launch(await h.config({ value: 'true' }, { mounts: [{ hostPath: join(ROOT, 'nope'), containerPath: 'x', readOnly: false }] }));
    expect(missing.ok || missing.error.message).toMatch(`mounts[0]: hostPath '${join(ROOT, 'nope')}' does not exist`);
    // A program the image does not have, and a dynamically linked helper.
    const { c } = await imageContainerizer();
    const absent = await c.launch(await h.config({ shell: false, value: 'no-such-program', arguments: ['x'] }, { container: busyboxImage() }));
    expect(absent.ok || absent.error.message).toMatch("'no-such-program' was not found in the container's PATH '/bin'");
    const { c: dynamic } = await imageContainerizer('overlay', { tools: { busybox: '/bin/sh' } });
    const helper = await dynamic.launch(await h.config({ value: 'true' }, { container: busyboxImage() }));
    expect(helper.ok || helper.error.message).toMatch("filesystem/linux needs a statically linked busybox at '/bin/sh'");
  }, 60_000);
});
