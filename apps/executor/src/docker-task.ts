/**
 * The Docker executor's way of running its task (Mesos's `mesos-docker-executor`, src/docker/executor.cpp): the
 * executor runs on the host and the task runs in a Docker container driven through the Engine API. The container
 * is made by @mesos-ts/containerizer's DockerContainerizer, so it is created exactly as the Docker containerizer
 * creates one (limits, network, ports, volumes, the sandbox at `--mapped_directory`, the environment, parameters),
 * named `mesos-<ContainerID>`, its output streamed into the sandbox's `stdout`/`stderr`, and removed once it ended.
 */
import { DockerContainerizer, parseContainerName, type DockerContainerConfig } from '@mesos-ts/containerizer';
import { err, ok, type Result } from '@mesos-ts/errors';
import { ContainerInfo_Type, Environment_Variable_Type, type CommandInfo, type Environment, type TaskInfo } from '@mesos-ts/proto';
import type { TaskLauncher } from './command-executor';
import type { TaskLogger, TaskProcess } from './task-process';
import type { Termination } from './termination';

/** What the engine side of the Docker executor needs; {@link DockerContainerizer} is the real one. */
export interface DockerTaskEngine {
  launch: DockerContainerizer['launch'];
  wait: DockerContainerizer['wait'];
  /** Sends `signal` to the container's main process. */
  signal(containerId: string, signal: NodeJS.Signals): Promise<void>;
}

export interface DockerTaskOptions {
  readonly engine: DockerTaskEngine;
  /** The Mesos container ID the container is named after (`mesos-<containerId>`). */
  readonly containerId: string;
  /** The sandbox on the host, mounted into the container. */
  readonly sandbox: string;
  /** `--task_environment`: variables given to the task before its command's own. */
  readonly taskEnvironment?: Readonly<Record<string, string>>;
  readonly logger?: TaskLogger;
}

/**
 * The container ID in a `--container` flag: Mesos passes the Docker name, `mesos-<ContainerID>`. Anything else is
 * refused, since only such names are cleaned up by the agent.
 */
export function containerIdOfName(name: string): Result<string, string> {
  const id = parseContainerName(name);
  if (id === undefined || id.includes('/')) return err(`--container='${name}' is not a Mesos container name (expected 'mesos-<ContainerID>')`);
  return ok(id);
}

/** Reads `--task_environment`: a JSON object of string values (Mesos's docker executor takes a map). */
export function parseTaskEnvironment(text: string): Result<Record<string, string>, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(`Failed to parse JSON of '--task_environment': ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return err("'--task_environment' must be a JSON object of names to values");
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    if (typeof value !== 'string') return err(`'--task_environment': the value of '${name}' must be a string`);
    env[name] = value;
  }
  return ok(env);
}

function asEnvironment(variables: Readonly<Record<string, string>>): Environment {
  return { variables: Object.entries(variables).map(([name, value]) => ({ name, value, type: Environment_Variable_Type.VALUE })) };
}

/**
 * The launcher the command executor runs the task with: checks the task carries a DOCKER ContainerInfo, creates
 * and starts its container, and gives back a task whose `exited` resolves (after the output is in the sandbox and
 * the container is removed) with the container's exit status, and whose signals go to the container: SIGTERM,
 * then SIGKILL when the kill policy's grace period is over, which is `docker stop -t <grace>` in two steps.
 */
export function dockerTaskLauncher(options: DockerTaskOptions): TaskLauncher {
  const { engine, containerId } = options;
  return async (task: TaskInfo, command: CommandInfo): Promise<Result<TaskProcess, string>> => {
    const taskId = task.taskId?.value ?? '';
    const container = task.container;
    if (container?.type !== ContainerInfo_Type.DOCKER) {
      return err(`Task '${taskId}' has no ContainerInfo of type DOCKER: the Docker executor runs DOCKER containers only`);
    }
    // The task's environment is what Mesos gives a Docker task: --task_environment, then the command's own
    // (the plan adds those, MESOS_SANDBOX and MESOS_CONTAINER_NAME); not the executor's host environment.
    const config: DockerContainerConfig = {
      containerId,
      command,
      environment: {},
      sandbox: options.sandbox,
      resources: task.resources ?? [],
      container,
    };
    const withTaskEnv: DockerContainerConfig =
      options.taskEnvironment === undefined || Object.keys(options.taskEnvironment).length === 0
        ? config
        : { ...config, command: { ...command, environment: { variables: [...(asEnvironment(options.taskEnvironment).variables ?? []), ...(command.environment?.variables ?? [])] } } };
    const launched = await engine.launch(withTaskEnv);
    if (!launched.ok) return err(launched.error.message);
    let over = false;
    const exited: Promise<Termination> = engine.wait(containerId).then(
      (termination) => {
        over = true;
        if (termination?.exitCode === undefined) options.logger?.warn(`The exit status of container '${containerId}' is unknown: ${termination?.message ?? 'no termination'}`);
        return { code: termination?.exitCode ?? null, signal: null };
      },
      (error: unknown) => {
        over = true;
        options.logger?.error(`Failed to wait for container '${containerId}': ${String(error)}`);
        return { code: null, signal: null };
      },
    );
    return ok({
      pid: launched.value.pid,
      exited,
      signal: (signal) => {
        if (over) return false;
        engine.signal(containerId, signal).catch((error: unknown) => options.logger?.warn(`Failed to send ${signal} to container '${containerId}': ${String(error)}`));
        return true;
      },
    });
  };
}

/** The real engine: a DockerContainerizer on `socketPath`, and signals through the Engine API's kill. */
export function dockerEngine(containerizer: DockerContainerizer): DockerTaskEngine {
  return {
    launch: (config) => containerizer.launch(config),
    wait: (id) => containerizer.wait(id),
    signal: async (id, signal) => {
      try {
        await containerizer.client.getContainer(`mesos-${id}`).kill({ signal });
      } catch (error) {
        // Already stopped or gone (Docker 304/404/409, podman 500 "state improper"): the wait reports the end.
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 304 || status === 404 || status === 409) return;
        if (status === 500 && /state improper|not running/i.test(String((error as Error).message))) return;
        throw error;
      }
    },
  };
}
