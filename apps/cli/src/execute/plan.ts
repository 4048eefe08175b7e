import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { parseDurationNanos, nanosToMillis } from '@mesos-ts/flags';
import {
  ContainerInfo_DockerInfo_Network,
  ContainerInfo_Type,
  ExecutorInfo_Type,
  FrameworkInfo_Capability_Type,
  Image_Type,
  decodeMesosJson,
  type CommandInfo,
  type ContainerInfo,
  type ExecutorInfo,
  type FrameworkInfo,
  type TaskInfo,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { parseMasterAddress } from '../master-address';

/**
 * The flags of `mesos execute` as the command line gave them (names as in Mesos's `mesos-execute`). Optional
 * ones are absent when not given; the rest carry their defaults.
 */
export interface ExecuteFlags {
  readonly master?: string | undefined;
  readonly name?: string | undefined;
  readonly command?: string | undefined;
  readonly task?: string | undefined;
  readonly task_group?: string | undefined;
  readonly shell: boolean;
  readonly env?: string | undefined;
  readonly resources: string;
  readonly role: string;
  readonly framework_name: string;
  readonly checkpoint: boolean;
  readonly docker_image?: string | undefined;
  readonly appc_image?: string | undefined;
  readonly containerizer: string;
  readonly networks?: string | undefined;
  readonly framework_capabilities?: string | undefined;
  readonly partition_aware: boolean;
  readonly kill_after?: string | undefined;
  readonly content_type: string;
  readonly principal?: string | undefined;
  readonly tty: boolean;
}

/** Defaults of {@link ExecuteFlags}, as `mesos-execute` has them. */
export const EXECUTE_DEFAULTS = {
  shell: true,
  resources: 'cpus:1;mem:128',
  role: '*',
  framework_name: 'mesos-execute instance',
  checkpoint: false,
  containerizer: 'mesos',
  partition_aware: true,
  content_type: 'protobuf',
  tty: false,
} as const satisfies Partial<ExecuteFlags>;

/** What to launch: one task (LAUNCH), or a task group run by the default executor (LAUNCH_GROUP). */
export type ExecuteLaunch =
  | { readonly kind: 'task'; readonly task: TaskInfo }
  | {
      readonly kind: 'group';
      readonly tasks: readonly TaskInfo[];
      /** The DEFAULT executor; its `frameworkId` is filled in once SUBSCRIBED assigns one. */
      readonly executor: ExecutorInfo;
    };

/** Everything `mesos execute` needs to run, checked and built from {@link ExecuteFlags}. */
export interface ExecutePlan {
  /** The master's base URL, e.g. `http://127.0.0.1:5050`. */
  readonly master: string;
  readonly contentType: 'json' | 'protobuf';
  readonly frameworkInfo: FrameworkInfo;
  readonly launch: ExecuteLaunch;
  /** Kill the task(s) this long after TASK_RUNNING. */
  readonly killAfterMs?: number;
}

/** What building a plan needs from the outside world. */
export interface PlanEnvironment {
  /** The user tasks run as (FrameworkInfo.user): the current OS user, as mesos-execute does. */
  readonly user: string;
  /** Reads a file given as `/path` or `file:///path` (for `--task`, `--task_group`, `--env`). */
  readonly readFile: (path: string) => string;
  /** `MESOS_MASTER`, used when `--master` is not given. */
  readonly masterFromEnv?: string | undefined;
}

/** Resources of the default executor of a task group, as mesos-execute gives it. */
export const DEFAULT_EXECUTOR_RESOURCES = 'cpus:0.1;mem:32;disk:32';
/** The ID mesos-execute gives the default executor of a task group. */
export const DEFAULT_EXECUTOR_ID = 'default-executor';

function invalid(message: string): Result<never> {
  return err(new MesosTsError('INVALID_ARGUMENT', message));
}

/**
 * Checks the flags the way `mesos-execute` does and builds the framework and the task(s). Pure apart from
 * `env.readFile`.
 *
 * @returns an INVALID_ARGUMENT error whose message names the flag and the value at fault.
 */
export function buildExecutePlan(flags: ExecuteFlags, env: PlanEnvironment): Result<ExecutePlan> {
  const master = parseMasterAddress(flags.master ?? env.masterFromEnv);
  if (!master.ok) return master;

  const contentType = parseContentType(flags.content_type);
  if (!contentType.ok) return contentType;

  if (flags.task !== undefined && flags.task_group !== undefined) {
    return invalid("Either task or task group should be set but not both. Provide either '--task' OR '--task_group'");
  }
  if (flags.task === undefined && flags.task_group === undefined) {
    if (flags.name === undefined || flags.name === '') return invalid('Missing required option --name');
    if (flags.command === undefined || flags.command === '') return invalid('Missing required option --command');
  } else {
    const conflicting = (['name', 'command', 'env', 'appc_image', 'docker_image'] as const).filter((f) => flags[f] !== undefined);
    if (conflicting.length > 0) {
      return invalid(`--${conflicting.join(', --')} can only be set when neither --task nor --task_group is set`);
    }
    if (flags.task !== undefined && flags.networks !== undefined) return invalid("'--networks' can only be set when '--task' is not set");
  }
  if (flags.docker_image !== undefined && flags.appc_image !== undefined) return invalid("Flags '--docker_image' and '--appc_image' are both set");

  const capabilities = frameworkCapabilities(flags);
  if (!capabilities.ok) return capabilities;

  let killAfterMs: number | undefined;
  if (flags.kill_after !== undefined) {
    const nanos = parseDurationNanos(flags.kill_after);
    if (!nanos.ok) return invalid(`--kill_after '${flags.kill_after}': ${nanos.error.message} (e.g. 10secs, 2mins)`);
    if (nanos.value < 0n) return invalid(`--kill_after '${flags.kill_after}' must not be negative`);
    killAfterMs = nanosToMillis(nanos.value);
  }

  if (flags.role === '') return invalid('--role must not be empty');
  const frameworkInfo: FrameworkInfo = {
    user: env.user,
    name: flags.framework_name,
    role: flags.role,
    checkpoint: flags.checkpoint,
    capabilities: capabilities.value.map((type) => ({ type })),
  };
  if (flags.principal !== undefined) frameworkInfo.principal = flags.principal;

  let launch: Result<ExecuteLaunch>;
  if (flags.task_group !== undefined) launch = groupLaunch(flags.task_group, flags.networks, env);
  else if (flags.task !== undefined) launch = singleTask(flags.task, env);
  else launch = commandTask(flags, env);
  if (!launch.ok) return launch;

  const plan: ExecutePlan = { master: master.value, contentType: contentType.value, frameworkInfo, launch: launch.value };
  return ok(killAfterMs === undefined ? plan : { ...plan, killAfterMs });
}

function parseContentType(value: string): Result<'json' | 'protobuf'> {
  if (value === 'json' || value === 'application/json') return ok('json');
  if (value === 'protobuf' || value === 'application/x-protobuf') return ok('protobuf');
  return invalid(`Invalid content type '${value}' (--content_type is json or protobuf)`);
}

/**
 * The framework's capabilities: those mesos-execute always has, plus GPU_RESOURCES on request (the only extra
 * one that does not change how the framework must behave, hence the only one it accepts).
 */
function frameworkCapabilities(flags: ExecuteFlags): Result<FrameworkInfo_Capability_Type[]> {
  const types = [FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT, FrameworkInfo_Capability_Type.TASK_KILLING_STATE, FrameworkInfo_Capability_Type.REVOCABLE_RESOURCES];
  if (flags.partition_aware) types.push(FrameworkInfo_Capability_Type.PARTITION_AWARE);
  if (flags.framework_capabilities === undefined) return ok(types);
  for (const raw of flags.framework_capabilities.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const type = (FrameworkInfo_Capability_Type as unknown as Record<string, number | string | undefined>)[name];
    if (typeof type !== 'number' || name === 'UNKNOWN' || name === 'UNRECOGNIZED') {
      return invalid(`Flags '--framework_capabilities' specifies an unknown capability '${name}'`);
    }
    if (type !== FrameworkInfo_Capability_Type.GPU_RESOURCES) {
      return invalid(`Flags '--framework_capabilities' specifies an unsupported capability '${name}' (only GPU_RESOURCES can be added)`);
    }
    if (!types.includes(type)) types.push(type);
  }
  return ok(types);
}

/**
 * A JSON-valued flag: the JSON itself, or a file holding it given as `/path` or `file:///path` (as Mesos's
 * flags take them).
 */
export function readJsonFlag(flag: string, value: string, readFile: (path: string) => string): Result<string> {
  const path = value.startsWith('file://') ? value.slice('file://'.length) : value.startsWith('/') ? value : undefined;
  if (path === undefined) return ok(value);
  try {
    return ok(readFile(path));
  } catch (e) {
    return invalid(`--${flag}: cannot read '${path}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseEnvironment(value: string, readFile: (path: string) => string): Result<NonNullable<CommandInfo['environment']>> {
  const text = readJsonFlag('env', value, readFile);
  if (!text.ok) return text;
  const parsed = parseJson('env', text.value);
  if (!parsed.ok) return parsed;
  const json = parsed.value;
  if (!isObject(json)) return invalid('--env must be a JSON object of names to values, e.g. {"NAME": "value"}');
  const variables = [];
  for (const [name, v] of Object.entries(json)) {
    if (name === '') return invalid('--env has an empty variable name');
    if (typeof v !== 'string') return invalid(`--env: the value of '${name}' must be a string, not ${v === null ? 'null' : typeof v}`);
    variables.push({ name, value: v });
  }
  return ok({ variables });
}

/**
 * Splits a command line into words the way a POSIX shell would for simple input: blanks separate words,
 * single quotes keep everything literally, double quotes keep blanks and honour `\"`, `\\`, `\$` and `` \` ``,
 * a backslash outside quotes escapes the next character. No expansion of any kind.
 */
export function splitCommandLine(text: string): Result<string[]> {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return invalid(`--command: unterminated single quote in '${text}'`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) j++;
        word += text[j];
      }
      if (j >= text.length) return invalid(`--command: unterminated double quote in '${text}'`);
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return invalid(`--command: trailing backslash in '${text}'`);
      word += text[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return ok(words);
}

function commandTask(flags: ExecuteFlags, env: PlanEnvironment): Result<ExecuteLaunch> {
  const name = flags.name!;
  const resources = Resources.parse(flags.resources);
  if (!resources.ok) return invalid(`Failed to parse resources '${flags.resources}': ${resources.error.message}`);
  if (resources.value.isEmpty()) return invalid(`--resources '${flags.resources}' is empty; a task needs some resources`);

  let command: CommandInfo;
  if (flags.shell) {
    command = { shell: true, value: flags.command! };
  } else {
    // mesos-execute leaves a TODO here and sends no command at all; we run the words as argv instead.
    const argv = splitCommandLine(flags.command!);
    if (!argv.ok) return argv;
    if (argv.value.length === 0) return invalid('--command has no words to run with --shell=false');
    command = { shell: false, value: argv.value[0]!, arguments: argv.value };
  }
  if (flags.env !== undefined) {
    const environment = parseEnvironment(flags.env, env.readFile);
    if (!environment.ok) return environment;
    command.environment = environment.value;
  }

  const task: TaskInfo = { name, taskId: { value: name }, resources: resources.value.toProto(), command };
  const container = containerInfo(flags);
  if (!container.ok) return container;
  if (container.value !== undefined) task.container = container.value;
  return ok({ kind: 'task', task });
}

function networkNames(networks: string | undefined): string[] {
  return networks === undefined ? [] : networks.split(',').map((n) => n.trim()).filter((n) => n !== '');
}

/** The task's container, as mesos-execute builds it: none for a plain command under the Mesos containerizer. */
function containerInfo(flags: ExecuteFlags): Result<ContainerInfo | undefined> {
  const networks = networkNames(flags.networks);
  if (flags.containerizer === 'mesos') {
    if (flags.docker_image === undefined && flags.appc_image === undefined && networks.length === 0 && !flags.tty) return ok(undefined);
    const container: ContainerInfo = { type: ContainerInfo_Type.MESOS };
    if (flags.docker_image !== undefined) {
      container.mesos = { image: { type: Image_Type.DOCKER, docker: { name: flags.docker_image } } };
    } else if (flags.appc_image !== undefined) {
      const labels = [
        { key: 'os', value: 'linux' },
        { key: 'arch', value: 'amd64' },
      ];
      container.mesos = { image: { type: Image_Type.APPC, appc: { name: flags.appc_image, labels: { labels } } } };
    }
    if (networks.length > 0) container.networkInfos = networks.map((name) => ({ name }));
    if (flags.tty) container.ttyInfo = {};
    return ok(container);
  }
  if (flags.containerizer === 'docker') {
    if (flags.docker_image === undefined) return invalid("'Docker' containerizer requires docker image name (--docker_image)");
    if (flags.tty) return invalid("'Docker' containerizer does not allow attaching a TTY");
    if (networks.length > 1) return invalid("'Docker' containerizer can only support a single network");
    const container: ContainerInfo = { type: ContainerInfo_Type.DOCKER, docker: { image: flags.docker_image } };
    if (networks.length === 1) {
      container.docker!.network = ContainerInfo_DockerInfo_Network.USER;
      container.networkInfos = [{ name: networks[0]! }];
    }
    return ok(container);
  }
  return invalid(`Unsupported containerizer: '${flags.containerizer}' (--containerizer is mesos or docker)`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(flag: string, text: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return invalid(`--${flag} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * `TaskInfo.agent_id` is a required field, so a strict decoder refuses a task without one; but it can only come
 * from the offer. Mesos's own example fills in an empty one; we do that for the user.
 */
function withAgentPlaceholder(task: unknown): unknown {
  return isObject(task) && !('agent_id' in task) ? { ...task, agent_id: { value: '' } } : task;
}

/** Checks what the master would reject later with a less helpful message: IDs, names, resources. */
function checkTask(flag: string, where: string, task: TaskInfo): Result<TaskInfo> {
  if (task.taskId?.value === undefined || task.taskId.value === '') return invalid(`--${flag}: ${where} has no task_id`);
  if (task.name === undefined || task.name === '') return invalid(`--${flag}: ${where} (task '${task.taskId.value}') has no name`);
  const resources = Resources.fromProto(task.resources ?? []);
  if (!resources.ok) return invalid(`--${flag}: ${where} (task '${task.taskId.value}') has invalid resources: ${resources.error.message}`);
  if (resources.value.isEmpty()) return invalid(`--${flag}: ${where} (task '${task.taskId.value}') has no resources`);
  // The agent comes from the offer; mesos-execute overwrites any given one.
  const { agentId: _ignored, ...rest } = task;
  return ok(rest);
}

function singleTask(value: string, env: PlanEnvironment): Result<ExecuteLaunch> {
  const text = readJsonFlag('task', value, env.readFile);
  if (!text.ok) return text;
  const json = parseJson('task', text.value);
  if (!json.ok) return json;
  const task = decodeMesosJson('mesos.v1.TaskInfo', withAgentPlaceholder(json.value));
  if (!task.ok) return invalid(`--task is not a valid TaskInfo: ${task.error.message}`);
  const checked = checkTask('task', 'the task', task.value);
  if (!checked.ok) return checked;
  return ok({ kind: 'task', task: checked.value });
}

function groupLaunch(value: string, networks: string | undefined, env: PlanEnvironment): Result<ExecuteLaunch> {
  const text = readJsonFlag('task_group', value, env.readFile);
  if (!text.ok) return text;
  const json = parseJson('task_group', text.value);
  if (!json.ok) return json;
  const tasks = isObject(json.value) && Array.isArray(json.value['tasks']) ? { ...json.value, tasks: json.value['tasks'].map(withAgentPlaceholder) } : json.value;
  const group = decodeMesosJson('mesos.v1.TaskGroupInfo', tasks);
  if (!group.ok) return invalid(`--task_group is not a valid TaskGroupInfo: ${group.error.message}`);
  const checkedTasks: TaskInfo[] = [];
  const ids = new Set<string>();
  for (const [i, task] of (group.value.tasks ?? []).entries()) {
    const checked = checkTask('task_group', `tasks[${i}]`, task);
    if (!checked.ok) return checked;
    const id = checked.value.taskId!.value!;
    if (ids.has(id)) return invalid(`--task_group: task_id '${id}' is used by more than one task`);
    if (checked.value.executor !== undefined) return invalid(`--task_group: tasks[${i}] (task '${id}') must not have an executor; the group runs under the default executor`);
    ids.add(id);
    checkedTasks.push(checked.value);
  }
  if (checkedTasks.length === 0) return invalid('--task_group has no tasks');

  const executor: ExecutorInfo = {
    type: ExecutorInfo_Type.DEFAULT,
    executorId: { value: DEFAULT_EXECUTOR_ID },
    resources: Resources.mustParse(DEFAULT_EXECUTOR_RESOURCES).toProto(),
  };
  const names = networkNames(networks);
  if (names.length > 0) executor.container = { type: ContainerInfo_Type.MESOS, networkInfos: names.map((name) => ({ name })) };
  return ok({ kind: 'group', tasks: checkedTasks, executor });
}
