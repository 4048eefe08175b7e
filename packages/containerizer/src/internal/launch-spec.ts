/**
 * Turning a ContainerConfig into what spawn(2) needs — program, argv, environment, user — and into the limits the
 * posix isolators report. Pure: every check here names the field or value it rejects.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Environment_Variable_Type, type CommandInfo, type Resource } from '@mesos-ts/proto';
import type { ContainerConfig } from '../types';

/** Everything needed to spawn a container's first process. */
export interface LaunchSpec {
  /** The program to execute (looked up in the container's PATH when it has no `/`). */
  readonly file: string;
  /** argv[0], then the rest in `args`. */
  readonly argv0: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** The user to switch to, if any (the command's own wins over the config's). */
  readonly user?: string;
}

/** The limits a container's resources set, as the posix isolators report them (not enforced). */
export interface ContainerLimits {
  readonly cpus?: number;
  readonly memBytes?: bigint;
}

const invalid = (message: string): { readonly ok: false; readonly error: MesosTsError } =>
  err(new MesosTsError('INVALID_ARGUMENT', message));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkName(name: unknown, where: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return `${where} needs a non-empty name`;
  if (name.includes('=') || name.includes('\0')) {
    return `${where} has an invalid name '${name}' (no '=' or NUL allowed)`;
  }
  return undefined;
}

/**
 * The environment a container gets: the agent's variables, then the command's VALUE variables over them. A SECRET
 * variable is an error: the posix containerizer has no secret resolver.
 */
export function buildEnvironment(
  base: Readonly<Record<string, string>>,
  command: CommandInfo,
): Result<Record<string, string>> {
  if (!isRecord(base)) return invalid('environment must be an object of strings');
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    const problem = checkName(name, 'environment variable');
    if (problem) return invalid(problem);
    if (typeof value !== 'string' || value.includes('\0')) {
      return invalid(`environment variable '${name}' must be a string without NUL`);
    }
    env[name] = value;
  }
  const variables = command.environment?.variables ?? [];
  if (!Array.isArray(variables)) return invalid('command.environment.variables must be an array');
  for (const [i, variable] of variables.entries()) {
    const where = `command.environment.variables[${i}]`;
    if (!isRecord(variable)) return invalid(`${where} must be an object`);
    const problem = checkName(variable.name, where);
    if (problem) return invalid(problem);
    const name = variable.name as string;
    const type = variable.type ?? Environment_Variable_Type.VALUE;
    if (type === Environment_Variable_Type.SECRET) {
      return invalid(`${where} ('${name}') is a SECRET; the posix containerizer cannot resolve secrets`);
    }
    if (type !== Environment_Variable_Type.VALUE) {
      return invalid(`${where} ('${name}') has unsupported type ${String(type)}; expected VALUE`);
    }
    if (typeof variable.value !== 'string') return invalid(`${where} ('${name}') of type VALUE needs a value`);
    if (variable.value.includes('\0')) return invalid(`${where} ('${name}') must not contain NUL`);
    env[name] = variable.value;
  }
  return ok(env);
}

/** Validates `config` and works out how to spawn it. The sandbox's existence is checked at launch. */
export function buildLaunchSpec(config: ContainerConfig): Result<LaunchSpec> {
  if (!isRecord(config)) return invalid('container config must be an object');
  if (typeof config.containerId !== 'string' || config.containerId.length === 0) {
    return invalid('containerId must be a non-empty string');
  }
  if (typeof config.sandbox !== 'string' || config.sandbox.length === 0) {
    return invalid(`sandbox of container '${config.containerId}' must be a non-empty path`);
  }
  const command = config.command as unknown;
  if (!isRecord(command)) return invalid('command must be a CommandInfo object');
  const { value, shell = true, arguments: argv = [], user: commandUser } = config.command;
  if (typeof value !== 'string' || value.length === 0) return invalid('command.value must be a non-empty string');
  if (value.includes('\0')) return invalid('command.value must not contain NUL');
  if (typeof shell !== 'boolean') return invalid(`command.shell must be a boolean, got ${JSON.stringify(shell)}`);
  if (!Array.isArray(argv) || argv.some((a) => typeof a !== 'string' || a.includes('\0'))) {
    return invalid('command.arguments must be an array of strings without NUL');
  }
  const user = commandUser ?? config.user;
  if (user !== undefined && (typeof user !== 'string' || user.length === 0)) {
    return invalid(`user must be a non-empty string, got ${JSON.stringify(user)}`);
  }
  const env = buildEnvironment(config.environment, config.command);
  if (!env.ok) return env;

  const spec = shell
    ? // Mesos runs shell commands as `sh -c <value>`; `arguments` is ignored.
      { file: '/bin/sh', argv0: 'sh', args: ['-c', value] }
    : // argv[0] comes from `arguments` (as Mesos); with none, the program's own path stands in for it.
      { file: value, argv0: argv[0] ?? value, args: argv.slice(1) };
  return ok({ ...spec, env: env.value, ...(user !== undefined ? { user } : {}) });
}

/** Sums the `cpus` and `mem` (MB) scalars of `resources`, in Mesos's fixed point (3 decimals). */
export function containerLimits(resources: readonly Resource[]): ContainerLimits {
  let cpus: number | undefined;
  let mem: number | undefined;
  for (const resource of Array.isArray(resources) ? resources : []) {
    const amount = resource?.scalar?.value;
    if (typeof amount !== 'number' || !Number.isFinite(amount)) continue;
    if (resource.name === 'cpus') cpus = (cpus ?? 0) + amount;
    if (resource.name === 'mem') mem = (mem ?? 0) + amount;
  }
  const fixed = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    ...(cpus !== undefined ? { cpus: fixed(cpus) } : {}),
    ...(mem !== undefined ? { memBytes: BigInt(Math.round(fixed(mem) * 1024 * 1024)) } : {}),
  };
}
