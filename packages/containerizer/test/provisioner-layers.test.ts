/**
 * Layer extraction and the copy backend's layering on real files: whiteouts in both forms, type changes,
 * archives that try to leave their directory, and corrupt archives. Needs root (device nodes, trusted xattrs).
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getAttribute } from '@napi-rs/xattr';
import * as tar from 'tar';
import { applyLayer, extractLayer } from '../src/provisioner/layers';

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;
const ROOT = `/tmp/mesos_ts_test_prov_layers_${process.pid}`;

/** Writes `files` (path -> content, or null for a directory) into a fresh tree and tars it. */
async function layerTar(name: string, files: Record<string, string | null>, gzip = false): Promise<string> {
  const dir = join(ROOT, 'src', name);
  for (const [path, content] of Object.entries(files)) {
    if (content === null) await mkdir(join(dir, path), { recursive: true });
    else {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }
  }
  const file = join(ROOT, `${name}.tar${gzip ? '.gz' : ''}`);
  await tar.c({ cwd: dir, file, gzip }, await readdir(dir));
  return file;
}

async function fresh(name: string): Promise<string> {
  const dir = join(ROOT, 'out', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

describeRoot('layers', () => {
  beforeAll(async () => {
    await rm(ROOT, { recursive: true, force: true });
    await mkdir(ROOT, { recursive: true });
  });
  afterAll(async () => {
    await rm(ROOT, { recursive: true, force: true });
  });

  const upper = { 'etc/.wh.gone': '', 'data/.wh..wh..opq': '', 'data/new': 'new', 'keep/file': 'kept' };

  it('overlay form: a whiteout becomes a 0/0 character device, an opaque marker the trusted.overlay.opaque xattr', async () => {
    const out = await fresh('overlay');
    const report = await extractLayer(await layerTar('upper-o', upper, true), out, 'overlay');
    expect(report).toMatchObject({ whiteouts: 1, opaques: 1 });
    const device = await lstat(join(out, 'etc', 'gone'));
    expect(device.isCharacterDevice()).toBe(true);
    expect(device.rdev).toBe(0);
    expect((await getAttribute(join(out, 'data'), 'trusted.overlay.opaque'))?.toString()).toBe('y');
    expect(existsSync(join(out, 'etc', '.wh.gone'))).toBe(false);
    expect(existsSync(join(out, 'data', '.wh..wh..opq'))).toBe(false);
    expect(await readFile(join(out, 'data', 'new'), 'utf8')).toBe('new');
  });

  it('plain form keeps the .wh. files, and applyLayer honours them over the lower layer', async () => {
    const lower = await fresh('lower');
    await extractLayer(await layerTar('lower', { 'etc/gone': 'x', 'etc/stays': 'y', 'data/old1': '1', 'data/sub/old2': '2', 'keep/other': 'o', 'swap': 'a file' }), lower, 'plain');
    const top = await fresh('top');
    await extractLayer(await layerTar('upper-p', { ...upper, 'swap/inside': 'now a dir' }), top, 'plain');
    expect(existsSync(join(top, 'etc', '.wh.gone'))).toBe(true);

    const rootfs = await fresh('rootfs');
    await applyLayer(lower, rootfs);
    await applyLayer(top, rootfs);
    expect((await readdir(join(rootfs, 'etc'))).sort()).toEqual(['stays']);
    expect((await readdir(join(rootfs, 'data'))).sort()).toEqual(['new']);
    expect((await readdir(join(rootfs, 'keep'))).sort()).toEqual(['file', 'other']);
    expect(await readFile(join(rootfs, 'swap', 'inside'), 'utf8')).toBe('now a dir'); // a file replaced by a directory
  });

  it('entries that climb out of the layer are not written outside it', async () => {
    const out = await fresh('escape');
    const file = join(ROOT, 'escape.tar');
    // node-tar's own writer refuses such names, so the header is made by hand-editing a normal entry.
    await layerTar('escape-src', { 'aaaaaaaaaaaaaaaaaaaaa': 'evil' });
    await tar.c({ cwd: join(ROOT, 'src', 'escape-src'), file }, ['aaaaaaaaaaaaaaaaaaaaa']);
    const bytes = await readFile(file);
    // `out` is ROOT/out/escape, so this name points at ROOT/escaped.
    bytes.fill(0, 0, 100);
    Buffer.from('../../escaped').copy(bytes, 0);
    // Fix the header checksum (bytes 148..155) for the new name.
    bytes.fill(0x20, 148, 156);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += bytes[i] ?? 0;
    Buffer.from(`${sum.toString(8).padStart(6, '0')}\0 `).copy(bytes, 148);
    await writeFile(file, bytes);
    const names: string[] = [];
    await tar.t({ file, onReadEntry: (entry) => names.push(entry.path) });
    expect(names).toEqual(['../../escaped']); // the archive really carries the climbing name
    await extractLayer(file, out, 'overlay').catch(() => undefined);
    expect(existsSync(join(ROOT, 'escaped'))).toBe(false);
    expect(await readdir(out)).toEqual([]);
  });

  it('a corrupt archive is an error, not a half layer passed on', async () => {
    const file = join(ROOT, 'corrupt.tar.gz');
    const good = await readFile(await layerTar('big', { 'a': 'x'.repeat(100_000) }, true));
    await writeFile(file, good.subarray(0, Math.floor(good.length / 2)));
    await expect(extractLayer(file, await fresh('corrupt'), 'plain')).rejects.toThrow(/could not be extracted|unexpected end|TAR_/i);
  });
});
