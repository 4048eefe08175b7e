import { ContainerInfo_DockerInfo_Network, ContainerInfo_Type, ExecutorInfo_Type, FrameworkInfo_Capability_Type, Image_Type } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { EXECUTE_DEFAULTS, buildExecutePlan, readJsonFlag, splitCommandLine, type ExecuteFlags, type ExecutePlan, type PlanEnvironment } from './plan';

const files: Record<string, string> = {
  '/tmp/env.json': '{"FOO": "bar"}',
  '/tmp/group.json': JSON.stringify({
    tasks: [
      { name: 'a', task_id: { value: 'a' }, agent_id: { value: '' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }], command: { value: 'echo a' } },
      { name: 'b', task_id: { value: 'b' }, resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: 32 } }], command: { value: 'echo b' } },
    ],
  }),
};
const env: PlanEnvironment = {
  user: 'alice',
  readFile: (path) => {
    const text = files[path];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  },
};

function flags(overrides: Partial<ExecuteFlags> = {}): ExecuteFlags {
  return { ...EXECUTE_DEFAULTS, master: '127.0.0.1:5050', name: 'hello', command: 'echo hello', ...overrides };
}

function plan(overrides: Partial<ExecuteFlags> = {}, environment: PlanEnvironment = env): ExecutePlan {
  const result = buildExecutePlan(flags(overrides), environment);
  if (!result.ok) throw result.error;
  return result.value;
}

function error(overrides: Partial<ExecuteFlags>, environment: PlanEnvironment = env): string {
  const result = buildExecutePlan(flags(overrides), environment);
  if (result.ok) throw new Error('expected an error');
  expect(result.error.code).toBe('INVALID_ARGUMENT');
  return result.error.message;
}

