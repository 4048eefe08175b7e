/**
 * The `docker` entry of `--containerizers`: Mesos's DockerContainerizer serves two kinds of DOCKER containers.
 * A custom executor with a DOCKER ContainerInfo runs inside its Docker container (the DockerContainerizer of
 * @mesos-ts/containerizer). A command task with a DOCKER ContainerInfo instead gets `mesos-docker-executor`
 * (executor-setup.ts swaps it in), which must run on the host, as Mesos runs it: it is started here as a plain
 * process (a PosixContainerizer), with the flags Mesos's containerizer gives it (`--container=mesos-<ContainerID>`,
 * `--docker_socket`, `--sandbox_directory`, `--mapped_directory`), and it runs the task's container itself.
 *
 * The task's container is named after the executor's container, so whatever happens to the executor, it goes with
 * it: once the executor has ended (or was destroyed), a `mesos-<ContainerID>` container still there is removed;
 * and an agent restart removes it with the other orphans of its work directory (containers.ts).
 */
import * as path from 'node:path';
import { buildDockerPlan, dockerContainerName, toResourceStatistics, type ContainerConfig, type ContainerTermination, type Containerizer, type ContainerizerLogger, type DockerContainerizer, type LaunchedContainer } from '@mesos-ts/containerizer';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { ContainerInfo_Type, type ResourceStatistics } from '@mesos-ts/proto';
import { DOCKER_EXECUTOR } from './executor-setup';

/** Whether `config` launches `mesos-docker-executor` (`node <launcher_dir>/mesos-docker-executor.js ...`) for a DOCKER task. */
export function isDockerExecutorLaunch(config: ContainerConfig): boolean {
  if (config.container?.type !== ContainerInfo_Type.DOCKER) return false;
  const script = config.command.shell === false ? config.command.arguments?.[1] : undefined;
  return script !== undefined && path.basename(script) === DOCKER_EXECUTOR;
}

export interface DockerExecutorsOptions {
  /** Runs DOCKER containers of custom executors, and is the engine client. */
  readonly docker: DockerContainerizer;
  /** Runs `mesos-docker-executor` processes on the host. */
  readonly host: Containerizer;
  /** `--docker_socket`. */
  readonly socketPath: string;
  /** `--sandbox_directory`: where the sandbox is in containers. */
  readonly mappedDirectory: string;
  /** `--cgroups_enable_cfs`. */
  readonly enableCfsQuota: boolean;
  readonly logger: ContainerizerLogger;
}

/** See the module comment. */
export class DockerExecutors implements Containerizer {
  readonly #o: DockerExecutorsOptions;
  /** Containers running a Docker executor on the host: the termination, once the task's container is gone too. */
  readonly #executors = new Map<string, Promise<ContainerTermination | undefined>>();
  /** The limits of each executor's task container, for usage statistics. */
  readonly #limits = new Map<string, { cpus?: number; memLimitBytes?: bigint }>();

  constructor(options: DockerExecutorsOptions) {
    this.#o = options;
  }

  async launch(config: ContainerConfig): Promise<Result<LaunchedContainer>> {
    if (!isDockerExecutorLaunch(config)) return this.#o.docker.launch(config);
    const name = dockerContainerName(config.containerId);
    if (name === undefined) return err(new MesosTsError('INVALID_ARGUMENT', `Container ID '${config.containerId}' cannot name a Docker container`));
    // The task's limits are checked now (a bad ContainerInfo fails the launch at once, as in Mesos) and kept for usage.
    const plan = buildDockerPlan({ ...config, container: config.container! }, { enableCfsQuota: this.#o.enableCfsQuota, mappedDirectory: this.#o.mappedDirectory });
    if (!plan.ok) return err(new MesosTsError(plan.error.code, `Failed to launch container '${config.containerId}': ${plan.error.message}`, { cause: plan.error }));
    const args = [
      ...(config.command.arguments ?? []),
      `--container=${name}`,
      `--docker_socket=${this.#o.socketPath}`,
      `--sandbox_directory=${config.sandbox}`,
      `--mapped_directory=${this.#o.mappedDirectory}`,
      `--cgroups_enable_cfs=${String(this.#o.enableCfsQuota)}`,
    ];
    // Without the ContainerInfo: the executor itself is a host process.
    const { container: _dockerInfo, ...hostConfig } = config;
    const launched = await this.#o.host.launch({ ...hostConfig, command: { ...config.command, arguments: args } });
    if (!launched.ok) return launched;
    this.#limits.set(config.containerId, {
      ...(plan.value.cpus === undefined ? {} : { cpus: plan.value.cpus }),
      ...(plan.value.memLimitBytes === undefined ? {} : { memLimitBytes: plan.value.memLimitBytes }),
    });
    const ended = this.#o.host.wait(config.containerId).then(async (termination) => {
      await this.#removeTaskContainer(config.containerId);
      this.#limits.delete(config.containerId);
      return termination;
    });
    this.#executors.set(config.containerId, ended);
    void ended.then(() => setImmediate(() => this.#executors.delete(config.containerId)));
    this.#o.logger.info({ containerId: config.containerId, pid: launched.value.pid, dockerName: name }, 'Launched the Docker executor on the host');
    return launched;
  }

  async wait(containerId: string): Promise<ContainerTermination | undefined> {
    const executor = this.#executors.get(containerId);
    if (executor !== undefined) return executor;
    return (await this.#o.docker.wait(containerId)) ?? (await this.#o.host.wait(containerId));
  }

  /** An executor: SIGTERM (it stops its container), SIGKILL after the grace period; then the container goes. */
  async destroy(containerId: string, gracePeriodMs?: number): Promise<ContainerTermination | undefined> {
    const executor = this.#executors.get(containerId);
    if (executor === undefined) return (await this.#o.docker.destroy(containerId, gracePeriodMs)) ?? (await this.#o.host.destroy(containerId, gracePeriodMs));
    await this.#o.host.destroy(containerId, gracePeriodMs);
    return executor;
  }

  /** An executor's usage is its task container's, as the engine reports it (Mesos's docker containerizer does the same). */
  async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    const limits = this.#limits.get(containerId);
    if (limits === undefined) return this.#o.docker.usage(containerId);
    try {
      const stats: unknown = await this.#o.docker.client.getContainer(`mesos-${containerId}`).stats({ stream: false, 'one-shot': true });
      return ok(toResourceStatistics(stats, limits, Date.now()));
    } catch {
      // Not started yet or already gone: the executor's own usage.
      return this.#o.host.usage(containerId);
    }
  }

  containers(): readonly string[] {
    return [...this.#o.docker.containers(), ...this.#executors.keys()];
  }

  /** Removes the task container of an executor that has ended, if the executor did not (it was killed, or crashed). */
  async #removeTaskContainer(containerId: string): Promise<void> {
    const handle = this.#o.docker.client.getContainer(`mesos-${containerId}`);
    try {
      await handle.remove({ force: true, v: true });
      this.#o.logger.warn({ containerId }, 'Removed the Docker container the Docker executor left behind');
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      if (status !== 404) this.#o.logger.warn({ containerId, err: e }, 'Failed to remove the Docker container of an ended Docker executor');
    }
  }
}
