/**
 * The executors' command-line flags: the ones the Mesos agent may pass to its built-in executors
 * (src/launcher/executor.cpp, src/launcher/default_executor.cpp, src/logging/flags.cpp). Like Mesos, they are read
 * from the command line only, not from `MESOS_*` variables (those carry the executor's environment), and an
 * unknown flag is an error.
 */
import { err, ok, type Result } from '@mesos-ts/errors';
import { customFlag, defineFlags } from '@mesos-ts/flags';
import { decodeMesosJson, type CommandInfo, type Environment } from '@mesos-ts/proto';

const LOGGING_LEVELS = ['INFO', 'WARNING', 'ERROR'];

function jsonMessage<T>(flag: string, decode: (json: unknown) => Result<T>) {
  return (text: string): Result<T, string> => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return err(`Failed to parse JSON of '--${flag}': ${(error as Error).message}`);
    }
    const decoded = decode(json);
    return decoded.ok ? ok(decoded.value) : err(`Failed to parse '--${flag}': ${decoded.error.message}`);
  };
}

const loggingFlags = {
  logging_level: {
    type: 'string',
    help: 'Log messages at or above this level: INFO, WARNING or ERROR.',
    default: 'INFO',
    validate: (value: string) => (LOGGING_LEVELS.includes(value) ? undefined : `'${value}' is not a valid value for --logging_level`),
  },
  launcher_dir: { type: 'string', help: 'Directory of the Mesos helper binaries. Accepted for compatibility; not used.' },
} as const;

/** `mesos-executor`'s flags. */
export const commandExecutorFlagSpec = defineFlags({
  ...loggingFlags,
  task_command: customFlag({
    help: 'A JSON `CommandInfo` to run instead of the command in the `TaskInfo`.',
    parse: jsonMessage<CommandInfo>('task_command', (json) => decodeMesosJson('mesos.v1.CommandInfo', json)),
    format: () => '',
  }),
  task_environment: customFlag({
    help: 'A JSON `Environment` added to the executor\'s own environment before the command\'s.',
    parse: jsonMessage<Environment>('task_environment', (json) => decodeMesosJson('mesos.v1.Environment', json)),
    format: () => '',
  }),
  user: { type: 'string', help: 'The user to run the task as (when the executor runs as root).' },
  working_directory: { type: 'string', help: 'The directory to start the task in (default: the sandbox, the executor\'s own).' },
  sandbox_directory: { type: 'string', help: 'Where the sandbox is inside a container image; only meaningful with --rootfs.' },
  rootfs: {
    type: 'string',
    help: 'A container image root filesystem to run the task in. Not supported: mesos-ts runs command tasks on the host.',
    validate: (value: string) => `--rootfs=${value} is not supported: this executor runs tasks on the host filesystem`,
  },
});

/** `mesos-default-executor`'s flags. */
export const defaultExecutorFlagSpec = defineFlags({ ...loggingFlags });
