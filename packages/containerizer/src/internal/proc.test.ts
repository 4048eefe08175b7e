import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerProcesses, groupAlive, isExited, parseProcStat, sumUsage, systemConstants } from './proc';

// A stat line in proc(5) layout: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
// utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss ...
type StatField = 'state' | 'pgrp' | 'session' | 'utime' | 'stime' | 'cutime' | 'cstime' | 'threads' | 'rss';

function statLine(pid: number, comm: string, fields: Partial<Record<StatField, number | string>> = {}): string {
  const f = { state: 'S', pgrp: pid, session: pid, utime: 0, stime: 0, cutime: 0, cstime: 0, threads: 1, rss: 0, ...fields };
  return [
    `${pid} (${comm}) ${f.state} 1 ${f.pgrp} ${f.session} 0 -1 4194304 100 0 0 0`,
    `${f.utime} ${f.stime} ${f.cutime} ${f.cstime} 20 0 ${f.threads} 0 12345 1000000 ${f.rss}`,
    '18446744073709551615 0 0\n',
  ].join(' ');
}

describe('parseProcStat', () => {
  it('reads the fields after a comm holding spaces and parentheses', () => {
    const fields = { state: 'R', pgrp: 40, session: 39, utime: 7, stime: 3, cutime: 5, cstime: 1, threads: 4, rss: 250 };
    const stat = parseProcStat(statLine(42, 'evil) (name', fields));
    expect(stat).toEqual({
      pid: 42,
      comm: 'evil) (name',
      state: 'R',
      ppid: 1,
      pgrp: 40,
      session: 39,
      utime: 7,
      stime: 3,
      cutime: 5,
      cstime: 1,
      numThreads: 4,
      rss: 250,
    });
  });

  it('rejects text that is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (sh) S 1 2')).toBeUndefined();
    expect(parseProcStat('x (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22')).toBeUndefined();
  });

  it('parses this very process', async () => {
    const { readFile } = await import('node:fs/promises');
    const stat = parseProcStat(await readFile('/proc/self/stat', 'utf8'));
    expect(stat).toMatchObject({ pid: process.pid, ppid: process.ppid, state: expect.stringMatching(/^[RSD]$/) });
  });
});

describe('containerProcesses and sumUsage over a fake /proc', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fake-proc-'));
    const write = async (pid: number, text: string): Promise<void> => {
      await mkdir(join(root, String(pid)));
      await writeFile(join(root, String(pid), 'stat'), text);
    };
    await write(100, statLine(100, 'sh', { utime: 10, stime: 5, cutime: 20, cstime: 2, rss: 100 }));
    await write(101, statLine(101, 'worker', { pgrp: 100, session: 100, utime: 30, stime: 1, threads: 8, rss: 1000 }));
    await write(102, statLine(102, 'moved', { pgrp: 102, session: 100, utime: 1, rss: 10 }));
    await write(103, statLine(103, 'zombie', { state: 'Z', pgrp: 100, session: 100, utime: 4, stime: 4 }));
    await write(200, statLine(200, 'other', { utime: 999, rss: 999 }));
    await mkdir(join(root, '300')); // vanished: no stat file
    await mkdir(join(root, 'sys'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('finds the group and session members, skipping others and vanished ones', async () => {
    const pids = (await containerProcesses(100, root)).map((p) => p.pid).sort();
    expect(pids).toEqual([100, 101, 102, 103]);
  });

  it('sums ticks (own, reaped children and zombies) and rss pages of live processes', async () => {
    const usage = sumUsage(await containerProcesses(100, root), { clockTicks: 100, pageSize: 4096 });
    expect(usage).toEqual({
      processes: 3,
      threads: 10,
      cpusUserTimeSecs: (10 + 20 + 30 + 1 + 4) / 100,
      cpusSystemTimeSecs: (5 + 2 + 1 + 4) / 100,
      memRssBytes: 1110n * 4096n,
    });
  });
});

describe('system helpers', () => {
  it('reads CLK_TCK and the page size', async () => {
    const constants = await systemConstants();
    expect(constants.clockTicks).toBeGreaterThan(0);
    expect([4096, 16384, 65536]).toContain(constants.pageSize);
  });

  it('treats zombies and dead processes as exited', () => {
    expect(isExited(parseProcStat(statLine(1, 'a', { state: 'Z' }))!)).toBe(true);
    expect(isExited(parseProcStat(statLine(1, 'a', { state: 'S' }))!)).toBe(false);
  });

  it('sees this process group as alive and a nonexistent one as gone', async () => {
    const { readFile } = await import('node:fs/promises');
    const self = parseProcStat(await readFile('/proc/self/stat', 'utf8'));
    expect(await groupAlive(self!.pgrp)).toBe(true);
    // Above Linux's largest pid_max (2^22), so no process can have it.
    expect(await groupAlive(4_194_400)).toBe(false);
  });
});
