/**
 * The operator API's SUBSCRIBE stream: SUBSCRIBED with the state, HEARTBEAT, and the events of a task launched
 * and finished, agents added and removed, frameworks added, updated and removed, in JSON and protobuf.
 */
import { TaskState, master } from '@mesos-ts/proto';
import { FakeAgent, startTestMaster } from '../src/testing';
import { Resources } from '@mesos-ts/resources';
import { recoverFramework } from '../src/frameworks';
import { operatorSubscribers } from '../src/operator';
import { cluster, commandTask, sleep, TestFramework, type Cluster } from './helpers';
import { EventReader } from './operator-helpers';

const E = master.Event_Type;

describe('operator API: SUBSCRIBE', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  const readers: EventReader[] = [];
  beforeEach(async () => {
    c = await cluster(0);
  });
  afterEach(async () => {
    for (const r of readers.splice(0)) r.close();
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  async function open(encoding: 'json' | 'protobuf' = 'json'): Promise<EventReader> {
    const reader = await EventReader.open(c.url, encoding);
    readers.push(reader);
    await reader.waitFor((e) => e.type === E.HEARTBEAT, 'the first HEARTBEAT');
    return reader;
  }

  it('starts with SUBSCRIBED (the whole state, the heartbeat interval) and a HEARTBEAT', async () => {
    const agent = await c.addAgent();
    const reader = await open();
    expect(reader.status).toBe(200);
    expect(reader.contentType).toBe('application/json');
    expect(reader.events.slice(0, 2).map((e) => e.type)).toEqual([E.SUBSCRIBED, E.HEARTBEAT]);
    const subscribed = reader.events[0]!.subscribed!;
    expect(subscribed.heartbeatIntervalSeconds).toBe(15);
    expect(subscribed.getState?.getAgents?.agents?.map((a) => a.agentInfo?.id?.value)).toEqual([agent.agentId]);
    expect(subscribed.getState?.getFrameworks).toBeDefined();
    expect(subscribed.getState?.getTasks).toBeDefined();
  });

  it('sends FRAMEWORK_ADDED, TASK_ADDED and TASK_UPDATED per new state for a task launched and finished', async () => {
    await c.addAgent({ onLaunch: 'instant' });
    const reader = await open();
    const f = new TestFramework(c.url, { name: 'watched' });
    frameworks.push(f);
    const id = await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'task-1')]);
    await f.client.acknowledge(await f.update('task-1', TaskState.TASK_RUNNING));
    await f.client.acknowledge(await f.update('task-1', TaskState.TASK_FINISHED));
    await reader.waitFor((e) => e.type === E.TASK_UPDATED && e.taskUpdated?.status?.state === TaskState.TASK_FINISHED, 'TASK_UPDATED (FINISHED)');
    await sleep(50);
    expect(reader.types()).toEqual(['SUBSCRIBED', 'FRAMEWORK_ADDED', 'TASK_ADDED', 'TASK_UPDATED', 'TASK_UPDATED']);
    const added = reader.events.find((e) => e.type === E.FRAMEWORK_ADDED)!.frameworkAdded!.framework!;
    expect(added).toMatchObject({ active: true, connected: true, recovered: false, frameworkInfo: { id: { value: id }, name: 'watched' } });
    expect(added.registeredTime?.nanoseconds).toBeGreaterThan(0n);
    const task = reader.events.find((e) => e.type === E.TASK_ADDED)!.taskAdded!.task!;
    expect(task).toMatchObject({ taskId: { value: 'task-1' }, state: TaskState.TASK_STAGING, frameworkId: { value: id } });
    const updates = reader.events.filter((e) => e.type === E.TASK_UPDATED).map((e) => e.taskUpdated!);
    expect(updates.map((u) => [u.frameworkId?.value, u.status?.taskId?.value, u.status?.state])).toEqual([
      [id, 'task-1', TaskState.TASK_RUNNING],
      [id, 'task-1', TaskState.TASK_FINISHED],
    ]);
    // `state` is the task's latest state, which the agent may report ahead of the status.
    expect(updates[1]!.state).toBe(TaskState.TASK_FINISHED);
  });

  it('sends AGENT_ADDED and AGENT_REMOVED, in protobuf', async () => {
    const reader = await open('protobuf');
    expect(reader.contentType).toBe('application/x-protobuf');
    const agent = await c.addAgent();
    const added = await reader.waitFor((e) => e.type === E.AGENT_ADDED, 'AGENT_ADDED');
    expect(added.agentAdded?.agent).toMatchObject({ active: true, deactivated: false, pid: agent.pid, agentInfo: { id: { value: agent.agentId } } });
    expect(added.agentAdded?.agent?.totalResources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(4);
    await agent.unregister();
    const removed = await reader.waitFor((e) => e.type === E.AGENT_REMOVED, 'AGENT_REMOVED');
    expect(removed.agentRemoved?.agentId?.value).toBe(agent.agentId);
    expect(reader.types()).toEqual(['SUBSCRIBED', 'AGENT_ADDED', 'AGENT_REMOVED']);
  });

  it('sends FRAMEWORK_UPDATED on disconnect and FRAMEWORK_REMOVED on teardown, with the task killed first', async () => {
    await c.addAgent({ onLaunch: 'run' });
    const reader = await open();
    const f = new TestFramework(c.url, { failoverTimeout: 60 });
    frameworks.push(f);
    const id = await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'long')]);
    await f.client.acknowledge(await f.update('long', TaskState.TASK_RUNNING));
    f.close();
    const updated = await reader.waitFor((e) => e.type === E.FRAMEWORK_UPDATED, 'FRAMEWORK_UPDATED');
    expect(updated.frameworkUpdated?.framework).toMatchObject({ connected: false, active: false, frameworkInfo: { id: { value: id } } });
    const answer = await fetch(`${c.url}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'TEARDOWN', teardown: { framework_id: { value: id } } }),
    });
    expect(answer.status).toBe(200);
    const removed = await reader.waitFor((e) => e.type === E.FRAMEWORK_REMOVED, 'FRAMEWORK_REMOVED');
    expect(removed.frameworkRemoved?.frameworkInfo?.id?.value).toBe(id);
    expect(reader.types()).toEqual(['SUBSCRIBED', 'FRAMEWORK_ADDED', 'TASK_ADDED', 'TASK_UPDATED', 'FRAMEWORK_UPDATED', 'TASK_UPDATED', 'FRAMEWORK_REMOVED']);
    const killed = reader.events.filter((e) => e.type === E.TASK_UPDATED)[1]!.taskUpdated!;
    expect(killed.status?.state).toBe(TaskState.TASK_KILLED);
  });

  it('feeds many subscribers from one listener and forgets closed ones', async () => {
    const a = await open('json');
    const b = await open('protobuf');
    const subscribers = operatorSubscribers(c.master.core);
    expect(subscribers.size).toBe(2);
    expect(c.master.core.changes.listenerCount).toBeGreaterThanOrEqual(1);
    const listeners = c.master.core.changes.listenerCount;
    await open('json');
    expect(c.master.core.changes.listenerCount).toBe(listeners);
    const agent = await c.addAgent();
    await a.waitFor((e) => e.type === E.AGENT_ADDED);
    await b.waitFor((e) => e.type === E.AGENT_ADDED);
    for (const r of readers.splice(0)) r.close();
    await agent.stop();
    for (let i = 0; i < 50 && subscribers.size > 0; i++) await sleep(20);
    expect(subscribers.size).toBe(0);
    expect(c.master.core.changes.listenerCount).toBe(listeners - 1);
  });
});

describe('operator API: SUBSCRIBE, on a master of its own', () => {
  it('sends a HEARTBEAT every heartbeat interval', async () => {
    const m = await startTestMaster([], { heartbeatIntervalMs: 100 });
    const url = `http://127.0.0.1:${m.address.port}`;
    const reader = await EventReader.open(url);
    try {
      await reader.until(() => (reader.events.filter((e) => e.type === E.HEARTBEAT).length >= 3 ? true : undefined), 'three heartbeats', 2000);
      expect(reader.events[0]!.subscribed?.heartbeatIntervalSeconds).toBe(0.1);
    } finally {
      reader.close();
      await m.stop();
    }
  });

  it('announces tasks an agent reports for a framework the master recovers after FRAMEWORK_ADDED', async () => {
    const m = await startTestMaster(['--allocation_interval=100ms']);
    const url = `http://127.0.0.1:${m.address.port}`;
    const agent = await FakeAgent.start({ master: url });
    const reader = await EventReader.open(url);
    try {
      await reader.waitFor((e) => e.type === E.HEARTBEAT, 'HEARTBEAT');
      // What a re-registering agent does after a master failover: it reports a task of a framework the master
      // does not know yet, and the master then recovers the framework (agents.ts `reregisterAgent`).
      m.core.trackTask(
        { name: 'orphan', taskId: { value: 'orphan' }, frameworkId: { value: 'fw-x' }, agentId: { value: agent.agentId! }, state: TaskState.TASK_RUNNING, resources: [], statuses: [] },
        Resources.EMPTY,
      );
      recoverFramework(m.core, { id: { value: 'fw-x' }, name: 'recovered', user: 'u' });
      await reader.waitFor((e) => e.type === E.TASK_ADDED, 'TASK_ADDED');
      expect(reader.types()).toEqual(['SUBSCRIBED', 'FRAMEWORK_ADDED', 'TASK_ADDED']);
      expect(reader.events.find((e) => e.type === E.FRAMEWORK_ADDED)!.frameworkAdded!.framework).toMatchObject({ recovered: true, connected: false });
    } finally {
      reader.close();
      await agent.stop();
      await m.stop();
    }
  });
});
