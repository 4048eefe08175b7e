/**
 * Reading processes from Linux's /proc: which processes belong to a container (its process group or session) and
 * what they use. This is the runtime half of the posix launcher and the posix/cpu, posix/mem isolators; nothing
 * here keeps state except the two system constants, read once.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

/** The fields of `/proc/<pid>/stat` (proc(5)) the containerizer needs. */
export interface ProcStat {
  readonly pid: number;
  /** The executable name (`comm`), without the parentheses. */
  readonly comm: string;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, X dead, ... */
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** CPU time in clock ticks, in user and kernel mode, of the process itself. */
  readonly utime: number;
  readonly stime: number;
  /** CPU time of children this process has waited for (their usage moves here when reaped). */
  readonly cutime: number;
  readonly cstime: number;
  readonly numThreads: number;
  /** Resident set size in pages. */
  readonly rss: number;
}

/**
 * Parses the text of `/proc/<pid>/stat`. `comm` can hold spaces and parentheses, so the fields after it are found
 * from the last `)`. Returns undefined for text that is not a stat line (a process that vanished mid-read).
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // Field 3 (state) is the first after the `)`; index i below is field i + 3.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  if (!Number.isInteger(pid) || rest.length < 22) return undefined;
  const field = (n: number): number => Number(rest[n - 3]);
  const stat: ProcStat = {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: field(4),
    pgrp: field(5),
    session: field(6),
    utime: field(14),
    stime: field(15),
    cutime: field(16),
    cstime: field(17),
    numThreads: field(20),
    rss: field(24),
  };
  const { ppid, pgrp, session, utime, stime, cutime, cstime, numThreads, rss } = stat;
  return [ppid, pgrp, session, utime, stime, cutime, cstime, numThreads, rss].every(Number.isFinite) ? stat : undefined;
}

/** Whether a process has finished running (a zombie waiting to be reaped, or dead). */
export function isExited(stat: ProcStat): boolean {
  return stat.state === 'Z' || stat.state === 'X' || stat.state === 'x';
}

/** Whether /proc with per-process stat files is there (Linux); without it the group is probed with kill(2). */
let procAvailable: Promise<boolean> | undefined;
export function hasProc(): Promise<boolean> {
  procAvailable ??= readFile('/proc/self/stat', 'utf8').then(
    (text) => parseProcStat(text) !== undefined,
    () => false,
  );
  return procAvailable;
}

/**
 * Every process of a container whose leader is `id`: those whose process group or session is `id` (the leader
 * called setsid, so its pid is both), those in a session listed in `sessions`, and every descendant of these by
 * parent pid. The last two reach processes that started sessions of their own (the executors run each task in a
 * new session, as Mesos's do): Mesos's `os::killtree` follows the same parent links. Sessions found this way are
 * added to `sessions`, so that a task whose executor died (and which was re-parented) is still found by its
 * session. Processes that vanish while being read are skipped. Zombies are included; callers decide what they
 * count for.
 */
export async function containerProcesses(id: number, procRoot = '/proc', sessions?: Set<number>): Promise<ProcStat[]> {
  const entries = await readdir(procRoot);
  const reads = entries
    .filter((name) => /^\d+$/.test(name))
    .map(async (name) => {
      try {
        return parseProcStat(await readFile(`${procRoot}/${name}/stat`, 'utf8'));
      } catch {
        return undefined; // it exited between readdir and read
      }
    });
  const stats = (await Promise.all(reads)).filter((s): s is ProcStat => s !== undefined);
  const isMember = (s: ProcStat): boolean => s.pgrp === id || s.session === id || (sessions?.has(s.session) ?? false);
  const members = new Map<number, ProcStat>();
  for (const s of stats) if (isMember(s)) members.set(s.pid, s);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) {
    const list = children.get(s.ppid);
    if (list === undefined) children.set(s.ppid, [s]);
    else list.push(s);
  }
  const queue = [...members.values()];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const child of children.get(parent.pid) ?? []) {
      if (members.has(child.pid)) continue;
      members.set(child.pid, child);
      queue.push(child);
    }
  }
  if (sessions !== undefined) for (const s of members.values()) if (s.session !== id && s.session > 1) sessions.add(s.session);
  return [...members.values()];
}

