/**
 * The shared start of both executables: flags (exit 0 on --help, 1 on a bad flag), the environment the agent set
 * (exit 1 naming a missing or bad variable), the client, then the executor until it is done.
 */
import { writeSync } from 'node:fs';
import { ExecutorClient } from '@mesos-ts/client';
import { DockerContainerizer } from '@mesos-ts/containerizer';
import { resolveCommandLine, type FlagSpec, type FlagValues } from '@mesos-ts/flags';
import { CommandExecutor } from './command-executor';
import { DefaultExecutor } from './default-executor';
import { readExecutorEnvironment, type ExecutorEnvironment } from './environment';
import { commandExecutorFlagSpec, defaultExecutorFlagSpec } from './flags';
import { dockerExecutorFlagSpec } from './docker-flags';
import { containerIdOfName, dockerEngine, dockerTaskLauncher } from './docker-task';
import { createLogger } from './logger';

/** Which executable: `mesos-executor` (one command task) or `mesos-default-executor` (task groups). */
export type ExecutorKind = 'command' | 'default' | 'docker';

// Written synchronously: the process exits right after.
function fail(message: string): never {
  writeSync(2, `${message}\n`);
  process.exit(1);
}

interface Started {
  readonly logger: ReturnType<typeof createLogger>;
  readonly client: ExecutorClient;
  readonly environment: ExecutorEnvironment;
}

/** Loads the flags with `spec`; exits on --help or a bad flag. */
function loadFlags<const S extends FlagSpec>(spec: S, programName: string): FlagValues<S> & { logging_level: string } {
  // Mesos's executors read flags from the command line only: MESOS_* variables are their environment.
  const next = resolveCommandLine(spec, { programName, argv: process.argv.slice(2), env: process.env, envPrefix: null });
  if (next.action === 'exit') {
    writeSync(next.stream === 'stdout' ? 1 : 2, next.text);
    process.exit(next.exitCode);
  }
  return next.loaded.flags as FlagValues<S> & { logging_level: string };
}

function start(programName: string, loggingLevel: string, requireSandbox: boolean): Started {
  const logger = createLogger(programName, loggingLevel);
  const environment = readExecutorEnvironment(process.env, { requireSandbox });
  if (!environment.ok) fail(environment.error.message);
  // Mesos's own executors speak protobuf to the agent.
  const client = new ExecutorClient({ ...environment.value.client, contentType: 'protobuf', logger });
  logger.info(`Connecting to the agent at ${environment.value.client.agentEndpoint} as executor '${client.executorId.value ?? ''}' of framework '${client.frameworkId.value ?? ''}'`);
  return { logger, client, environment: environment.value };
}

/** Runs the executor named by `kind` as the process's main program; exits the process when done. */
export async function main(kind: ExecutorKind): Promise<void> {
  let started: Started;
  let executor: CommandExecutor | DefaultExecutor;
  if (kind === 'command') {
    const flags = loadFlags(commandExecutorFlagSpec, 'mesos-executor');
    if ((flags.rootfs === undefined) !== (flags.launch_info === undefined)) fail('--rootfs and --launch_info must be given together');
    started = start('mesos-executor', flags.logging_level, false);
    // With a root filesystem, --working_directory is a path inside it (default: the sandbox's mount point).
    const rootfs =
      flags.rootfs === undefined || flags.launch_info === undefined
        ? undefined
        : { path: flags.rootfs, workingDirectory: flags.working_directory ?? flags.sandbox_directory ?? '/mnt/mesos/sandbox', info: flags.launch_info };
    executor = new CommandExecutor({
      client: started.client,
      logger: started.logger,
      shutdownGracePeriodMs: started.environment.shutdownGracePeriodMs,
      ...(flags.task_command === undefined ? {} : { taskCommand: flags.task_command }),
      ...(flags.task_environment === undefined ? {} : { taskEnvironment: flags.task_environment }),
      ...(flags.user === undefined ? {} : { user: flags.user }),
      ...(flags.working_directory === undefined || rootfs !== undefined ? {} : { workingDirectory: flags.working_directory }),
      ...(rootfs === undefined ? {} : { rootfs }),
    });
  } else if (kind === 'docker') {
    const flags = loadFlags(dockerExecutorFlagSpec, 'mesos-docker-executor');
    started = start('mesos-docker-executor', flags.logging_level, false);
    const containerId = containerIdOfName(flags.container);
    if (!containerId.ok) fail(containerId.error);
    const containerizer = new DockerContainerizer({ socketPath: flags.docker_socket, mappedDirectory: flags.mapped_directory, enableCfsQuota: flags.cgroups_enable_cfs, logger: started.logger });
    executor = new CommandExecutor({
      client: started.client,
      logger: started.logger,
      shutdownGracePeriodMs: started.environment.shutdownGracePeriodMs,
      subject: 'Container',
      launchTask: dockerTaskLauncher({
        engine: dockerEngine(containerizer),
        containerId: containerId.value,
        sandbox: flags.sandbox_directory ?? started.environment.sandbox ?? process.cwd(),
        logger: started.logger,
        ...(flags.task_environment === undefined ? {} : { taskEnvironment: flags.task_environment }),
      }),
    });
  } else {
    const flags = loadFlags(defaultExecutorFlagSpec, 'mesos-default-executor');
    started = start('mesos-default-executor', flags.logging_level, true);
    executor = new DefaultExecutor({ client: started.client, logger: started.logger, sandbox: started.environment.sandbox ?? process.cwd() });
  }
  const { logger } = started;

  // Tasks run in process groups of their own, out of reach of a signal to ours: a first SIGTERM/SIGINT is a
  // SHUTDOWN, a second kills them at once; and whatever way we exit, no task is left behind.
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    logger.info(`Received ${signal}`);
    if (signals === 1) executor.shutdown();
    else {
      executor.killNow();
      process.exit(1);
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('exit', () => executor.killNow());

  let code: number;
  try {
    code = await executor.run();
  } catch (error) {
    logger.error(`The executor failed: ${String(error)}`);
    code = 1;
  }
  logger.info(`Exiting with status ${code}`);
  process.exit(code);
}
