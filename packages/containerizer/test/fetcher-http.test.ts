/**
 * The fetcher without its cache: HTTP downloads from a local server, local files, executable, output_file,
 * failures that name the URI, cancellation and stalls, and handing files to the task's user.
 */
import { chmod, lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Fetcher } from '../src/fetcher';
import { TempDirs, TestServer, eventually, isRoot, listTree } from './fetcher-support';

jest.setTimeout(60_000);

const server = new TestServer();
const temp = new TempDirs();
let fetcher: Fetcher;
let cacheDir: string;
let counter = 0;
const nextId = (): string => `fetch-http-${process.pid}-${++counter}`;

beforeAll(async () => {
  server.files.set('/files/hello.txt', Buffer.from('hello world\n'));
  server.files.set('/files/run.sh', Buffer.from('#!/bin/sh\necho ran\n'));
  server.handlers.set('/redirect', (_req, res) => res.writeHead(302, { location: '/files/hello.txt' }).end());
  server.handlers.set('/loop', (_req, res) => res.writeHead(302, { location: '/loop' }).end());
  // Sends half of what it announces, then goes silent: for cancellation and the stall timeout.
  server.handlers.set('/slow.bin', (_req, res) => {
    res.writeHead(200, { 'content-length': '2000' });
    res.write(Buffer.alloc(1000, 1));
  });
  await server.start();
  cacheDir = await temp.make('fetcher-cache-');
  fetcher = new Fetcher({ cacheDir, cacheSizeBytes: 0, stallTimeoutMs: 30_000, maxRedirections: 3 });
});

afterAll(async () => {
  await fetcher.close();
  await server.stop();
  await temp.cleanup();
});

