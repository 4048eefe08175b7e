/**
 * DOCKER command tasks end to end: a real master and a real agent run as root with `--containerizers=docker,mesos`
 * and `--docker_socket` on podman's API service (started by the test with the containerizer tests' harness, the
 * busybox test image loaded there). The agent launches `mesos-docker-executor` on the host, which runs each task
 * in a Docker container named `mesos-<ContainerID>`: its output lands in the sandbox, its exit status decides
 * TASK_FINISHED or TASK_FAILED, and a KILL stops it (SIGTERM, then SIGKILL after the grace period) as TASK_KILLED.
 * A running task's container goes when the agent stops, and afterwards no container is left in the engine.
 * Skipped when not root.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ContainerInfo_DockerInfo_Network, ContainerInfo_Type, TaskState, type Offer, type TaskInfo } from '@mesos-ts/proto';
import { eventually, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask, stateName } from '../src/scheduler';

/** What this suite uses of packages/containerizer/test/docker-support.ts (outside this project, so loaded at run time). */
interface PodmanEngine {
  readonly socketPath: string;
  readonly docker: { listContainers(options: { all: boolean }): Promise<Array<{ Names: string[] }>> };
  stop(): Promise<void>;
}
interface DockerSupport {
  readonly TEST_IMAGE: string;
  startPodman(): Promise<PodmanEngine>;
}

const isRoot = process.getuid?.() === 0;
const describeRoot = isRoot ? describe : describe.skip;

/** The sandbox of a command task (its executor ID is the task ID) under an agent's work directory. */
function sandboxOf(workDir: string, frameworkId: string, taskId: string): string {
  const slaves = join(workDir, 'slaves');
  const agentId = readdirSync(slaves).find((d) => d !== 'latest')!;
  return join(slaves, agentId, 'frameworks', frameworkId, 'executors', taskId, 'runs', 'latest');
}

describeRoot('DOCKER command tasks through mesos-docker-executor', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const support = require(resolve(__dirname, '../../../packages/containerizer/test/docker-support')) as DockerSupport;
  let engine: PodmanEngine | undefined;
  let cluster: Cluster | undefined;
  let framework: TestScheduler | undefined;

  beforeAll(async () => {
    engine = await support.startPodman();
    cluster = await startCluster({ agentFlags: ['--containerizers=docker,mesos', `--docker_socket=${engine.socketPath}`] });
    framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'docker-tasks' } });
    await framework.subscribe();
  }, 300_000);

  afterAll(async () => {
    await framework?.close();
    await cluster?.stop();
    await engine?.stop();
  }, 120_000);

  function dockerTask(offer: Offer, id: string, command: string, extra: Partial<TaskInfo> = {}): TaskInfo {
    return commandTask(offer, id, command, 0.2, 64, {
      container: { type: ContainerInfo_Type.DOCKER, docker: { image: support.TEST_IMAGE, network: ContainerInfo_DockerInfo_Network.NONE } },
      ...extra,
    });
  }

  let agentId = '';
  async function launch(task: (offer: Offer) => TaskInfo): Promise<string> {
    const [offer] = (await framework!.takeOffers()) as [Offer];
    agentId = offer.agentId?.value ?? '';
    const info = task(offer);
    await framework!.launch(offer, [info]);
    return info.taskId!.value!;
  }

  it('runs a task in a container: TASK_RUNNING, TASK_FINISHED, its output in the sandbox stdout', async () => {
    const id = await launch((offer) => dockerTask(offer, 'docker-echo', 'echo "hello from $MESOS_CONTAINER_NAME in $MESOS_SANDBOX"; echo to-stderr >&2'));
    const status = await framework!.waitForTerminal(id, 90_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${cluster!.logs()}`);
    });
    const states = framework!.updatesOf(id).map((s) => stateName(s.state));
    expect(stateName(status.state)).toBe('TASK_FINISHED');
    expect(states).toEqual(expect.arrayContaining(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']));
    expect(status.message).toBe('Container exited with status 0');
    const sandbox = sandboxOf(cluster!.agents[0]!.workDir, framework!.frameworkId, id);
    const stdout = readFileSync(join(sandbox, 'stdout'), 'utf8');
    expect(stdout).toMatch(/hello from mesos-[0-9a-f-]+ in \/mnt\/mesos\/sandbox/);
    expect(readFileSync(join(sandbox, 'stderr'), 'utf8')).toContain('to-stderr');
  });

  it('fails a task whose container exits non-zero, with its exit status', async () => {
    const id = await launch((offer) => dockerTask(offer, 'docker-fail', 'echo failing; exit 3'));
    const status = await framework!.waitForTerminal(id, 90_000);
    expect(stateName(status.state)).toBe('TASK_FAILED');
    expect(status.message).toBe('Container exited with status 3');
  });

  it('kills a running container on KILL: SIGTERM, SIGKILL after the grace period, TASK_KILLED', async () => {
    // `sleep` is the container's PID 1 (sh execs it), which ignores SIGTERM: only the SIGKILL after the grace ends it.
    const id = await launch((offer) => dockerTask(offer, 'docker-sleep', 'sleep 1000', { killPolicy: { gracePeriod: { nanoseconds: 1_000_000_000n } } }));
    await framework!.waitForState(id, TaskState.TASK_RUNNING, 90_000);
    const killedAt = Date.now();
    await framework!.client.kill(id, agentId);
    const status = await framework!.waitForTerminal(id, 60_000);
    expect(stateName(status.state)).toBe('TASK_KILLED');
    expect(status.message).toBe('Container exited with status 137');
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(900);
  });

  it('removes the container of a running task when the agent stops', async () => {
    const id = await launch((offer) => dockerTask(offer, 'docker-orphan', 'sleep 1000'));
    await framework!.waitForState(id, TaskState.TASK_RUNNING, 90_000);
    const running = async () => (await engine!.docker.listContainers({ all: true })).filter((c) => c.Names.some((n) => n.includes('mesos-')));
    expect(await running()).toHaveLength(1);
    await cluster!.agents[0]!.daemon.stop();
    expect(await running()).toEqual([]);
  });

  it('leaves no container behind in the engine', async () => {
    await eventually('no mesos-* containers', async () => ((await engine!.docker.listContainers({ all: true })).some((c) => c.Names.some((n) => n.includes('mesos-'))) ? undefined : true), 30_000);
  });
});
