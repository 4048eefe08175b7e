/**
 * Launchers: how a container's first process is started (Mesos's `Launcher::fork`).
 *
 * - **posix**: a new session and process group on the host.
 * - **linux**: the same, in new namespaces made by util-linux `unshare` (mount, uts and ipc always; pid when the
 *   `namespaces/pid` isolator asks: `--pid --fork --kill-child --mount-proc`, so the task is pid 1 of its own
 *   namespace with a /proc of its own, and everything in the namespace dies when it does).
 *   With `filesystem/linux` it also makes the container's mounts in the new mount namespace and enters the
 *   image's root filesystem with pivot_root (./rootfs.ts), so that all of them vanish with the container.
 *
 * In both, the process joins its cgroups *before* it executes the task: a small `sh` wrapper writes its own pid to
 * each `cgroup.procs` and only then `exec`s (writing the pid from the agent after spawn would race with the task's
 * first forks). The wrapper reports over a pipe (fd 3) that it joined, and, with namespaces, a second time from
 * inside them, so a failed cgroup write or a failed `unshare` is a launch error with the tool's own message.
 * Switching to the task's user happens last, through `setpriv`, since joining cgroups and unsharing need root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { UserIdentity } from '../internal/users';
import type { LaunchMount, Namespace } from '../isolators/isolator';
import { checkStaticHelper, ENTER_SCRIPT, mountArgs } from './rootfs';

/** Everything needed to start a container's first process. */
export interface ForkRequest {
  readonly containerId: string;
  /** The program (absolute, or found in `env.PATH`) and its arguments (argv[1..]). */
  readonly file: string;
  readonly args: readonly string[];
  /** argv[0]; kept only where no wrapper tool executes the program (see the package README). */
  readonly argv0: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Descriptors for the task's stdout and stderr. */
  readonly stdout: number;
  readonly stderr: number;
  readonly user?: UserIdentity;
  /** Cgroup directories to join before executing. */
  readonly cgroups: readonly string[];
  /** Namespaces to create (linux launcher only). */
  readonly namespaces: readonly Namespace[];
  /** Mounts to make in the new mount namespace before the task runs (linux launcher only). */
  readonly mounts?: readonly LaunchMount[];
  /**
   * A root filesystem to enter (pivot_root) after the mounts, and the working directory inside it. `file` must
   * then be an absolute path inside the root filesystem.
   */
  readonly rootfs?: { readonly path: string; readonly workingDirectory: string };
}

/** How the first process ended, as Node reports it, with what the wrapper tools said on the side. */
export interface ForkExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A started container process. */
export interface ForkedProcess {
  readonly pid: number;
  /** Resolves when the first process has exited. */
  readonly exited: Promise<ForkExit>;
}

/** Starts a container's first process. */
export interface Launcher {
  readonly name: 'posix' | 'linux';
  /** Resolves once the process runs in its cgroups (and namespaces); an error naming the cause otherwise. */
  fork(request: ForkRequest): Promise<Result<ForkedProcess>>;
}

/** Where the util-linux tools are. */
export interface LauncherTools {
  readonly sh?: string;
  readonly unshare?: string;
  readonly setpriv?: string;
  /** util-linux `mount`, for the mounts of filesystem/linux (default `/bin/mount`). */
  readonly mount?: string;
  /**
   * A statically linked busybox (Debian's busybox-static; default `/bin/busybox`): it runs the steps after
   * pivot_root, when no host program can be executed any more (see ./rootfs.ts).
   */
  readonly busybox?: string;
}

/** Joins each cgroup given (a namespaces flag, the count, then the directories), reports on fd 3, then runs the rest. */
const OUTER = [
  'ns=$1; n=$2; shift 2',
  'while [ "$n" -gt 0 ]; do',
  '  echo $$ 2>&3 >"$1/cgroup.procs" || { echo "cannot join cgroup $1" >&3; exit 125; }',
  '  shift; n=$((n-1))',
  'done',
  'echo joined >&3',
  // With namespaces, fd 3 becomes unshare's stderr (fd 4 keeps the task's) so unshare's messages reach the agent.
  'if [ "$ns" = 1 ]; then exec 4>&2 2>&3 3>&-; else exec 3>&-; fi',
  'exec "$@"',
].join('\n');

