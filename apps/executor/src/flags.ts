/**
 * The executors' command-line flags: the ones the Mesos agent may pass to its built-in executors
 * (src/launcher/executor.cpp, src/launcher/default_executor.cpp, src/logging/flags.cpp). Like Mesos, they are read
 * from the command line only, not from `MESOS_*` variables (those carry the executor's environment), and an
 * unknown flag is an error.
 */
import { err, ok, type Result } from '@mesos-ts/errors';
import { customFlag, defineFlags } from '@mesos-ts/flags';
import type { LaunchMount, TaskLaunchInfo } from '@mesos-ts/containerizer';
import { decodeMesosJson, type CommandInfo, type Environment } from '@mesos-ts/proto';

/** Reads `--launch_info`, checking every field so a bad one is named. */
export function parseLaunchInfo(text: string): Result<TaskLaunchInfo, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(`Failed to parse JSON of '--launch_info': ${(error as Error).message}`);
  }
  const bad = (what: string): Result<TaskLaunchInfo, string> => err(`Failed to parse '--launch_info': ${what}`);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('not a JSON object');
  const info = json as Record<string, unknown>;
  for (const tool of ['unshare', 'mount', 'busybox'] as const) {
    const value = info[tool];
    if (typeof value !== 'string' || !value.startsWith('/')) return bad(`'${tool}' must be an absolute path, not ${JSON.stringify(value)}`);
  }
  if (!Array.isArray(info['mounts'])) return bad("'mounts' must be an array");
  const mounts: LaunchMount[] = [];
  for (const [i, raw] of (info['mounts'] as unknown[]).entries()) {
    if (typeof raw !== 'object' || raw === null) return bad(`mounts[${i}] must be an object`);
    const m = raw as Record<string, unknown>;
    if (typeof m['source'] !== 'string' || typeof m['target'] !== 'string' || !m['target'].startsWith('/')) {
      return bad(`mounts[${i}] needs a string 'source' and an absolute 'target'`);
    }
    for (const field of ['type', 'options'] as const) {
      if (m[field] !== undefined && typeof m[field] !== 'string') return bad(`mounts[${i}].${field} must be a string`);
    }
    for (const field of ['recursive', 'readOnly', 'file', 'optional'] as const) {
      if (m[field] !== undefined && typeof m[field] !== 'boolean') return bad(`mounts[${i}].${field} must be a boolean`);
    }
    mounts.push(m as unknown as LaunchMount);
  }
  return ok({ mounts, unshare: info['unshare'] as string, mount: info['mount'] as string, busybox: info['busybox'] as string });
}

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
  working_directory: { type: 'string', help: 'The directory to start the task in (default: the sandbox, the executor\'s own); with --rootfs, a path inside it.' },
  sandbox_directory: { type: 'string', help: 'Where the sandbox is inside the root filesystem; only meaningful with --rootfs (default /mnt/mesos/sandbox).' },
  rootfs: {
    type: 'string',
    help: "The image root filesystem to run the task in (given by the Mesos containerizer for a command task with an image); needs --launch_info.",
  },
  launch_info: customFlag({
    help: 'With --rootfs: a JSON object with the mounts to make before entering the root filesystem and the helper programs (`mounts`, `unshare`, `mount`, `busybox`), from the Mesos containerizer.',
    parse: parseLaunchInfo,
    format: () => '',
  }),
});

/** `mesos-default-executor`'s flags. */
export const defaultExecutorFlagSpec = defineFlags({ ...loggingFlags });
