import { err, ok, MesosTsError } from '@mesos-ts/errors';
import { ContainerInfo_Type, Environment_Variable_Type, type CommandInfo, type TaskInfo } from '@mesos-ts/proto';
import type { ContainerTermination, DockerContainerConfig } from '@mesos-ts/containerizer';
import { containerIdOfName, dockerTaskLauncher, parseTaskEnvironment, type DockerTaskEngine } from './docker-task';

/** A fake engine that records what it is asked and ends the container when told to. */
function fakeEngine(launchFails?: string) {
  const launched: DockerContainerConfig[] = [];
  const signals: NodeJS.Signals[] = [];
  let end!: (termination: ContainerTermination | undefined) => void;
  const ended = new Promise<ContainerTermination | undefined>((resolve) => (end = resolve));
  const engine: DockerTaskEngine = {
    launch: async (config) => {
      launched.push(config as DockerContainerConfig);
      return launchFails === undefined ? ok({ containerId: config.containerId, pid: 4242 }) : err(new MesosTsError('INVALID_ARGUMENT', launchFails));
    },
    wait: () => ended,
    signal: async (_id, signal) => {
      signals.push(signal);
    },
  };
  return { engine, launched, signals, end };
}

const dockerTask: TaskInfo = {
  name: 't',
  taskId: { value: 't1' },
  agentId: { value: 'a' },
  resources: [],
  container: { type: ContainerInfo_Type.DOCKER, docker: { image: 'busybox' } },
};
const command: CommandInfo = { value: 'echo hi', environment: { variables: [{ name: 'B', value: 'from-command' }] } };

describe('containerIdOfName', () => {
  it('takes the container ID out of mesos-<ContainerID>', () => {
    expect(containerIdOfName('mesos-1b2c-3d')).toEqual(ok('1b2c-3d'));
  });
  it('refuses names Mesos does not give', () => {
    const refused = containerIdOfName('mytask');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toContain("--container='mytask'");
  });
});

describe('parseTaskEnvironment', () => {
  it('reads a JSON object of strings', () => {
    expect(parseTaskEnvironment('{"A":"1","B":""}')).toEqual(ok({ A: '1', B: '' }));
  });
  it('names what is wrong', () => {
    expect(parseTaskEnvironment('{')).toEqual(err(expect.stringContaining("Failed to parse JSON of '--task_environment'")));
    expect(parseTaskEnvironment('[1]')).toEqual(err(expect.stringContaining('must be a JSON object')));
    expect(parseTaskEnvironment('{"A":1}')).toEqual(err("'--task_environment': the value of 'A' must be a string"));
  });
});

describe('dockerTaskLauncher', () => {
  it('launches the task container with the task resources, sandbox and environment, --task_environment first', async () => {
    const fake = fakeEngine();
    const launch = dockerTaskLauncher({ engine: fake.engine, containerId: 'c1', sandbox: '/sb', taskEnvironment: { A: 'x', B: 'from-flag' } });
    const started = await launch(dockerTask, command);
    expect(started.ok).toBe(true);
    expect(started.ok && started.value.pid).toBe(4242);
    const config = fake.launched[0]!;
    expect(config.containerId).toBe('c1');
    expect(config.sandbox).toBe('/sb');
    expect(config.container).toBe(dockerTask.container);
    expect(config.environment).toEqual({});
    expect(config.command.value).toBe('echo hi');
    // The command's own variables come last, so they win.
    expect(config.command.environment?.variables).toEqual([
      { name: 'A', value: 'x', type: Environment_Variable_Type.VALUE },
      { name: 'B', value: 'from-flag', type: Environment_Variable_Type.VALUE },
      { name: 'B', value: 'from-command' },
    ]);
  });

  it('refuses a task without a DOCKER ContainerInfo, and reports a failed launch', async () => {
    const fake = fakeEngine();
    const launch = dockerTaskLauncher({ engine: fake.engine, containerId: 'c1', sandbox: '/sb' });
    const { container: _c, ...plain } = dockerTask;
    expect(await launch(plain, command)).toEqual(err("Task 't1' has no ContainerInfo of type DOCKER: the Docker executor runs DOCKER containers only"));
    expect(fake.launched).toEqual([]);
    const failing = fakeEngine('Failed to pull image');
    expect(await dockerTaskLauncher({ engine: failing.engine, containerId: 'c1', sandbox: '/sb' })(dockerTask, command)).toEqual(err('Failed to pull image'));
  });

  it("gives the container's exit status, sends signals to the container until it ended", async () => {
    const fake = fakeEngine();
    const started = await dockerTaskLauncher({ engine: fake.engine, containerId: 'c1', sandbox: '/sb' })(dockerTask, command);
    if (!started.ok) throw new Error(started.error);
    expect(started.value.signal('SIGTERM')).toBe(true);
    expect(started.value.signal('SIGKILL')).toBe(true);
    expect(fake.signals).toEqual(['SIGTERM', 'SIGKILL']);
    fake.end({ exitCode: 137, status: 137 << 8, message: 'Container exited with status 137' });
    expect(await started.value.exited).toEqual({ code: 137, signal: null });
    expect(started.value.signal('SIGKILL')).toBe(false);
    expect(fake.signals).toHaveLength(2);
  });

  it('reports an unknown end as no exit code', async () => {
    const fake = fakeEngine();
    const started = await dockerTaskLauncher({ engine: fake.engine, containerId: 'c1', sandbox: '/sb' })(dockerTask, command);
    if (!started.ok) throw new Error(started.error);
    fake.end({ message: 'Container ended, status unknown' });
    expect(await started.value.exited).toEqual({ code: null, signal: null });
  });
});