/** Runs inside the new namespaces: reports, gives the task its stderr back, runs it. */
const INNER = 'echo inside >&2; exec 2>&4 4>&-; exec "$@"';

/** util-linux 2.38 `unshare --fork` exits 1 with this instead of re-raising a SIGKILL its child died of. */
const UNSHARE_SIGKILL_BUG = 'sigprocmask unblock failed';

function unshareFlags(namespaces: readonly Namespace[]): string[] {
  const set = new Set(namespaces);
  const flags: string[] = [];
  if (set.has('pid')) flags.push('--pid', '--fork', '--kill-child', '--mount-proc');
  if (set.has('mount') || set.has('pid')) flags.push('--mount');
  if (set.has('uts')) flags.push('--uts');
  if (set.has('ipc')) flags.push('--ipc');
  if (set.has('net')) flags.push('--net');
  return flags;
}

class WrapperLauncher implements Launcher {
  private readonly sh: string;
  private readonly unshare: string;
  private readonly setpriv: string;
  private readonly mount: string;
  private readonly busybox: string;
  private helperChecked: Promise<string | undefined> | undefined;

  constructor(
    readonly name: 'posix' | 'linux',
    tools: LauncherTools = {},
    /** Namespaces the linux launcher always creates. */
    private readonly baseNamespaces: readonly Namespace[] = [],
  ) {
    this.sh = tools.sh ?? '/bin/sh';
    this.unshare = tools.unshare ?? '/usr/bin/unshare';
    this.setpriv = tools.setpriv ?? '/usr/bin/setpriv';
    this.mount = tools.mount ?? '/bin/mount';
    this.busybox = tools.busybox ?? '/bin/busybox';
  }

  async fork(request: ForkRequest): Promise<Result<ForkedProcess>> {
    const namespaces = [...new Set([...this.baseNamespaces, ...request.namespaces])];
    const mounts = request.mounts ?? [];
    const entering = mounts.length > 0 || request.rootfs !== undefined;
    if (this.name === 'posix' && (namespaces.length > 0 || entering)) {
      const what = namespaces.length > 0 ? `namespaces (${namespaces.join(', ')})` : 'mounts or a root filesystem';
      return fail(request.containerId, 'INVALID_ARGUMENT', `the posix launcher cannot create ${what}; use the linux launcher`);
    }
    if (entering && !namespaces.includes('mount')) namespaces.push('mount');
    if (request.rootfs !== undefined) {
      this.helperChecked ??= checkStaticHelper(this.busybox);
      const problem = await this.helperChecked;
      if (problem) return fail(request.containerId, 'INVALID_ARGUMENT', problem);
      if (!request.file.startsWith('/')) {
        return fail(request.containerId, 'INVALID_ARGUMENT', `the program '${request.file}' must be an absolute path inside the root filesystem`);
      }
    }
    // Inside a root filesystem the host's setpriv is gone by the time the task runs: the helper switches user.
    const task: string[] =
      request.user && request.rootfs === undefined
        ? [this.setpriv, `--reuid=${request.user.uid}`, `--regid=${request.user.gid}`, '--init-groups', '--', request.file, ...request.args]
        : [request.file, ...request.args];
    const inNamespaces = namespaces.length > 0;
    let inner: string[];
    if (entering) {
      const shell = request.rootfs !== undefined ? [this.busybox, 'sh'] : [this.sh];
      const user = request.rootfs !== undefined && request.user ? [String(request.user.uid), String(request.user.gid)] : ['', ''];
      inner = [...shell, '-c', ENTER_SCRIPT, 'sh', this.mount, request.rootfs?.path ?? '', request.rootfs?.workingDirectory ?? '', ...user, ...mountArgs(mounts), ...task];
    } else {
      inner = [this.sh, '-c', INNER, 'sh', ...task];
    }
    const rest = inNamespaces ? [this.unshare, ...unshareFlags(namespaces), '--', ...inner] : task;
    const argv = ['-c', OUTER, 'sh', inNamespaces ? '1' : '0', String(request.cgroups.length), ...request.cgroups, ...rest];
    // Without any wrapper step the program itself is executed, which keeps argv[0].
    const direct = !inNamespaces && request.cgroups.length === 0 && !request.user;
    let child: ChildProcess;
    try {
      child = direct
        ? spawn(request.file, [...request.args], { ...this.spawnOptions(request), argv0: request.argv0, stdio: ['ignore', request.stdout, request.stderr] })
        : spawn(this.sh, argv, {
            ...this.spawnOptions(request),
            stdio: ['ignore', request.stdout, request.stderr, 'pipe'],
          });
    } catch (error) {
      return fail(request.containerId, 'INVALID_ARGUMENT', (error as Error).message, error);
    }
    return this.track(request, child, direct ? 0 : inNamespaces ? 2 : 1);
  }

