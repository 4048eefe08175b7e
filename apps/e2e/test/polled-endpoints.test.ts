/**
 * The JSON endpoints that existing Mesos tooling polls, on real master and agent processes with a running task:
 * each answers 200 in Mesos's shape (the fields tools read), and each answers `?jsonp=cb` as `cb(...)` with
 * `text/javascript`. Also `/metrics` in Prometheus text format and `/master/redirect`.
 */
import { TaskState } from '@mesos-ts/proto';
import { startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

/** Endpoint JSON, read loosely: the assertions below say which fields matter. */
type Json = Record<string, any>;

async function getJson(url: string): Promise<Json> {
  const res = await fetch(url);
  expect(`${res.status} ${res.headers.get('content-type')}`).toBe('200 application/json');
  return (await res.json()) as Json;
}

/** The same endpoint as JSONP: `cb(<json>)`, whose JSON equals what `check` expects. */
async function getJsonp(url: string): Promise<Json> {
  const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}jsonp=cb`);
  expect(`${res.status} ${res.headers.get('content-type')}`).toBe('200 text/javascript');
  const text = await res.text();
  expect(text.startsWith('cb(') && text.endsWith(')')).toBe(true);
  return JSON.parse(text.slice(3, -1)) as Json;
}

describe('polled endpoints (real processes)', () => {
  let cluster: Cluster;
  let framework: TestScheduler;
  let agentUrl: string;

  beforeAll(async () => {
    cluster = await startCluster();
    agentUrl = cluster.agents[0]!.url;
    framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'polled' } });
    await framework.subscribe();
    const [offer] = await framework.takeOffers();
    await framework.launch(offer!, [commandTask(offer!, 'polled-task', 'echo polled; sleep 300', 0.5, 64)]);
    await framework.waitForState('polled-task', TaskState.TASK_RUNNING);
  }, 60_000);

  afterAll(async () => {
    await framework?.close();
    await cluster?.stop();
  });

  it('master: state, state-summary, slaves, frameworks, tasks, roles, quota, weights, maintenance', async () => {
    const m = cluster.masterUrl;
    for (const path of ['/master/state', '/state']) {
      const state = await getJson(`${m}${path}`);
      expect(state['leader_info']).toMatchObject({ hostname: expect.any(String), port: expect.any(Number) });
      expect(state['slaves'][0]).toMatchObject({ pid: expect.stringMatching(/^slave\(1\)@127\.0\.0\.1:\d+$/), resources: { cpus: 4, mem: 4096, disk: 4096, gpus: 0 } });
      expect(state['frameworks'][0]['tasks'][0]).toMatchObject({ id: 'polled-task', state: 'TASK_RUNNING' });
      expect(await getJsonp(`${m}${path}`)).toMatchObject({ id: state['id'] });
    }
    const summary = await getJson(`${m}/master/state-summary`);
    expect(summary['slaves'][0]).toMatchObject({ TASK_RUNNING: 1 });
    expect((await getJson(`${m}/master/slaves`))['slaves']).toHaveLength(1);
    expect((await getJson(`${m}/master/frameworks`))['frameworks'][0]).toMatchObject({ name: 'polled', active: true });
    expect((await getJson(`${m}/master/tasks`))['tasks'].map((t: Json) => t['id'])).toEqual(['polled-task']);
    expect((await getJson(`${m}/master/roles`))['roles'].map((r: Json) => r['name'])).toContain('*');
    expect(await getJson(`${m}/master/quota`)).toBeDefined();
    expect(Array.isArray(await getJson(`${m}/master/weights`))).toBe(true);
    expect(await getJson(`${m}/master/maintenance/schedule`)).toEqual({});
    expect(await getJson(`${m}/master/maintenance/status`)).toEqual({});
    for (const path of ['/master/state-summary', '/master/slaves', '/master/frameworks', '/master/tasks', '/master/roles', '/master/maintenance/status']) {
      expect(await getJsonp(`${m}${path}`)).toEqual(await getJson(`${m}${path}`));
    }
  });

  it('master: health, version, flags, metrics snapshot, Prometheus metrics, redirect', async () => {
    const m = cluster.masterUrl;
    expect((await fetch(`${m}/master/health`)).status).toBe(200);
    expect((await getJson(`${m}/version`))['version']).toBe('1.11.0');
    expect((await getJson(`${m}/flags`))['flags']).toHaveProperty('allocation_interval');
    const snapshot = await getJson(`${m}/metrics/snapshot`);
    expect(snapshot).toMatchObject({ 'master/elected': 1, 'master/slaves_active': 1, 'master/tasks_running': 1, 'master/cpus_total': 4 });
    const prometheus = await fetch(`${m}/metrics`);
    expect(prometheus.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await prometheus.text();
    expect(text).toMatch(/^# TYPE mesos_master_tasks_running gauge$/m);
    expect(text).toMatch(/^mesos_master_tasks_running 1$/m);
    const redirect = await fetch(`${m}/master/redirect`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toMatch(/^\/\/.+:\d+$/);
  });

  it('agent: state, metrics, containers, monitor statistics, flags, health, files', async () => {
    for (const path of ['/slave(1)/state', '/state']) {
      const state = await getJson(`${agentUrl}${path}`);
      expect(state['pid']).toMatch(/^slave\(1\)@127\.0\.0\.1:\d+$/);
      expect(state['frameworks'][0]['executors'][0]['tasks'][0]).toMatchObject({ id: 'polled-task', state: 'TASK_RUNNING' });
      expect(await getJsonp(`${agentUrl}${path}`)).toMatchObject({ id: state['id'] });
    }
    const state = await getJson(`${agentUrl}/state`);
    const directory = state['frameworks'][0]['executors'][0]['directory'] as string;
    expect((await getJson(`${agentUrl}/metrics/snapshot`))['slave/tasks_running']).toBe(1);
    const containers = await getJson(`${agentUrl}/containers`);
    expect((containers as unknown as Json[])[0]).toMatchObject({ executor_id: 'polled-task', statistics: expect.any(Object) });
    const statistics = (await getJson(`${agentUrl}/monitor/statistics`)) as unknown as Json[];
    expect(statistics[0]).toMatchObject({ executor_id: 'polled-task', statistics: { mem_rss_bytes: expect.any(Number) } });
    expect((await getJson(`${agentUrl}/flags`))['flags']).toHaveProperty('work_dir');
    expect((await fetch(`${agentUrl}/health`)).status).toBe(200);

    const browse = (await getJsonp(`${agentUrl}/files/browse?path=${encodeURIComponent(directory)}`)) as unknown as Json[];
    expect(browse.map((f) => (f['path'] as string).split('/').pop())).toEqual(expect.arrayContaining(['stdout', 'stderr']));
    const read = await getJsonp(`${agentUrl}/files/read?path=${encodeURIComponent(`${directory}/stdout`)}&offset=0`);
    expect(read['data']).toContain('polled');
    const download = await fetch(`${agentUrl}/files/download?path=${encodeURIComponent(`${directory}/stdout`)}`);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(await download.text()).toContain('polled');
  });
});
