import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Files } from './files';

function sandbox(): { root: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'files-')));
  const root = join(base, 'sandbox');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(root, 'stdout'), 'hello world\n');
  writeFileSync(join(root, 'sub', 'b.txt'), 'b');
  writeFileSync(join(root, 'sub', 'a.txt'), 'aa');
  writeFileSync(join(base, 'secret'), 'do not read');
  return { root, outside: base };
}

const names = { user: (uid: number) => `u${uid}`, group: (gid: number) => `g${gid}` };

describe('Files', () => {
  it('browses a directory sorted by path, with virtual paths and owner names', async () => {
    const { root } = sandbox();
    const files = new Files({ idNames: names });
    expect(files.attach(root, '/frameworks/f/executors/e/runs/latest/')).toEqual({ ok: true, value: undefined });
    const listing = await files.browse('/frameworks/f/executors/e/runs/latest');
    expect(listing.ok).toBe(true);
    if (!listing.ok) return;
    expect(listing.value.map((f) => f.path)).toEqual(['/frameworks/f/executors/e/runs/latest/stdout', '/frameworks/f/executors/e/runs/latest/sub']);
    const stdout = listing.value[0]!;
    expect(stdout.size).toBe(12n);
    expect(stdout.uid).toBe(`u${process.getuid!()}`);
    expect(stdout.nlink).toBe(1);
    expect((stdout.mode ?? 0) & 0o170000).toBe(0o100000);
    const sub = await files.browse('/frameworks/f/executors/e/runs/latest/sub/');
    expect(sub.ok && sub.value.map((f) => f.path)).toEqual(['/frameworks/f/executors/e/runs/latest/sub/a.txt', '/frameworks/f/executors/e/runs/latest/sub/b.txt']);
    // A file browses as itself.
    const one = await files.browse('/frameworks/f/executors/e/runs/latest/sub/../stdout');
    expect(one.ok && one.value.map((f) => f.path)).toEqual(['/frameworks/f/executors/e/runs/latest/stdout']);
  });

  it('reads with offsets and lengths as Mesos (offset -1: size only, capped length)', async () => {
    const { root } = sandbox();
    const files = new Files({ maxReadLength: 4 });
    files.attach(join(root, 'stdout'), '/log');
    expect(await files.read('/log', -1)).toEqual({ ok: true, value: { size: 12, offset: 12, data: Buffer.alloc(0) } });
    const first = await files.read('/log', 0);
    expect(first.ok && first.value.data.toString()).toBe('hell');
    const mid = await files.read('/log', 6, 3);
    expect(mid.ok && mid.value.data.toString()).toBe('wor');
    expect(await files.read('/log', 100, 3)).toEqual({ ok: true, value: { size: 12, offset: 100, data: Buffer.alloc(0) } });
    expect(await files.read('/log', 0, 0)).toEqual({ ok: true, value: { size: 12, offset: 0, data: Buffer.alloc(0) } });
  });

  it('answers 404 for nothing attached or missing files, 400 for directories and escapes', async () => {
    const { root } = sandbox();
    const files = new Files();
    files.attach(root, '/s');
    const missing = await files.read('/s/nope', 0);
    expect(!missing.ok && missing.error.httpStatus).toBe(404);
    expect(!missing.ok && missing.error.message).toBe("No such file or directory: '/s/nope'");
    const unattached = await files.browse('/other');
    expect(!unattached.ok && unattached.error.httpStatus).toBe(404);
    const dir = await files.read('/s/sub', 0);
    expect(!dir.ok && dir.error.message).toBe('Cannot read a directory.\n');
    const dotdot = await files.read('/s/../secret', 0);
    expect(!dotdot.ok && dotdot.error.httpStatus).toBe(400);
    const download = await files.download('/s/sub');
    expect(!download.ok && download.error.message).toBe('Cannot download a directory.\n');
  });

  it('refuses symbolic links that lead out of the attachment, follows those that stay inside', async () => {
    const { root, outside } = sandbox();
    symlinkSync(join(outside, 'secret'), join(root, 'evil'));
    symlinkSync(outside, join(root, 'evil-dir'));
    symlinkSync(join(root, 'sub', 'a.txt'), join(root, 'good'));
    const files = new Files();
    files.attach(root, '/s');
    for (const path of ['/s/evil', '/s/evil-dir/secret']) {
      const read = await files.read(path, 0);
      expect(!read.ok && read.error.httpStatus).toBe(400);
      expect(!read.ok && read.error.message).toContain("leads outside of '/s'");
    }
    expect((await files.browse('/s/evil-dir')).ok).toBe(false);
    const good = await files.read('/s/good', 0);
    expect(good.ok && good.value.data.toString()).toBe('aa');
  });

  it('refuses FIFOs without blocking', async () => {
    const { root } = sandbox();
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const files = new Files();
    files.attach(root, '/s');
    const read = await files.read('/s/pipe', 0);
    expect(!read.ok && read.error.message).toBe("Cannot read '/s/pipe': not a regular file");
    const listing = await files.browse('/s');
    expect(listing.ok && listing.value.some((f) => f.path === '/s/pipe')).toBe(true);
  });

  it('attaches and detaches, refusing bad virtual paths and missing real paths', () => {
    const { root } = sandbox();
    const files = new Files();
    expect(files.attach(root, '/a/../b').ok).toBe(false);
    const missing = files.attach(join(root, 'missing'), '/m');
    expect(!missing.ok && missing.error.httpStatus).toBe(404);
    files.attach(root, '/x');
    expect([...files.attachments]).toEqual([['/x', root]]);
    expect(files.detach('/x/')).toBe(true);
    expect(files.detach('/x')).toBe(false);
  });

  it('downloads a regular file as a stream of its bytes', async () => {
    const { root } = sandbox();
    const files = new Files();
    files.attach(root, '/s');
    const download = await files.download('/s/stdout');
    expect(download.ok).toBe(true);
    if (!download.ok) return;
    const chunks: Buffer[] = [];
    for await (const chunk of download.value.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello world\n');
    expect(download.value.name).toBe('stdout');
    expect(download.value.size).toBe(12);
  });
});