  private spawnOptions(request: ForkRequest): { cwd: string; env: Record<string, string>; detached: true } {
    // detached: setsid(2), so the first process leads a new session and process group (the posix kill path).
    return { cwd: request.cwd, env: { ...request.env }, detached: true };
  }

  /** Waits for the spawn and for `reports` lines from the wrapper; keeps what the tools said afterwards. */
  private track(request: ForkRequest, child: ChildProcess, reports: number): Promise<Result<ForkedProcess>> {
    const { containerId } = request;
    let exit: ForkExit | undefined;
    let said = '';
    const exited = new Promise<ForkExit>((resolve) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        // The pipe may still hold the tools' last words; read them before deciding how it ended.
        const pipe = child.stdio[3] as Readable | null | undefined;
        const finish = (): void => resolve(mapExit(exit!, said));
        if (pipe && !pipe.readableEnded && !pipe.destroyed) {
          pipe.once('close', finish);
          setTimeout(finish, 1000).unref();
        } else {
          finish();
        }
      });
    });
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: Result<ForkedProcess>): void => {
        if (!settled) {
          settled = true;
          resolve(result);
        }
      };
      child.once('error', (error: NodeJS.ErrnoException) => {
        const commandFault = error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOEXEC';
        settle(fail(containerId, commandFault ? 'INVALID_ARGUMENT' : 'INTERNAL', error.message, error));
      });
      const started = (): void => {
        const pid = child.pid;
        if (pid === undefined) settle(fail(containerId, 'INTERNAL', 'spawned process has no pid'));
        else settle(ok({ pid, exited }));
      };
      child.once('spawn', () => {
        child.on('error', () => undefined); // a later failed kill must not crash the agent
        if (reports === 0) started();
      });
      const pipe = child.stdio[3] as Readable | null | undefined;
      if (!pipe || reports === 0) return;
      pipe.setEncoding('utf8');
      let seen = 0;
      pipe.on('data', (chunk: string) => {
        said = (said + chunk).slice(-8192);
        seen = said.split('\n').filter((line) => line === 'joined' || line === 'inside').length;
        if (seen >= reports) started();
      });
      pipe.on('close', () => {
        if (seen >= reports) return;
        // The wrapper or unshare failed before the task ran: their words are the reason.
        const reason = said.split('\n').filter((l) => l && l !== 'joined' && l !== 'inside').join('; ').trim();
        void exited.then((e) => settle(fail(containerId, 'INTERNAL', `${reason || 'the launch wrapper failed'} (exit ${e.code ?? e.signal ?? 'unknown'})`)));
      });
    });
  }
}

/** Corrects the exit for the util-linux 2.38 unshare bug: its child died of SIGKILL. */
function mapExit(exit: ForkExit, said: string): ForkExit {
  if (exit.code === 1 && said.includes(UNSHARE_SIGKILL_BUG)) return { code: null, signal: 'SIGKILL' };
  return exit;
}

function fail(containerId: string, code: 'INVALID_ARGUMENT' | 'INTERNAL', reason: string, cause?: unknown): { readonly ok: false; readonly error: MesosTsError } {
  return err(new MesosTsError(code, `Failed to launch container '${containerId}': ${reason}`, { cause }));
}

/** The posix launcher: a process group on the host. */
export function createPosixLauncher(tools?: LauncherTools): Launcher {
  return new WrapperLauncher('posix', tools);
}

/**
 * The linux launcher: new mount, uts and ipc namespaces (`baseNamespaces`), plus whatever isolators ask for
 * (pid from `namespaces/pid`), and the mounts and root filesystem of `filesystem/linux`.
 */
export function createLinuxLauncher(tools?: LauncherTools, baseNamespaces: readonly Namespace[] = ['mount', 'uts', 'ipc']): Launcher {
  return new WrapperLauncher('linux', tools, baseNamespaces);
}