describe('buildExecutePlan', () => {
  it('builds the framework and command task as mesos-execute does', () => {
    const p = plan();
    expect(p.master).toBe('http://127.0.0.1:5050');
    expect(p.contentType).toBe('protobuf');
    expect(p.killAfterMs).toBeUndefined();
    expect(p.frameworkInfo).toEqual({
      user: 'alice',
      name: 'mesos-execute instance',
      role: '*',
      checkpoint: false,
      capabilities: [
        { type: FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT },
        { type: FrameworkInfo_Capability_Type.TASK_KILLING_STATE },
        { type: FrameworkInfo_Capability_Type.REVOCABLE_RESOURCES },
        { type: FrameworkInfo_Capability_Type.PARTITION_AWARE },
      ],
    });
    if (p.launch.kind !== 'task') throw new Error('expected a task');
    const { task } = p.launch;
    expect(task.name).toBe('hello');
    expect(task.taskId).toEqual({ value: 'hello' });
    expect(task.command).toEqual({ shell: true, value: 'echo hello' });
    expect(task.container).toBeUndefined();
    const resources = Resources.fromProto(task.resources ?? []);
    expect(resources.ok && resources.value.equals(Resources.mustParse('cpus:1;mem:128'))).toBe(true);
  });

  it('takes MESOS_MASTER when --master is absent, and --master over it', () => {
    expect(plan({ master: undefined }, { ...env, masterFromEnv: '10.1.1.1:5050' }).master).toBe('http://10.1.1.1:5050');
    expect(plan({ master: '10.2.2.2:6060' }, { ...env, masterFromEnv: '10.1.1.1:5050' }).master).toBe('http://10.2.2.2:6060');
    expect(error({ master: undefined })).toBe('--master is required (HOST:PORT), or set MESOS_MASTER');
  });

  it('sets role, framework name, checkpoint, principal, content type, capabilities and kill_after', () => {
    const p = plan({ role: 'eng', framework_name: 'mine', checkpoint: true, principal: 'ops', content_type: 'json', framework_capabilities: 'GPU_RESOURCES', partition_aware: false, kill_after: '1.5secs' });
    expect(p.frameworkInfo).toMatchObject({ role: 'eng', name: 'mine', checkpoint: true, principal: 'ops' });
    expect(p.frameworkInfo.capabilities?.map((c) => c.type)).toEqual([
      FrameworkInfo_Capability_Type.RESERVATION_REFINEMENT,
      FrameworkInfo_Capability_Type.TASK_KILLING_STATE,
      FrameworkInfo_Capability_Type.REVOCABLE_RESOURCES,
      FrameworkInfo_Capability_Type.GPU_RESOURCES,
    ]);
    expect(p.contentType).toBe('json');
    expect(p.killAfterMs).toBe(1500);
    expect(plan({ content_type: 'application/x-protobuf' }).contentType).toBe('protobuf');
  });

  it('reads --env as JSON or from a file', () => {
    const inline = plan({ env: '{"A": "1", "B": ""}' });
    expect(inline.launch.kind === 'task' && inline.launch.task.command?.environment).toEqual({ variables: [{ name: 'A', value: '1' }, { name: 'B', value: '' }] });
    const fromFile = plan({ env: 'file:///tmp/env.json' });
    expect(fromFile.launch.kind === 'task' && fromFile.launch.task.command?.environment).toEqual({ variables: [{ name: 'FOO', value: 'bar' }] });
  });

  it('runs the command as argv with --shell=false', () => {
    const p = plan({ shell: false, command: `printf '%s\\n' "a b" c\\ d` });
    expect(p.launch.kind === 'task' && p.launch.task.command).toEqual({ shell: false, value: 'printf', arguments: ['printf', '%s\\n', 'a b', 'c d'] });
  });

  it('builds container info for images, networks and tty like mesos-execute', () => {
    const docker = plan({ docker_image: 'busybox:latest' });
    expect(docker.launch.kind === 'task' && docker.launch.task.container).toEqual({ type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'busybox:latest' } } } });
    const appc = plan({ appc_image: 'example.com/worker', networks: 'net1, net2', tty: true });
    expect(appc.launch.kind === 'task' && appc.launch.task.container).toEqual({
      type: ContainerInfo_Type.MESOS,
      mesos: { image: { type: Image_Type.APPC, appc: { name: 'example.com/worker', labels: { labels: [{ key: 'os', value: 'linux' }, { key: 'arch', value: 'amd64' }] } } } },
      networkInfos: [{ name: 'net1' }, { name: 'net2' }],
      ttyInfo: {},
    });
    const dockerizer = plan({ containerizer: 'docker', docker_image: 'nginx', networks: 'web' });
    expect(dockerizer.launch.kind === 'task' && dockerizer.launch.task.container).toEqual({
      type: ContainerInfo_Type.DOCKER,
      docker: { image: 'nginx', network: ContainerInfo_DockerInfo_Network.USER },
      networkInfos: [{ name: 'web' }],
    });
  });

  it('reads a task group and gives it the default executor', () => {
    const p = plan({ name: undefined, command: undefined, task_group: '/tmp/group.json', networks: 'n1' });
    if (p.launch.kind !== 'group') throw new Error('expected a group');
    expect(p.launch.tasks.map((t) => t.taskId?.value)).toEqual(['a', 'b']);
    expect(p.launch.tasks[0]?.agentId).toBeUndefined();
    expect(p.launch.executor.type).toBe(ExecutorInfo_Type.DEFAULT);
    expect(p.launch.executor.executorId).toEqual({ value: 'default-executor' });
    expect(Resources.fromProto(p.launch.executor.resources ?? [])).toEqual({ ok: true, value: Resources.mustParse('cpus:0.1;mem:32;disk:32') });
    expect(p.launch.executor.container).toEqual({ type: ContainerInfo_Type.MESOS, networkInfos: [{ name: 'n1' }] });
    expect(plan({ name: undefined, command: undefined, task_group: files['/tmp/group.json']! }).launch.kind).toBe('group');
  });

  it('reads a single --task', () => {
    const p = plan({ name: undefined, command: undefined, task: '{"name": "t", "task_id": {"value": "t1"}, "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 1}}], "command": {"value": "true"}}' });
    expect(p.launch.kind === 'task' && p.launch.task.taskId).toEqual({ value: 't1' });
  });

  it.each<[string, Partial<ExecuteFlags>, string]>([
    ['no name', { name: undefined }, 'Missing required option --name'],
    ['no command', { command: undefined }, 'Missing required option --command'],
    ['task and task group', { task: '{}', task_group: '{}' }, "Either task or task group should be set but not both. Provide either '--task' OR '--task_group'"],
    ['name with a task group', { task_group: '/tmp/group.json' }, '--name, --command can only be set when neither --task nor --task_group is set'],
    ['networks with a task', { name: undefined, command: undefined, task: '{}', networks: 'n' }, "'--networks' can only be set when '--task' is not set"],
    ['both images', { docker_image: 'a', appc_image: 'b' }, "Flags '--docker_image' and '--appc_image' are both set"],
    ['bad resources', { resources: 'cpus:abc' }, "Failed to parse resources 'cpus:abc': "],
    ['empty resources', { resources: '{}' }, "--resources '{}' is empty; a task needs some resources"],
    ['bad content type', { content_type: 'xml' }, "Invalid content type 'xml' (--content_type is json or protobuf)"],
    ['bad duration', { kill_after: '10' }, "--kill_after '10': "],
    ['unknown capability', { framework_capabilities: 'FLY' }, "Flags '--framework_capabilities' specifies an unknown capability 'FLY'"],
    ['unsupported capability', { framework_capabilities: 'MULTI_ROLE' }, "Flags '--framework_capabilities' specifies an unsupported capability 'MULTI_ROLE' (only GPU_RESOURCES can be added)"],
    ['env not JSON', { env: '{nope' }, '--env is not valid JSON: '],
    ['env not an object', { env: '[1]' }, '--env must be a JSON object of names to values, e.g. {"NAME": "value"}'],
    ['env value not a string', { env: '{"A": 1}' }, "--env: the value of 'A' must be a string, not number"],
    ['env file missing', { env: 'file:///nope.json' }, "--env: cannot read '/nope.json': ENOENT"],
    ['unterminated quote', { shell: false, command: "echo 'x" }, "--command: unterminated single quote in 'echo 'x'"],
    ['docker without image', { containerizer: 'docker' }, "'Docker' containerizer requires docker image name (--docker_image)"],
    ['docker with two networks', { containerizer: 'docker', docker_image: 'x', networks: 'a,b' }, "'Docker' containerizer can only support a single network"],
    ['unknown containerizer', { containerizer: 'lxc' }, "Unsupported containerizer: 'lxc' (--containerizer is mesos or docker)"],
    ['task group not JSON', { name: undefined, command: undefined, task_group: '{' }, '--task_group is not valid JSON: '],
    ['task group bad field', { name: undefined, command: undefined, task_group: '{"tasks": [{"name": 3}]}' }, '--task_group is not a valid TaskGroupInfo: '],
    ['task group without tasks', { name: undefined, command: undefined, task_group: '{"tasks": []}' }, '--task_group has no tasks'],
    ['task group task without id', { name: undefined, command: undefined, task_group: '{"tasks": [{"name": "x"}]}' }, "tasks[0]: missing required field 'task_id' of mesos.v1.TaskInfo"],
    ['task group task with an empty id', { name: undefined, command: undefined, task_group: '{"tasks": [{"name": "x", "task_id": {"value": ""}}]}' }, '--task_group: tasks[0] has no task_id'],
    [
      'task group duplicate ids',
      { name: undefined, command: undefined, task_group: JSON.stringify({ tasks: [1, 2].map(() => ({ name: 'x', task_id: { value: 'x' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }] })) }) },
      "--task_group: task_id 'x' is used by more than one task",
    ],
    ['task without resources', { name: undefined, command: undefined, task: '{"name": "x", "task_id": {"value": "x"}}' }, "--task: the task (task 'x') has no resources"],
    ['task group file missing', { name: undefined, command: undefined, task_group: '/missing.json' }, "--task_group: cannot read '/missing.json': ENOENT"],
  ])('rejects %s', (_, overrides, message) => {
    expect(error(overrides)).toContain(message);
  });
});

