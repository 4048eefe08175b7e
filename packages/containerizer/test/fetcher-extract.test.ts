/**
 * Extraction: every recognised archive kind unpacks into the sandbox (archives made here with `tar` and `yazl`,
 * compressed with the system's gzip/bzip2/xz), and archives that try to write outside the sandbox are refused.
 */
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import * as yazl from 'yazl';
import { Fetcher } from '../src/fetcher';
import { TempDirs, TestServer, ensureFetcherTools, isRoot, listTree } from './fetcher-support';

jest.setTimeout(120_000);

const server = new TestServer();
const temp = new TempDirs();
let fetcher: Fetcher;
let work: string;
let counter = 0;
const nextId = (): string => `fetch-extract-${process.pid}-${++counter}`;

/** A zip built with yazl; `rename` rewrites names of equal length afterwards (yazl itself refuses unsafe ones). */
function makeZip(entries: Array<{ name: string; content: string; mode?: number }>, rename?: [string, string]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(Buffer.from(entry.content), entry.name, entry.mode === undefined ? {} : { mode: entry.mode });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => {
      let buffer = Buffer.concat(chunks);
      if (rename) {
        const [from, to] = rename;
        if (from.length !== to.length) throw new Error('rename must keep the length');
        // The name is stored twice (local header and central directory); replace both.
        buffer = Buffer.from(buffer.toString('latin1').split(from).join(to), 'latin1');
      }
      resolve(buffer);
    });
  });
}

async function tarOf(files: string[], options: { gzip?: boolean; preservePaths?: boolean; cwd?: string } = {}): Promise<Buffer> {
  const file = join(work, `t-${++counter}.tar`);
  await tar.c({ file, cwd: options.cwd ?? join(work, 'tree'), gzip: options.gzip ?? false, preservePaths: options.preservePaths ?? false, portable: true }, files);
  return readFile(file);
}

async function fetchOne(name: string, content: Buffer, extra: { outputFile?: string } = {}) {
  server.files.set(`/a/${name}`, content);
  const sandbox = await temp.make();
  const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url(`/a/${name}`), ...extra }] });
  return { sandbox, result };
}

beforeAll(async () => {
  ensureFetcherTools();
  await server.start();
  work = await temp.make('fetcher-work-');
  await mkdir(join(work, 'tree/dir'), { recursive: true });
  await writeFile(join(work, 'tree/top.txt'), 'top\n');
  await writeFile(join(work, 'tree/dir/inner.sh'), '#!/bin/sh\n', { mode: 0o755 });
  fetcher = new Fetcher({ cacheDir: join(work, 'cache'), cacheSizeBytes: 0 });
});

afterAll(async () => {
  await fetcher.close();
  await server.stop();
  await temp.cleanup();
});

describe('extraction', () => {
  it.each(['tar', 'tgz', 'tar.gz', 'tbz2', 'tar.bz2', 'txz', 'tar.xz'])('unpacks a .%s next to the archive', async (ext) => {
    const plain = await tarOf(['top.txt', 'dir']);
    const program = /gz$/.test(ext) ? 'gzip' : /bz2$/.test(ext) ? 'bzip2' : /xz$/.test(ext) ? 'xz' : undefined;
    const content = program ? execFileSync(program, ['-c'], { input: plain }) : plain;
    const { sandbox, result } = await fetchOne(`pkg.${ext}`, content);
    expect(result.ok).toBe(true);
    expect(await listTree(sandbox)).toEqual(['dir', 'dir/inner.sh', `pkg.${ext}`, 'top.txt']);
    expect(await readFile(join(sandbox, 'top.txt'), 'utf8')).toBe('top\n');
    expect((await stat(join(sandbox, 'dir/inner.sh'))).mode & 0o111).not.toBe(0);
  });

  it('unpacks a zip, keeping Unix modes, and a bare .gz file', async () => {
    const zip = await makeZip([
      { name: 'z/a.txt', content: 'A' },
      { name: 'z/run', content: '#!/bin/sh\n', mode: 0o100755 },
      { name: 'z/link', content: 'a.txt', mode: 0o120777 },
    ]);
    const { sandbox, result } = await fetchOne('bundle.zip', zip);
    expect(result.ok).toBe(true);
    expect(await listTree(sandbox)).toEqual(['bundle.zip', 'z', 'z/a.txt', 'z/link', 'z/run']);
    expect((await stat(join(sandbox, 'z/run'))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(sandbox, 'z/link'))).toBe('a.txt');

    const gz = await fetchOne('notes.txt.gz', gzipSync('notes\n'));
    expect(gz.result.ok).toBe(true);
    expect(await readFile(join(gz.sandbox, 'notes.txt'), 'utf8')).toBe('notes\n');
  });

  it('copies instead of extracting with extract: false, executable, or an unknown extension', async () => {
    const tgz = await tarOf(['top.txt'], { gzip: true });
    server.files.set('/a/keep.tgz', tgz);
    const sandbox = await temp.make();
    const result = await fetcher.fetch({
      containerId: nextId(),
      sandbox,
      uris: [
        { value: server.url('/a/keep.tgz'), extract: false },
        { value: server.url('/a/keep.tgz'), executable: true, outputFile: 'exe.tgz' },
        { value: server.url('/a/keep.tgz'), outputFile: 'blob.bin' },
      ],
    });
    expect(result.ok).toBe(true);
    expect(await listTree(sandbox)).toEqual(['blob.bin', 'exe.tgz', 'keep.tgz']);
  });

  it('extracts a URI with a query string when output_file names the archive', async () => {
    server.files.set('/a/download', await tarOf(['top.txt'], { gzip: true }));
    const sandbox = await temp.make();
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: `${server.url('/a/download')}?id=7`, outputFile: 'pkg.tar.gz' }] });
    expect(result.ok).toBe(true);
    expect(await listTree(sandbox)).toEqual(['pkg.tar.gz', 'top.txt']);
  });

  it('fails on a corrupt archive, naming the URI and the archive', async () => {
    const { result } = await fetchOne('broken.tgz', Buffer.from('this is not gzip at all'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/^Failed to fetch '.*broken\.tgz': Failed to extract archive '.*broken\.tgz' to '/);
    const zip = await fetchOne('broken.zip', Buffer.from('PK not really'));
    expect(zip.result.ok).toBe(false);
  });
});

