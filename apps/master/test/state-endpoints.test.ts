/**
 * The polled endpoints over HTTP against a master with an agent, a framework and tasks: the JSON shapes against
 * the field lists of Mesos 1.11's writers (src/master/readonly_handler.cpp, src/common/http.cpp), JSONP, HEAD,
 * the query parameters, and that every kind of change shows up in the next answer.
 */
import { TaskState, scheduler } from '@mesos-ts/proto';
import { cluster, commandTask, TestFramework, type Cluster } from './helpers';

/** Mesos 1.11's fields, in the order its writers write them: [required, optional]. */
const FIELDS = {
  state: [
    ['version', 'build_date', 'build_time', 'build_user', 'start_time', 'elected_time', 'id', 'pid', 'hostname', 'capabilities', 'activated_slaves', 'deactivated_slaves', 'unreachable_slaves', 'leader', 'leader_info', 'flags', 'slaves', 'recovered_slaves', 'frameworks', 'completed_frameworks', 'orphan_tasks', 'unregistered_frameworks'],
    ['git_sha', 'git_branch', 'git_tag', 'domain', 'cluster', 'log_dir', 'external_log_file'],
  ],
  leader_info: [['id', 'pid', 'port', 'hostname'], ['domain']],
  slave: [
    ['id', 'hostname', 'port', 'attributes', 'pid', 'registered_time', 'resources', 'used_resources', 'offered_resources', 'reserved_resources', 'unreserved_resources', 'active', 'deactivated', 'version', 'capabilities'],
    ['domain', 'reregistered_time', 'drain_info', 'estimated_drain_start_time_seconds'],
  ],
  slave_full: [['reserved_resources_full', 'unreserved_resources_full', 'used_resources_full', 'offered_resources_full'], []],
  framework: [
    ['id', 'name', 'used_resources', 'offered_resources', 'capabilities', 'hostname', 'webui_url', 'active', 'connected', 'recovered', 'user', 'failover_timeout', 'checkpoint', 'registered_time', 'unregistered_time', 'resources', 'tasks', 'unreachable_tasks', 'completed_tasks', 'offers', 'executors', 'offer_constraints'],
    ['pid', 'principal', 'reregistered_time', 'role', 'roles', 'labels'],
  ],
  framework_summary: [['id', 'name', 'used_resources', 'offered_resources', 'capabilities', 'hostname', 'webui_url', 'active', 'connected', 'recovered'], ['pid']],
  task: [['id', 'name', 'framework_id', 'executor_id', 'slave_id', 'state', 'resources', 'role', 'statuses'], ['limits', 'user', 'labels', 'discovery', 'container', 'health_check']],
  status: [['state', 'timestamp'], ['labels', 'container_status', 'healthy']],
  offer: [['id', 'framework_id', 'allocation_info', 'slave_id', 'resources'], []],
  slave_counts: [['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE', 'framework_ids'], []],
  framework_counts: [['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_KILLED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE', 'slave_ids'], []],
} as const;

type Obj = Record<string, any>;

/** The object has exactly Mesos's fields (required in Mesos's order, optional ones anywhere). */
function expectShape(value: Obj, ...kinds: (keyof typeof FIELDS)[]): void {
  const required = kinds.flatMap((k) => [...FIELDS[k][0]]);
  const optional = new Set<string>(kinds.flatMap((k) => [...FIELDS[k][1]]));
  const keys = Object.keys(value);
  expect(keys.filter((k) => !optional.has(k))).toEqual(required);
}

function expectResources(value: Obj): void {
  for (const name of ['cpus', 'gpus', 'mem', 'disk']) expect(typeof value[name]).toBe('number');
}

async function get(url: string): Promise<{ status: number; type: string | null; text: string; json: Obj }> {
  const res = await fetch(url);
  const text = await res.text();
  let json: Obj = {};
  try {
    json = JSON.parse(text) as Obj;
  } catch {
    // JSONP or not JSON: the caller looks at the text.
  }
  return { status: res.status, type: res.headers.get('content-type'), text, json };
}