describe('splitCommandLine', () => {
  it.each<[string, string[]]>([
    ['ls -l /tmp', ['ls', '-l', '/tmp']],
    ['  a   b  ', ['a', 'b']],
    [`echo 'a  b' "c \\"d\\"" e\\ f`, ['echo', 'a  b', 'c "d"', 'e f']],
    [`x '' ""`, ['x', '', '']],
    ['', []],
  ])('%s', (input, words) => {
    expect(splitCommandLine(input)).toEqual({ ok: true, value: words });
  });

  it('rejects unterminated quotes and a trailing backslash', () => {
    expect(splitCommandLine('a "b').ok).toBe(false);
    expect(splitCommandLine('a \\').ok).toBe(false);
  });
});

describe('readJsonFlag', () => {
  it('reads /path and file:///path, and passes JSON through', () => {
    expect(readJsonFlag('env', '/tmp/env.json', env.readFile)).toEqual({ ok: true, value: '{"FOO": "bar"}' });
    expect(readJsonFlag('env', 'file:///tmp/env.json', env.readFile)).toEqual({ ok: true, value: '{"FOO": "bar"}' });
    expect(readJsonFlag('env', '{"A": "b"}', env.readFile)).toEqual({ ok: true, value: '{"A": "b"}' });
  });
});
