/**
 * The scheduler API end to end, in-process: a master on 127.0.0.1, fake agents over the internal protocol, and
 * schedulers on @mesos-ts/client's SchedulerClient.
 */
import { Offer_Operation_Type, TaskState, TaskStatus_Reason, TaskStatus_Source, decodeProtobuf, encodeProtobuf, internal, scheduler } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { caps, cluster, commandTask, post, sleep, state, TestFramework, type Cluster } from './helpers';

const JSON_TYPE = 'application/json';

describe('scheduler API', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  const framework = (info: ConstructorParameters<typeof TestFramework>[1] = {}, type: 'json' | 'protobuf' = 'json'): TestFramework => {
    const f = new TestFramework(c.url, info, type);
    frameworks.push(f);
    return f;
  };

  beforeEach(async () => {
    c = await cluster(1);
  });
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  it('subscribes over JSON: SUBSCRIBED first, a stream id, heartbeats, framework IDs <master>-0000', async () => {
    const res = await fetch(`${c.url}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
      body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'alice', name: 'raw' } } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(JSON_TYPE);
    expect(res.headers.get('mesos-stream-id')).toMatch(/^[0-9a-f-]{36}$/);
    const events: Record<string, any>[] = [];
    for await (const record of decodeRecords(res.body as unknown as AsyncIterable<Uint8Array>)) {
      events.push(JSON.parse(Buffer.from(record).toString('utf8')) as Record<string, any>);
      if (events.length === 2) break;
    }
    expect(events[0]!['type']).toBe('SUBSCRIBED');
    expect(events[0]!['subscribed'].framework_id.value).toBe(`${c.master.info.id}-0000`);
    expect(events[0]!['subscribed'].heartbeat_interval_seconds).toBe(15);
    expect(events[0]!['subscribed'].master_info).toMatchObject({ id: c.master.info.id, version: '1.11.0', port: c.master.address.port });
    expect(events[1]!['type']).toBe('HEARTBEAT');
  });

  it('subscribes over protobuf and gets offers with the agent, its resources and URL', async () => {
    const f = framework({ name: 'pb' }, 'protobuf');
    const id = await f.subscribe();
    expect(id).toBe(`${c.master.info.id}-0000`);
    const [offer] = await f.offers();
    const agent = c.agents[0]!;
    expect(offer!.agentId?.value).toBe(agent.agentId);
    expect(offer!.frameworkId?.value).toBe(id);
    expect(offer!.hostname).toBe('127.0.0.1');
    expect(offer!.url).toMatchObject({ scheme: 'http', address: { ip: '127.0.0.1', port: agent.port }, path: '/slave(1)' });
    expect(offer!.id?.value).toMatch(new RegExp(`^${c.master.info.id}-O\\d+$`));
    const names = (offer!.resources ?? []).map((r) => r.name).sort();
    expect(names).toEqual(['cpus', 'disk', 'mem', 'ports']);
  });

  it('launches a task: RUN_TASK to the agent, RUNNING and FINISHED with uuids, acknowledgements reach the agent', async () => {
    const f = framework();
    await f.subscribe();
    const agent = c.agents[0]!;
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'task-1')]);

    const run = await agent.waitForType(internal.AgentEvent_Type.RUN_TASK);
    expect(run.runTask?.task?.taskId?.value).toBe('task-1');
    expect(run.runTask?.frameworkId?.value).toBe(f.frameworkId);
    expect(run.runTask?.framework?.name).toBe('test-framework');
    // Command task: no executor; allocation info injected from the offer.
    expect(run.runTask?.task?.executor).toBeUndefined();
    expect(run.runTask?.task?.resources?.[0]?.allocationInfo?.role).toBe('*');

    const running = await f.update('task-1', TaskState.TASK_RUNNING);
    expect(running.uuid?.byteLength).toBe(16);
    expect(running.source).toBe(TaskStatus_Source.SOURCE_EXECUTOR);
    expect(await f.client.acknowledge(running)).toBe(true);
    const ack = await agent.waitFor((e) => e.type === internal.AgentEvent_Type.ACKNOWLEDGE && Buffer.from(e.acknowledge!.uuid!).equals(Buffer.from(running.uuid!)));
    expect(ack.acknowledge?.taskId?.value).toBe('task-1');
    expect(ack.acknowledge?.frameworkId?.value).toBe(f.frameworkId);

    const finished = await f.update('task-1', TaskState.TASK_FINISHED);
    await f.client.acknowledge(finished);
    await agent.until(() => (agent.unacknowledged === 0 ? true : undefined));
    const s = await state(c.url);
    const fw = s['frameworks'][0];
    expect(fw.tasks).toEqual([]);
    expect(fw.completed_tasks).toHaveLength(1);
    expect(fw.completed_tasks[0]).toMatchObject({ id: 'task-1', state: 'TASK_FINISHED', slave_id: agent.agentId, framework_id: f.frameworkId, role: '*' });
    expect(fw.completed_tasks[0].statuses.map((x: { state: string }) => x.state)).toEqual(['TASK_RUNNING', 'TASK_FINISHED']);
    expect(fw.used_resources).toMatchObject({ cpus: 0, mem: 0 });
  });

  it('declines with filters: refuse_seconds keeps the agent away, 0 brings it straight back', async () => {
    const f = framework();
    await f.subscribe();
    const [first] = await f.offers();
    await f.client.decline([first!.id!], { refuseSeconds: 0 });
    let since = f.events.length;
    const [second] = await f.offers(since);
    expect(second!.id?.value).not.toBe(first!.id?.value);
    await f.client.decline([second!.id!], { refuseSeconds: 60 });
    since = f.events.length;
    await sleep(600);
    expect(f.events.slice(since).filter((e) => e.type === scheduler.Event_Type.OFFERS)).toEqual([]);
    // REVIVE clears the filter.
    await f.client.revive();
    await f.offers(since);
  });

  it('kills a task, and answers a kill of an unknown task by reconciliation', async () => {
    const f = framework();
    await f.subscribe();
    const runner = await c.addAgent({ onLaunch: 'run' });
    const since = f.events.length;
    const offers = await f.until(() => {
      const all = f.events.slice(since).flatMap((e) => e.offers?.offers ?? []);
      const mine = all.find((o) => o.agentId?.value === runner.agentId);
      return mine;
    }, 'an offer from the second agent');
    await f.client.launch(offers, [commandTask(offers, 'long')]);
    await f.client.acknowledge(await f.update('long', TaskState.TASK_RUNNING));
    await f.client.kill('long', runner.agentId);
    const killEvent = await runner.waitForType(internal.AgentEvent_Type.KILL_TASK);
    expect(killEvent.killTask?.taskId?.value).toBe('long');
    const killed = await f.update('long', TaskState.TASK_KILLED);
    expect(killed.uuid?.byteLength).toBe(16);

    await f.client.kill('ghost');
    const lost = await f.update('ghost');
    expect(lost.state).toBe(TaskState.TASK_LOST);
    expect(lost.reason).toBe(TaskStatus_Reason.REASON_RECONCILIATION);
    expect(lost.source).toBe(TaskStatus_Source.SOURCE_MASTER);
    expect(lost.uuid).toBeUndefined();
  });

  it('reconciles explicitly (known, unknown on a known agent, unknown agent) and implicitly', async () => {
    const f = framework({ capabilities: caps('PARTITION_AWARE') });
    await f.subscribe();
    const runner = await c.addAgent({ onLaunch: 'run' });
    const since = f.events.length;
    const offer = await f.until(() => f.events.slice(since).flatMap((e) => e.offers?.offers ?? []).find((o) => o.agentId?.value === runner.agentId), 'offer');
    await f.client.launch(offer, [commandTask(offer, 'r1')]);
    await f.update('r1', TaskState.TASK_RUNNING);

    const before = f.events.length;
    await f.client.reconcile([{ taskId: 'r1' }, { taskId: 'nope', agentId: runner.agentId! }, { taskId: 'nope2', agentId: 'no-such-agent' }]);
    const known = await f.update('r1', undefined, before);
    expect(known).toMatchObject({ state: TaskState.TASK_RUNNING, reason: TaskStatus_Reason.REASON_RECONCILIATION, source: TaskStatus_Source.SOURCE_MASTER, message: 'Reconciliation: Latest task state' });
    expect(known.uuid).toBeUndefined();
    expect((await f.update('nope', undefined, before)).state).toBe(TaskState.TASK_GONE);
    expect((await f.update('nope2', undefined, before)).state).toBe(TaskState.TASK_UNKNOWN);

    const implicit = f.events.length;
    await f.client.reconcile();
    const again = await f.update('r1', undefined, implicit);
    expect(again.state).toBe(TaskState.TASK_RUNNING);
    await sleep(100);
    expect(f.events.slice(implicit).filter((e) => e.type === scheduler.Event_Type.UPDATE)).toHaveLength(1);
  });

  it('refuses tasks as Mesos does: invalid offers (TASK_LOST / TASK_DROPPED), more than offered and duplicate IDs (TASK_ERROR)', async () => {
    const f = framework();
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch({ ...offer!, id: { value: 'no-such-offer' } }, [commandTask(offer!, 'ghost')]);
    const lost = await f.update('ghost');
    expect(lost).toMatchObject({ state: TaskState.TASK_LOST, reason: TaskStatus_Reason.REASON_INVALID_OFFERS, source: TaskStatus_Source.SOURCE_MASTER });
    expect(lost.message).toBe('Task launched with invalid offers: Offer no-such-offer is no longer valid');

    // The real offer is untouched; launch too much on it, and a valid task with a duplicate ID.
    const runner = await c.addAgent({ onLaunch: 'run' });
    const since = f.events.length;
    const second = await f.until(() => f.events.slice(since).flatMap((e) => e.offers?.offers ?? []).find((o) => o.agentId?.value === runner.agentId), 'offer');
    await f.client.launch(second, [commandTask(second, 'greedy', 'cpus:100;mem:128'), commandTask(second, 'ok'), commandTask(second, 'ok')]);
    const greedy = await f.update('greedy');
    expect(greedy).toMatchObject({ state: TaskState.TASK_ERROR, reason: TaskStatus_Reason.REASON_TASK_INVALID });
    expect(greedy.message).toMatch(/more than available/);
    await f.update('ok', TaskState.TASK_RUNNING);
    const duplicate = await f.update('ok', TaskState.TASK_ERROR);
    expect(duplicate.message).toBe('Task has duplicate ID: ok');

    // A PARTITION_AWARE framework gets TASK_DROPPED for invalid offers.
    const aware = framework({ name: 'aware', capabilities: caps('PARTITION_AWARE') });
    await aware.subscribe();
    await aware.client.launch({ ...offer!, id: { value: 'gone' } }, [commandTask(offer!, 'dropped')]);
    expect((await aware.update('dropped')).state).toBe(TaskState.TASK_DROPPED);
    expect((await fetch(`${c.url}/health`)).status).toBe(200);
  });

  it('answers malformed and out-of-place calls with 400/403/405/406/415 and keeps serving', async () => {
    const f = framework();
    const id = await f.subscribe();
    const h = { 'Content-Type': JSON_TYPE };
    const withStream = { ...h, 'Mesos-Stream-Id': f.client.streamId! };

    const truncated = await post(c.url, '{"type":"SUBSCRIBE","subscribe":', h);
    expect(truncated.status).toBe(400);
    expect(truncated.text).toMatch(/^Failed to parse body into JSON/);
    const wrongType = await post(c.url, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":7,"name":"x"}}}', h);
    expect(wrongType.status).toBe(400);
    expect(wrongType.text).toMatch(/user/);
    expect((await post(c.url, '{"type":"SUBSCRIBE"}', h)).text).toBe("Failed to validate scheduler::Call: Expecting 'subscribe' to be present");
    expect((await post(c.url, '{"type":"REVIVE"}', h)).text).toBe("Failed to validate scheduler::Call: Expecting 'framework_id' to be present");
    const noAccept = await post(c.url, JSON.stringify({ type: 'ACCEPT', framework_id: { value: id } }), withStream);
    expect(noAccept.status).toBe(400);
    expect(noAccept.text).toBe("Failed to validate scheduler::Call: Expecting 'accept' to be present");
    const badUuid = await post(c.url, JSON.stringify({ type: 'ACKNOWLEDGE', framework_id: { value: id }, acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: 'AAAA' } }), withStream);
    expect(badUuid.text).toBe('Failed to validate scheduler::Call: Not a valid UUID');
    const garbage = await post(c.url, new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]), { 'Content-Type': 'application/x-protobuf' });
    expect(garbage.status).toBe(400);
    expect(garbage.text).toMatch(/^Failed to parse body into Call protobuf/);

    const unknown = await post(c.url, JSON.stringify({ type: 'REVIVE', framework_id: { value: 'nope' } }), h);
    expect(unknown).toMatchObject({ status: 400, text: 'Framework cannot be found' });
    const wrongStream = await post(c.url, JSON.stringify({ type: 'REVIVE', framework_id: { value: id } }), { ...h, 'Mesos-Stream-Id': 'not-it' });
    expect(wrongStream.status).toBe(403);
    expect(wrongStream.text).toBe(`The stream ID 'not-it' included in this request didn't match the stream ID currently associated with framework ID ${id}`);
    expect((await post(c.url, JSON.stringify({ type: 'REVIVE', framework_id: { value: id } }), h)).status).toBe(403);
    const subscribeWithStream = await post(c.url, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n' } } }), withStream);
    expect(subscribeWithStream).toMatchObject({ status: 400, text: "Subscribe calls should not include the 'Mesos-Stream-Id' header" });

    expect((await fetch(`${c.url}/api/v1/scheduler`)).status).toBe(405);
    expect((await post(c.url, '{}', { 'Content-Type': 'text/plain' })).status).toBe(415);
    const notAcceptable = await post(c.url, JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n' } } }), { ...h, Accept: 'text/html' });
    expect(notAcceptable.status).toBe(406);

    // The same call with the right stream works, in protobuf too.
    expect((await post(c.url, JSON.stringify({ type: 'REVIVE', framework_id: { value: id } }), withStream)).status).toBe(202);
    const pb = encodeProtobuf('mesos.v1.scheduler.Call', { frameworkId: { value: id }, type: scheduler.Call_Type.SUPPRESS });
    expect((await post(c.url, pb, { 'Content-Type': 'application/x-protobuf', 'Mesos-Stream-Id': f.client.streamId! })).status).toBe(202);
    expect((await fetch(`${c.url}/health`)).status).toBe(200);
  });

  it('refuses a SUBSCRIBE with an invalid FrameworkInfo with an ERROR event', async () => {
    const res = await fetch(`${c.url}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', Accept: 'application/x-protobuf' },
      body: encodeProtobuf('mesos.v1.scheduler.Call', {
        type: scheduler.Call_Type.SUBSCRIBE,
        subscribe: { frameworkInfo: { user: 'u', name: 'n', role: 'a', capabilities: caps('MULTI_ROLE') } },
      }),
    });
    expect(res.status).toBe(200);
    const events: scheduler.Event[] = [];
    for await (const record of decodeRecords(res.body as unknown as AsyncIterable<Uint8Array>)) {
      const decoded = decodeProtobuf('mesos.v1.scheduler.Event', record);
      if (decoded.ok) events.push(decoded.value);
    }
    expect(events).toEqual([{ type: scheduler.Event_Type.ERROR, error: { message: "'FrameworkInfo.role' must not be set when the framework is MULTI_ROLE capable" } }]);
  });

  it('reserves resources through ACCEPT and launches on them in the same call', async () => {
    const f = framework({ roles: ['web'], capabilities: caps('MULTI_ROLE') });
    await f.subscribe();
    const runner = await c.addAgent({ onLaunch: 'run' });
    const since = f.events.length;
    const offer = await f.until(() => f.events.slice(since).flatMap((e) => e.offers?.offers ?? []).find((o) => o.agentId?.value === runner.agentId), 'offer');
    expect(offer.allocationInfo?.role).toBe('web');
    const reserved = [{ name: 'cpus', type: 0, scalar: { value: 1 }, reservations: [{ type: 2, role: 'web', principal: 'p' }], allocationInfo: { role: 'web' } }];
    const task = { ...commandTask(offer, 'on-reserved', 'cpus:0.5;mem:64'), resources: [...(reserved as never[]).map((r: Record<string, any>) => ({ ...r, scalar: { value: 0.5 } }))] };
    await f.client.accept([offer.id!], [{ type: Offer_Operation_Type.RESERVE, reserve: { resources: reserved as never } }, { type: Offer_Operation_Type.LAUNCH, launch: { taskInfos: [task] } }]);
    await f.update('on-reserved', TaskState.TASK_RUNNING);
    const s = await state(c.url);
    const slave = s['slaves'].find((x: { id: string }) => x.id === runner.agentId);
    expect(slave.reserved_resources).toEqual({ web: { cpus: 1, gpus: 0, mem: 0, disk: 0 } });
    expect(slave.unreserved_resources.cpus).toBe(3);
    expect(slave.used_resources.cpus).toBe(0.5);
  });
});
