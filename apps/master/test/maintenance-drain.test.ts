/**
 * DRAIN_AGENT, DEACTIVATE_AGENT, REACTIVATE_AGENT and MARK_AGENT_GONE in-process, against a real master over HTTP
 * with fake agents and a scheduler.
 */
import { AgentInfo_Capability_Type, DrainState, TaskState, TaskStatus_Reason, internal, scheduler } from '@mesos-ts/proto';
import { caps, cluster, commandTask, sleep, TestFramework, type Cluster } from './helpers';

async function operator(url: string, call: Record<string, unknown>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(call) });
  return { status: res.status, text: await res.text() };
}

const agentCall = (type: string, agentId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type,
  [type.toLowerCase()]: { agent_id: { value: agentId }, ...extra },
});

describe('agent drain and deactivation', () => {
  let c: Cluster;
  let framework: TestFramework;
  afterEach(async () => {
    framework?.close();
    await c.stop();
  });

  async function start(info: Parameters<typeof cluster>[2] = {}, frameworkCaps: Parameters<typeof caps> = []): Promise<string> {
    c = await cluster(0, [], info);
    await c.addAgent({ onLaunch: 'run', autoKill: false });
    framework = new TestFramework(c.url, frameworkCaps.length > 0 ? { capabilities: caps(...frameworkCaps) } : {});
    await framework.subscribe();
    const [offer] = await framework.offers();
    await framework.client.launch(offer!, [{ ...commandTask(offer!, 'task'), killPolicy: { gracePeriod: { nanoseconds: 30_000_000_000n } } }]);
    // Acknowledged, so that the agent sends the next update of the task.
    await framework.client.acknowledge(await framework.update('task', TaskState.TASK_RUNNING));
    return c.agents[0]!.agentId!;
  }

  it('drains: deactivated, DRAIN sent, DRAINING until the kill is acknowledged, then DRAINED until reactivated', async () => {
    const agentId = await start();
    const agent = c.agents[0]!;
    const since = framework.events.length;
    const res = await operator(c.url, agentCall('DRAIN_AGENT', agentId, { max_grace_period: { seconds: 5 } }));
    expect(res).toEqual({ status: 200, text: '' });
    const drain = await agent.waitForType(internal.AgentEvent_Type.DRAIN);
    expect(drain.drain?.config).toEqual({ maxGracePeriod: { nanoseconds: 5_000_000_000n }, markGone: false });
    const record = c.master.core.agents.get(agentId)!;
    expect(record).toMatchObject({ deactivated: true, active: false, drain: { state: DrainState.DRAINING } });

    // Still DRAINING: reactivation is refused.
    expect(await operator(c.url, agentCall('REACTIVATE_AGENT', agentId))).toEqual({ status: 400, text: 'Agent is still in the DRAINING state' });

    // The agent kills the task (as our agent does on DRAIN); DRAINED once the scheduler acknowledges it.
    agent.sendStatus(framework.frameworkId, 'task', TaskState.TASK_KILLED, { reason: TaskStatus_Reason.REASON_AGENT_DRAINING });
    const killed = await framework.update('task', TaskState.TASK_KILLED, since);
    expect(record.drain?.state).toBe(DrainState.DRAINING);
    await framework.client.acknowledge(killed);
    await agent.until(() => (record.drain?.state === DrainState.DRAINED ? true : undefined), 4000, 'DRAINED');
    expect(record.deactivated).toBe(true);

    // No offers for a drained agent.
    await framework.client.revive();
    await sleep(400);
    expect(framework.events.slice(since).filter((e) => e.type === scheduler.Event_Type.OFFERS)).toEqual([]);

    // A re-registration keeps it drained and deactivated, and re-sends DRAIN.
    const drains = agent.events.filter((e) => e.type === internal.AgentEvent_Type.DRAIN).length;
    await agent.disconnect();
    await agent.reregister();
    await agent.until(() => (agent.events.filter((e) => e.type === internal.AgentEvent_Type.DRAIN).length > drains ? true : undefined));
    expect(c.master.core.agents.get(agentId)).toMatchObject({ deactivated: true, active: false, drain: { state: DrainState.DRAINED } });

    expect(await operator(c.url, agentCall('REACTIVATE_AGENT', agentId))).toEqual({ status: 200, text: '' });
    const offers = await framework.offers(framework.events.length);
    expect(offers[0]!.agentId?.value).toBe(agentId);
    expect(c.master.core.agents.get(agentId)).toMatchObject({ deactivated: false, active: true, drain: undefined });
    expect(await operator(c.url, agentCall('REACTIVATE_AGENT', agentId))).toEqual({ status: 400, text: 'Agent is not deactivated' });
  });

  it('drains with mark_gone: the agent is marked gone once drained', async () => {
    const agentId = await start({}, ['PARTITION_AWARE']);
    const agent = c.agents[0]!;
    expect((await operator(c.url, agentCall('DRAIN_AGENT', agentId, { mark_gone: true }))).status).toBe(200);
    await agent.waitForType(internal.AgentEvent_Type.DRAIN);
    agent.sendStatus(framework.frameworkId, 'task', TaskState.TASK_GONE_BY_OPERATOR, { reason: TaskStatus_Reason.REASON_AGENT_DRAINING });
    await framework.client.acknowledge(await framework.update('task', TaskState.TASK_GONE_BY_OPERATOR));
    const shutdown = await agent.waitForType(internal.AgentEvent_Type.SHUTDOWN);
    expect(shutdown.shutdown?.message).toBe('Agent has been marked gone');
    expect(c.master.core.agents.has(agentId)).toBe(false);
    expect(c.master.core.maintenance.gone.has(agentId)).toBe(true);
    await expect(agent.reregister()).rejects.toThrow('First event was SHUTDOWN');
  });

  it('deactivates and reactivates: offers rescinded, none while deactivated, tasks untouched', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ onLaunch: 'run' });
    const agentId = agent.agentId!;
    framework = new TestFramework(c.url);
    await framework.subscribe();
    const [offer] = await framework.offers();
    const since = framework.events.length;
    expect(await operator(c.url, agentCall('DEACTIVATE_AGENT', agentId))).toEqual({ status: 200, text: '' });
    const rescind = await framework.waitFor((e) => e.type === scheduler.Event_Type.RESCIND, since);
    expect(rescind.rescind?.offerId?.value).toBe(offer!.id?.value);
    await sleep(400);
    expect(framework.events.slice(since).filter((e) => e.type === scheduler.Event_Type.OFFERS)).toEqual([]);
    expect(agent.events.some((e) => e.type === internal.AgentEvent_Type.DRAIN)).toBe(false);

    expect(await operator(c.url, agentCall('DEACTIVATE_AGENT', 'no-such-agent'))).toEqual({ status: 400, text: 'Unknown agent' });
    expect(await operator(c.url, agentCall('DRAIN_AGENT', 'no-such-agent'))).toEqual({ status: 400, text: 'Unknown agent' });
    expect(await operator(c.url, agentCall('REACTIVATE_AGENT', agentId))).toEqual({ status: 200, text: '' });
    const offers = await framework.offers(framework.events.length);
    expect(offers[0]!.agentId?.value).toBe(agentId);
  });

  it('marks an agent gone: its tasks are gone by operator, it is shut down and never admitted again', async () => {
    const agentId = await start({}, ['PARTITION_AWARE']);
    const agent = c.agents[0]!;
    expect(await operator(c.url, agentCall('MARK_AGENT_GONE', agentId))).toEqual({ status: 200, text: '' });
    const status = await framework.update('task', TaskState.TASK_GONE_BY_OPERATOR);
    expect(status.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED_BY_OPERATOR);
    expect((await agent.waitForType(internal.AgentEvent_Type.SHUTDOWN)).shutdown?.message).toBe('Agent has been marked gone');
    await framework.waitFor((e) => e.type === scheduler.Event_Type.FAILURE && e.failure?.agentId?.value === agentId);
    expect(await operator(c.url, agentCall('MARK_AGENT_GONE', agentId))).toEqual({ status: 200, text: '' });
    expect(await operator(c.url, agentCall('MARK_AGENT_GONE', 'no-such-agent'))).toEqual({ status: 404, text: "Agent 'no-such-agent' not found" });
    await expect(agent.reregister()).rejects.toThrow('First event was SHUTDOWN');
    expect(agent.events.at(-1)?.shutdown?.message).toBe('Agent has been marked gone');
  });

  it('refuses to drain an agent on a scheduled machine or one that cannot drain', async () => {
    c = await cluster(0);
    const scheduled = await c.addAgent({ hostname: 'sched' });
    const old = await c.addAgent({ capabilities: [AgentInfo_Capability_Type.MULTI_ROLE] });
    await fetch(`${c.url}/master/maintenance/schedule`, {
      method: 'POST',
      body: JSON.stringify({ windows: [{ machine_ids: [{ hostname: 'sched', ip: '127.0.0.1' }], unavailability: { start: { nanoseconds: 1 } } }] }),
    });
    expect(await operator(c.url, agentCall('DRAIN_AGENT', scheduled.agentId!))).toEqual({
      status: 400,
      text: `Agent ${scheduled.agentId} is part of a maintenance schedule under Machine {"hostname":"sched","ip":"127.0.0.1"}`,
    });
    expect(await operator(c.url, agentCall('DRAIN_AGENT', old.agentId!))).toEqual({ status: 400, text: `Agent ${old.agentId} is not capable of draining` });
  });
});