/**
 * Whether anything of the process group `pgid` still runs. On Linux, zombies do not count: an orphan reparented to
 * a PID 1 that never reaps (common in containers) would otherwise keep a container alive forever. Never throws.
 */
export async function groupAlive(pgid: number, sessions?: Set<number>): Promise<boolean> {
  if (await hasProc()) {
    const members = await containerProcesses(pgid, '/proc', sessions).catch(() => undefined);
    if (members) return members.some((p) => !isExited(p));
    // /proc could not be listed this time: ask the kernel about the group instead.
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    // EPERM: members exist but belong to another user; they are alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Sends `signal` to the process group `pgid` and to every other live process of the container as
 * {@link containerProcesses} finds them (moved to another group, or descendants in sessions of their own), as
 * Mesos's killtree over groups, sessions and parent links does. Returns how many were signalled (the group
 * counting as one). Never throws.
 * A process whose every ancestor in the container died before a scan saw it (re-parented, in a session of its
 * own) is out of reach of the posix launcher; cgroups (a later launcher) close that gap.
 */
export async function signalContainer(pgid: number, signal: NodeJS.Signals, sessions?: Set<number>): Promise<number> {
  // Read the tree before signalling anything: once the leader dies its children are re-parented and the parent
  // links that lead to descendants in other sessions are gone. Never throws: callers signal from exit handlers and
  // timers, where a rejection would strand the container.
  const members = (await hasProc()) ? await containerProcesses(pgid, '/proc', sessions).catch(() => []) : [];
  let sent = 0;
  try {
    process.kill(-pgid, signal);
    sent += 1;
  } catch {
    // ESRCH: the group is gone; stray members of the session may remain.
  }
  for (const p of members) {
    if (p.pgrp === pgid || isExited(p)) continue;
    try {
      process.kill(p.pid, signal);
      sent += 1;
    } catch {
      // It exited meanwhile.
    }
  }
  return sent;
}

/** The system constants usage needs: clock ticks per second (`CLK_TCK`) and the page size in bytes. */
export interface SystemConstants {
  readonly clockTicks: number;
  readonly pageSize: number;
}

function getconf(name: string, fallback: number): Promise<number> {
  return new Promise((resolve) => {
    execFile('getconf', [name], { timeout: 5000 }, (error, stdout) => {
      const value = Number(String(stdout).trim());
      resolve(!error && Number.isInteger(value) && value > 0 ? value : fallback);
    });
  });
}

let constants: Promise<SystemConstants> | undefined;
/** Reads `getconf CLK_TCK` and `getconf PAGESIZE` once; Linux's usual 100 and 4096 if getconf is missing. */
export function systemConstants(): Promise<SystemConstants> {
  constants ??= Promise.all([getconf('CLK_TCK', 100), getconf('PAGESIZE', 4096)]).then(([clockTicks, pageSize]) => ({
    clockTicks,
    pageSize,
  }));
  return constants;
}

/** What a container's processes use at one moment, summed over its processes. */
export interface ProcessUsage {
  /** Live (not zombie) processes and their threads. */
  readonly processes: number;
  readonly threads: number;
  readonly cpusUserTimeSecs: number;
  readonly cpusSystemTimeSecs: number;
  readonly memRssBytes: bigint;
}

/**
 * Sums usage over `stats`. CPU time includes each process's reaped children (cutime/cstime) and zombies, so the
 * time of short-lived commands run by the container's shell is not lost when they exit; Mesos's posix isolators
 * count only the live processes' own time.
 */
export function sumUsage(stats: readonly ProcStat[], { clockTicks, pageSize }: SystemConstants): ProcessUsage {
  let processes = 0;
  let threads = 0;
  let userTicks = 0;
  let systemTicks = 0;
  let rssPages = 0;
  for (const s of stats) {
    userTicks += s.utime + s.cutime;
    systemTicks += s.stime + s.cstime;
    if (isExited(s)) continue;
    processes += 1;
    threads += s.numThreads;
    rssPages += s.rss;
  }
  return {
    processes,
    threads,
    cpusUserTimeSecs: userTicks / clockTicks,
    cpusSystemTimeSecs: systemTicks / clockTicks,
    memRssBytes: BigInt(rssPages) * BigInt(pageSize),
  };
}
