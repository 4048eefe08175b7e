/**
 * Agents over the internal protocol: registration, pings, disconnection, unreachability, re-registration,
 * executor exits, framework messages, the session rules, and `/master/state`.
 */
import { TaskState, TaskStatus_Reason, TaskStatus_Source, internal, scheduler, type Offer } from '@mesos-ts/proto';
import { FakeAgent } from '../src/testing';
import { caps, cluster, commandTask, post, sleep, state, TestFramework, type Cluster } from './helpers';

const FAST_PINGS = { overrides: { agent_ping_timeout: 100, max_agent_ping_timeouts: 2 } };

describe('agents', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  const framework = (info: ConstructorParameters<typeof TestFramework>[1] = {}): TestFramework => {
    const f = new TestFramework(c.url, info);
    frameworks.push(f);
    return f;
  };
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  const used = new Set<string>();
  async function launchOn(f: TestFramework, agent: FakeAgent, taskId: string): Promise<void> {
    const unused = (o: Offer): boolean => !used.has(o.id?.value ?? '') && !f.events.some((x) => x.rescind?.offerId?.value === o.id?.value);
    const offer = await f.until(() => f.events.flatMap((e) => e.offers?.offers ?? []).find((o) => o.agentId?.value === agent.agentId && unused(o)), 'an offer');
    used.add(offer.id?.value ?? '');
    await f.client.launch(offer, [commandTask(offer, taskId)], { refuseSeconds: 0 });
    await f.client.acknowledge(await f.update(taskId, TaskState.TASK_RUNNING));
  }

  it('registers: REGISTERED first with <master>-S<n> and the ping settings; pings are answered', async () => {
    c = await cluster(0, [], FAST_PINGS);
    const agent = await c.addAgent();
    expect(agent.agentId).toBe(`${c.master.info.id}-S0`);
    const registered = agent.events[0]!;
    expect(registered.type).toBe(internal.AgentEvent_Type.REGISTERED);
    expect(registered.registered).toMatchObject({ pingTimeoutSeconds: 0.1, maxPingTimeouts: 2, masterInfo: { id: c.master.info.id } });
    await agent.until(() => (agent.events.filter((e) => e.type === internal.AgentEvent_Type.PING).length >= 4 ? true : undefined), 2000, 'four pings');
    const s = await state(c.url);
    expect(s['slaves'][0]).toMatchObject({ id: agent.agentId, active: true, pid: agent.pid });
    expect(s['unreachable_slaves']).toBe(0);
  });

  it('marks an agent that stops answering pings unreachable: TASK_LOST, or TASK_UNREACHABLE for PARTITION_AWARE frameworks', async () => {
    c = await cluster(0, [], FAST_PINGS);
    const agent = await c.addAgent({ onLaunch: 'run' });
    const plain = framework({ name: 'plain' });
    const aware = framework({ name: 'aware', capabilities: caps('PARTITION_AWARE') });
    await plain.subscribe();
    await launchOn(plain, agent, 'p1');
    // Make room for the second framework: the first gives back what it still holds and takes no more.
    await plain.client.suppress();
    const held = plain.events.flatMap((e) => e.offers?.offers ?? []).filter((o) => !used.has(o.id?.value ?? ''));
    await plain.client.decline(held.map((o) => o.id!), { refuseSeconds: 0 });
    await aware.subscribe();
    await launchOn(aware, agent, 'a1');
    agent.autoPong = false;

    const lost = await plain.update('p1', TaskState.TASK_LOST);
    expect(lost).toMatchObject({ reason: TaskStatus_Reason.REASON_AGENT_REMOVED, source: TaskStatus_Source.SOURCE_MASTER, message: 'health check timed out' });
    expect(lost.uuid).toBeUndefined();
    const unreachable = await aware.update('a1', TaskState.TASK_UNREACHABLE);
    expect(unreachable.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED);
    expect(unreachable.unreachableTime?.nanoseconds).toBeGreaterThan(0n);
    const failure = await plain.waitFor((e) => e.type === scheduler.Event_Type.FAILURE);
    expect(failure.failure?.agentId?.value).toBe(agent.agentId);
    const s = await state(c.url);
    expect(s['slaves']).toEqual([]);
    expect(s['unreachable_slaves']).toBe(1);
    const awareState = s['frameworks'].find((f: { name: string }) => f.name === 'aware');
    expect(awareState.unreachable_tasks).toHaveLength(1);
    expect(awareState.unreachable_tasks[0]).toMatchObject({ id: 'a1', state: 'TASK_UNREACHABLE' });

    // Explicit reconciliation of the task on the unreachable agent.
    const since = aware.events.length;
    await aware.client.reconcile([{ taskId: 'a1', agentId: agent.agentId! }]);
    expect((await aware.update('a1', undefined, since)).state).toBe(TaskState.TASK_UNREACHABLE);
  });

  it('disconnects on a broken stream (offers rescinded, tasks kept) and reconciles on re-registration', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = framework({ failoverTimeout: 60 });
    await f.subscribe();
    await launchOn(f, agent, 'stays');
    await launchOn(f, agent, 'vanishes');
    await f.client.revive();
    const offer = await f.offers(f.events.length);

    await agent.disconnect();
    const rescind = await f.waitFor((e) => e.type === scheduler.Event_Type.RESCIND && e.rescind?.offerId?.value === offer[0]!.id?.value);
    expect(rescind).toBeDefined();
    let s = await state(c.url);
    expect(s['slaves'][0]).toMatchObject({ id: agent.agentId, active: false });
    expect(s['deactivated_slaves']).toBe(1);
    expect(s['frameworks'][0].tasks.map((t: { id: string }) => t.id).sort()).toEqual(['stays', 'vanishes']);

    // The agent comes back without one of its tasks: the master reports it lost.
    agent.tasks.delete(`${f.frameworkId}/vanishes`);
    const since = f.events.length;
    await agent.reregister();
    expect(agent.events.filter((e) => e.type === internal.AgentEvent_Type.REGISTERED)).toHaveLength(2);
    const lost = await f.update('vanishes', TaskState.TASK_LOST, since);
    expect(lost).toMatchObject({ source: TaskStatus_Source.SOURCE_MASTER, reason: TaskStatus_Reason.REASON_RECONCILIATION });
    s = await state(c.url);
    expect(s['slaves'][0]).toMatchObject({ id: agent.agentId, active: true });
    expect(s['frameworks'][0].tasks.map((t: { id: string }) => t.id)).toEqual(['stays']);
    await f.offers(since);
  });

  it('marks a disconnected agent unreachable when it does not come back, and re-admits it with its tasks', async () => {
    c = await cluster(0, [], FAST_PINGS);
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = framework({ capabilities: caps('PARTITION_AWARE'), failoverTimeout: 60 });
    await f.subscribe();
    await launchOn(f, agent, 'wanderer');
    await agent.disconnect();
    await f.update('wanderer', TaskState.TASK_UNREACHABLE);
    expect((await state(c.url))['unreachable_slaves']).toBe(1);

    const since = f.events.length;
    await agent.reregister();
    const back = await f.update('wanderer', TaskState.TASK_RUNNING, since);
    expect(back).toMatchObject({ reason: TaskStatus_Reason.REASON_AGENT_REREGISTERED, message: 'Unreachable agent re-reregistered', source: TaskStatus_Source.SOURCE_MASTER });
    const s = await state(c.url);
    expect(s['unreachable_slaves']).toBe(0);
    expect(s['slaves'][0]).toMatchObject({ id: agent.agentId, active: true });
    expect(s['frameworks'][0].tasks.map((t: { id: string; state: string }) => [t.id, t.state])).toEqual([['wanderer', 'TASK_RUNNING']]);
    expect(s['frameworks'][0].unreachable_tasks).toEqual([]);
    expect(s['slaves'][0].used_resources.cpus).toBe(1);
  });

  it('enforces sessions: 403 without or with a stale stream id, 400 for calls that do not decode or lack a field', async () => {
    c = await cluster(1);
    const agent = c.agents[0]!;
    const pong = { type: internal.AgentCall_Type.PONG, pong: { pingId: 0n } };
    expect((await agent.call(pong)).status).toBe(202);
    const stale = await agent.call(pong, 'not-the-session');
    expect(stale).toMatchObject({ status: 403, body: `The stream ID 'not-the-session' included in this request is not the current session of agent ${agent.agentId}` });
    expect(await agent.call(pong, null)).toMatchObject({ status: 403, body: "All non-register calls should include the 'Mesos-Stream-Id' header" });
    expect((await agent.call({ type: internal.AgentCall_Type.STATUS_UPDATE })).body).toBe("Expecting 'status_updates' to be present");
    const h = { 'Content-Type': 'application/json' };
    const path = '/master/internal/agent';
    expect(await post(c.url, '{"type":"REGISTER","register":{"agent_info":{"hostname":"h"},"pid":"nonsense"}}', h, path)).toMatchObject({
      status: 400,
      text: "Invalid 'register.pid' 'nonsense': expected 'slave(1)@<ip>:<port>'",
    });
    expect((await post(c.url, '{"type":"REGISTER","register":{"agent_info":{"hostname":"h","resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":-1}}]},"pid":"slave(1)@1.2.3.4:5"}}', h, path)).text).toMatch(
      /^Invalid 'register.agent_info.resources'/,
    );
    expect((await post(c.url, '{"type":"REGISTER"', h, path)).status).toBe(400);
    expect((await post(c.url, '{"type":"PONG","pong":{"ping_id":1}}', h, path)).text).toBe("Expecting 'agent_id' to be present");
    // A second session of the same agent replaces the first.
    const oldStream = agent.streamId;
    await agent.reregister();
    expect(agent.streamId).not.toBe(oldStream);
    expect((await agent.call(pong, oldStream)).status).toBe(403);
    expect((await agent.call(pong)).status).toBe(202);
  });

  it('passes framework messages both ways, reports executor exits, shuts executors down, and forgets an unregistered agent', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = framework();
    await f.subscribe();
    const offer = await f.until(() => f.events.flatMap((e) => e.offers?.offers ?? [])[0], 'offer');
    const executor = { executorId: { value: 'ex1' }, command: { value: 'run-executor' }, resources: commandTask(offer, 'x', 'cpus:0.1;mem:32').resources! };
    await f.client.launch(offer, [{ ...commandTask(offer, 'custom'), command: undefined as never, executor }].map(({ command: _c, ...t }) => t));
    await f.client.acknowledge(await f.update('custom', TaskState.TASK_RUNNING));
    const run = await agent.waitForType(internal.AgentEvent_Type.RUN_TASK);
    expect(run.runTask?.task?.executor?.frameworkId?.value).toBe(f.frameworkId);
    expect(run.runTask?.launchExecutor).toBe(true);
    let s = await state(c.url);
    expect(s['frameworks'][0].executors[0]).toMatchObject({ executor_id: 'ex1', framework_id: f.frameworkId, slave_id: agent.agentId, role: '*' });
    expect(s['slaves'][0].used_resources.cpus).toBe(1.1);

    await f.client.call({ type: scheduler.Call_Type.MESSAGE, message: { agentId: { value: agent.agentId! }, executorId: { value: 'ex1' }, data: Buffer.from('ping') } });
    const toExecutor = await agent.waitForType(internal.AgentEvent_Type.FRAMEWORK_MESSAGE);
    expect(Buffer.from(toExecutor.frameworkMessage!.data!).toString()).toBe('ping');
    expect((await agent.frameworkMessage(f.frameworkId, 'ex1', Buffer.from('pong'))).status).toBe(202);
    const toScheduler = await f.waitFor((e) => e.type === scheduler.Event_Type.MESSAGE);
    expect(toScheduler.message).toMatchObject({ agentId: { value: agent.agentId }, executorId: { value: 'ex1' } });
    expect(Buffer.from(toScheduler.message!.data!).toString()).toBe('pong');

    await f.client.call({ type: scheduler.Call_Type.SHUTDOWN, shutdown: { agentId: { value: agent.agentId! }, executorId: { value: 'ex1' } } });
    await agent.waitForType(internal.AgentEvent_Type.SHUTDOWN_EXECUTOR);
    await f.update('custom', TaskState.TASK_KILLED);
    const failure = await f.waitFor((e) => e.type === scheduler.Event_Type.FAILURE && e.failure?.executorId?.value === 'ex1');
    expect(failure.failure).toMatchObject({ agentId: { value: agent.agentId }, status: 0 });
    s = await state(c.url);
    expect(s['frameworks'][0].executors).toEqual([]);
    expect(s['slaves'][0].used_resources.cpus).toBe(0);

    await agent.unregister();
    await sleep(50);
    expect((await state(c.url))['slaves']).toEqual([]);
  });

  it("serves /master/state and /state in Mesos's shape, and master metrics", async () => {
    c = await cluster(0, ['--roles=web', '--hostname=master.example']);
    const agent = await c.addAgent({ attributes: [{ name: 'rack', type: 3, text: { value: 'r1' } }] });
    const f = framework({ role: 'web', principal: 'p', webuiUrl: 'http://ui' });
    await f.subscribe();
    await f.offers();
    const s = await state(c.url);
    expect(s).toMatchObject({
      version: '1.11.0',
      id: c.master.info.id,
      pid: `master@127.0.0.1:${c.master.address.port}`,
      hostname: 'master.example',
      activated_slaves: 1,
      deactivated_slaves: 0,
      unreachable_slaves: 0,
      leader: `master@127.0.0.1:${c.master.address.port}`,
      leader_info: { id: c.master.info.id, port: c.master.address.port, hostname: 'master.example' },
      orphan_tasks: [],
      unregistered_frameworks: [],
      completed_frameworks: [],
      recovered_slaves: [],
    });
    for (const key of ['build_date', 'build_time', 'build_user', 'start_time', 'elected_time']) expect(s).toHaveProperty(key);
    expect(s['flags']).toMatchObject({ roles: 'web', allocation_interval: '100ms', port: '0' });
    expect(s['slaves'][0]).toMatchObject({
      id: agent.agentId,
      pid: agent.pid,
      hostname: '127.0.0.1',
      port: agent.port,
      attributes: { rack: 'r1' },
      resources: { cpus: 4, gpus: 0, mem: 4096, disk: 4096, ports: '[31000-32000]' },
      used_resources: { cpus: 0, gpus: 0, mem: 0, disk: 0 },
      unreserved_resources: { cpus: 4, mem: 4096 },
      reserved_resources: {},
      active: true,
      version: '1.11.0',
      capabilities: [],
    });
    expect(s['slaves'][0].offered_resources.cpus).toBe(4);
    expect(s['frameworks'][0]).toMatchObject({
      id: f.frameworkId,
      name: 'test-framework',
      user: 'tester',
      role: 'web',
      principal: 'p',
      webui_url: 'http://ui',
      active: true,
      connected: true,
      recovered: false,
      checkpoint: false,
      failover_timeout: 0,
      capabilities: [],
      tasks: [],
      unreachable_tasks: [],
      completed_tasks: [],
      executors: [],
      offer_constraints: {},
    });
    expect(s['frameworks'][0].offers[0]).toMatchObject({ framework_id: f.frameworkId, slave_id: agent.agentId, allocation_info: { role: 'web' } });
    expect(s['frameworks'][0].offered_resources.cpus).toBe(4);
    expect(await (await fetch(`${c.url}/state`)).json()).toMatchObject({ id: c.master.info.id });

    const metrics = (await (await fetch(`${c.url}/metrics/snapshot`)).json()) as Record<string, number>;
    expect(metrics).toMatchObject({
      'master/frameworks_active': 1,
      'master/slaves_active': 1,
      'master/slaves_connected': 1,
      'master/cpus_total': 4,
      'master/tasks_running': 0,
      'master/outstanding_offers': 1,
      'master/elected': 1,
    });

    // A role outside --roles is refused at SUBSCRIBE.
    const outsider = framework({ name: 'outsider', role: 'ops' });
    await expect(outsider.subscribe()).rejects.toThrow();
  });
});
