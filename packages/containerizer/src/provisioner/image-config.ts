/**
 * A Docker image's runtime configuration (the `config` object of the image config JSON, the same in Docker's
 * v1 layer JSON, schema 2 and OCI), and how Mesos combines it with a task's CommandInfo
 * (src/slave/containerizer/mesos/isolators/docker/runtime.cpp, the `docker/runtime` isolator).
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Environment_Variable_Type, type CommandInfo } from '@mesos-ts/proto';

/** What an image says about how to run it. Empty strings in the JSON (`"WorkingDir": ""`) count as absent. */
export interface ImageConfig {
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** `NAME=value` strings, in image order. */
  readonly env: readonly string[];
  readonly workingDir?: string;
  /** `user`, `uid`, `user:group` or `uid:gid`, as the image wrote it. */
  readonly user?: string;
  readonly architecture?: string;
  readonly os?: string;
}

function stringArray(value: unknown, field: string): Result<readonly string[]> {
  if (value === undefined || value === null) return ok([]);
  // Docker writes a string Entrypoint/Cmd in some old images; it means `sh -c` of it, as Docker runs it.
  if (typeof value === 'string') return ok(['/bin/sh', '-c', value]);
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    return err(new MesosTsError('INVALID_ARGUMENT', `Image config field '${field}' must be an array of strings`));
  }
  return ok(value);
}

/**
 * Reads the runtime configuration out of an image config document (already JSON-parsed): `config` (schema 2,
 * OCI) or, for old v1 layer JSON, `container_config` when `config` is missing.
 */
export function parseImageConfig(document: unknown): Result<ImageConfig> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return err(new MesosTsError('INVALID_ARGUMENT', 'Image config is not a JSON object'));
  }
  const doc = document as Record<string, unknown>;
  const raw = doc['config'] ?? doc['container_config'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return err(new MesosTsError('INVALID_ARGUMENT', "Image config field 'config' is not a JSON object"));
  }
  const config = raw as Record<string, unknown>;
  const entrypoint = stringArray(config['Entrypoint'], 'config.Entrypoint');
  if (!entrypoint.ok) return entrypoint;
  const cmd = stringArray(config['Cmd'], 'config.Cmd');
  if (!cmd.ok) return cmd;
  const envValue = config['Env'];
  const env = typeof envValue === 'string' ? err(new MesosTsError('INVALID_ARGUMENT', "Image config field 'config.Env' must be an array of strings")) : stringArray(envValue, 'config.Env');
  if (!env.ok) return env;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const workingDir = text(config['WorkingDir']);
  const user = text(config['User']);
  const architecture = text(doc['architecture']);
  const os = text(doc['os']);
  return ok({
    entrypoint: entrypoint.value,
    cmd: cmd.value,
    env: env.value,
    ...(workingDir !== undefined ? { workingDir } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(architecture !== undefined ? { architecture } : {}),
    ...(os !== undefined ? { os } : {}),
  });
}

/** The process to start in an image's root filesystem, as Mesos decides it. */
export interface ImageLaunch {
  /**
   * The CommandInfo to run, with `shell`, `value` and `arguments` settled: unchanged when the task gave a
   * command of its own, else built from the image's Entrypoint and Cmd (`shell: false`).
   */
  readonly command: CommandInfo;
  /** The program and argv to exec: `['/bin/sh', '-c', value]` for a shell command. */
  readonly program: string;
  readonly argv: readonly string[];
  /** The base environment, overridden by the image's `Env`, overridden by the command's own environment. */
  readonly environment: Readonly<Record<string, string>>;
  /** The image's WorkingDir (a path inside the rootfs); absent: the containerizer's default (the sandbox). */
  readonly workingDirectory?: string;
  /** The image's User. Mesos 1.11 does not switch to it (it logs a warning); it is passed on as data. */
  readonly imageUser?: string;
}

/**
 * Combines a CommandInfo with an image's config the way Mesos's docker/runtime isolator does:
 *
 * - `shell` (default true): `/bin/sh -c value`; Entrypoint and Cmd are ignored; no `value` is an error.
 * - `shell: false` with a `value`: `value` is executed with `arguments` as argv; the image's Entrypoint and Cmd
 *   are ignored.
 * - `shell: false` without a `value`: the image decides. With an Entrypoint, argv is the Entrypoint, then the
 *   command's `arguments`, or the image's Cmd when the command has none. Without an Entrypoint, Cmd[0] is the
 *   program, followed by the command's `arguments`, or the rest of Cmd when it has none. Neither: an error.
 *
 * Environment precedence follows Mesos's containerizer: the command's own variables win over the image's Env,
 * which wins over `baseEnvironment` (the agent's executor environment). Image Env entries without `=` are
 * skipped, as Mesos does.
 */
export function computeImageLaunch(
  command: CommandInfo,
  image: ImageConfig,
  baseEnvironment: Readonly<Record<string, string>> = {},
): Result<ImageLaunch> {
  const invalid = (message: string) => err(new MesosTsError('INVALID_ARGUMENT', message));
  const environment: Record<string, string> = { ...baseEnvironment };
  for (const entry of image.env) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    environment[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  for (const variable of command.environment?.variables ?? []) {
    if (variable.name === undefined || variable.name === '') return invalid("CommandInfo.environment variable without a 'name'");
    if (variable.type === Environment_Variable_Type.SECRET) {
      return invalid(`CommandInfo.environment variable '${variable.name}' is a secret: resolve secrets before launching`);
    }
    environment[variable.name] = variable.value ?? '';
  }

  const shell = command.shell ?? true;
  const args = command.arguments ?? [];
  let settled: CommandInfo;
  let program: string;
  let argv: readonly string[];
  if (shell) {
    if (command.value === undefined) return invalid("CommandInfo.shell is true but CommandInfo.value is not set");
    settled = command;
    program = '/bin/sh';
    argv = ['/bin/sh', '-c', command.value];
  } else if (command.value !== undefined) {
    settled = command;
    program = command.value;
    argv = args.length > 0 ? args : [command.value];
  } else if (image.entrypoint.length > 0) {
    const first = image.entrypoint[0] as string;
    const full = [...image.entrypoint, ...(args.length > 0 ? args : image.cmd)];
    settled = { ...command, shell: false, value: first, arguments: full };
    program = first;
    argv = full;
  } else if (image.cmd.length > 0) {
    const first = image.cmd[0] as string;
    const full = [first, ...(args.length > 0 ? args : image.cmd.slice(1))];
    settled = { ...command, shell: false, value: first, arguments: full };
    program = first;
    argv = full;
  } else {
    return invalid('No executable is found: CommandInfo has no value and the image has neither Entrypoint nor Cmd');
  }
  return ok({
    command: settled,
    program,
    argv,
    environment,
    ...(image.workingDir !== undefined ? { workingDirectory: image.workingDir } : {}),
    ...(image.user !== undefined ? { imageUser: image.user } : {}),
  });
}
