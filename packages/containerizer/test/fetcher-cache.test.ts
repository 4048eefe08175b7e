/**
 * The fetcher cache against a local server that counts requests: hits, one download for concurrent fetches,
 * LRU eviction under the size limit, per-user keys, fallback for files too big, failures and cancellation.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { Fetcher } from '../src/fetcher';
import { TempDirs, TestServer, eventually, listTree } from './fetcher-support';

jest.setTimeout(60_000);

const server = new TestServer();
const temp = new TempDirs();
const fetchers: Fetcher[] = [];
let counter = 0;
const nextId = (): string => `fetch-cache-${process.pid}-${++counter}`;

/** Releases requests held at /gated/* when called. */
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();
function closeGate(): void {
  gate = new Promise((resolve) => {
    openGate = resolve;
  });
}

async function newFetcher(cacheSizeBytes: number): Promise<{ fetcher: Fetcher; cacheDir: string }> {
  const cacheDir = await temp.make('fetcher-cache-');
  const fetcher = new Fetcher({ cacheDir, cacheSizeBytes });
  fetchers.push(fetcher);
  return { fetcher, cacheDir };
}

/** Sizes of the cache files on disk, all users. */
async function cacheFiles(cacheDir: string): Promise<number[]> {
  const sizes: number[] = [];
  for (const entry of await readdir(cacheDir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) sizes.push((await stat(join(entry.parentPath, entry.name))).size);
  }
  return sizes;
}

beforeAll(async () => {
  server.files.set('/f/a.bin', Buffer.alloc(60, 'a'));
  server.files.set('/f/b.bin', Buffer.alloc(60, 'b'));
  server.files.set('/f/big.bin', Buffer.alloc(500, 'x'));
  server.files.set('/f/tool', Buffer.from('#!/bin/sh\necho tool\n'));
  server.handlers.set('/gated/shared.bin', (_req, res) => {
    void gate.then(() => res.writeHead(200, { 'content-length': '5' }).end('share'));
  });
  server.handlers.set('/gated/chunked.bin', (_req, res) => {
    void gate.then(() => {
      res.writeHead(200); // no content-length: the size is learnt after the download
      res.end(Buffer.alloc(30, 'c'));
    });
  });
  await server.start();
});

afterAll(async () => {
  openGate();
  await Promise.all(fetchers.map((f) => f.close()));
  await server.stop();
  await temp.cleanup();
});

