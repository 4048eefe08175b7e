/**
 * The posix containerizer: Mesos's mesos containerizer with the posix launcher and the posix/cpu, posix/mem
 * isolators. Each container is a process that leads a new session and process group; its output goes to
 * `stdout`/`stderr` files in the sandbox; it ends when its first process exits (the rest of the group is killed,
 * as Mesos destroys a container whose executor exited); usage is read from /proc. Nothing is isolated or limited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { lchown, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { ResourceStatistics } from '@mesos-ts/proto';
import { buildLaunchSpec, containerLimits, type ContainerLimits, type LaunchSpec } from './internal/launch-spec';
import { containerProcesses, groupAlive, hasProc, signalContainer, sumUsage, systemConstants } from './internal/proc';
import { describeExit } from './internal/termination';
import { lookupUser, type UserIdentity } from './internal/users';
import type { ContainerConfig, ContainerTermination, Containerizer, LaunchedContainer } from './types';
import { ContainerBook } from './internal/container-book';

/**
 * The logger the containerizer writes to: pino's `(fields, message)` shape, so a pino logger (or child) fits as is.
 * `debug` is optional.
 */
export interface ContainerizerLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  debug?(fields: Record<string, unknown>, message: string): void;
}

/** Options of {@link PosixContainerizer}. */
export interface PosixContainerizerOptions {
  /** Where to log launches, exits and failures; silent when absent. */
  readonly logger?: ContainerizerLogger;
  /** Milliseconds since the epoch, for usage timestamps; `Date.now` when absent. */
  readonly now?: () => number;
  /**
   * How many ended containers to remember, so that `wait` and `destroy` called after the end still answer with
   * the termination (default 1000; the oldest are forgotten first).
   */
  readonly keepTerminated?: number;
}

interface Container {
  readonly containerId: string;
  /** The leader's pid, which is also the process group and session ID. */
  readonly pid: number;
  readonly limits: ContainerLimits;
  readonly ended: Promise<ContainerTermination>;
  readonly end: (termination: ContainerTermination) => void;
  /** Set once destroy was asked for; the same promise answers every later call. */
  destroying?: Promise<ContainerTermination>;
  /** While true, a graceful destroy lets the processes finish: nothing is SIGKILLed yet. */
  graceful: boolean;
  /** Set when no process of it is left: from then on its pid may be reused, so nothing is signalled any more. */
  over: boolean;
  /** Sessions of descendants that left the container's session (setsid), found by earlier scans of /proc. */
  readonly sessions: Set<number>;
}

const SILENT: ContainerizerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Polling the process group starts fast (most containers end at once) and backs off. */
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 100;

/**
 * Append-only, created if missing, and never through a symbolic link: a task owns its sandbox and could otherwise
 * point `stdout` at a file of the agent's (root's) for the next launch to append to.
 */
const OUTPUT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Changes the owner of `dir` and everything below it, not following symbolic links. */
async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await lchown(dir, uid, gid);
  for (const entry of await readdir(dir, { recursive: true })) {
    await lchown(join(dir, entry), uid, gid);
  }
}

/**
 * Runs each container as a process group on this host. See the package README for what it does and does not do
 * compared with Mesos's posix launcher and isolators.
 */
export class PosixContainerizer implements Containerizer {
  private readonly logger: ContainerizerLogger;
  private readonly now: () => number;
  /** Running, launching and recently ended containers. */
  private readonly book: ContainerBook<Container, ContainerTermination>;

  constructor(options: PosixContainerizerOptions = {}) {
    this.logger = options.logger ?? SILENT;
    this.now = options.now ?? Date.now;
    this.book = new ContainerBook(Math.max(0, options.keepTerminated ?? 1000));
  }

  async launch(config: ContainerConfig): Promise<Result<LaunchedContainer>> {
    const spec = buildLaunchSpec(config);
    if (!spec.ok) return spec;
    const { containerId } = config;
    return this.book.launch(containerId, () => this.start(config, spec.value), (error: unknown) => this.failure(containerId, 'INTERNAL', (error as Error).message, error));
  }

  async wait(containerId: string): Promise<ContainerTermination | undefined> {
    return this.book.wait(containerId);
  }

  async destroy(containerId: string, gracePeriodMs = 0): Promise<ContainerTermination | undefined> {
    return this.book.destroy(containerId, gracePeriodMs, (container, grace) => this.kill(container, grace));
  }

