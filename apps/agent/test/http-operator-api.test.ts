// The agent's v1 operator API (POST /api/v1): every call in JSON and protobuf, and Mesos's answers to bad requests.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { join } from 'node:path';
import { ok, type Result } from '@mesos-ts/errors';
import { agent, decodeProtobuf, encodeProtobuf, type ResourceStatistics } from '@mesos-ts/proto';
import { FakeContainerizer } from './support/fake-containerizer';
import { FRAMEWORK_ID, commandTask, runTask, startTestAgent, type TestAgent } from './support/harness';

const T = agent.Call_Type;

class UsageContainerizer extends FakeContainerizer {
  override async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    if (!this.containers().includes(containerId)) return super.usage(containerId);
    return ok({ timestamp: 1, cpusLimit: 1.1, memRssBytes: 4096n });
  }
}

describe('agent operator API', () => {
  let a: TestAgent;
  let containerId: string;
  const logLevels: string[] = [];

  beforeAll(async () => {
    const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, setLevel: (level: string) => void logLevels.push(level) };
    a = await startTestAgent({ containerizer: new UsageContainerizer(), logger });
    a.master.send(runTask(commandTask('t1')));
    const launch = await a.master.waitFor(() => a.containerizer.launchOf('t1'));
    containerId = launch.containerId;
    writeFileSync(join(launch.sandbox, 'stdout'), 'line 1\nline 2\n');
  });
  afterAll(() => a.stop());

  async function post(body: string | Uint8Array, headers: Record<string, string>): Promise<{ status: number; text: string; bytes: Uint8Array; type: string | null }> {
    const res = await fetch(`${a.base}/api/v1`, { method: 'POST', body, headers });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, text: Buffer.from(bytes).toString('utf8'), bytes, type: res.headers.get('content-type') };
  }
  const json = async (call: object, path = '/api/v1'): Promise<any> => {
    const res = await fetch(`${a.base}${path}`, { method: 'POST', body: JSON.stringify(call), headers: { 'Content-Type': 'application/json', Accept: 'application/json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    return res.json();
  };
  const protobuf = async (call: agent.Call): Promise<agent.Response> => {
    const res = await post(encodeProtobuf('mesos.v1.agent.Call', call), { 'Content-Type': 'application/x-protobuf', Accept: 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/x-protobuf');
    const decoded = decodeProtobuf('mesos.v1.agent.Response', res.bytes);
    if (!decoded.ok) throw decoded.error;
    return decoded.value;
  };

  it('GET_HEALTH, GET_FLAGS, GET_VERSION, GET_METRICS in JSON and protobuf (also under /slave(1)/api/v1)', async () => {
    expect(await json({ type: 'GET_HEALTH' })).toEqual({ type: 'GET_HEALTH', get_health: { healthy: true } });
    expect(await json({ type: 'GET_HEALTH' }, '/slave(1)/api/v1')).toEqual({ type: 'GET_HEALTH', get_health: { healthy: true } });
    expect(await protobuf({ type: T.GET_HEALTH })).toEqual({ type: agent.Response_Type.GET_HEALTH, getHealth: { healthy: true } });
    const flags = await json({ type: 'GET_FLAGS' });
    expect(flags.get_flags.flags).toContainEqual({ name: 'work_dir', value: a.workDir });
    const pbFlags = await protobuf({ type: T.GET_FLAGS });
    expect(pbFlags.getFlags?.flags).toContainEqual({ name: 'port', value: '0' });
    expect((await json({ type: 'GET_VERSION' })).get_version.version_info).toMatchObject({ version: '1.11.0', build_user: expect.any(String) });
    expect((await protobuf({ type: T.GET_VERSION })).getVersion?.versionInfo?.version).toBe('1.11.0');
    const metrics = await json({ type: 'GET_METRICS', get_metrics: {} });
    expect(metrics.get_metrics.metrics).toContainEqual({ name: 'slave/registered', value: 1 });
    const pbMetrics = await protobuf({ type: T.GET_METRICS, getMetrics: { timeout: { nanoseconds: 1_000_000_000n } } });
    expect(pbMetrics.getMetrics?.metrics).toContainEqual({ name: 'slave/tasks_staging', value: 1 });
  });

  it('GET_LOGGING_LEVEL and SET_LOGGING_LEVEL change the level, which reverts after the duration', async () => {
    expect(await json({ type: 'GET_LOGGING_LEVEL' })).toEqual({ type: 'GET_LOGGING_LEVEL', get_logging_level: { level: 0 } });
    const set = await post(JSON.stringify({ type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 2, duration: { nanoseconds: 300_000_000 } } }), { 'Content-Type': 'application/json' });
    expect(set.status).toBe(200);
    expect(set.text).toBe('');
    expect((await protobuf({ type: T.GET_LOGGING_LEVEL })).getLoggingLevel?.level).toBe(2);
    expect(logLevels).toEqual(['trace']);
    await new Promise((r) => setTimeout(r, 450));
    expect((await json({ type: 'GET_LOGGING_LEVEL' })).get_logging_level.level).toBe(0);
    expect(logLevels).toEqual(['trace', 'info']);
  });

  it('LIST_FILES and READ_FILE read the sandbox', async () => {
    const sandbox = `/frameworks/${FRAMEWORK_ID}/executors/t1/runs/latest`;
    const list = await json({ type: 'LIST_FILES', list_files: { path: sandbox } });
    expect(list.list_files.file_infos).toContainEqual(expect.objectContaining({ path: `${sandbox}/stdout`, size: 14, mode: expect.any(Number), uid: expect.any(String) }));
    const read = await json({ type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 7 } });
    expect(read).toEqual({ type: 'READ_FILE', read_file: { size: 14, data: Buffer.from('line 2\n').toString('base64') } });
    const pb = await protobuf({ type: T.READ_FILE, readFile: { path: `${sandbox}/stdout`, offset: 0n, length: 4n } });
    expect(pb.readFile).toEqual({ size: 14n, data: Buffer.from('line') });
    const missing = await post(JSON.stringify({ type: 'LIST_FILES', list_files: { path: '/nope' } }), { 'Content-Type': 'application/json' });
    expect(missing.status).toBe(404);
    expect(missing.text).toBe("No such file or directory: '/nope'");
    const dir = await post(JSON.stringify({ type: 'READ_FILE', read_file: { path: sandbox, offset: 0 } }), { 'Content-Type': 'application/json' });
    expect(dir.status).toBe(400);
  });

  it('GET_STATE, GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS, GET_AGENT, GET_CONTAINERS', async () => {
    const state = await json({ type: 'GET_STATE' });
    expect(state.get_state.get_frameworks.frameworks).toEqual([{ framework_info: expect.objectContaining({ id: { value: FRAMEWORK_ID }, name: 'test-framework' }) }]);
    expect(state.get_state.get_executors.executors).toEqual([{ executor_info: expect.objectContaining({ executor_id: { value: 't1' }, framework_id: { value: FRAMEWORK_ID } }) }]);
    expect(state.get_state.get_tasks.queued_tasks).toEqual([expect.objectContaining({ task_id: { value: 't1' }, state: 'TASK_STAGING', agent_id: { value: 'M1-S1' } })]);
    const pbState = await protobuf({ type: T.GET_STATE });
    expect(pbState.getState?.getTasks?.queuedTasks?.[0]?.taskId?.value).toBe('t1');
    expect((await protobuf({ type: T.GET_FRAMEWORKS })).getFrameworks?.frameworks?.[0]?.frameworkInfo?.id?.value).toBe(FRAMEWORK_ID);
    expect((await protobuf({ type: T.GET_EXECUTORS })).getExecutors?.executors?.[0]?.executorInfo?.executorId?.value).toBe('t1');
    expect((await json({ type: 'GET_TASKS' })).get_tasks).toMatchObject({ queued_tasks: [expect.objectContaining({ name: 'task t1' })] });
    const agentInfo = await json({ type: 'GET_AGENT' });
    expect(agentInfo.get_agent.agent_info).toMatchObject({ id: { value: a.agentId }, hostname: a.agent.hostname });
    expect((await protobuf({ type: T.GET_AGENT })).getAgent?.agentInfo?.id?.value).toBe(a.agentId);
    const containers = await json({ type: 'GET_CONTAINERS' });
    expect(containers.get_containers.containers).toEqual([
      {
        framework_id: { value: FRAMEWORK_ID },
        executor_id: { value: 't1' },
        executor_name: expect.any(String),
        container_id: { value: containerId },
        container_status: { container_id: { value: containerId }, executor_pid: expect.any(Number) },
        resource_statistics: { timestamp: 1, cpus_limit: 1.1, mem_rss_bytes: 4096 },
      },
    ]);
    const pb = await protobuf({ type: T.GET_CONTAINERS, getContainers: { showNested: true } });
    expect(pb.getContainers?.containers?.[0]?.resourceStatistics?.memRssBytes).toBe(4096n);
  });

  it('answers bad requests with Mesos status codes and messages', async () => {
    const get = await fetch(`${a.base}/api/v1`);
    expect(get.status).toBe(405);
    // A byte body, so that fetch adds no Content-Type of its own.
    expect(await post(Buffer.from('{}'), {})).toMatchObject({ status: 400, text: "Expecting 'Content-Type' to be present" });
    expect(await post('{}', { 'Content-Type': 'text/plain' })).toMatchObject({
      status: 415,
      text: "Expecting 'Content-Type' of application/json or application/x-protobuf or application/recordio",
    });
    expect(await post('{"type":"GET_HEALTH"}', { 'Content-Type': 'application/json', Accept: 'text/html' })).toMatchObject({ status: 406 });
    expect((await post('{not json', { 'Content-Type': 'application/json' })).status).toBe(400);
    expect(await post('{}', { 'Content-Type': 'application/json' })).toMatchObject({ status: 400, text: "Failed to validate agent::Call: Expecting 'type' to be present" });
    expect(await post('{"type":"LIST_FILES"}', { 'Content-Type': 'application/json' })).toMatchObject({
      status: 400,
      text: "Failed to validate agent::Call: Expecting 'list_files' to be present",
    });
    const missingOffset = await post('{"type":"READ_FILE","read_file":{"path":"/x"}}', { 'Content-Type': 'application/json' });
    expect(missingOffset.status).toBe(400);
    expect(missingOffset.text).toContain("offset");
    expect((await post(Buffer.from([0xff, 0xff, 0xff]), { 'Content-Type': 'application/x-protobuf' })).status).toBe(400);
    expect(await post('{"type":"GET_STATE"}', { 'Content-Type': 'application/json', Accept: 'application/recordio' })).toMatchObject({
      status: 406,
      text: 'Streaming response is not supported for GET_STATE call',
    });
    const record = '{"type":"GET_STATE"}';
    expect(await post(`${record.length}\n${record}`, { 'Content-Type': 'application/recordio', 'Message-Content-Type': 'application/json' })).toMatchObject({
      status: 415,
      text: "Streaming 'Content-Type' application/recordio is not supported for GET_STATE call",
    });
    expect(await post('{"type":"LAUNCH_NESTED_CONTAINER","launch_nested_container":{"container_id":{"value":"x"}}}', { 'Content-Type': 'application/json' })).toMatchObject({
      status: 501,
      text: 'Call LAUNCH_NESTED_CONTAINER is not supported by this agent',
    });
    expect((await post('{"type":"UNKNOWN"}', { 'Content-Type': 'application/json' })).status).toBe(501);
  });

  it('answers random bodies with 200, 400, 404, 415 or 501, never a 500 (fuzz)', async () => {
    const types = Object.keys(agent.Call_Type).filter((k) => Number.isNaN(Number(k)));
    const body = fc.oneof(
      fc.uint8Array({ maxLength: 64 }).map((b) => ({ bytes: b, type: 'application/x-protobuf' })),
      fc.record({ type: fc.constantFrom(...types), list_files: fc.option(fc.record({ path: fc.string({ maxLength: 12 }) }), { nil: undefined }), read_file: fc.option(fc.record({ path: fc.string({ maxLength: 12 }), offset: fc.integer({ min: -5, max: 100 }) }), { nil: undefined }) }).map((c) => ({ bytes: Buffer.from(JSON.stringify(c)), type: 'application/json' })),
      fc.json({ maxDepth: 2 }).map((j) => ({ bytes: Buffer.from(j), type: 'application/json' })),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ bytes, type }) => {
        const res = await post(bytes, { 'Content-Type': type, Accept: 'application/json' });
        // 415: ATTACH_CONTAINER_INPUT must stream, as in Mesos.
        expect([200, 400, 404, 415, 501]).toContain(res.status);
        if (res.status !== 200) expect(res.text.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('leaves the executor API at /api/v1/executor alone', async () => {
    const res = await fetch(`${a.base}/api/v1/executor`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
  });
});