describe('polled endpoints', () => {
  let c: Cluster;
  let f: TestFramework;
  let agentId: string;

  beforeAll(async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ onLaunch: 'run' });
    agentId = agent.agentId!;
    f = new TestFramework(c.url, { principal: 'ops', labels: { labels: [{ key: 'k', value: 'v' }] } });
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'a', 'cpus:1;mem:128'), commandTask(offer!, 'b', 'cpus:1;mem:128')]);
    // Acknowledged, so that the agent's next updates for them go out.
    await f.client.acknowledge(await f.update('a', TaskState.TASK_RUNNING));
    await f.client.acknowledge(await f.update('b', TaskState.TASK_RUNNING));
  });
  afterAll(async () => {
    f.close();
    await c.stop();
  });

  it("answers /master/state and /state in Mesos's shape", async () => {
    const { status, type, json } = await get(`${c.url}/master/state`);
    expect(status).toBe(200);
    expect(type).toBe('application/json');
    expectShape(json, 'state');
    expectShape(json['leader_info'], 'leader_info');
    expect(json['leader_info'].pid).toBe(json['pid']);
    expect(json['activated_slaves']).toBe(1);
    const slave = json['slaves'][0];
    expectShape(slave, 'slave');
    expect(slave.id).toBe(agentId);
    expect(slave.pid).toMatch(/^slave\(1\)@/);
    for (const field of ['resources', 'used_resources', 'offered_resources', 'unreserved_resources']) expectResources(slave[field]);
    expect(slave.resources.ports).toBe('[31000-32000]');
    expect(slave.used_resources.cpus).toBe(2);
    const framework = json['frameworks'][0];
    expectShape(framework, 'framework');
    expect(framework.principal).toBe('ops');
    expect(framework.labels).toEqual([{ key: 'k', value: 'v' }]);
    expect(framework.used_resources.cpus).toBe(2);
    expect(framework.tasks).toHaveLength(2);
    for (const t of framework.tasks) {
      expectShape(t, 'task');
      for (const s of t.statuses) expectShape(s, 'status');
    }
    for (const o of framework.offers) expectShape(o, 'offer');
    expect((await get(`${c.url}/state`)).json['id']).toBe(json['id']);
  });

  it('answers with JSONP, HEAD without a body, and 405 for other methods', async () => {
    const jsonp = await get(`${c.url}/master/state?jsonp=callback`);
    expect(jsonp.type).toBe('text/javascript');
    expect(jsonp.text.startsWith('callback(')).toBe(true);
    expect(jsonp.text.endsWith(')')).toBe(true);
    expect(JSON.parse(jsonp.text.slice('callback('.length, -1)).id).toBeDefined();
    for (const path of ['/master/slaves', '/master/frameworks', '/master/tasks', '/master/state-summary', '/metrics/snapshot']) {
      const r = await get(`${c.url}${path}?jsonp=cb`);
      expect([path, r.text.startsWith('cb(')]).toEqual([path, true]);
    }
    const head = await fetch(`${c.url}/master/state`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await head.text()).toBe('');
    const post = await fetch(`${c.url}/master/state`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
  });

  it('answers /master/slaves with the *_full resources and ?slave_id=', async () => {
    const all = (await get(`${c.url}/master/slaves`)).json;
    expect(Object.keys(all)).toEqual(['slaves', 'recovered_slaves']);
    expectShape(all['slaves'][0], 'slave', 'slave_full');
    const full = all['slaves'][0];
    expect(full.unreserved_resources_full.map((r: Obj) => r.name).sort()).toEqual(['cpus', 'disk', 'mem', 'ports']);
    expect(full.unreserved_resources_full.find((r: Obj) => r.name === 'cpus')).toMatchObject({ name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' });
    expect(full.used_resources_full.find((r: Obj) => r.name === 'cpus')?.scalar?.value).toBe(2);
    expect((await get(`${c.url}/master/slaves?slave_id=${agentId}`)).json['slaves']).toHaveLength(1);
    expect((await get(`${c.url}/slaves?slave_id=nope`)).json['slaves']).toHaveLength(0);
  });

  it('answers /master/frameworks with ?framework_id=', async () => {
    const all = (await get(`${c.url}/master/frameworks`)).json;
    expect(Object.keys(all)).toEqual(['frameworks', 'completed_frameworks', 'unregistered_frameworks']);
    expectShape(all['frameworks'][0], 'framework');
    expect((await get(`${c.url}/master/frameworks?framework_id=${f.frameworkId}`)).json['frameworks']).toHaveLength(1);
    expect((await get(`${c.url}/frameworks?framework_id=other`)).json['frameworks']).toHaveLength(0);
  });

  it('answers /master/tasks with limit, offset, order, framework_id and task_id', async () => {
    const all = (await get(`${c.url}/master/tasks`)).json['tasks'] as Obj[];
    expect(all.map((t) => t.id).sort()).toEqual(['a', 'b']);
    for (const t of all) expectShape(t, 'task');
    const desc = all.map((t) => t.statuses[0].timestamp);
    expect(desc[0]).toBeGreaterThanOrEqual(desc[1]);
    const asc = (await get(`${c.url}/master/tasks?order=asc`)).json['tasks'] as Obj[];
    expect(asc.map((t) => t.id)).toEqual([...all].reverse().map((t) => t.id));
    expect((await get(`${c.url}/master/tasks?limit=1`)).json['tasks']).toHaveLength(1);
    expect((await get(`${c.url}/master/tasks?limit=1&offset=1`)).json['tasks'][0].id).toBe(all[1]!.id);
    expect((await get(`${c.url}/master/tasks?offset=5`)).json['tasks']).toHaveLength(0);
    expect((await get(`${c.url}/master/tasks?limit=x`)).json['tasks']).toHaveLength(2);
    expect((await get(`${c.url}/master/tasks?task_id=b`)).json['tasks'].map((t: Obj) => t.id)).toEqual(['b']);
    expect((await get(`${c.url}/tasks?framework_id=${f.frameworkId}`)).json['tasks']).toHaveLength(2);
    expect((await get(`${c.url}/tasks?framework_id=other`)).json['tasks']).toHaveLength(0);
  });

  it('answers /master/state-summary with task counts and the IDs on each side', async () => {
    const summary = (await get(`${c.url}/master/state-summary`)).json;
    expect(Object.keys(summary)).toEqual(['hostname', 'slaves', 'frameworks']);
    const slave = summary['slaves'][0];
    expectShape(slave, 'slave', 'slave_counts');
    expect(slave.TASK_RUNNING).toBe(2);
    expect(slave.framework_ids).toEqual([f.frameworkId]);
    const framework = summary['frameworks'][0];
    expectShape(framework, 'framework_summary', 'framework_counts');
    expect(framework.TASK_RUNNING).toBe(2);
    expect(framework.slave_ids).toEqual([agentId]);
  });

  it('shows every change in the next answer', async () => {
    const before = (await get(`${c.url}/master/state`)).json;
    const agent = c.agents[0]!;
    // The offer of what task 'a' frees may come before or after the REVIVE below: count offers from here.
    const since = f.events.length;
    // A task update.
    agent.sendStatus(f.frameworkId, 'a', TaskState.TASK_FINISHED);
    await f.update('a', TaskState.TASK_FINISHED);
    let s = (await get(`${c.url}/master/state`)).json;
    const a = [...s['frameworks'][0].tasks, ...s['frameworks'][0].completed_tasks].find((t: Obj) => t.id === 'a');
    expect(a.state).toBe('TASK_FINISHED');
    expect(s['frameworks'][0].used_resources.cpus).toBe(1);
    expect(s['slaves'][0].used_resources.cpus).toBe(1);
    expect(before['slaves'][0].used_resources.cpus).toBe(2);
    // Offers made and declined.
    await f.client.revive();
    const [offer] = await f.offers(since);
    s = (await get(`${c.url}/master/state`)).json;
    expect(s['frameworks'][0].offers.map((o: Obj) => o.id)).toContain(offer!.id!.value);
    expect(s['slaves'][0].offered_resources.cpus).toBeGreaterThan(0);
    // Decline every outstanding offer, until none is left: the REVIVE may also offer what the launch left over,
    // in an offer of its own, and the 60 s filter keeps more from coming.
    for (let i = 0; i < 20 && s['frameworks'][0].offers.length > 0; i++) {
      await f.client.decline((s['frameworks'][0].offers as Obj[]).map((o: Obj) => ({ value: o.id as string })), { refuseSeconds: 60 });
      await new Promise((r) => setTimeout(r, 150));
      s = (await get(`${c.url}/master/state`)).json;
    }
    expect(s['frameworks'][0].offers).toHaveLength(0);
    expect(s['slaves'][0].offered_resources.cpus).toBe(0);
    // The agent disconnects: inactive.
    await agent.disconnect();
    await new Promise((r) => setTimeout(r, 50));
    s = (await get(`${c.url}/master/state`)).json;
    expect(s['slaves'][0].active).toBe(false);
    expect(s['deactivated_slaves']).toBe(1);
    await agent.reregister();
    s = (await get(`${c.url}/master/state`)).json;
    expect(s['slaves'][0].active).toBe(true);
    // The framework tears down: completed.
    await f.client.teardown();
    await f.waitFor((e) => e.type === scheduler.Event_Type.ERROR || f.ended, 0, 2000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    s = (await get(`${c.url}/master/state`)).json;
    expect(s['frameworks']).toHaveLength(0);
    expect(s['completed_frameworks'].map((x: Obj) => x.id)).toEqual([f.frameworkId]);
    expect(s['completed_frameworks'][0].completed_tasks.map((t: Obj) => t.id).sort()).toEqual(['a', 'b']);
    expect(s['slaves'][0].used_resources.cpus).toBe(0);
  });
});