  async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    const container = this.book.running.get(containerId);
    if (!container) return err(new MesosTsError('NOT_FOUND', `Unknown container '${containerId}'`));
    if (!(await hasProc())) {
      return err(new MesosTsError('NOT_IMPLEMENTED', 'Resource usage needs /proc, which this host does not have'));
    }
    try {
      const [stats, constants] = await Promise.all([containerProcesses(container.pid, '/proc', container.sessions), systemConstants()]);
      const used = sumUsage(stats, constants);
      return ok({
        timestamp: this.now() / 1000,
        processes: used.processes,
        threads: used.threads,
        cpusUserTimeSecs: used.cpusUserTimeSecs,
        cpusSystemTimeSecs: used.cpusSystemTimeSecs,
        memRssBytes: used.memRssBytes,
        ...(container.limits.cpus !== undefined ? { cpusLimit: container.limits.cpus } : {}),
        ...(container.limits.memBytes !== undefined ? { memLimitBytes: container.limits.memBytes } : {}),
      });
    } catch (error) {
      return err(
        new MesosTsError(
          'INTERNAL',
          `Failed to read usage of container '${containerId}': ${(error as Error).message}`,
          { cause: error },
        ),
      );
    }
  }

  containers(): readonly string[] {
    return [...this.book.running.keys()];
  }

  /** Checks the sandbox and user, opens the output files, spawns; resolves at the 'spawn' or 'error' event. */
  private async start(config: ContainerConfig, spec: LaunchSpec): Promise<Result<LaunchedContainer>> {
    const { containerId, sandbox } = config;
    const sandboxStat = await stat(sandbox).catch(() => undefined);
    if (!sandboxStat?.isDirectory()) {
      return this.failure(containerId, 'INVALID_ARGUMENT', `sandbox '${sandbox}' is not an existing directory`);
    }

    let switchTo: UserIdentity | undefined;
    if (spec.user !== undefined) {
      const found = await lookupUser(spec.user);
      if (!found.found) return this.failure(containerId, 'INVALID_ARGUMENT', found.reason);
      // Switching to the identity we already have is no switch (and works without root).
      if (process.geteuid?.() !== found.user.uid || process.getegid?.() !== found.user.gid) switchTo = found.user;
    }

    // The child gets its own descriptors of these files, so output still lands there if the agent dies.
    let out: number | undefined;
    let errFd: number | undefined;
    try {
      try {
        out = openSync(join(sandbox, 'stdout'), OUTPUT_FLAGS, 0o644);
        errFd = openSync(join(sandbox, 'stderr'), OUTPUT_FLAGS, 0o644);
      } catch (error) {
        const reason = `cannot open the output files in '${sandbox}': ${(error as Error).message}`;
        return this.failure(containerId, 'INTERNAL', reason, error);
      }
      if (switchTo) {
        // Mesos hands the sandbox to the task's user, so it can write there (and read what the fetcher put there).
        try {
          await chownTree(sandbox, switchTo.uid, switchTo.gid);
        } catch (error) {
          const reason = `cannot chown sandbox '${sandbox}' to user '${switchTo.name}': ${(error as Error).message}`;
          return this.failure(containerId, 'INTERNAL', reason, error);
        }
      }
      return await this.spawnContainer(config, spec, out, errFd, switchTo);
    } finally {
      // The child holds its own copies from the moment spawn() returned.
      if (out !== undefined) closeSync(out);
      if (errFd !== undefined) closeSync(errFd);
    }
  }

  private spawnContainer(
    config: ContainerConfig,
    spec: LaunchSpec,
    out: number,
    errFd: number,
    user: UserIdentity | undefined,
  ): Promise<Result<LaunchedContainer>> {
    const { containerId } = config;
    let child: ChildProcess;
    try {
      child = spawn(spec.file, [...spec.args], {
        argv0: spec.argv0,
        cwd: config.sandbox,
        env: { ...spec.env },
        // setsid(2): the container leads a new session and process group, which is what destroy signals.
        detached: true,
        stdio: ['ignore', out, errFd],
        ...(user ? { uid: user.uid, gid: user.gid } : {}),
      });
    } catch (error) {
      // Synchronous failures: arguments Node refuses (e.g. an invalid uid).
      return Promise.resolve(this.failure(containerId, 'INVALID_ARGUMENT', (error as Error).message, error));
    }
    // Recorded at once: the leader could in principle exit before anyone looks.
    let exit: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | undefined;
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      exit = { code, signal };
    };
    child.once('exit', onExit);

    return new Promise((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        const reason =
          error.code === 'EPERM' && user
            ? `cannot switch to user '${user.name}' (uid ${user.uid}): ${error.message}`
            : error.message;
        // A program that is missing or not executable is the command's fault; anything else is ours.
        const commandFault = error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOEXEC';
        resolve(this.failure(containerId, commandFault ? 'INVALID_ARGUMENT' : 'INTERNAL', reason, error));
      });
      child.once('spawn', () => {
        const pid = child.pid;
        if (pid === undefined) {
          resolve(this.failure(containerId, 'INTERNAL', 'spawned process has no pid'));
          return;
        }
        // Later 'error' events (a failed kill) must not crash the agent.
        child.on('error', (error) => this.logger.warn({ containerId, pid, err: error }, 'Container process error'));
        const container = this.register(config, pid);
        child.off('exit', onExit);
        if (exit) this.leaderExited(container, exit.code, exit.signal);
        else child.once('exit', (code, signal) => this.leaderExited(container, code, signal));
        this.logger.info({ containerId, pid, user: user?.name, sandbox: config.sandbox }, 'Launched container');
        resolve(ok({ containerId, pid }));
      });
    });
  }

  private register(config: ContainerConfig, pid: number): Container {
    let end!: (termination: ContainerTermination) => void;
    const ended = new Promise<ContainerTermination>((resolve) => {
      end = resolve;
    });
    const container: Container = {
      containerId: config.containerId,
      pid,
      limits: containerLimits(config.resources),
      ended,
      end,
      graceful: false,
      over: false,
      sessions: new Set<number>(),
    };
    this.book.running.set(config.containerId, container);
    return container;
  }

  /**
   * The leader exited: the container is over. What is left of its group and session is killed (at once, or when a
   * graceful destroy's grace runs out) and the termination resolves once no process of it runs.
   */
  private leaderExited(container: Container, code: number | null, signal: NodeJS.Signals | null): void {
    const { containerId, pid } = container;
    this.logger.debug?.({ containerId, pid, code, signal }, 'Container leader exited');
    void this.reapRest(container).then(() => {
      const prefix = container.destroying ? 'Container destroyed: ' : '';
      const termination = describeExit(code, signal, prefix);
      container.over = true;
      this.book.running.delete(containerId);
      this.book.remember(containerId, termination);
      this.logger.info({ containerId, pid, ...termination }, 'Container ended');
      container.end(termination);
    });
  }

  private async reapRest(container: Container): Promise<void> {
    let interval = FIRST_POLL_MS;
    for (;;) {
      if (!(await groupAlive(container.pid, container.sessions))) return;
      if (!container.graceful) await signalContainer(container.pid, 'SIGKILL', container.sessions);
      await delay(interval);
      interval = Math.min(MAX_POLL_MS, interval * 2);
    }
  }

  /** SIGTERM to everything, up to `graceMs` for it to end, then SIGKILL; resolves with the termination. */
  private async kill(container: Container, graceMs: number): Promise<ContainerTermination> {
    const { containerId, pid } = container;
    this.logger.info({ containerId, pid, gracePeriodMs: graceMs }, 'Destroying container');
    if (graceMs > 0 && !container.over) {
      container.graceful = true;
      await signalContainer(pid, 'SIGTERM', container.sessions);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([container.ended, graceOver]);
      clearTimeout(timer);
      container.graceful = false;
    }
    // The leader's exit handler keeps SIGKILLing whatever remains until the group is empty.
    if (!container.over) await signalContainer(pid, 'SIGKILL', container.sessions);
    return container.ended;
  }


  private failure(
    containerId: string,
    code: 'INVALID_ARGUMENT' | 'INTERNAL',
    reason: string,
    cause?: unknown,
  ): { readonly ok: false; readonly error: MesosTsError } {
    this.logger.warn({ containerId, reason }, 'Failed to launch container');
    return err(new MesosTsError(code, `Failed to launch container '${containerId}': ${reason}`, { cause }));
  }
}
