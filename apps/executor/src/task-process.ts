/**
 * Starting a task's command as a process of its own, the way Mesos's launcher does for the built-in executors:
 * `/bin/sh -c <value>` for a shell command, or `<value>` exec'd with `arguments` as its argv; in a new session
 * (so a new process group) so that a kill reaches everything the task started; with its environment built in
 * Mesos's order and, when the executor runs as root, as the task's user.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { err, ok, type Result } from '@mesos-ts/errors';
import { Environment_Variable_Type, type CommandInfo, type Environment } from '@mesos-ts/proto';
import { ENTER_SCRIPT, mountArgs, type TaskLaunchInfo } from '@mesos-ts/containerizer';
import type { Termination } from './termination';

/** The program and argv a `CommandInfo` runs. */
export interface CommandLine {
  readonly file: string;
  readonly args: readonly string[];
  readonly argv0: string;
}

/**
 * The command line of `command`, or why it cannot run (Mesos's wording). `shell` defaults to true, as in the
 * proto. For a non-shell command, `arguments` is the whole argv, `arguments[0]` included.
 */
export function commandLine(command: CommandInfo, taskId: string): Result<CommandLine, string> {
  const shell = command.shell ?? true;
  const value = command.value;
  if (value === undefined || value === '') {
    return err(shell ? `Shell command of task '${taskId}' is not specified` : `Executable of task '${taskId}' is not specified`);
  }
  if (shell) return ok({ file: '/bin/sh', args: ['-c', value], argv0: 'sh' });
  const argv = command.arguments ?? [];
  return ok({ file: value, args: argv.slice(1), argv0: argv[0] ?? value });
}

/** A logger for what cannot be returned (pino fits). */
export interface TaskLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * A task's environment, later layers winning: `base` (the executor's own environment), then each `Environment`
 * (e.g. `--task_environment`, then `CommandInfo.environment`), then `overrides` (e.g. `MESOS_ALLOCATION_ROLE`,
 * which Mesos sets last). Secret variables are skipped, as Mesos skips unresolved secrets.
 */
export function buildTaskEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  layers: readonly (Environment | undefined)[],
  overrides: Readonly<Record<string, string>> = {},
  logger?: TaskLogger,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  for (const layer of layers) {
    for (const variable of layer?.variables ?? []) {
      if (variable.name === undefined || variable.name === '') continue;
      if (variable.type === Environment_Variable_Type.SECRET) {
        logger?.warn(`Not setting environment variable '${variable.name}': secrets are not resolved by this executor`);
        continue;
      }
      const value = variable.value ?? '';
      if (env[variable.name] !== undefined && env[variable.name] !== value) logger?.info(`Overwriting environment variable '${variable.name}'`);
      env[variable.name] = value;
    }
  }
  return { ...env, ...overrides };
}

/** A local user, from `/etc/passwd`. */
export interface UserAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** Looks `name` up in a passwd file (`/etc/passwd` unless its text is given). */
export function lookupUser(name: string, passwd?: string): UserAccount | undefined {
  let text = passwd;
  if (text === undefined) {
    try {
      text = readFileSync('/etc/passwd', 'utf8');
    } catch {
      return undefined;
    }
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] !== name || fields.length < 6) continue;
    const uid = Number(fields[2]);
    const gid = Number(fields[3]);
    if (!Number.isInteger(uid) || !Number.isInteger(gid)) continue;
    return { name, uid, gid, home: fields[5] ?? '/' };
  }
  return undefined;
}

/** Where a task's stdout and stderr go: the executor's own (the command executor), or files (task sandboxes). */
export type TaskOutput = 'inherit' | { readonly stdout: string; readonly stderr: string };

export interface LaunchOptions {
  readonly command: CommandLine;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly output: TaskOutput;
  /** The user to run as (switched to only when the executor is root and this is someone else). */
  readonly user?: string;
  readonly logger?: TaskLogger;
  /**
   * Runs the task in this root filesystem (a command task with an image): in a mount namespace of its own, where
   * the rootfs script makes the mounts and pivots into it. `cwd` is then only where the helpers start.
   */
  readonly rootfs?: RootfsLaunch;
}

/** A root filesystem to run a task in, as the Mesos containerizer hands it to the command executor. */
export interface RootfsLaunch {
  /** The root filesystem's path on the host. */
  readonly path: string;
  /** Where the task starts, inside the root filesystem (made when missing). */
  readonly workingDirectory: string;
  readonly info: TaskLaunchInfo;
}

/** A running task process. */
export interface TaskProcess {
  readonly pid: number;
  /** Resolves when the process has exited (always resolves). */
  readonly exited: Promise<Termination>;
  /** Sends `signal` to the task's whole process group; false when nothing was left to signal. */
  signal(signal: NodeJS.Signals): boolean;
}

