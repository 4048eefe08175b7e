/**
 * The operator API's state reads (GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_EXECUTORS) with a
 * framework running a task, and TEARDOWN (the call and `/teardown`).
 */
import { TaskState, master } from '@mesos-ts/proto';
import { caps, cluster, commandTask, TestFramework, type Cluster } from './helpers';
import { jsonCall, parseResponse, protoCall, rawCall } from './operator-helpers';

describe('operator API: state and teardown', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  beforeEach(async () => {
    c = await cluster(0);
  });
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  async function runTask(taskId: string, info: ConstructorParameters<typeof TestFramework>[1] = {}): Promise<TestFramework> {
    const f = new TestFramework(c.url, { roles: ['web'], capabilities: caps('MULTI_ROLE'), ...info });
    frameworks.push(f);
    await f.subscribe();
    const [offer] = await f.offers(f.events.length);
    await f.client.launch(offer!, [commandTask(offer!, taskId)]);
    await f.client.acknowledge(await f.update(taskId, TaskState.TASK_RUNNING));
    return f;
  }

  it('GET_STATE has the agent, the framework, its task and no executors (command tasks), in JSON and protobuf', async () => {
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = await runTask('t1');
    const { status, json } = await jsonCall(c.url, { type: 'GET_STATE' });
    expect(status).toBe(200);
    expect(json.type).toBe('GET_STATE');
    const state = json.get_state;
    expect(state.get_agents.agents).toHaveLength(1);
    const a = state.get_agents.agents[0];
    expect(a).toMatchObject({ active: true, deactivated: false, pid: agent.pid, agent_info: { id: { value: agent.agentId }, hostname: '127.0.0.1' } });
    expect(a.registered_time.nanoseconds).toBeGreaterThan(0);
    const total = Object.fromEntries((a.total_resources as any[]).filter((r) => r.type === 'SCALAR').map((r) => [r.name, r.scalar.value]));
    expect(total).toEqual({ cpus: 4, mem: 4096, disk: 4096 });
    const allocated = Object.fromEntries((a.allocated_resources as any[]).map((r) => [r.name, r.scalar.value]));
    expect(allocated).toEqual({ cpus: 1, mem: 128 });
    expect(state.get_frameworks.frameworks).toHaveLength(1);
    expect(state.get_frameworks.frameworks[0]).toMatchObject({ active: true, connected: true, recovered: false, framework_info: { id: { value: f.frameworkId }, roles: ['web'] } });
    expect(state.get_frameworks.completed_frameworks ?? []).toEqual([]);
    expect(state.get_tasks.tasks).toHaveLength(1);
    expect(state.get_tasks.tasks[0]).toMatchObject({ task_id: { value: 't1' }, state: 'TASK_RUNNING', framework_id: { value: f.frameworkId }, agent_id: { value: agent.agentId } });
    expect(state.get_executors.executors ?? []).toEqual([]);

    const proto = await protoCall(c.url, { type: master.Call_Type.GET_STATE });
    expect(proto.response?.getState?.getTasks?.tasks?.[0]?.state).toBe(TaskState.TASK_RUNNING);
    // JSON carries int64 as numbers (as Mesos writes them), so times lose their last digits there; the rest is equal.
    const fromJson = parseResponse(JSON.stringify(json)).getState!;
    expect(proto.response?.getState?.getTasks).toEqual(fromJson.getTasks);
    expect(proto.response?.getState?.getAgents?.agents?.[0]?.totalResources).toEqual(fromJson.getAgents?.agents?.[0]?.totalResources);
  });

  it('GET_AGENTS, GET_FRAMEWORKS (with offers and resources), GET_TASKS and GET_EXECUTORS', async () => {
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = new TestFramework(c.url, { roles: ['web'], capabilities: caps('MULTI_ROLE') });
    frameworks.push(f);
    await f.subscribe();
    const [offer] = await f.offers();
    const agents = (await protoCall(c.url, { type: master.Call_Type.GET_AGENTS })).response!;
    expect(agents.type).toBe(master.Response_Type.GET_AGENTS);
    expect(agents.getAgents?.agents?.map((a) => a.agentInfo?.id?.value)).toEqual([agent.agentId]);
    expect(agents.getAgents?.agents?.[0]?.offeredResources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(4);
    const offered = (await protoCall(c.url, { type: master.Call_Type.GET_FRAMEWORKS })).response!.getFrameworks!.frameworks![0]!;
    expect(offered.offers?.map((o) => o.id?.value)).toEqual([offer!.id?.value]);
    expect(offered.offeredResources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(4);
    expect(offered.offeredResources?.find((r) => r.name === 'cpus')?.allocationInfo?.role).toBe('web');

    await f.client.launch(offer!, [commandTask(offer!, 't2')]);
    await f.client.acknowledge(await f.update('t2', TaskState.TASK_RUNNING));
    const fw = (await protoCall(c.url, { type: master.Call_Type.GET_FRAMEWORKS })).response!.getFrameworks!.frameworks![0]!;
    expect(fw.offers ?? []).toEqual([]);
    expect(fw.allocatedResources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(1);
    expect(fw.allocatedResources?.find((r) => r.name === 'cpus')?.allocationInfo?.role).toBe('web');
    expect(fw.registeredTime?.nanoseconds).toBeGreaterThan(0n);
    expect(fw.unregisteredTime).toBeUndefined();

    const tasks = (await jsonCall(c.url, { type: 'GET_TASKS' })).json;
    expect(tasks.get_tasks.tasks.map((t: any) => t.task_id.value)).toEqual(['t2']);
    const executors = (await jsonCall(c.url, { type: 'GET_EXECUTORS' })).json;
    expect(executors).toEqual({ type: 'GET_EXECUTORS', get_executors: {} });
  });

  it('GET_TASKS lists finished tasks as completed', async () => {
    await c.addAgent({ onLaunch: 'instant' });
    const f = new TestFramework(c.url);
    frameworks.push(f);
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'done')]);
    await f.client.acknowledge(await f.update('done', TaskState.TASK_RUNNING));
    await f.client.acknowledge(await f.update('done', TaskState.TASK_FINISHED));
    let completed: any[] = [];
    for (let i = 0; i < 50 && completed.length === 0; i++) {
      completed = (await jsonCall(c.url, { type: 'GET_TASKS' })).json.get_tasks.completed_tasks ?? [];
      if (completed.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(completed.map((t) => [t.task_id.value, t.state])).toEqual([['done', 'TASK_FINISHED']]);
  });

  it('TEARDOWN removes the framework (its task is killed) and answers 400 for an unknown one', async () => {
    await c.addAgent({ onLaunch: 'run' });
    const f = await runTask('t3');
    const unknown = await jsonCall(c.url, { type: 'TEARDOWN', teardown: { framework_id: { value: 'nope' } } });
    expect([unknown.status, unknown.text]).toEqual([400, 'No framework found with specified ID']);
    const done = await protoCall(c.url, { type: master.Call_Type.TEARDOWN, teardown: { frameworkId: { value: f.frameworkId } } });
    expect([done.status, done.text]).toEqual([200, '']);
    await f.until(() => (f.ended ? true : undefined), 'the framework stream to end');
    const frameworks = (await jsonCall(c.url, { type: 'GET_FRAMEWORKS' })).json.get_frameworks;
    expect(frameworks.frameworks ?? []).toEqual([]);
    expect(frameworks.completed_frameworks).toHaveLength(1);
    expect(frameworks.completed_frameworks[0]).toMatchObject({ active: false, connected: false });
    expect(frameworks.completed_frameworks[0].unregistered_time.nanoseconds).toBeGreaterThan(0);
    const tasks = (await jsonCall(c.url, { type: 'GET_TASKS' })).json.get_tasks;
    expect(tasks.completed_tasks.map((t: any) => t.state)).toEqual(['TASK_KILLED']);
  });

  it('/teardown takes a frameworkId form field', async () => {
    await c.addAgent({ onLaunch: 'run' });
    const f = await runTask('t4');
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const get = await rawCall(c.url, '', {}, '/master/teardown', 'GET');
    expect(get.status).toBe(405);
    const missing = await rawCall(c.url, 'id=x', form, '/master/teardown');
    expect([missing.status, missing.text]).toEqual([400, "Missing 'frameworkId' query parameter in the request body"]);
    const unknown = await rawCall(c.url, 'frameworkId=nope', form, '/teardown');
    expect([unknown.status, unknown.text]).toEqual([400, 'No framework found with specified ID']);
    const ok = await rawCall(c.url, `frameworkId=${encodeURIComponent(f.frameworkId)}`, form, '/master/teardown');
    expect(ok.status).toBe(200);
    expect(c.master.core.completedFrameworks.has(f.frameworkId)).toBe(true);
  });
});
