/**
 * `mesos-docker-executor`'s command-line flags, as Mesos's agent passes them to its Docker executor
 * (src/docker/executor.hpp): the container's name, how to reach the engine, where the sandbox is on the host and in
 * the container, and the task's extra environment. Read from the command line only; an unknown flag is an error.
 */
import { customFlag, defineFlags } from '@mesos-ts/flags';
import { containerIdOfName, parseTaskEnvironment } from './docker-task';

const LOGGING_LEVELS = ['INFO', 'WARNING', 'ERROR'];

/** `mesos-docker-executor`'s flags. */
export const dockerExecutorFlagSpec = defineFlags({
  logging_level: {
    type: 'string',
    help: 'Log messages at or above this level: INFO, WARNING or ERROR.',
    default: 'INFO',
    validate: (value: string) => (LOGGING_LEVELS.includes(value) ? undefined : `'${value}' is not a valid value for --logging_level`),
  },
  launcher_dir: { type: 'string', help: 'Directory of the Mesos helper binaries. Accepted for compatibility; not used.' },
  container: {
    type: 'string',
    required: true,
    help: "The name of the Docker container to run the task in: 'mesos-<ContainerID>'.",
    validate: (value: string) => {
      const id = containerIdOfName(value);
      return id.ok ? undefined : id.error;
    },
  },
  docker: { type: 'string', default: 'docker', help: 'The docker CLI Mesos would run. Accepted for compatibility; the engine is reached through its API (--docker_socket).' },
  docker_socket: { type: 'string', default: '/var/run/docker.sock', help: "The Docker Engine API's unix socket." },
  sandbox_directory: { type: 'string', help: 'The sandbox on the host (default: MESOS_SANDBOX, else the working directory).' },
  mapped_directory: { type: 'string', default: '/mnt/mesos/sandbox', help: 'Where the sandbox is mounted in the container.' },
  cgroups_enable_cfs: { type: 'boolean', default: false, help: 'Cap CPU time with a CFS quota as well as shares.' },
  task_environment: customFlag({
    help: 'A JSON object of environment variables given to the task before its command\'s own.',
    parse: parseTaskEnvironment,
    format: () => '',
  }),
});