describe('archives that reach outside the sandbox', () => {
  it('refuses a zip entry with ../ (zip slip)', async () => {
    const zip = await makeZip([{ name: 'ok.txt', content: 'fine' }, { name: 'zz/evil.txt', content: 'evil' }], ['zz/evil.txt', '../evil.txt']);
    const { sandbox, result } = await fetchOne('slip.zip', zip);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/slip\.zip.*\.\.\/evil\.txt/);
    await expect(lstat(join(sandbox, '..', 'evil.txt'))).rejects.toThrow();
  });

  it('refuses a zip symlink pointing out, and a zip that writes through its own symlink', async () => {
    const out = await makeZip([{ name: 'up', content: '../..', mode: 0o120777 }]);
    const first = await fetchOne('up.zip', out);
    expect(first.result.ok).toBe(false);
    if (!first.result.ok) expect(first.result.error.message).toContain("symbolic link 'up' points outside the sandbox");

    const through = await makeZip([
      { name: 'real/keep', content: 'k' },
      { name: 'alias', content: 'real', mode: 0o120777 },
      { name: 'alias/x', content: 'x' },
    ]);
    const second = await fetchOne('through.zip', through);
    expect(second.result.ok).toBe(false);
    if (!second.result.ok) expect(second.result.error.message).toContain('symbolic link');
    await expect(lstat(join(second.sandbox, 'real/x'))).rejects.toThrow();
  });

  it('refuses a tar entry with ../ and a tar symlink pointing out', async () => {
    await mkdir(join(work, 'slip/in'), { recursive: true });
    await writeFile(join(work, 'slip/evil.txt'), 'evil');
    const slip = await tarOf(['../evil.txt'], { cwd: join(work, 'slip/in'), preservePaths: true });
    const { sandbox, result } = await fetchOne('slip.tar', slip);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain("entry '../evil.txt' contains '..'");
    expect(await listTree(sandbox)).toEqual(['slip.tar']);

    await mkdir(join(work, 'links'), { recursive: true });
    await symlink('/etc', join(work, 'links/etc-link'));
    const link = await tarOf(['etc-link'], { cwd: join(work, 'links') });
    const linked = await fetchOne('link.tar', link);
    expect(linked.result.ok).toBe(false);
    if (!linked.result.ok) expect(linked.result.error.message).toContain("symbolic link 'etc-link' points outside the sandbox ('/etc')");
  });

  (isRoot ? it : it.skip)('strips setuid bits and hands entries to the user when extracting as root', async () => {
    await mkdir(join(work, 'suid'), { recursive: true });
    await writeFile(join(work, 'suid/tool'), 'x', { mode: 0o4755 });
    server.files.set('/a/suid.tar', await tarOf(['tool'], { cwd: join(work, 'suid') }));
    const sandbox = await temp.make();
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, user: 'nobody', uris: [{ value: server.url('/a/suid.tar') }] });
    expect(result.ok).toBe(true);
    const info = await stat(join(sandbox, 'tool'));
    expect(info.mode & 0o7000).toBe(0);
    expect(info.uid).toBe(65534);
    expect((await stat(join(sandbox, 'suid.tar'))).uid).toBe(65534);
  });
});
