// The agent with composed containerizers, a fetcher and limitations: which containerizer a container goes to, what
// a launch no containerizer can serve says, the ContainerConfig's `container` and `mounts`, URIs fetched before
// the launch (a failure names the URI), and a limitation turning into the task's TASK_FAILED as Mesos sends it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Fetcher, type ContainerConfig } from '@mesos-ts/containerizer';
import { ContainerInfo_Type, Image_Type, TaskState, TaskStatus_Reason, TaskStatus_Source, executor, internal } from '@mesos-ts/proto';
import { ComposingContainerizer, containersOfWorkDir, dockerDeclines, mesosDeclines } from '../src/containerizers';
import { ExecutorClient } from './support/executor-client';
import { FakeContainerizer } from './support/fake-containerizer';
import { FRAMEWORK_ID, commandTask, runTask, startTestAgent, type TestAgent } from './support/harness';

const config = (containerId: string, container?: ContainerConfig['container']): ContainerConfig => ({
  containerId,
  command: { value: 'true' },
  environment: {},
  sandbox: '/tmp',
  resources: [],
  ...(container === undefined ? {} : { container }),
});
const DOCKER = { type: ContainerInfo_Type.DOCKER, docker: { image: 'busybox' } };
const IMAGE = { type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'busybox' } } } };

