/**
 * Framework lifecycle: failover within and after failover_timeout, disconnection, TEARDOWN, multi-role and
 * UPDATE_FRAMEWORK.
 */
import { TaskState, internal, scheduler } from '@mesos-ts/proto';
import { caps, cluster, commandTask, post, sleep, state, subscribeRaw, TestFramework, type Cluster } from './helpers';

describe('framework lifecycle', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  const framework = (info: ConstructorParameters<typeof TestFramework>[1] = {}): TestFramework => {
    const f = new TestFramework(c.url, info);
    frameworks.push(f);
    return f;
  };

  beforeEach(async () => {
    c = await cluster(0);
  });
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  async function runTask(f: TestFramework, taskId: string): Promise<void> {
    const [offer] = await f.offers(f.events.length);
    await f.client.launch(offer!, [commandTask(offer!, taskId)]);
    await f.client.acknowledge(await f.update(taskId, TaskState.TASK_RUNNING));
  }

  it('fails over within failover_timeout: the old stream gets ERROR, tasks are kept, offers go to the new stream', async () => {
    const agent = await c.addAgent({ onLaunch: 'run' });
    const first = framework({ failoverTimeout: 60 });
    const id = await first.subscribe();
    await runTask(first, 'keep-me');

    const second = framework({ id: { value: id }, failoverTimeout: 60 });
    expect(await second.subscribe()).toBe(id);
    const error = await first.waitFor((e) => e.type === scheduler.Event_Type.ERROR);
    expect(error.error?.message).toBe('Framework failed over');
    await first.until(() => (first.ended ? true : undefined), 'the old stream to end');

    const since = second.events.length;
    await second.client.reconcile();
    expect((await second.update('keep-me', undefined, since)).state).toBe(TaskState.TASK_RUNNING);
    const s = await state(c.url);
    expect(s['frameworks']).toHaveLength(1);
    expect(s['frameworks'][0]).toMatchObject({ id, active: true, connected: true, recovered: false, failover_timeout: 60 });
    expect(s['frameworks'][0].reregistered_time).toBeGreaterThanOrEqual(s['frameworks'][0].registered_time);
    expect(agent.events.some((e) => e.type === internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK)).toBe(false);
  });

  it('disconnects (inactive, 403 for calls) and comes back within the timeout', async () => {
    await c.addAgent({ onLaunch: 'run' });
    const first = framework({ failoverTimeout: 30 });
    const id = await first.subscribe();
    await first.offers();
    const streamId = first.client.streamId!;
    first.close();
    await sleep(100);
    let s = await state(c.url);
    expect(s['frameworks'][0]).toMatchObject({ id, active: false, connected: false, offers: [] });
    const late = await post(c.url, JSON.stringify({ type: 'REVIVE', framework_id: { value: id } }), { 'Content-Type': 'application/json', 'Mesos-Stream-Id': streamId });
    expect(late).toMatchObject({ status: 403, text: 'Framework is not subscribed' });

    const again = framework({ id: { value: id }, failoverTimeout: 30 });
    await again.subscribe();
    await again.offers();
    s = await state(c.url);
    expect(s['frameworks'][0]).toMatchObject({ id, active: true, connected: true });
  });

  it('removes a framework whose failover_timeout passes: tasks killed, agents told, resubscription refused', async () => {
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = framework({ failoverTimeout: 0.3 });
    const id = await f.subscribe();
    await runTask(f, 'doomed');
    f.close();
    const shutdown = await agent.waitForType(internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK, { timeoutMs: 3000 });
    expect(shutdown.shutdownFramework?.frameworkId?.value).toBe(id);
    const s = await state(c.url);
    expect(s['frameworks']).toEqual([]);
    expect(s['completed_frameworks']).toHaveLength(1);
    const done = s['completed_frameworks'][0];
    expect(done).toMatchObject({ id, active: false, connected: false, tasks: [] });
    expect(done.unregistered_time).toBeGreaterThan(0);
    expect(done.completed_tasks[0]).toMatchObject({ id: 'doomed', state: 'TASK_KILLED' });
    expect(s['slaves'][0].used_resources.cpus).toBe(0);

    expect(await subscribeRaw(c.url, { user: 'tester', name: 'again', id: { value: id } })).toEqual([{ type: 'ERROR', error: { message: 'Framework has been removed' } }]);
  });

  it('tears down at once on TEARDOWN and closes the stream', async () => {
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = framework({ failoverTimeout: 3600 });
    const id = await f.subscribe();
    await runTask(f, 't');
    await f.client.teardown();
    await f.until(() => (f.ended ? true : undefined), 'the stream to end');
    await agent.waitForType(internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK);
    const s = await state(c.url);
    expect(s['completed_frameworks'].map((x: { id: string }) => x.id)).toEqual([id]);
    expect(s['slaves'][0].used_resources.cpus).toBe(0);
  });

  it('offers per role to a MULTI_ROLE framework and rescinds a dropped role on UPDATE_FRAMEWORK', async () => {
    await c.addAgent({ resources: 'cpus:2;mem:1024' });
    await c.addAgent({ resources: 'cpus:2;mem:1024' });
    const f = framework({ roles: ['a', 'b'], capabilities: caps('MULTI_ROLE') });
    const id = await f.subscribe();
    const roles = await f.until(() => {
      const offers = f.events.flatMap((e) => e.offers?.offers ?? []);
      return offers.length >= 2 ? offers.map((o) => o.allocationInfo?.role) : undefined;
    }, 'two offers');
    expect(roles.every((r) => r === 'a' || r === 'b')).toBe(true);

    const h = { 'Content-Type': 'application/json', 'Mesos-Stream-Id': f.client.streamId! };
    const info = { user: 'tester', name: 'test-framework', id: { value: id }, roles: ['a'], capabilities: [{ type: 'MULTI_ROLE' }] };
    const since = f.events.length;
    const ok = await post(c.url, JSON.stringify({ type: 'UPDATE_FRAMEWORK', framework_id: { value: id }, update_framework: { framework_info: info } }), h);
    expect(ok.status).toBe(200);
    const s = await state(c.url);
    expect(s['frameworks'][0].roles).toEqual(['a']);
    expect(s['frameworks'][0].offers.every((o: { allocation_info: { role: string } }) => o.allocation_info.role === 'a')).toBe(true);
    // DRF gives each role one agent; the offer to 'b' is rescinded.
    const offeredToB = f.events.slice(0, since).flatMap((e) => e.offers?.offers ?? []).filter((o) => o.allocationInfo?.role === 'b');
    expect(offeredToB).toHaveLength(1);
    const rescinded = f.events.slice(since).filter((e) => e.type === scheduler.Event_Type.RESCIND).map((e) => e.rescind?.offerId?.value);
    expect(rescinded).toEqual([offeredToB[0]!.id?.value]);

    const userChange = await post(c.url, JSON.stringify({ type: 'UPDATE_FRAMEWORK', framework_id: { value: id }, update_framework: { framework_info: { ...info, user: 'mallory' } } }), h);
    expect(userChange).toMatchObject({ status: 400, text: "FrameworkInfo update is not valid: Updating 'FrameworkInfo.user' is unsupported; attempted to update from 'tester' to 'mallory'" });
    const badRole = await post(c.url, JSON.stringify({ type: 'UPDATE_FRAMEWORK', framework_id: { value: id }, update_framework: { framework_info: { ...info, roles: ['a', 'a'] } } }), h);
    expect(badRole).toMatchObject({ status: 400, text: "Supplied FrameworkInfo is not valid: 'FrameworkInfo.roles' contains duplicate items: { a }" });
    const idMismatch = await post(c.url, JSON.stringify({ type: 'UPDATE_FRAMEWORK', framework_id: { value: id }, update_framework: { framework_info: { ...info, id: { value: 'x' } } } }), h);
    expect(idMismatch.text).toBe("Failed to validate scheduler::Call: 'framework_id' differs from 'update_framework.framework_info.id'");
  });

  it('suppresses and revives offers', async () => {
    await c.addAgent();
    const f = framework();
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.suppress();
    await f.client.decline([offer!.id!], { refuseSeconds: 0 });
    const since = f.events.length;
    await sleep(400);
    expect(f.events.slice(since).some((e) => e.type === scheduler.Event_Type.OFFERS)).toBe(false);
    await f.client.revive();
    await f.offers(since);
  });
});
