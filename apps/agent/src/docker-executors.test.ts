import type { ContainerConfig, ContainerTermination, Containerizer, DockerContainerizer, LaunchedContainer } from '@mesos-ts/containerizer';
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { ContainerInfo_Type, type ResourceStatistics, type TaskInfo } from '@mesos-ts/proto';
import { DockerExecutors, isDockerExecutorLaunch } from './docker-executors';
import { commandExecutorInfo } from './executor-setup';

const SILENT = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DOCKER = { type: ContainerInfo_Type.DOCKER, docker: { image: 'busybox' } };

const task = (overrides: Partial<TaskInfo> = {}): TaskInfo => ({
  name: 'n',
  taskId: { value: 'task-1' },
  agentId: { value: 'S1' },
  resources: [{ name: 'mem', type: 0, scalar: { value: 64 } }],
  command: { value: 'echo hi' },
  ...overrides,
});

/** A containerizer that records calls; containers end when `end` is called. */
class FakeContainerizer implements Containerizer {
  readonly launched: ContainerConfig[] = [];
  readonly destroyed: Array<[string, number | undefined]> = [];
  readonly #ends = new Map<string, { promise: Promise<ContainerTermination>; resolve: (t: ContainerTermination) => void }>();
  async launch(config: ContainerConfig): Promise<Result<LaunchedContainer>> {
    this.launched.push(config);
    let resolve!: (t: ContainerTermination) => void;
    const promise = new Promise<ContainerTermination>((r) => (resolve = r));
    this.#ends.set(config.containerId, { promise, resolve });
    return ok({ containerId: config.containerId, pid: 99 });
  }
  async wait(id: string): Promise<ContainerTermination | undefined> {
    return this.#ends.get(id)?.promise;
  }
  async destroy(id: string, grace?: number): Promise<ContainerTermination | undefined> {
    this.destroyed.push([id, grace]);
    this.end(id, { message: 'Container destroyed', signal: 'SIGKILL' });
    return this.#ends.get(id)?.promise;
  }
  async usage(id: string): Promise<Result<ResourceStatistics>> {
    return err(new MesosTsError('NOT_FOUND', `Unknown container '${id}'`));
  }
  containers(): readonly string[] {
    return [...this.#ends.keys()];
  }
  end(id: string, termination: ContainerTermination): void {
    this.#ends.get(id)?.resolve(termination);
  }
}

function setup() {
  const host = new FakeContainerizer();
  const docker = new FakeContainerizer();
  const removed: string[] = [];
  const client = {
    getContainer: (name: string) => ({
      remove: async () => {
        removed.push(name);
        throw Object.assign(new Error('no such container'), { statusCode: 404 });
      },
    }),
  };
  Object.defineProperty(docker, 'client', { value: client });
  const executors = new DockerExecutors({
    docker: docker as unknown as DockerContainerizer,
    host,
    socketPath: '/run/podman.sock',
    mappedDirectory: '/mnt/mesos/sandbox',
    enableCfsQuota: false,
    logger: SILENT,
  });
  return { host, docker, removed, executors };
}

function executorConfig(containerId = 'c-1'): ContainerConfig {
  const info = commandExecutorInfo('F1', task({ container: DOCKER }), '/opt/launcher', () => true);
  return { containerId, command: info.command!, environment: { MESOS_SANDBOX: '/sb' }, sandbox: '/sb', resources: task().resources ?? [], container: info.container! };
}

describe('the Docker executor for DOCKER command tasks', () => {
  it('is what a DOCKER command task gets, with the task ContainerInfo kept on the ExecutorInfo', () => {
    const info = commandExecutorInfo('F1', task({ container: DOCKER }), '/opt/launcher', () => true);
    expect(info.command?.arguments).toEqual([process.execPath, '/opt/launcher/mesos-docker-executor.js', '--launcher_dir=/opt/launcher']);
    expect(info.container).toEqual(DOCKER);
    const plain = commandExecutorInfo('F1', task({ container: { type: ContainerInfo_Type.MESOS } }), '/opt/launcher', () => true);
    expect(plain.command?.arguments?.[1]).toBe('/opt/launcher/mesos-executor.js');
  });

  it('recognises the launch of a Docker executor only', () => {
    expect(isDockerExecutorLaunch(executorConfig())).toBe(true);
    const custom: ContainerConfig = { ...executorConfig(), command: { value: './my-executor' } };
    expect(isDockerExecutorLaunch(custom)).toBe(false);
    const { container: _c, ...noContainer } = executorConfig();
    expect(isDockerExecutorLaunch(noContainer)).toBe(false);
  });

  it('runs the executor on the host, without the ContainerInfo, with the flags Mesos gives it', async () => {
    const { host, docker, executors } = setup();
    const launched = await executors.launch(executorConfig('c-1'));
    expect(launched).toEqual(ok({ containerId: 'c-1', pid: 99 }));
    expect(docker.launched).toEqual([]);
    const config = host.launched[0]!;
    expect(config.container).toBeUndefined();
    expect(config.command.arguments).toEqual([
      process.execPath,
      '/opt/launcher/mesos-docker-executor.js',
      '--launcher_dir=/opt/launcher',
      '--container=mesos-c-1',
      '--docker_socket=/run/podman.sock',
      '--sandbox_directory=/sb',
      '--mapped_directory=/mnt/mesos/sandbox',
      '--cgroups_enable_cfs=false',
    ]);
    expect(executors.containers()).toEqual(['c-1']);
  });

  it('refuses a DOCKER ContainerInfo the engine could not run, naming the field', async () => {
    const { host, executors } = setup();
    const bad = executorConfig();
    const launched = await executors.launch({ ...bad, container: { ...DOCKER, docker: { image: 'busybox', portMappings: [{ hostPort: 80, containerPort: 80 }] } } });
    expect(launched.ok).toBe(false);
    expect(!launched.ok && launched.error.message).toContain('port_mappings are only supported with BRIDGE and USER networks');
    expect(host.launched).toEqual([]);
  });

  it('removes the task container once the executor ended, then reports the end', async () => {
    const { host, removed, executors } = setup();
    await executors.launch(executorConfig('c-2'));
    const waited = executors.wait('c-2');
    host.end('c-2', { message: 'Executor exited with status 0', exitCode: 0, status: 0 });
    expect(await waited).toEqual({ message: 'Executor exited with status 0', exitCode: 0, status: 0 });
    expect(removed).toEqual(['mesos-c-2']);
  });

  it('destroys the executor with the grace period, and the container with it', async () => {
    const { host, removed, executors } = setup();
    await executors.launch(executorConfig('c-3'));
    const termination = await executors.destroy('c-3', 3000);
    expect(host.destroyed).toEqual([['c-3', 3000]]);
    expect(termination?.message).toBe('Container destroyed');
    expect(removed).toEqual(['mesos-c-3']);
  });

  it('sends every other DOCKER container (custom executors) to the Docker containerizer', async () => {
    const { host, docker, executors } = setup();
    const custom: ContainerConfig = { ...executorConfig('c-4'), command: { value: './my-executor' } };
    await executors.launch(custom);
    expect(docker.launched).toEqual([custom]);
    expect(host.launched).toEqual([]);
    await executors.destroy('c-4', 0);
    expect(docker.destroyed).toEqual([['c-4', 0]]);
  });
});