describe('ComposingContainerizer', () => {
  function compose(isolation: string[] = ['posix/cpu']): { composing: ComposingContainerizer; mesos: FakeContainerizer; docker: FakeContainerizer } {
    const mesos = new FakeContainerizer();
    const docker = new FakeContainerizer();
    const composing = new ComposingContainerizer([
      { name: 'docker', containerizer: docker, declines: dockerDeclines },
      { name: 'mesos', containerizer: mesos, declines: mesosDeclines(isolation) },
    ]);
    return { composing, mesos, docker };
  }

  it('sends DOCKER containers to docker and the rest to mesos, and follows each container to its containerizer', async () => {
    const { composing, mesos, docker } = compose(['filesystem/linux']);
    expect((await composing.launch(config('d1', DOCKER))).ok).toBe(true);
    expect((await composing.launch(config('m1'))).ok).toBe(true);
    expect((await composing.launch(config('m2', IMAGE))).ok).toBe(true);
    expect(docker.launched.map((c) => c.containerId)).toEqual(['d1']);
    expect(mesos.launched.map((c) => c.containerId)).toEqual(['m1', 'm2']);
    expect([...composing.containers()].sort()).toEqual(['d1', 'm1', 'm2']);
    const launchAgain = await composing.launch(config('m1'));
    expect(launchAgain.ok || launchAgain.error.code).toBe('CONFLICT');

    const destroyed = await composing.destroy('d1', 500);
    expect(destroyed?.message).toBe('Container destroyed');
    expect(docker.destroyed).toEqual([{ containerId: 'd1', gracePeriodMs: 500 }]);
    expect(mesos.destroyed).toEqual([]);
    mesos.exit('m1', { status: 0, exitCode: 0, message: 'Executor exited with status 0' });
    expect(await composing.wait('m1')).toMatchObject({ exitCode: 0 });
    const usage = await composing.usage('unknown');
    expect(usage.ok || usage.error.code).toBe('NOT_FOUND');
    expect(await composing.wait('unknown')).toBeUndefined();
  });

  it('refuses what no configured containerizer can serve, saying why each declined', async () => {
    const mesosOnly = new ComposingContainerizer([{ name: 'mesos', containerizer: new FakeContainerizer(), declines: mesosDeclines(['posix/cpu']) }]);
    const docker = await mesosOnly.launch(config('d', DOCKER));
    expect(docker.ok).toBe(false);
    if (!docker.ok) {
      expect(docker.error.message).toBe('No containerizer of --containerizers=mesos can run this container (mesos: it does not run containers of type DOCKER (add `docker` to --containerizers))');
    }
    const image = await mesosOnly.launch(config('i', IMAGE));
    if (image.ok) throw new Error('an image without filesystem/linux was launched');
    expect(image.error.message).toContain('a container image needs the `filesystem/linux` isolator');
    const { composing } = compose();
    const noImage = await composing.launch(config('x', { type: ContainerInfo_Type.DOCKER }));
    if (noImage.ok) throw new Error('a DOCKER container without an image was launched');
    expect(noImage.error.message).toContain("docker: the DOCKER ContainerInfo has no 'docker.image'");
  });

  it('finds the container IDs of a work directory from its run directories', async () => {
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'containers-of-'));
    try {
      for (const [executor, run] of [['e1', 'c1'], ['e2', 'c2']] as const) {
        mkdirSync(path.join(workDir, 'slaves', 'S1', 'frameworks', 'F1', 'executors', executor, 'runs', run), { recursive: true });
      }
      mkdirSync(path.join(workDir, 'slaves', 'S1', 'frameworks', 'F1', 'executors', 'e1', 'runs', 'latest'), { recursive: true });
      expect([...(await containersOfWorkDir(workDir))].sort()).toEqual(['c1', 'c2']);
      expect((await containersOfWorkDir(path.join(workDir, 'missing'))).size).toBe(0);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

describe('the agent with containerizers, a fetcher and limitations', () => {
  let t: TestAgent | undefined;
  let client: ExecutorClient | undefined;
  let server: Server | undefined;
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'agent-containerizers-'));
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await t?.stop();
    t = undefined;
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    rmSync(scratch, { recursive: true, force: true });
  });

  const updatesOf = (a: TestAgent, taskId: string): internal.StatusUpdate[] => a.master.statusUpdates.filter((u) => u.status?.taskId?.value === taskId);
  const fetcher = (): Fetcher => new Fetcher({ cacheDir: path.join(scratch, 'cache'), cacheSizeBytes: 1024 * 1024 });

  async function serve(files: Record<string, string>): Promise<string> {
    server = createServer((req, res) => {
      const body = files[req.url ?? ''];
      if (body === undefined) res.writeHead(404).end('nope');
      else res.writeHead(200).end(body);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("fetches a command task's URIs into the sandbox before the launch and passes its ContainerInfo on", async () => {
    const base = await serve({ '/tool.sh': 'echo hi\n' });
    t = await startTestAgent({ fetcher: fetcher() });
    const a = t;
    a.master.send(runTask(commandTask('f1', './tool.sh', { command: { value: './tool.sh', uris: [{ value: `${base}/tool.sh`, executable: true }] }, container: { type: ContainerInfo_Type.MESOS } })));
    const launched = await a.master.waitFor(() => a.containerizer.launchOf('f1'));
    expect(readFileSync(path.join(launched.sandbox, 'tool.sh'), 'utf8')).toBe('echo hi\n');
    expect(launched.container).toEqual({ type: ContainerInfo_Type.MESOS });
    expect(launched.mounts).toBeUndefined();
  });

  it('fails the task with REASON_CONTAINER_LAUNCH_FAILED naming the URI when a fetch fails, and launches nothing', async () => {
    const base = await serve({});
    t = await startTestAgent({ fetcher: fetcher() });
    const a = t;
    const uri = `${base}/missing.tgz`;
    a.master.send(runTask(commandTask('f2', 'true', { command: { value: 'true', uris: [{ value: uri }] } })));
    const failed = await a.master.waitFor(() => updatesOf(a, 'f2').find((u) => u.status?.state === TaskState.TASK_FAILED));
    expect(failed.status).toMatchObject({ reason: TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED, source: TaskStatus_Source.SOURCE_AGENT });
    expect(failed.status?.message).toContain(`Failed to launch container: Failed to fetch '${uri}'`);
    expect(a.containerizer.launched).toEqual([]);
  });

  it('cancels a fetch when the executor is shut down meanwhile, and never launches it', async () => {
    // A server that never answers: the fetch hangs until it is cancelled.
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
    t = await startTestAgent({ fetcher: fetcher(), args: ['--executor_registration_timeout=300ms'] });
    const a = t;
    a.master.send(runTask(commandTask('f3', 'true', { command: { value: 'true', uris: [{ value: uri }] } })));
    const failed = await a.master.waitFor(() => updatesOf(a, 'f3').find((u) => u.status?.state === TaskState.TASK_FAILED), 10_000);
    // The registration timeout's own reason stands; the fetch was cancelled and nothing launched.
    expect(failed.status?.reason).toBe(TaskStatus_Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT);
    expect(a.containerizer.launched).toEqual([]);
  });

  it('fails the tasks of a container ended by a limitation with its reason, message and resources, from the agent', async () => {
    t = await startTestAgent();
    const a = t;
    a.master.send(runTask(commandTask('m1')));
    const launched = await a.master.waitFor(() => a.containerizer.launchOf('m1'));
    const message = 'Memory limit exceeded: Requested: 160MB Maximum Used: 160MB';
    a.containerizer.exit(launched.containerId, {
      status: 9,
      signal: 'SIGKILL',
      message,
      limitation: { reason: TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY, message, resources: { mem: 160 } },
    });
    const failed = await a.master.waitFor(() => updatesOf(a, 'm1').find((u) => u.status?.state === TaskState.TASK_FAILED));
    expect(failed.status).toMatchObject({ reason: TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY, source: TaskStatus_Source.SOURCE_AGENT, message });
    expect(failed.status?.limitation?.resources).toEqual([{ name: 'mem', type: 0, scalar: { value: 160 } }]);
  });

  it("drops an executor's TASK_FAILED when its container ends on a limitation within the grace, and passes it on otherwise", async () => {
    t = await startTestAgent({ limitationGraceMs: 1_000 });
    const a = t;
    for (const id of ['h1', 'h2']) a.master.send(runTask(commandTask(id)));
    const first = await a.master.waitFor(() => a.containerizer.launchOf('h1'));
    await a.master.waitFor(() => a.containerizer.launchOf('h2'));
    for (const id of ['h1', 'h2']) {
      client = new ExecutorClient(a.base, FRAMEWORK_ID, id);
      await client.subscribe();
      await client.next(executor.Event_Type.LAUNCH);
      await client.update(id, TaskState.TASK_FAILED);
      if (id === 'h1') {
        const message = 'Memory limit exceeded: Requested: 64MB';
        a.containerizer.exit(first.containerId, { status: 9, signal: 'SIGKILL', message, limitation: { reason: TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY, message } });
      }
      await client.close();
      client = undefined;
    }
    const h1 = await a.master.waitFor(() => updatesOf(a, 'h1').find((u) => u.status?.state === TaskState.TASK_FAILED));
    expect(h1.status).toMatchObject({ reason: TaskStatus_Reason.REASON_CONTAINER_LIMITATION_MEMORY, source: TaskStatus_Source.SOURCE_AGENT });
    const h2 = await a.master.waitFor(() => updatesOf(a, 'h2').find((u) => u.status?.state === TaskState.TASK_FAILED), 5_000).catch((e: unknown) => {
      throw new Error(`${String(e)}; h2 updates: ${JSON.stringify(updatesOf(a, 'h2').map((u) => [u.status?.state, u.status?.source]))}`);
    });
    expect(h2.status?.source).toBe(TaskStatus_Source.SOURCE_EXECUTOR);
    expect(updatesOf(a, 'h1').filter((u) => u.status?.state === TaskState.TASK_FAILED)).toHaveLength(1);
  });
});