describe('Fetcher over HTTP and local files', () => {
  it('downloads an http URI into the sandbox under its basename', async () => {
    const sandbox = await temp.make();
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/files/hello.txt') }] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(await readFile(join(sandbox, 'hello.txt'), 'utf8')).toBe('hello world\n');
    expect(result.value.fetched).toEqual([
      expect.objectContaining({ path: join(sandbox, 'hello.txt'), bytes: 12, cache: 'bypass', extracted: false }),
    ]);
    expect(await listTree(sandbox)).toEqual(['hello.txt']);
  });

  it('follows redirects, and gives up on a redirect loop naming the URI', async () => {
    const sandbox = await temp.make();
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/redirect'), outputFile: 'r.txt' }] });
    expect(result.ok).toBe(true);
    expect(await readFile(join(sandbox, 'r.txt'), 'utf8')).toBe('hello world\n');

    const loop = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/loop') }] });
    expect(loop.ok).toBe(false);
    if (!loop.ok) expect(loop.error.message).toMatch(new RegExp(`^Failed to fetch '${server.url('/loop')}': `));
  });

  it('fails with the URI and the HTTP status, leaving no partial file', async () => {
    const sandbox = await temp.make();
    const uri = server.url('/files/missing.txt');
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: uri }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(`Failed to fetch '${uri}': Error downloading resource: HTTP 404 Not Found`);
    expect(result.error.code).toBe('UNAVAILABLE');
    expect(await listTree(sandbox)).toEqual([]);
  });

  it('stops at the first failing URI, in order', async () => {
    const sandbox = await temp.make();
    const result = await fetcher.fetch({
      containerId: nextId(),
      sandbox,
      uris: [{ value: server.url('/files/hello.txt') }, { value: server.url('/nope') }, { value: server.url('/files/run.sh') }],
    });
    expect(result.ok).toBe(false);
    expect(await listTree(sandbox)).toEqual(['hello.txt']);
  });

  it('makes executable URIs executable and honours output_file with a directory', async () => {
    const sandbox = await temp.make();
    const result = await fetcher.fetch({
      containerId: nextId(),
      sandbox,
      uris: [{ value: server.url('/files/run.sh'), executable: true, outputFile: 'bin/start' }],
    });
    expect(result.ok).toBe(true);
    const info = await stat(join(sandbox, 'bin/start'));
    expect(info.mode & 0o777).toBe(0o755);
    expect(await listTree(sandbox)).toEqual(['bin', 'bin/start']);
  });

  it('refuses output_file outside the sandbox before fetching anything', async () => {
    const sandbox = await temp.make();
    for (const outputFile of ['../escape.txt', '/etc/escape.txt', 'a/../../escape.txt']) {
      const before = server.count('/files/hello.txt');
      const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/files/hello.txt'), outputFile }] });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_ARGUMENT');
        expect(result.error.message).toContain(server.url('/files/hello.txt'));
      }
      expect(server.count('/files/hello.txt')).toBe(before);
    }
  });

  it('does not write through a symbolic link in the sandbox', async () => {
    const sandbox = await temp.make();
    const outside = await temp.make();
    await symlink(outside, join(sandbox, 'link'));
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/files/hello.txt'), outputFile: 'link/x.txt' }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('symbolic link');
    expect(await listTree(outside)).toEqual([]);

    // A link at the file's own name is replaced, not followed.
    await writeFile(join(outside, 'target'), 'keep');
    await symlink(join(outside, 'target'), join(sandbox, 'hello.txt'));
    const replaced = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/files/hello.txt') }] });
    expect(replaced.ok).toBe(true);
    expect((await lstat(join(sandbox, 'hello.txt'))).isFile()).toBe(true);
    expect(await readFile(join(outside, 'target'), 'utf8')).toBe('keep');
  });

  it('copies local files given as absolute paths and file:// URIs; a missing one names the URI', async () => {
    const source = await temp.make();
    await writeFile(join(source, 'data.csv'), 'a,b\n');
    const sandbox = await temp.make();
    const result = await fetcher.fetch({
      containerId: nextId(),
      sandbox,
      uris: [{ value: join(source, 'data.csv') }, { value: `file://${source}/data.csv`, outputFile: 'copy.csv' }],
    });
    expect(result.ok).toBe(true);
    expect(await readFile(join(sandbox, 'data.csv'), 'utf8')).toBe('a,b\n');
    expect(await readFile(join(sandbox, 'copy.csv'), 'utf8')).toBe('a,b\n');

    const missing = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: join(source, 'none') }] });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toBe(`Failed to fetch '${join(source, 'none')}': Failed to copy '${join(source, 'none')}': No such file or directory`);
  });

  it('is cancelled by kill(containerId) mid-download, leaving no partial file', async () => {
    const sandbox = await temp.make();
    const containerId = nextId();
    const before = server.count('/slow.bin');
    const pending = fetcher.fetch({ containerId, sandbox, uris: [{ value: server.url('/slow.bin') }] });
    await eventually(() => server.count('/slow.bin') > before);
    await eventually(() => fetcher.kill(containerId));
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toBe(`Failed to fetch '${server.url('/slow.bin')}': fetch cancelled`);
    expect(await listTree(sandbox)).toEqual([]);
    expect(fetcher.kill(containerId)).toBe(false);
  });

  it('is cancelled through an AbortSignal too', async () => {
    const sandbox = await temp.make();
    const controller = new AbortController();
    const pending = fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/slow.bin') }], signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const result = await pending;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('fetch cancelled');
    expect(await listTree(sandbox)).toEqual([]);
  });

  it('gives up on a stalled download after the stall timeout', async () => {
    const stalling = new Fetcher({ cacheDir, cacheSizeBytes: 0, stallTimeoutMs: 500 });
    try {
      const sandbox = await temp.make();
      const result = await stalling.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/slow.bin') }] });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(/^Failed to fetch '.*slow\.bin': Error downloading resource: .*timeout/i);
      expect(await listTree(sandbox)).toEqual([]);
    } finally {
      await stalling.close();
    }
  });

  it('refuses a second fetch for a container that is still fetching, and unknown users', async () => {
    const sandbox = await temp.make();
    const containerId = nextId();
    const first = fetcher.fetch({ containerId, sandbox, uris: [{ value: server.url('/slow.bin') }] });
    await eventually(() => server.count('/slow.bin') > 0);
    const second = await fetcher.fetch({ containerId, sandbox, uris: [] });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.code).toBe('CONFLICT');
    fetcher.kill(containerId);
    await first;

    const unknown = await fetcher.fetch({ containerId: nextId(), sandbox, user: 'no-such-user-xyz', uris: [{ value: server.url('/files/hello.txt') }] });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toBe("Failed to fetch URIs: unknown user 'no-such-user-xyz'");
  });

  (isRoot ? describe : describe.skip)('as root, for another user', () => {
    it("gives fetched files and created directories to the task's user", async () => {
      const sandbox = await temp.make();
      const result = await fetcher.fetch({
        containerId: nextId(),
        sandbox,
        user: 'nobody',
        uris: [{ value: server.url('/files/hello.txt'), outputFile: 'sub/hello.txt' }],
      });
      expect(result.ok).toBe(true);
      const nobody = 65534;
      expect((await stat(join(sandbox, 'sub'))).uid).toBe(nobody);
      expect((await stat(join(sandbox, 'sub/hello.txt'))).uid).toBe(nobody);
    });

    it("reads local files as the user, so the user's permissions apply", async () => {
      const source = await temp.make();
      await chmod(source, 0o755);
      await writeFile(join(source, 'secret'), 'root only');
      await chmod(join(source, 'secret'), 0o600);
      await mkdir(join(source, 'pub'));
      await writeFile(join(source, 'pub/open'), 'anyone');
      const sandbox = await temp.make();
      const denied = await fetcher.fetch({ containerId: nextId(), sandbox, user: 'nobody', uris: [{ value: join(source, 'secret') }] });
      expect(denied.ok).toBe(false);
      if (!denied.ok) expect(denied.error.message).toMatch(/Permission denied/);
      expect(await listTree(sandbox)).toEqual([]);
      const allowed = await fetcher.fetch({ containerId: nextId(), sandbox, user: 'nobody', uris: [{ value: join(source, 'pub/open') }] });
      expect(allowed.ok).toBe(true);
      expect(await readFile(join(sandbox, 'open'), 'utf8')).toBe('anyone');
    });
  });
});
