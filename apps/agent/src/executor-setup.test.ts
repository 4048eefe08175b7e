import * as path from 'node:path';
import { ContainerInfo_Type, Image_Type, type ContainerInfo, type ExecutorInfo, type TaskInfo } from '@mesos-ts/proto';
import { commandExecutorInfo, commandExecutorName, containerResources, defaultExecutorCommand, defaultLauncherDir, executorEnvironment, executorUser, unsupportedContainer } from './executor-setup';

const task = (overrides: Partial<TaskInfo> = {}): TaskInfo => ({
  name: 'n',
  taskId: { value: 'task-1' },
  agentId: { value: 'S1' },
  resources: [{ name: 'cpus', type: 0, scalar: { value: 1 }, allocationInfo: { role: 'web' } }],
  command: { value: 'echo hi' },
  ...overrides,
});

describe('command executor', () => {
  it('names it as Mesos does, shortening long commands', () => {
    expect(commandExecutorName(task())).toBe("Command Executor (Task: task-1) (Command: sh -c 'echo hi')");
    expect(commandExecutorName(task({ command: { value: 'sleep 1000 && echo done' } }))).toBe("Command Executor (Task: task-1) (Command: sh -c 'sleep 1000 &...')");
    expect(commandExecutorName(task({ command: { shell: false, value: '/bin/ls', arguments: ['ls'] } }))).toBe('Command Executor (Task: task-1) (Command: [/bin/ls, ls])');
    expect(commandExecutorName(task({ command: { shell: false, value: '/usr/bin/env', arguments: ['env', '-i'] } }))).toBe('Command Executor (Task: task-1) (Command: [/usr/bin/env...])');
    expect(commandExecutorName(task({ command: {} }))).toBe('Command Executor (Task: task-1) (Command: NO COMMAND)');
  });

  it('builds its ExecutorInfo from the task: ID, source, env, user, 0.1 cpus + 32 MB in the task\'s role', () => {
    const env = { variables: [{ name: 'A', value: '1' }] };
    const info = commandExecutorInfo('F1', task({ command: { value: 'echo hi', environment: env, user: 'bob' }, killPolicy: { gracePeriod: { nanoseconds: 3_000_000_000n } } }), '/opt/launcher', () => true);
    expect(info).toMatchObject({
      executorId: { value: 'task-1' },
      frameworkId: { value: 'F1' },
      source: 'task-1',
      command: { shell: false, value: process.execPath, arguments: [process.execPath, '/opt/launcher/mesos-executor.js', '--launcher_dir=/opt/launcher'], environment: env, user: 'bob' },
      shutdownGracePeriod: { nanoseconds: 5_000_000_000n },
    });
    expect(info.resources).toEqual([
      { name: 'cpus', type: 0, scalar: { value: 0.1 }, allocationInfo: { role: 'web' } },
      { name: 'mem', type: 0, scalar: { value: 32 }, allocationInfo: { role: 'web' } },
    ]);
  });

  it('fails visibly when the executor binary is missing', () => {
    const info = commandExecutorInfo('F1', task(), '/nowhere', () => false);
    expect(info.command).toEqual({ shell: true, value: "echo 'Cannot find /nowhere/mesos-executor.js: No such file or directory'; exit 1" });
    expect(defaultExecutorCommand('/opt/l', 'alice', () => true)).toMatchObject({ value: process.execPath, arguments: [process.execPath, '/opt/l/mesos-default-executor.js', '--launcher_dir=/opt/l'], user: 'alice' });
  });

  it('gives the container the executor\'s and the tasks\' resources together', () => {
    const r = containerResources({ resources: [{ name: 'cpus', type: 0, scalar: { value: 0.1 } }] }, [task({ resources: [{ name: 'cpus', type: 0, scalar: { value: 1 } }] })]);
    expect(r).toEqual([{ name: 'cpus', type: 0, scalar: { value: 1.1 } }]);
  });
});

