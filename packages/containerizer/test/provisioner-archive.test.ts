/**
 * The provisioner against a directory of `docker save` archives, with both backends, for real: the image is
 * built from busybox-static at test time, root filesystems are overlay mounts or copies, and a command runs in
 * one with chroot. Everything is made under one per-run directory and removed (mounts first) afterwards.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Image_Type, type Image } from '@mesos-ts/proto';
import { computeImageLaunch, Provisioner } from '../src/provisioner';
import { mountsUnder, unmountAll } from '../src/provisioner/backends';
import { buildBusyboxImage, writeDockerArchive, type FixtureImage } from './fixtures/busybox-image';
import * as tar from 'tar';

const execFileAsync = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

const ROOT = `/tmp/mesos_ts_test_prov_archive_${process.pid}`;
const docker = (name: string, cached?: boolean): Image => ({ type: Image_Type.DOCKER, docker: { name }, ...(cached !== undefined ? { cached } : {}) });

/** Every path under `dir` with its type, mode, size and link target: a tree to compare two rootfses by. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (at: string): Promise<void> => {
    for (const name of (await readdir(at)).sort()) {
      const path = join(at, name);
      const s = await lstat(path);
      const rel = relative(dir, path);
      if (s.isSymbolicLink()) out[rel] = `link -> ${await readlink(path)}`;
      else if (s.isDirectory()) {
        out[rel] = `dir ${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid}`;
        await walk(path);
      } else out[rel] = `file ${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid} ${s.size}`;
    }
  };
  await walk(dir);
  return out;
}

describeRoot('Provisioner with the docker archive store', () => {
  let image: FixtureImage;
  const archives = join(ROOT, 'archives');

  beforeAll(async () => {
    await mkdir(ROOT, { recursive: true });
    image = await buildBusyboxImage(join(ROOT, 'build'));
    await writeDockerArchive(image, archives, 'mesos-ts/busybox:latest', 'mesos-ts/busybox:latest');
  }, 300_000);

  afterAll(async () => {
    await unmountAll(ROOT).catch(() => undefined);
    await rm(ROOT, { recursive: true, force: true });
    expect(existsSync(ROOT)).toBe(false);
  });

  const make = (backend: 'overlay' | 'copy', tag: string) =>
    new Provisioner({
      storeDir: join(ROOT, tag, 'store'),
      provisionerDir: join(ROOT, tag, 'provisioner'),
      registryDir: archives,
      backend,
    });

  it.each(['overlay', 'copy'] as const)('%s: the rootfs has busybox, whiteouts applied, and runs a command', async (backend) => {
    const provisioner = make(backend, `basic-${backend}`);
    await provisioner.recover([]);
    const result = await provisioner.provision('c1', docker('mesos-ts/busybox'));
    if (!result.ok) throw result.error;
    const { rootfs, config } = result.value;
    expect(result.value.backend).toBe(backend);
    expect(result.value.image.layers).toEqual(image.layers.map((l) => l.diffId));
    expect(result.value.image.configDigest).toBe(image.configDigest);
    expect((await stat(join(rootfs, 'bin', 'busybox'))).mode & 0o111).not.toBe(0);
    expect(await readlink(join(rootfs, 'bin', 'sh'))).toBe('busybox');
    expect(existsSync(join(rootfs, 'etc', 'doomed'))).toBe(false); // the whiteout removed it
    expect(existsSync(join(rootfs, 'etc', '.wh.doomed'))).toBe(false);
    expect((await readdir(join(rootfs, 'opt', 'data'))).sort()).toEqual(['c']); // opaque: a and b hidden
    expect(await readFile(join(rootfs, 'etc', 'motd'), 'utf8')).toBe('layer two\n');
    expect((await stat(join(rootfs, 'tmp'))).mode & 0o7777).toBe(0o1777);
    const hello = await stat(join(rootfs, 'bin', 'hello'));
    expect((await stat(join(rootfs, 'bin', 'hello-link'))).ino).toBe(hello.ino); // the hard link stayed one
    expect(config).toMatchObject({ entrypoint: ['/bin/hello'], cmd: ['from-cmd'], workingDir: '/opt', env: ['PATH=/bin', 'GREETING=image'] });
    if (backend === 'overlay') expect(await mountsUnder(rootfs)).toEqual([rootfs]);
    else expect(await mountsUnder(rootfs)).toEqual([]);

    // Run the image's entrypoint as Mesos would for `shell: false` with no value.
    const launch = computeImageLaunch({ shell: false, arguments: ['one', 'two'] }, config);
    if (!launch.ok) throw launch.error;
    const { stdout } = await execFileAsync('/usr/sbin/chroot', [rootfs, '/bin/sh', '-c', `cd ${launch.value.workingDirectory ?? '/'} && exec "$@"`, 'sh', ...launch.value.argv], {
      env: { ...launch.value.environment },
    });
    expect(stdout.trim()).toBe('hello from image in /opt args: one two');

    // Writes land in the container's rootfs only (overlay: the upper dir), never in the layer cache.
    await writeFile(join(rootfs, 'etc', 'motd'), 'changed\n');
    const store = provisioner.imageStore;
    const topLayer = store?.layerPath(image.layers[1].diffId) ?? '';
    expect(await readFile(join(topLayer, 'etc', 'motd'), 'utf8')).toBe('layer two\n');

    const destroyed = await provisioner.destroy('c1');
    expect(destroyed).toEqual({ ok: true, value: true });
    expect(existsSync(join(ROOT, `basic-${backend}`, 'provisioner', 'containers', 'c1'))).toBe(false);
    expect(await mountsUnder(join(ROOT, `basic-${backend}`))).toEqual([]);
    expect(await provisioner.destroy('c1')).toEqual({ ok: true, value: false }); // idempotent
    expect(existsSync(topLayer)).toBe(true); // the cache stays
  });

  it('overlay and copy produce the same tree', async () => {
    const overlay = make('overlay', 'same-overlay');
    const copy = make('copy', 'same-copy');
    const a = await overlay.provision('same', docker('mesos-ts/busybox:latest'));
    const b = await copy.provision('same', docker('mesos-ts/busybox:latest'));
    if (!a.ok) throw a.error;
    if (!b.ok) throw b.error;
    const left = await tree(a.value.rootfs);
    expect(Object.keys(left).length).toBeGreaterThan(15);
    expect(await tree(b.value.rootfs)).toEqual(left);
    await overlay.destroy('same');
    await copy.destroy('same');
  });

  it('the second provision of the image reuses the cache: no pull, no extraction', async () => {
    const provisioner = make('overlay', 'cache');
    const first = await provisioner.provision('one', docker('mesos-ts/busybox'));
    if (!first.ok) throw first.error;
    const layerDir = provisioner.imageStore?.layerPath(image.layers[0].diffId) ?? '';
    const before = await stat(layerDir);
    expect(provisioner.imageStore?.pulls).toBe(1);

    const second = await provisioner.provision('two', docker('mesos-ts/busybox'));
    if (!second.ok) throw second.error;
    expect(provisioner.imageStore?.pulls).toBe(1);
    expect((await stat(layerDir)).ino).toBe(before.ino);
    expect(second.value.rootfs).not.toBe(first.value.rootfs);

    // A new provisioner over the same store finds the image records on disk.
    const again = make('overlay', 'cache');
    await again.recover(['one', 'two']);
    const third = await again.provision('three', docker('mesos-ts/busybox'));
    expect(third.ok).toBe(true);
    expect(again.imageStore?.pulls).toBe(0);

    // `cached: false` pulls again (the archive is read) but the layers already there are not re-extracted.
    const fresh = await again.provision('four', docker('mesos-ts/busybox', false));
    expect(fresh.ok).toBe(true);
    expect(again.imageStore?.pulls).toBe(1);
    expect((await stat(layerDir)).ino).toBe(before.ino);

    // recover() removes the rootfses of containers it is not told about, mounts included.
    const cleaned = await again.recover(['one']);
    expect(cleaned.sort()).toEqual(['four', 'three', 'two']);
    expect(await readdir(join(ROOT, 'cache', 'provisioner', 'containers'))).toEqual(['one']);
    await again.destroy('one');
    expect(await mountsUnder(join(ROOT, 'cache'))).toEqual([]);
  });

  it('concurrent provisions of one image share one pull; without a backend option overlay is chosen here', async () => {
    const provisioner = new Provisioner({ storeDir: join(ROOT, 'auto', 'store'), provisionerDir: join(ROOT, 'auto', 'prov'), registryDir: archives });
    const results = await Promise.all(['p1', 'p2', 'p3'].map((id) => provisioner.provision(id, docker('mesos-ts/busybox'))));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(provisioner.imageStore?.pulls).toBe(1);
    // overlayfs works on these machines (kernel 6.x, ext4 /tmp); elsewhere the probe falls back to copy.
    expect(provisioner.backend).toBe('overlay');
    for (const id of ['p1', 'p2', 'p3']) await provisioner.destroy(id);
    expect(await mountsUnder(join(ROOT, 'auto'))).toEqual([]);
  });

  it('a missing image, a bad reference and a wrong image type are errors that say so', async () => {
    const provisioner = make('copy', 'errors');
    const missing = await provisioner.provision('x', docker('mesos-ts/nothing:1'));
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    expect(!missing.ok && missing.error.message).toContain(join(archives, 'mesos-ts/nothing:1.tar'));
    const bad = await provisioner.provision('x', docker('Not A Name'));
    expect(!bad.ok && bad.error.message).toContain("Invalid Docker image reference 'Not A Name'");
    const appc = await provisioner.provision('x', { type: Image_Type.APPC, appc: { name: 'x' } });
    expect(!appc.ok && appc.error.code).toBe('NOT_IMPLEMENTED');
    const id = await provisioner.provision('../escape', docker('mesos-ts/busybox'));
    expect(!id.ok && id.error.message).toContain("Invalid container ID '../escape'");
    expect(existsSync(join(ROOT, 'errors', 'provisioner', 'containers', 'x'))).toBe(false);
  });

  it('a layer that does not match the config diff_ids is refused with its digest', async () => {
    // Rewrite the archive with layer 2 altered but the config unchanged.
    const dir = join(ROOT, 'tampered');
    const unpacked = join(dir, 'unpacked');
    await mkdir(unpacked, { recursive: true });
    await tar.x({ file: join(archives, 'mesos-ts/busybox:latest.tar'), cwd: unpacked });
    const layer2 = join(unpacked, image.layers[1].diffId.slice(7), 'layer.tar');
    const bytes = await readFile(layer2);
    bytes[600] = (bytes[600] ?? 0) ^ 0xff; // a byte inside the first file's data
    await writeFile(layer2, bytes);
    await mkdir(join(dir, 'archives'), { recursive: true });
    await tar.c({ cwd: unpacked, file: join(dir, 'archives', 'bad:latest.tar') }, await readdir(unpacked));
    const provisioner = new Provisioner({ storeDir: join(dir, 'store'), provisionerDir: join(dir, 'prov'), registryDir: join(dir, 'archives'), backend: 'copy' });
    const result = await provisioner.provision('t', docker('bad'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain(`the image config expects ${image.layers[1].diffId}`);
    }
    expect(await readdir(join(dir, 'store', 'staging'))).toEqual([]);
  });
});
