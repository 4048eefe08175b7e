/**
 * The Docker containerizer (`--containerizers=docker`): Mesos's DockerContainerizer, talking to the Docker Engine
 * API on `--docker_socket` through dockerode instead of running the docker CLI. Each container is a Docker
 * container named `mesos-<containerId>`: its image is pulled when missing (or always, with `force_pull_image`), it
 * is created with the limits, network, ports, volumes and environment of the task (see create-options.ts), its
 * output is streamed from the engine's log into the sandbox's `stdout` and `stderr`, its end is the engine's
 * `wait`, and once over it is removed. `recover` removes the `mesos-*` containers the agent no longer knows.
 */
import { closeSync, constants, createWriteStream, openSync, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import Docker from 'dockerode';
import { MesosTsError, err, ok, type ErrorCode, type Result } from '@mesos-ts/errors';
import type { ResourceStatistics } from '@mesos-ts/proto';
import type { ContainerizerLogger } from '../posix-containerizer';
import type { ContainerConfig, ContainerTermination, Containerizer, LaunchedContainer } from '../types';
import {
  DEFAULT_MAPPED_DIRECTORY,
  buildDockerPlan,
  type DockerContainerConfig,
  type DockerLaunchPlan,
} from './create-options';
import { DOCKER_NAME_PREFIX, parseContainerName } from './names';
import { toResourceStatistics, type StatisticsLimits } from './statistics';
import { ContainerBook } from '../internal/container-book';

/** Options of {@link DockerContainerizer}; the names follow Mesos's agent flags. */
export interface DockerContainerizerOptions {
  /** `--docker_socket`: the Engine API's unix socket (default `/var/run/docker.sock`). Ignored when `docker` is given. */
  readonly socketPath?: string;
  /** A ready dockerode client (e.g. for a TCP engine); overrides `socketPath`. */
  readonly docker?: Docker;
  /** `--cgroups_enable_cfs`: cap CPU time with a CFS quota as well as shares (default false). */
  readonly enableCfsQuota?: boolean;
  /** `--sandbox_directory`: where the sandbox is mounted in containers (default `/mnt/mesos/sandbox`). */
  readonly mappedDirectory?: string;
  /** `--docker_stop_timeout`: grace given to orphans stopped by `recover` (default 0: killed at once). */
  readonly stopTimeoutMs?: number;
  /**
   * Remove a container once it has ended (default true). Mesos keeps them for `--docker_remove_delay` (6 h) for
   * debugging; here the sandbox keeps the output, and a kept container would block its name.
   */
  readonly removeContainers?: boolean;
  /** How long to wait for the rest of a container's output after it ended (default 5000 ms). */
  readonly logDrainTimeoutMs?: number;
  readonly logger?: ContainerizerLogger;
  /** Milliseconds since the epoch, for usage timestamps; `Date.now` when absent. */
  readonly now?: () => number;
  /** How many ended containers `wait`/`destroy` still answer for (default 1000). */
  readonly keepTerminated?: number;
}

/** What {@link DockerContainerizer.recover} did. */
export interface DockerRecovery {
  /** Known containers found in the engine and followed again (running or ended while the agent was away). */
  readonly recovered: readonly string[];
  /** `mesos-*` containers of unknown containers, stopped and removed. */
  readonly removed: readonly string[];
}

interface Tracked {
  readonly containerId: string;
  /** The engine's ID of the container. */
  readonly dockerId: string;
  readonly pid: number;
  readonly limits: StatisticsLimits;
  readonly handle: Docker.Container;
  readonly ended: Promise<ContainerTermination>;
  readonly end: (termination: ContainerTermination) => void;
  /** Resolves once the log stream ended and the sandbox files are flushed. */
  logsDone: Promise<void>;
  stopLogs: () => void;
  destroying?: Promise<ContainerTermination>;
}

const SILENT: ContainerizerLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const OUTPUT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** Give a stop this much longer than its grace before killing (Mesos's DOCKER_FORCE_KILL_TIMEOUT). */
const FORCE_KILL_AFTER_MS = 1000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP status of an engine error (dockerode puts it on `statusCode`). */
function statusOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Whether an error of stop/kill only says the container is not running (any more): Docker answers 304 or 409,
 * podman 500 "container state improper".
 */
function notRunning(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 304 || status === 404 || status === 409) return true;
  return status === 500 && /state improper|is not running/i.test(engineMessage(error));
}

/** The engine's own words for an error: its JSON `message` when there is one, else the Error's message. */
function engineMessage(error: unknown): string {
  const json = (error as { json?: unknown } | undefined)?.json;
  const fromJson = typeof json === 'object' && json !== null ? (json as { message?: unknown }).message : undefined;
  if (typeof fromJson === 'string' && fromJson.length > 0) return fromJson;
  return error instanceof Error ? error.message : String(error);
}

/** Runs containers of type DOCKER through a Docker Engine API. See the package README, "The Docker containerizer". */
export class DockerContainerizer implements Containerizer {
  private readonly docker: Docker;
  private readonly options: DockerContainerizerOptions;
  private readonly logger: ContainerizerLogger;
  private readonly now: () => number;
  /** Running, launching and recently ended containers. */
  private readonly book: ContainerBook<Tracked, ContainerTermination>;

  constructor(options: DockerContainerizerOptions = {}) {
    this.options = options;
    this.docker = options.docker ?? new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
    this.logger = options.logger ?? SILENT;
    this.now = options.now ?? Date.now;
    this.book = new ContainerBook(Math.max(0, options.keepTerminated ?? 1000));
  }

  /** The dockerode client, for callers that need the engine directly (e.g. to load an image archive). */
  get client(): Docker {
    return this.docker;
  }

  /**
   * Launches `config` (which must carry a DOCKER `container`): pulls the image if needed, creates and starts the
   * container, streams its output into the sandbox. Resolves once it runs, or with an error saying what failed.
   */
  async launch(config: ContainerConfig | DockerContainerConfig): Promise<Result<LaunchedContainer>> {
    const plan = buildDockerPlan(config as DockerContainerConfig, {
      ...(this.options.enableCfsQuota !== undefined ? { enableCfsQuota: this.options.enableCfsQuota } : {}),
      ...(this.options.mappedDirectory !== undefined ? { mappedDirectory: this.options.mappedDirectory } : {}),
    });
    if (!plan.ok) return plan;
    const { containerId } = config;
    return this.book.launch(containerId, () => this.start(config, plan.value), (error: unknown) => this.failure(containerId, 'INTERNAL', engineMessage(error), error));
  }

  async wait(containerId: string): Promise<ContainerTermination | undefined> {
    return this.book.wait(containerId);
  }

  /**
   * Stops the container: the engine's stop (the image's stop signal, SIGTERM by default) with the grace period
   * rounded up to whole seconds as the API takes it, then SIGKILL if it is still running a second after that;
   * with no grace, SIGKILL at once. Resolves with the termination once the container is gone. Idempotent.
   */
  async destroy(containerId: string, gracePeriodMs = 0): Promise<ContainerTermination | undefined> {
    return this.book.destroy(containerId, gracePeriodMs, (container, grace) => this.kill(container, grace));
  }

  async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    const tracked = this.book.running.get(containerId);
    if (!tracked) return err(new MesosTsError('NOT_FOUND', `Unknown container '${containerId}'`));
    try {
      // one-shot: Docker otherwise waits for a second sample to fill `precpu_stats`, which we do not use.
      const stats: unknown = await tracked.handle.stats({ stream: false, 'one-shot': true });
      return ok(toResourceStatistics(stats, tracked.limits, this.now()));
    } catch (error) {
      const reason = `Failed to read usage of container '${containerId}' from the Docker engine: ${engineMessage(error)}`;
      return err(new MesosTsError(statusOf(error) === 404 ? 'NOT_FOUND' : 'INTERNAL', reason, { cause: error }));
    }
  }

  containers(): readonly string[] {
    return [...this.book.running.keys()];
  }

  /**
   * After an agent restart: follows again the `mesos-*` containers of `known` container IDs (their output is
   * appended to the sandbox again from now on), and stops and removes the `mesos-*` containers of any other ID,
   * as Mesos does with `--docker_kill_orphans`. Containers not named by Mesos are left alone.
   */
  async recover(known: Iterable<string>): Promise<Result<DockerRecovery>> {
    const keep = new Set(known);
    let listed: Docker.ContainerInfo[];
    try {
      listed = await this.docker.listContainers({ all: true, filters: { name: [DOCKER_NAME_PREFIX] } });
    } catch (error) {
      return err(
        new MesosTsError('UNAVAILABLE', `Failed to list Docker containers: ${engineMessage(error)}`, { cause: error }),
      );
    }
    const recovered: string[] = [];
    const removed: string[] = [];
    for (const info of listed) {
      const containerId = info.Names.map(parseContainerName).find((id) => id !== undefined);
      if (containerId === undefined) continue;
      if (this.book.has(containerId)) continue;
      if (keep.has(containerId)) {
        const adopted = await this.adopt(containerId, info.Id);
        if (adopted.ok) recovered.push(containerId);
        else this.logger.warn({ containerId, err: adopted.error }, 'Failed to recover Docker container');
        continue;
      }
      this.logger.info({ containerId, dockerId: info.Id }, 'Removing orphaned Docker container');
      const handle = this.docker.getContainer(info.Id);
      const graceSecs = Math.ceil(Math.max(0, this.options.stopTimeoutMs ?? 0) / 1000);
      try {
        if (info.State === 'running') await handle.stop({ t: graceSecs }).catch(ignoreGone);
        await handle.remove({ force: true, v: true }).catch(ignoreGone);
        removed.push(containerId);
      } catch (error) {
        this.logger.warn({ containerId, err: error }, 'Failed to remove orphaned Docker container');
      }
    }
    return ok({ recovered, removed });
  }

  private async start(config: ContainerConfig, plan: DockerLaunchPlan): Promise<Result<LaunchedContainer>> {
    const { containerId, sandbox } = config;
    const sandboxStat = await stat(sandbox).catch(() => undefined);
    if (!sandboxStat?.isDirectory()) {
      return this.failure(containerId, 'INVALID_ARGUMENT', `sandbox '${sandbox}' is not an existing directory`);
    }
    const image = await this.ensureImage(plan);
    if (!image.ok) return this.failure(containerId, image.error.code, image.error.message, image.error.cause);

    let handle: Docker.Container;
    try {
      handle = await this.docker.createContainer({ name: plan.name, ...plan.create });
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) {
        const reason = `a Docker container named '${plan.name}' already exists: ${engineMessage(error)}`;
        return this.failure(containerId, 'CONFLICT', reason, error);
      }
      const code: ErrorCode = status !== undefined && status >= 400 && status < 500 ? 'INVALID_ARGUMENT' : 'INTERNAL';
      return this.failure(
        containerId,
        code,
        `failed to create Docker container '${plan.name}': ${engineMessage(error)}`,
        error,
      );
    }

    let files: { out: WriteStream; err: WriteStream };
    try {
      files = openOutput(sandbox);
    } catch (error) {
      await handle.remove({ force: true, v: true }).catch(ignoreGone);
      return this.failure(
        containerId,
        'INTERNAL',
        `cannot open the output files in '${sandbox}': ${(error as Error).message}`,
        error,
      );
    }
    try {
      await handle.start();
    } catch (error) {
      files.out.end();
      files.err.end();
      await handle.remove({ force: true, v: true }).catch(ignoreGone);
      const code: ErrorCode = statusOf(error) === 404 ? 'INVALID_ARGUMENT' : 'INTERNAL';
      return this.failure(
        containerId,
        code,
        `failed to start Docker container '${plan.name}': ${engineMessage(error)}`,
        error,
      );
    }
    const logs = this.streamLogs(handle, files, undefined);
    let pid = 0;
    try {
      pid = (await handle.inspect()).State.Pid;
    } catch (error) {
      this.logger.warn({ containerId, err: error }, 'Failed to inspect started Docker container');
    }
    const limits: StatisticsLimits = {
      ...(plan.cpus !== undefined ? { cpus: plan.cpus } : {}),
      ...(plan.memLimitBytes !== undefined ? { memLimitBytes: plan.memLimitBytes } : {}),
    };
    this.track(containerId, handle, pid, limits, logs);
    this.logger.info(
      { containerId, dockerId: handle.id, pid, image: plan.image, sandbox },
      'Launched Docker container',
    );
    return ok({ containerId, pid });
  }

  /** Makes sure the image is in the engine: inspect, and pull when it is missing or a pull is forced. */
  private async ensureImage(plan: DockerLaunchPlan): Promise<Result<void>> {
    if (!plan.forcePull) {
      try {
        await this.docker.getImage(plan.image).inspect();
        return ok(undefined);
      } catch (error) {
        if (statusOf(error) !== 404) {
          return err(
            new MesosTsError('UNAVAILABLE', `Failed to inspect image '${plan.image}': ${engineMessage(error)}`, {
              cause: error,
            }),
          );
        }
      }
    }
    try {
      const stream = await this.docker.pull(plan.image);
      await new Promise<void>((resolve, reject) => {
        // Pull failures arrive as `{error}` events in the progress stream, after a 200 answer.
        this.docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
          const failed = error?.message ?? events.find((event) => event.error)?.error;
          if (failed) reject(new Error(failed));
          else resolve();
        });
      });
      this.logger.info({ image: plan.image }, 'Pulled Docker image');
      return ok(undefined);
    } catch (error) {
      return err(
        new MesosTsError('INVALID_ARGUMENT', `Failed to pull image '${plan.image}': ${engineMessage(error)}`, {
          cause: error,
        }),
      );
    }
  }

  /**
   * Follows the container's log and writes stdout and stderr, demultiplexed, to the sandbox files. `sinceSecs`
   * skips what an earlier agent already wrote. Resolves once the stream ended and the files are flushed.
   */
  private streamLogs(
    handle: Docker.Container,
    files: { out: WriteStream; err: WriteStream },
    sinceSecs: number | undefined,
  ): { done: Promise<void>; stop: () => void } {
    let stopStream: () => void = () => undefined;
    const finished = (stream: WriteStream): Promise<void> =>
      new Promise((resolve) => {
        if (stream.closed) resolve();
        stream.once('close', () => resolve());
        stream.end();
      });
    const done = (async () => {
      try {
        const stream = (await handle.logs({
          follow: true,
          stdout: true,
          stderr: true,
          ...(sinceSecs !== undefined ? { since: sinceSecs } : {}),
        })) as NodeJS.ReadableStream & { destroy?: () => void };
        stopStream = () => stream.destroy?.();
        this.docker.modem.demuxStream(stream, files.out, files.err);
        await new Promise<void>((resolve) => {
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', (error: Error) => {
            this.logger.warn({ dockerId: handle.id, err: error }, 'Docker log stream failed');
            resolve();
          });
        });
      } catch (error) {
        this.logger.warn({ dockerId: handle.id, err: error }, 'Failed to follow the Docker container log');
      } finally {
        await Promise.all([finished(files.out), finished(files.err)]);
      }
    })();
    return { done, stop: () => stopStream() };
  }

  private track(
    containerId: string,
    handle: Docker.Container,
    pid: number,
    limits: StatisticsLimits,
    logs: { done: Promise<void>; stop: () => void },
  ): Tracked {
    let end!: (termination: ContainerTermination) => void;
    const ended = new Promise<ContainerTermination>((resolve) => {
      end = resolve;
    });
    const tracked: Tracked = {
      containerId,
      dockerId: handle.id,
      pid,
      limits,
      handle,
      ended,
      end,
      logsDone: logs.done,
      stopLogs: logs.stop,
    };
    this.book.running.set(containerId, tracked);
    void this.watch(tracked);
    return tracked;
  }

  /** Waits for the container to end, lets its output drain, removes it and resolves its termination. */
  private async watch(tracked: Tracked): Promise<void> {
    const { containerId, handle } = tracked;
    const exit = await this.waitExit(handle);
    const drainMs = this.options.logDrainTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      tracked.logsDone.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.logger.warn(
        { containerId, drainMs },
        'Docker log stream did not end after the container; output may be cut',
      );
      tracked.stopLogs();
      await tracked.logsDone;
    }
    if (this.options.removeContainers ?? true) {
      await handle.remove({ force: true, v: true }).catch((error: unknown) => {
        if (statusOf(error) !== 404) this.logger.warn({ containerId, err: error }, 'Failed to remove Docker container');
      });
    }
    const prefix = tracked.destroying ? 'Container destroyed: ' : '';
    const termination: ContainerTermination =
      exit.code === undefined
        ? { message: `${prefix}Container ended, status unknown${exit.detail ? ` (${exit.detail})` : ''}` }
        : {
            status: (exit.code & 0xff) << 8,
            exitCode: exit.code,
            message: `${prefix}Container exited with status ${exit.code}${exit.oomKilled ? ' (memory limit exceeded)' : ''}`,
          };
    this.book.running.delete(containerId);
    this.book.remember(containerId, termination);
    this.logger.info({ containerId, dockerId: tracked.dockerId, ...termination }, 'Docker container ended');
    tracked.end(termination);
  }

  /**
   * The container's exit code from the engine's wait, falling back to inspect when the wait request breaks
   * (e.g. the engine restarted): retried until the container is not running any more, or is gone.
   */
  private async waitExit(handle: Docker.Container): Promise<{ code?: number; oomKilled?: boolean; detail?: string }> {
    for (;;) {
      let code: number | undefined;
      try {
        const answer = (await handle.wait()) as { StatusCode?: unknown };
        if (typeof answer.StatusCode === 'number') code = answer.StatusCode;
      } catch (error) {
        this.logger.debug?.({ dockerId: handle.id, err: error }, 'Docker wait failed; inspecting');
      }
      try {
        const state = (await handle.inspect()).State;
        // Engines report OOM kills only where they can tell (not podman on cgroup v1).
        if (!state.Running) return { code: code ?? state.ExitCode, oomKilled: state.OOMKilled };
      } catch (error) {
        if (statusOf(error) === 404)
          return { ...(code !== undefined ? { code } : {}), detail: 'the container was removed' };
      }
      if (code !== undefined) return { code };
      await delay(500);
    }
  }

  private async kill(tracked: Tracked, graceMs: number): Promise<ContainerTermination> {
    const { containerId, handle } = tracked;
    this.logger.info(
      { containerId, dockerId: tracked.dockerId, gracePeriodMs: graceMs },
      'Destroying Docker container',
    );
    if (graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const graceSecs = Math.ceil(graceMs / 1000);
      const stopped = handle.stop({ t: graceSecs }).then(
        () => true,
        (error: unknown) => {
          // Already stopped or gone: done. Anything else: fall through to the kill.
          if (notRunning(error)) return true;
          this.logger.warn({ containerId, err: error }, 'Docker stop failed');
          return false;
        },
      );
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceSecs * 1000 + FORCE_KILL_AFTER_MS);
      });
      const done = await Promise.race([stopped, timedOut]);
      clearTimeout(timer);
      if (done) return tracked.ended;
    }
    await handle.kill({ signal: 'SIGKILL' }).catch((error: unknown) => {
      const status = statusOf(error);
      // 404: gone; 409: not running (already ended) — the watch resolves the termination either way.
      if (status !== 404 && status !== 409 && status !== 304) {
        this.logger.warn({ containerId, err: error }, 'Docker kill failed');
      }
    });
    return tracked.ended;
  }

  /** Follows a container a previous agent started. */
  private async adopt(containerId: string, dockerId: string): Promise<Result<void>> {
    const handle = this.docker.getContainer(dockerId);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await handle.inspect();
    } catch (error) {
      return err(
        new MesosTsError('INTERNAL', `Failed to inspect Docker container '${dockerId}': ${engineMessage(error)}`, {
          cause: error,
        }),
      );
    }
    const mapped = this.options.mappedDirectory ?? DEFAULT_MAPPED_DIRECTORY;
    const sandbox = info.Mounts.find((mount) => mount.Destination === mapped)?.Source;
    const memory = info.HostConfig.Memory;
    const shares = info.HostConfig.CpuShares;
    const limits: StatisticsLimits = {
      ...(shares ? { cpus: shares / 1024 } : {}),
      ...(memory ? { memLimitBytes: BigInt(memory) } : {}),
    };
    let logs: { done: Promise<void>; stop: () => void } = { done: Promise.resolve(), stop: () => undefined };
    if (sandbox !== undefined) {
      try {
        logs = this.streamLogs(handle, openOutput(sandbox), Math.floor(this.now() / 1000));
      } catch (error) {
        this.logger.warn(
          { containerId, sandbox, err: error },
          'Cannot reopen the sandbox output files; output is dropped',
        );
      }
    }
    this.track(containerId, handle, info.State.Pid, limits, logs);
    this.logger.info({ containerId, dockerId, running: info.State.Running }, 'Recovered Docker container');
    return ok(undefined);
  }


  private failure(
    containerId: string,
    code: ErrorCode,
    reason: string,
    cause?: unknown,
  ): { readonly ok: false; readonly error: MesosTsError } {
    this.logger.warn({ containerId, reason }, 'Failed to launch Docker container');
    return err(new MesosTsError(code, `Failed to launch container '${containerId}': ${reason}`, { cause }));
  }
}

/** `stdout` and `stderr` of the sandbox, appended to, never through a symbolic link (the task owns the sandbox). */
function openOutput(sandbox: string): { out: WriteStream; err: WriteStream } {
  const outFd = openSync(join(sandbox, 'stdout'), OUTPUT_FLAGS, 0o644);
  let errFd: number;
  try {
    errFd = openSync(join(sandbox, 'stderr'), OUTPUT_FLAGS, 0o644);
  } catch (error) {
    closeSync(outFd);
    throw error;
  }
  return { out: createWriteStream('', { fd: outFd }), err: createWriteStream('', { fd: errFd }) };
}

/** Swallows "already gone / already stopped" answers of the engine. */
function ignoreGone(error: unknown): void {
  if (notRunning(error)) return;
  throw error;
}