describe('executor environment and user', () => {
  const base = {
    executor: { executorId: { value: 'e1' } },
    frameworkId: 'F1',
    agentId: 'S1',
    agentPid: 'slave(1)@10.0.0.1:5051',
    agentEndpoint: '10.0.0.1:5051',
    directory: '/w/sandbox',
    checkpoint: false,
    shutdownGracePeriodMs: 5_000,
    recoveryTimeoutMs: 900_000,
    agentEnv: { PATH: '/bin:/usr/bin', LIBPROCESS_IP: '10.0.0.1', SECRET: 'not passed' },
  };

  it('sets what Mesos sets, and nothing of the agent\'s own environment but PATH and LIBPROCESS_IP', () => {
    expect(executorEnvironment(base)).toEqual({
      LIBPROCESS_IP: '10.0.0.1',
      LIBPROCESS_PORT: '0',
      PATH: '/bin:/usr/bin',
      MESOS_FRAMEWORK_ID: 'F1',
      MESOS_EXECUTOR_ID: 'e1',
      MESOS_DIRECTORY: '/w/sandbox',
      MESOS_SANDBOX: '/w/sandbox',
      MESOS_SLAVE_ID: 'S1',
      MESOS_SLAVE_PID: 'slave(1)@10.0.0.1:5051',
      MESOS_AGENT_ENDPOINT: '10.0.0.1:5051',
      MESOS_CHECKPOINT: '0',
      MESOS_HTTP_COMMAND_EXECUTOR: '1',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
    });
  });

  it('adds the recovery settings for checkpointing frameworks and honours the executor\'s grace period', () => {
    const env = executorEnvironment({ ...base, checkpoint: true, executor: { executorId: { value: 'e1' }, shutdownGracePeriod: { nanoseconds: 30_000_000_000n } } });
    expect(env).toMatchObject({ MESOS_CHECKPOINT: '1', MESOS_RECOVERY_TIMEOUT: '15mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs', MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '30secs' });
  });

  it('runs as CommandInfo.user, else the framework user, only with --switch_user', () => {
    expect(executorUser({ command: { user: 'bob' } }, { user: 'alice', name: 'f' }, true)).toBe('bob');
    expect(executorUser({}, { user: 'alice', name: 'f' }, true)).toBe('alice');
    expect(executorUser({}, { user: 'alice', name: 'f' }, false)).toBeUndefined();
    expect(executorUser({}, { user: '', name: 'f' }, true)).toBeUndefined();
  });

  it('finds the executors in @mesos-ts/executor\'s dist by default', () => {
    expect(defaultLauncherDir()).toBe(path.resolve(__dirname, '../../executor/dist'));
  });
});

describe('unsupportedContainer', () => {
  const executor = (container?: ContainerInfo): ExecutorInfo => ({ executorId: { value: 'e' }, ...(container === undefined ? {} : { container }) });
  const task = (id: string, container?: ContainerInfo): TaskInfo => ({ name: id, taskId: { value: id }, agentId: { value: 'a' }, ...(container === undefined ? {} : { container }) });
  const image: ContainerInfo = { type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'busybox' } } } };

  it('leaves the executor\'s own container to the containerizers, and a command task\'s is its executor\'s', () => {
    expect(unsupportedContainer(executor(), [task('t')], false)).toBeUndefined();
    expect(unsupportedContainer(executor(image), [], false)).toBeUndefined();
    expect(unsupportedContainer(executor({ type: ContainerInfo_Type.DOCKER, docker: { image: 'busybox' } }), [], false)).toBeUndefined();
    expect(unsupportedContainer(executor(image), [task('t', image)], true)).toBeUndefined();
    expect(unsupportedContainer(executor({ type: ContainerInfo_Type.MESOS }), [task('t', { type: ContainerInfo_Type.MESOS })], false)).toBeUndefined();
  });

  it('refuses a task of a custom executor that asks for an image or DOCKER container of its own, naming it', () => {
    expect(unsupportedContainer(executor(), [task('ok'), task('img', image)], false)).toMatch(/^Task 'img' of executor 'e' asks for a container image of its own; nested containers are not supported/);
    expect(unsupportedContainer(executor(), [task('d', { type: ContainerInfo_Type.DOCKER, docker: { image: 'busybox' } })], false)).toMatch(/^Task 'd' of executor 'e' asks for a DOCKER container/);
  });
});
