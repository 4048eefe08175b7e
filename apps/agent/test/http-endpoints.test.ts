// The agent's polled endpoints (/state, /flags, /health, /version, /metrics/snapshot, /containers,
// /monitor/statistics, /files/*) on a real agent with a fake containerizer that reports usage.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ok, type Result } from '@mesos-ts/errors';
import type { ResourceStatistics } from '@mesos-ts/proto';
import { FakeContainerizer } from './support/fake-containerizer';
import { FRAMEWORK_ID, commandTask, runTask, startTestAgent, type TestAgent } from './support/harness';

class UsageContainerizer extends FakeContainerizer {
  override async usage(containerId: string): Promise<Result<ResourceStatistics>> {
    if (!this.containers().includes(containerId)) return super.usage(containerId);
    return ok({ timestamp: 1700000000.5, cpusUserTimeSecs: 1.25, cpusSystemTimeSecs: 0.5, cpusLimit: 1.1, memRssBytes: 1048576n, memLimitBytes: 167772160n });
  }
}

describe('agent HTTP endpoints', () => {
  let a: TestAgent;
  let directory: string;
  let containerId: string;

  beforeAll(async () => {
    a = await startTestAgent({ args: ['--attributes=rack:r1'], containerizer: new UsageContainerizer() });
    a.master.send(runTask(commandTask('t1')));
    const launch = await a.master.waitFor(() => a.containerizer.launchOf('t1'));
    directory = launch.sandbox;
    containerId = launch.containerId;
    writeFileSync(join(directory, 'stdout'), 'hello from t1\n');
  });
  afterAll(() => a.stop());

  const get = async (path: string): Promise<{ status: number; type: string | null; body: any; text: string }> => {
    const res = await fetch(`${a.base}${path}`);
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: res.status, type: res.headers.get('content-type'), body, text };
  };

  it('/state has Mesos shape, under /state, /state.json and /slave(1)/state, with jsonp', async () => {
    for (const path of ['/state', '/state.json', '/slave(1)/state']) {
      const { status, body } = await get(path);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        version: '1.11.0',
        build_date: expect.any(String),
        build_time: expect.any(Number),
        build_user: expect.any(String),
        start_time: expect.any(Number),
        id: a.agentId,
        pid: expect.stringMatching(/^slave\(1\)@127\.0\.0\.1:\d+$/),
        hostname: a.agent.hostname,
        capabilities: expect.arrayContaining(['MULTI_ROLE']),
        resources: { cpus: 4, gpus: 0, mem: 4096, disk: 10000, ports: '[31000-32000]' },
        reserved_resources: {},
        unreserved_resources: { cpus: 4, gpus: 0, mem: 4096, disk: 10000 },
        reserved_resources_full: {},
        unreserved_resources_full: expect.arrayContaining([expect.objectContaining({ name: 'cpus', type: 'SCALAR', scalar: { value: 4 } })]),
        reserved_resources_allocated: {},
        unreserved_resources_allocated: expect.objectContaining({ cpus: expect.any(Number) }),
        resource_providers: [],
        attributes: { rack: 'r1' },
        master_hostname: 'fake-master',
        flags: expect.objectContaining({ work_dir: a.workDir }),
        completed_frameworks: [],
      });
      const framework = body.frameworks[0];
      expect(framework).toMatchObject({ id: FRAMEWORK_ID, name: 'test-framework', user: 'tester', checkpoint: false, role: '*' });
      expect(framework.executors[0]).toMatchObject({ id: 't1', source: 't1', container: containerId, directory, queued_tasks: [{ id: 't1', slave_id: 'M1-S1', role: '*' }], tasks: [], completed_tasks: [] });
    }
    const jsonp = await get('/state?jsonp=cb');
    expect(jsonp.type).toBe('text/javascript');
    expect(jsonp.text.startsWith('cb({') && jsonp.text.endsWith('})')).toBe(true);
  });

  it('/health, /flags, /version and a 404 for unknown paths', async () => {
    expect((await get('/health')).status).toBe(200);
    expect((await get('/slave(1)/health')).status).toBe(200);
    expect((await get('/flags')).body.flags).toMatchObject({ port: '0', attributes: 'rack:r1' });
    expect((await get('/version')).body).toMatchObject({ version: '1.11.0', build_user: expect.any(String) });
    expect((await get('/nope')).status).toBe(404);
    expect((await fetch(`${a.base}/flags`, { method: 'DELETE' })).status).toBe(405);
  });

  it('/metrics/snapshot reports slave/* metrics', async () => {
    const { body } = await get('/metrics/snapshot');
    expect(body).toMatchObject({
      'slave/registered': 1,
      'slave/frameworks_active': 1,
      'slave/tasks_staging': 1,
      'slave/tasks_running': 0,
      'slave/executors_registering': 1,
      'slave/cpus_total': 4,
      'slave/mem_total': 4096,
      'slave/gpus_total': 0,
      'slave/tasks_finished': 0,
      'slave/container_launch_errors': 0,
      'system/cpus_total': expect.any(Number),
    });
    expect(body['slave/uptime_secs']).toBeGreaterThanOrEqual(0);
    // The task (1 cpu) plus the command executor's overhead (0.1 cpu).
    expect(body['slave/cpus_used']).toBeCloseTo(1.1);
    expect(body['slave/cpus_percent']).toBeCloseTo(1.1 / 4);
  });

  it('/containers and /monitor/statistics show the executor with its usage', async () => {
    const containers = await get('/containers');
    expect(containers.body).toEqual([
      {
        framework_id: FRAMEWORK_ID,
        executor_id: 't1',
        executor_name: expect.any(String),
        source: 't1',
        container_id: containerId,
        status: { container_id: { value: containerId }, executor_pid: expect.any(Number) },
        statistics: { timestamp: 1700000000.5, cpus_user_time_secs: 1.25, cpus_system_time_secs: 0.5, cpus_limit: 1.1, mem_rss_bytes: 1048576, mem_limit_bytes: 167772160 },
      },
    ]);
    expect((await get(`/containers?container_id=nope`)).body).toEqual([]);
    const stats = await get('/slave(1)/monitor/statistics?jsonp=f');
    expect(stats.text).toMatch(/^f\(\[\{"framework_id":"M1-0000","executor_id":"t1",.*"statistics":\{.*"cpus_limit":1\.1.*\}\}\]\)$/);
  });

  it('/files/* serves the sandbox under its virtual paths and its real path, with jsonp', async () => {
    const virtual = `/frameworks/${FRAMEWORK_ID}/executors/t1/runs/latest`;
    for (const path of [virtual, `/frameworks/${FRAMEWORK_ID}/executors/t1/runs/${containerId}`, directory, join(directory, '..', 'latest')]) {
      const browse = await get(`/files/browse?path=${encodeURIComponent(path)}`);
      expect(browse.status).toBe(200);
      expect(browse.body.map((f: { path: string }) => f.path.slice(path.length))).toContain('/stdout');
    }
    const read = await get(`/files/read?path=${encodeURIComponent(`${virtual}/stdout`)}&offset=0&jsonp=angular.callbacks._3`);
    expect(read.type).toBe('text/javascript');
    expect(read.text).toBe('angular.callbacks._3({"data":"hello from t1\\n","offset":0})');
    const browse = await get(`/files/browse?path=${encodeURIComponent(virtual)}&jsonp=cb`);
    expect(browse.text).toMatch(/^cb\(\[\{"path":"\/frameworks\/.*\/stdout".*"mode":"-rw.*\}\]\)$/);
    const download = await fetch(`${a.base}/files/download?path=${encodeURIComponent(`${virtual}/stdout`)}`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="stdout"');
    expect(await download.text()).toBe('hello from t1\n');
    expect((await get(`/files/read?path=${encodeURIComponent(`${virtual}/../../../../../..`)}&offset=0`)).status).toBe(400);
    expect((await get('/files/read?path=/frameworks/nope&offset=0')).status).toBe(404);
    const debug = await get('/files/debug');
    expect(debug.body[virtual]).toBe(directory);
  });
});