/**
 * Sends `signal` to process group `pgid` (a task's, led by its first process); false when the group is gone.
 * Only the group: after the leader has been reaped its pid may be reused, so we never signal it alone.
 */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the task. Resolves with the process once it runs, or with why it could not start (an unknown user,
 * an executable that does not exist, a sandbox file that cannot be opened).
 */
export async function launchTaskProcess(options: LaunchOptions): Promise<Result<TaskProcess, string>> {
  const spawnOptions: SpawnOptions = { env: { ...options.env }, detached: true, argv0: options.command.argv0 };
  if (options.cwd !== undefined) spawnOptions.cwd = options.cwd;
  const { rootfs } = options;

  let switchTo: UserAccount | undefined;
  if (options.user !== undefined && options.user !== '') {
    const current = userInfo().username;
    if (options.user !== current) {
      if (process.getuid?.() === 0) {
        const account = lookupUser(options.user);
        if (account === undefined) return err(`Failed to switch to user '${options.user}': no such user`);
        // In a root filesystem the helper switches user after pivot_root; it needs root until then.
        if (rootfs === undefined) {
          spawnOptions.uid = account.uid;
          spawnOptions.gid = account.gid;
        } else {
          switchTo = account;
        }
      } else {
        options.logger?.warn(`Not switching to user '${options.user}': the executor runs as '${current}', not root`);
      }
    }
  }

  const fds: number[] = [];
  if (options.output === 'inherit') {
    spawnOptions.stdio = ['ignore', 'inherit', 'inherit'];
  } else {
    try {
      fds.push(openSync(options.output.stdout, 'a'));
      fds.push(openSync(options.output.stderr, 'a'));
    } catch (error) {
      for (const fd of fds) closeSync(fd);
      return err(`Failed to open the task's output files: ${(error as Error).message}`);
    }
    spawnOptions.stdio = ['ignore', fds[0], fds[1]];
  }
  let file = options.command.file;
  let args = [...options.command.args];
  if (rootfs !== undefined) {
    // unshare(1) without --fork execs the helper, which execs the task: one pid, one process group throughout.
    const { info } = rootfs;
    file = info.unshare;
    args = [
      '--mount', '--propagation', 'private', '--',
      info.busybox, 'sh', '-c', ENTER_SCRIPT, 'sh', info.mount, rootfs.path, rootfs.workingDirectory,
      switchTo === undefined ? '' : String(switchTo.uid), switchTo === undefined ? '' : String(switchTo.gid),
      ...mountArgs(info.mounts), options.command.file, ...options.command.args,
    ];
    // The script reports on stderr (a pipe to us) until the task runs, then gives the task fd 4 as its stderr.
    const [, out, errOut] = spawnOptions.stdio as unknown[];
    spawnOptions.stdio = ['ignore', out === 'inherit' ? 1 : (out as number), 'pipe', 'ignore', errOut === 'inherit' ? 2 : (errOut as number)];
  }

  let child: ChildProcess;
  try {
    child = spawn(file, args, spawnOptions);
  } catch (error) {
    for (const fd of fds) closeSync(fd);
    return err(`Failed to launch the command: ${(error as Error).message}`);
  }
  // The child has its own copies of the files now.
  for (const fd of fds) closeSync(fd);

  // Listen for the end before anything else can happen, so a process that exits at once is not missed.
  const exited = new Promise<Termination>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const started = await new Promise<Result<number, string>>((resolve) => {
    child.once('spawn', () => resolve(ok(child.pid ?? -1)));
    child.on('error', (error) => resolve(err(`Failed to launch the command: ${error.message}`)));
  });
  if (!started.ok) return started;
  const pid = started.value;
  if (rootfs !== undefined) {
    const entered = await enteredRootfs(child);
    if (entered !== undefined) {
      signalGroup(pid, 'SIGKILL');
      await exited;
      return err(`Failed to enter the root filesystem '${rootfs.path}': ${entered}`);
    }
  }
  return ok({ pid, exited, signal: (signal) => signalGroup(pid, signal) });
}

/** Waits for the rootfs script's `inside` on the child's stderr pipe; returns what it said instead, if it failed. */
function enteredRootfs(child: ChildProcess): Promise<string | undefined> {
  const pipe = child.stderr;
  if (pipe === null) return Promise.resolve('no pipe to the launch helper');
  pipe.setEncoding('utf8');
  let said = '';
  return new Promise((resolve) => {
    pipe.on('data', (chunk: string) => {
      said = (said + chunk).slice(-8192);
      if (said.split('\n').includes('inside')) resolve(undefined);
    });
    pipe.on('close', () => {
      const reason = said.split('\n').filter((line) => line !== '' && line !== 'inside').join('; ').trim();
      resolve(said.split('\n').includes('inside') ? undefined : reason || 'the launch helper exited before the task ran');
    });
  });
}