describe('fetcher cache', () => {
  it('downloads once and serves later fetches from the cache', async () => {
    const { fetcher } = await newFetcher(1000);
    const uri = { value: server.url('/f/a.bin'), cache: true };
    const first = await fetcher.fetch({ containerId: nextId(), sandbox: await temp.make(), uris: [uri] });
    const sandbox = await temp.make();
    const second = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [uri] });
    expect(first.ok && first.value.fetched[0]?.cache).toBe('miss');
    expect(second.ok && second.value.fetched[0]?.cache).toBe('hit');
    expect(server.count('/f/a.bin')).toBe(1);
    expect(await readFile(join(sandbox, 'a.bin'), 'utf8')).toBe('a'.repeat(60));
    expect(fetcher.cacheStats()).toEqual({ capacityBytes: 1000, usedBytes: 60, entries: 1 });
  });

  it('concurrent fetches of one URI download it once', async () => {
    const { fetcher } = await newFetcher(1000);
    closeGate();
    const sandboxes = await Promise.all([1, 2, 3, 4, 5].map(() => temp.make()));
    const pending = sandboxes.map((sandbox) =>
      fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/gated/shared.bin'), cache: true }] }),
    );
    await eventually(() => server.count('/gated/shared.bin') >= 1);
    openGate();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.count('/gated/shared.bin')).toBe(1);
    expect(results.map((r) => r.ok && r.value.fetched[0]?.cache).sort()).toEqual(['hit', 'hit', 'hit', 'hit', 'miss']);
    for (const sandbox of sandboxes) expect(await readFile(join(sandbox, 'shared.bin'), 'utf8')).toBe('share');
  });

  it('evicts the least recently used file to stay under the size limit', async () => {
    const { fetcher, cacheDir } = await newFetcher(100);
    const a = { value: server.url('/f/a.bin'), cache: true };
    const b = { value: server.url('/f/b.bin'), cache: true };
    const before = server.count('/f/a.bin');
    const fetchUri = async (uri: typeof a) => {
      const result = await fetcher.fetch({ containerId: nextId(), sandbox: await temp.make(), uris: [uri] });
      expect(result.ok).toBe(true);
      return result.ok ? result.value.fetched[0]?.cache : undefined;
    };
    expect(await fetchUri(a)).toBe('miss');
    expect(await fetchUri(b)).toBe('miss'); // 60 + 60 > 100: a goes
    expect(fetcher.cacheStats().usedBytes).toBe(60);
    expect(await fetchUri(b)).toBe('hit');
    expect(await fetchUri(a)).toBe('miss'); // downloaded again; b goes
    expect(server.count('/f/a.bin') - before).toBe(2);
    expect(fetcher.cacheStats()).toMatchObject({ usedBytes: 60, entries: 1 });
    // Evicted files are deleted in the background; wait until the disk agrees with the books.
    let onDisk = await cacheFiles(cacheDir);
    for (let i = 0; i < 200 && onDisk.length !== 1; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      onDisk = await cacheFiles(cacheDir);
    }
    expect(onDisk).toEqual([60]);
  });

  it('goes around the cache for a file larger than the cache, and still delivers it', async () => {
    const { fetcher, cacheDir } = await newFetcher(100);
    const sandbox = await temp.make();
    const result = await fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/f/big.bin'), cache: true }] });
    expect(result.ok && result.value.fetched[0]?.cache).toBe('fallback');
    expect((await stat(join(sandbox, 'big.bin'))).size).toBe(500);
    expect(await cacheFiles(cacheDir)).toEqual([]);
    expect(fetcher.cacheStats().usedBytes).toBe(0);
  });

  it('accounts for a download whose size the server did not announce', async () => {
    const { fetcher } = await newFetcher(100);
    openGate();
    const result = await fetcher.fetch({ containerId: nextId(), sandbox: await temp.make(), uris: [{ value: server.url('/gated/chunked.bin'), cache: true }] });
    expect(result.ok).toBe(true);
    expect(fetcher.cacheStats()).toMatchObject({ usedBytes: 30, entries: 1 });
  });

  it('keeps users apart: the same URI is downloaded per user', async () => {
    const { fetcher, cacheDir } = await newFetcher(1000);
    const uri = { value: server.url('/f/b.bin'), cache: true };
    const before = server.count('/f/b.bin');
    for (const user of [undefined, 'nobody', undefined, 'nobody']) {
      const result = await fetcher.fetch({ containerId: nextId(), sandbox: await temp.make(), user, uris: [uri] });
      expect(result.ok).toBe(true);
    }
    expect(server.count('/f/b.bin') - before).toBe(2);
    expect((await readdir(join(cacheDir, 'nobody'))).length).toBe(1);
  });

  it('extracts a cached archive without leaving the archive, and makes a cached executable executable', async () => {
    const work = await temp.make();
    await writeFile(join(work, 'payload.txt'), 'inside');
    const archive = join(work, 'p.tgz');
    await tar.c({ file: archive, cwd: work, gzip: true }, ['payload.txt']);
    server.files.set('/f/p.tgz', await readFile(archive));
    const { fetcher, cacheDir } = await newFetcher(10_000);
    const sandbox = await temp.make();
    const result = await fetcher.fetch({
      containerId: nextId(),
      sandbox,
      uris: [
        { value: server.url('/f/p.tgz'), cache: true },
        { value: server.url('/f/tool'), cache: true, executable: true },
      ],
    });
    expect(result.ok).toBe(true);
    expect(await listTree(sandbox)).toEqual(['payload.txt', 'tool']);
    expect((await stat(join(sandbox, 'tool'))).mode & 0o777).toBe(0o755);
    const cached = (await readdir(cacheDir)).filter((name) => name.includes('tool'));
    expect(cached).toHaveLength(1);
    expect((await stat(join(cacheDir, cached[0] ?? ''))).mode & 0o111).toBe(0);
  });

  it('a failed download fails every fetch waiting on it and leaves nothing in the cache', async () => {
    const { fetcher, cacheDir } = await newFetcher(1000);
    const uri = { value: server.url('/f/none.bin'), cache: true };
    const results = await Promise.all(
      [1, 2].map(async () => fetcher.fetch({ containerId: nextId(), sandbox: await temp.make(), uris: [uri] })),
    );
    for (const result of results) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toBe(`Failed to fetch '${uri.value}': Error downloading resource: HTTP 404 Not Found`);
    }
    expect(await cacheFiles(cacheDir)).toEqual([]);
    expect(fetcher.cacheStats()).toMatchObject({ usedBytes: 0, entries: 0 });
  });

  it('cancelling one of two fetches waiting on a download does not cancel the other', async () => {
    const { fetcher } = await newFetcher(1000);
    closeGate();
    const before = server.count('/gated/shared.bin');
    const doomed = nextId();
    const sandbox = await temp.make();
    const cancelled = fetcher.fetch({ containerId: doomed, sandbox: await temp.make(), uris: [{ value: server.url('/gated/shared.bin'), cache: true }] });
    const kept = fetcher.fetch({ containerId: nextId(), sandbox, uris: [{ value: server.url('/gated/shared.bin'), cache: true }] });
    await eventually(() => server.count('/gated/shared.bin') > before);
    expect(fetcher.kill(doomed)).toBe(true);
    const first = await cancelled;
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error.message).toContain('fetch cancelled');
    openGate();
    const second = await kept;
    expect(second.ok).toBe(true);
    expect(await readFile(join(sandbox, 'shared.bin'), 'utf8')).toBe('share');
    expect(server.count('/gated/shared.bin') - before).toBe(1);
  });

  it('removes cache files left by an earlier run, and nothing else', async () => {
    const cacheDir = await temp.make('fetcher-cache-');
    await writeFile(join(cacheDir, 'c7-old.bin'), 'stale');
    await writeFile(join(cacheDir, 'operator-notes.txt'), 'keep');
    const fetcher = new Fetcher({ cacheDir, cacheSizeBytes: 1000 });
    fetchers.push(fetcher);
    const result = await fetcher.fetch({ containerId: nextId(), sandbox: await temp.make(), uris: [{ value: server.url('/f/a.bin'), cache: true }] });
    expect(result.ok).toBe(true);
    const names = await readdir(cacheDir);
    expect(names).not.toContain('c7-old.bin');
    expect(names).toContain('operator-notes.txt');
  });
});
