/**
 * The agent's endpoints and operator API against a real master and agent: a task runs, then the agent answers
 * GET_STATE, GET_CONTAINERS, LIST_FILES and READ_FILE (JSON and protobuf) about it, `/files/read` with JSONP
 * shows its stdout, and the master's `/files/browse` lists its log file (`--log_dir`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState, agent, decodeProtobuf, encodeProtobuf, master } from '@mesos-ts/proto';
import { eventually, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

describe('agent endpoints on a real cluster', () => {
  let cluster: Cluster;
  let framework: TestScheduler;
  const logDir = mkdtempSync(join(tmpdir(), 'mesos-ts-master-log-'));

  beforeAll(async () => {
    cluster = await startCluster({ masterFlags: [`--log_dir=${logDir}`] });
    framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'agent-endpoints' } });
    await framework.subscribe();
    const [offer] = await framework.takeOffers();
    await framework.launch(offer!, [commandTask(offer!, 'talker', 'echo hello-from-the-sandbox; sleep 1000')]);
    await framework.waitForState('talker', TaskState.TASK_RUNNING);
  });
  afterAll(async () => {
    await framework?.close();
    await cluster?.stop();
  });

  const agentUrl = (): string => cluster.agents[0]!.url;
  const callJson = async (call: object): Promise<any> => {
    const res = await fetch(`${agentUrl()}/api/v1`, { method: 'POST', body: JSON.stringify(call), headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`${JSON.stringify(call)} answered ${res.status}: ${await res.text()}\n${cluster.logs()}`);
    return res.json();
  };
  const callProtobuf = async (call: agent.Call): Promise<agent.Response> => {
    const res = await fetch(`${agentUrl()}/api/v1`, {
      method: 'POST',
      body: encodeProtobuf('mesos.v1.agent.Call', call),
      headers: { 'Content-Type': 'application/x-protobuf', Accept: 'application/x-protobuf' },
    });
    expect(res.status).toBe(200);
    const decoded = decodeProtobuf('mesos.v1.agent.Response', new Uint8Array(await res.arrayBuffer()));
    if (!decoded.ok) throw decoded.error;
    return decoded.value;
  };

  it('GET_STATE and GET_CONTAINERS show the running task and its container with usage', async () => {
    const state = await callJson({ type: 'GET_STATE' });
    expect(state.get_state.get_tasks.launched_tasks).toEqual([expect.objectContaining({ task_id: { value: 'talker' }, state: 'TASK_RUNNING' })]);
    expect(state.get_state.get_frameworks.frameworks[0].framework_info.id.value).toBe(framework.frameworkId);
    const pbState = await callProtobuf({ type: agent.Call_Type.GET_STATE });
    expect(pbState.getState?.getTasks?.launchedTasks?.[0]?.state).toBe(TaskState.TASK_RUNNING);

    const containers = await callJson({ type: 'GET_CONTAINERS' });
    expect(containers.get_containers.containers).toHaveLength(1);
    const container = containers.get_containers.containers[0];
    expect(container).toMatchObject({ framework_id: { value: framework.frameworkId }, executor_id: { value: 'talker' }, container_status: { executor_pid: expect.any(Number) } });
    // The posix containerizer reads usage from /proc.
    expect(container.resource_statistics).toMatchObject({ timestamp: expect.any(Number), cpus_user_time_secs: expect.any(Number), mem_rss_bytes: expect.any(Number) });
    const pb = await callProtobuf({ type: agent.Call_Type.GET_CONTAINERS });
    expect(pb.getContainers?.containers?.[0]?.containerId?.value).toBe(container.container_id.value);
  });

  it("LIST_FILES and READ_FILE read the task's stdout, and /files/read answers it as JSONP", async () => {
    const sandbox = `/frameworks/${framework.frameworkId}/executors/talker/runs/latest`;
    const list = await callJson({ type: 'LIST_FILES', list_files: { path: sandbox } });
    const names = list.list_files.file_infos.map((f: { path: string }) => f.path);
    expect(names).toEqual(expect.arrayContaining([`${sandbox}/stdout`, `${sandbox}/stderr`]));
    const stdout = await eventually('stdout to hold the echo', async () => {
      const read = await callProtobuf({ type: agent.Call_Type.READ_FILE, readFile: { path: `${sandbox}/stdout`, offset: 0n } });
      const text = Buffer.from(read.readFile?.data ?? new Uint8Array()).toString('utf8');
      return text.includes('hello-from-the-sandbox') ? { text, size: read.readFile?.size } : undefined;
    });
    expect(stdout.size).toBe(BigInt(Buffer.byteLength(stdout.text)));
    const jsonRead = await callJson({ type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 0 } });
    expect(Buffer.from(jsonRead.read_file.data, 'base64').toString('utf8')).toBe(stdout.text);

    const res = await fetch(`${agentUrl()}/files/read?path=${encodeURIComponent(`${sandbox}/stdout`)}&offset=0&jsonp=angular.callbacks._1`);
    expect(res.headers.get('content-type')).toBe('text/javascript');
    expect(await res.text()).toBe(`angular.callbacks._1(${JSON.stringify({ data: stdout.text, offset: 0 })})`);

    // The web UI browses the `directory` that /state gives.
    const state = (await (await fetch(`${agentUrl()}/slave(1)/state`)).json()) as any;
    const directory = state.frameworks[0].executors[0].directory as string;
    const browse = await fetch(`${agentUrl()}/files/browse?path=${encodeURIComponent(directory)}&jsonp=cb`);
    expect(await browse.text()).toMatch(/^cb\(\[.*"path":"[^"]*\/stdout".*\]\)$/);
  });

  it("the master's /files/browse lists its log file, which /files/read reads", async () => {
    const listing = await eventually('the master log to be attached', async () => {
      const res = await fetch(`${cluster.masterUrl}/files/browse?path=/master/log`);
      return res.status === 200 ? ((await res.json()) as Array<{ path: string; size: number; mode: string }>) : undefined;
    });
    expect(listing).toEqual([expect.objectContaining({ path: '/master/log', mode: expect.stringMatching(/^-rw/) })]);
    const read = await eventually('the master log to have content', async () => {
      const body = (await (await fetch(`${cluster.masterUrl}/files/read?path=/master/log&offset=0`)).json()) as { data: string; offset: number };
      return body.data.length > 0 ? body : undefined;
    });
    expect(read.offset).toBe(0);
    expect(read.data).toContain('mesos-master');

    // The master's operator API reads the same attachments.
    const list = await fetch(`${cluster.masterUrl}/api/v1`, {
      method: 'POST',
      body: JSON.stringify({ type: 'LIST_FILES', list_files: { path: '/master/log' } }),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    expect(list.status).toBe(200);
    expect(((await list.json()) as any).list_files.file_infos).toEqual([expect.objectContaining({ path: '/master/log' })]);
    const pb = await fetch(`${cluster.masterUrl}/api/v1`, {
      method: 'POST',
      body: encodeProtobuf('mesos.v1.master.Call', { type: master.Call_Type.READ_FILE, readFile: { path: '/master/log', offset: 0n, length: 5n } }),
      headers: { 'Content-Type': 'application/x-protobuf', Accept: 'application/x-protobuf' },
    });
    expect(pb.status).toBe(200);
    const decoded = decodeProtobuf('mesos.v1.master.Response', new Uint8Array(await pb.arrayBuffer()));
    expect(decoded.ok && Buffer.from(decoded.value.readFile?.data ?? []).toString()).toBe(read.data.slice(0, 5));
  });
});
