/**
 * Maintenance in-process: schedules and their validation, inverse offers answered by a scheduler, machines DOWN and
 * UP (agents refused, then admitted again), against a real master over HTTP with fake agents.
 */
import { TaskState, TaskStatus_Reason, internal, scheduler, type FrameworkInfo, type Offer } from '@mesos-ts/proto';
import { cluster, commandTask, caps, post, TestFramework, type Cluster } from './helpers';

const WINDOW_START = 1_900_000_000_000_000_000n;

function schedule(machines: { hostname?: string; ip?: string }[][], durationNs = 3_600_000_000_000n): Record<string, unknown> {
  return {
    windows: machines.map((ids) => ({ machine_ids: ids, unavailability: { start: { nanoseconds: Number(WINDOW_START) }, duration: { nanoseconds: Number(durationNs) } } })),
  };
}

async function json(url: string, path: string, body?: unknown): Promise<{ status: number; text: string; value: any }> {
  const res = await fetch(`${url}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  let value: any;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  return { status: res.status, text, value };
}

/** One operator call as JSON. */
function operator(url: string, call: Record<string, unknown>): Promise<{ status: number; text: string; value: any }> {
  return json(url, '/api/v1', call);
}

/** A framework with a task running on the (only) agent. */
async function withRunningTask(c: Cluster, taskId: string, info: Partial<FrameworkInfo> = {}): Promise<{ framework: TestFramework; offer: Offer }> {
  const framework = new TestFramework(c.url, info);
  await framework.subscribe();
  const [offer] = await framework.offers();
  await framework.client.launch(offer!, [commandTask(offer!, taskId)]);
  await framework.update(taskId, TaskState.TASK_RUNNING);
  return { framework, offer: offer! };
}

describe('maintenance schedule', () => {
  let c: Cluster;
  beforeEach(async () => {
    c = await cluster(0);
  });
  afterEach(async () => {
    await c.stop();
  });

  it('validates schedules as Mesos does and answers GET with the schedule', async () => {
    const bad = async (body: unknown): Promise<string> => {
      const res = await json(c.url, '/master/maintenance/schedule', body);
      expect(res.status).toBe(400);
      return res.text;
    };
    expect(await bad(schedule([[]]))).toBe('List of machines in the maintenance window is empty');
    expect(await bad(schedule([[{ hostname: 'a', ip: '10.0.0.1' }], [{ hostname: 'A', ip: '10.0.0.1' }]]))).toBe(
      'Machine \'{"hostname":"A","ip":"10.0.0.1"}\' appears more than once in the schedule',
    );
    expect(await bad(schedule([[{}]]))).toBe("Both 'hostname' and 'ip' for a machine are empty");
    expect(await bad(schedule([[{ ip: '10.0.0.300' }]]))).toContain("Failed to parse IP '10.0.0.300'");
    expect(await bad(schedule([[{ hostname: 'a' }]], -1n))).toBe("Unavailability 'duration' is negative");
    expect((await fetch(`${c.url}/master/maintenance/schedule`, { method: 'PUT' })).status).toBe(405);

    const ok = await json(c.url, '/master/maintenance/schedule', schedule([[{ hostname: 'a', ip: '10.0.0.1' }, { hostname: 'b', ip: '10.0.0.2' }]]));
    expect(ok.status).toBe(200);
    const got = await json(c.url, '/maintenance/schedule');
    expect(got.value).toEqual({
      windows: [
        {
          machine_ids: [
            { hostname: 'a', ip: '10.0.0.1' },
            { hostname: 'b', ip: '10.0.0.2' },
          ],
          unavailability: { start: { nanoseconds: Number(WINDOW_START) }, duration: { nanoseconds: 3_600_000_000_000 } },
        },
      ],
    });
    const viaApi = await operator(c.url, { type: 'GET_MAINTENANCE_SCHEDULE' });
    expect(viaApi.status).toBe(200);
    expect(viaApi.value.get_maintenance_schedule.schedule).toEqual(got.value);
    const status = await json(c.url, '/master/maintenance/status?jsonp=cb');
    expect(status.text).toBe('cb({"draining_machines":[{"id":{"hostname":"a","ip":"10.0.0.1"}},{"id":{"hostname":"b","ip":"10.0.0.2"}}]})');

    // START_MAINTENANCE on an unscheduled machine, and STOP on one that is not DOWN, are refused.
    const down = await operator(c.url, { type: 'START_MAINTENANCE', start_maintenance: { machines: [{ hostname: 'z', ip: '10.0.0.9' }] } });
    expect(down).toMatchObject({ status: 400, text: 'Machine \'{"hostname":"z","ip":"10.0.0.9"}\' is not part of a maintenance schedule' });
    const up = await json(c.url, '/master/machine/up', [{ hostname: 'a', ip: '10.0.0.1' }]);
    expect(up).toMatchObject({ status: 400, text: 'Machine \'{"hostname":"a","ip":"10.0.0.1"}\' is not in DOWN mode and cannot be brought up' });
    expect((await json(c.url, '/master/machine/down', { not: 'an array' })).status).toBe(400);
    expect((await json(c.url, '/master/machine/down', [])).text).toBe('List of machines is empty');

    // A DOWN machine cannot be dropped from the schedule; once UP it is gone from it.
    expect((await json(c.url, '/master/machine/down', [{ hostname: 'a', ip: '10.0.0.1' }])).status).toBe(200);
    expect(await bad(schedule([[{ hostname: 'b', ip: '10.0.0.2' }]]))).toBe('Machine \'{"hostname":"a","ip":"10.0.0.1"}\' is deactivated and cannot be removed from the schedule');
    expect((await json(c.url, '/maintenance/status')).value).toEqual({
      draining_machines: [{ id: { hostname: 'b', ip: '10.0.0.2' } }],
      down_machines: [{ hostname: 'a', ip: '10.0.0.1' }],
    });
    expect((await json(c.url, '/machine/up', [{ hostname: 'a', ip: '10.0.0.1' }])).status).toBe(200);
    expect((await json(c.url, '/maintenance/schedule')).value.windows[0].machine_ids).toEqual([{ hostname: 'b', ip: '10.0.0.2' }]);
    // An empty schedule clears it.
    expect((await operator(c.url, { type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule: {} } })).status).toBe(200);
    expect((await json(c.url, '/maintenance/schedule')).value).toEqual({});
    expect((await json(c.url, '/maintenance/status')).value).toEqual({});
  });
});

describe('inverse offers', () => {
  let c: Cluster;
  afterEach(async () => {
    await c.stop();
  });

  it('asks the frameworks on a scheduled machine, records ACCEPT and DECLINE, and rescinds when unscheduled', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ hostname: 'host-1', onLaunch: 'run' });
    const { framework } = await withRunningTask(c, 't1');
    const since = framework.events.length;
    const machine = { hostname: 'host-1', ip: '127.0.0.1' };
    expect((await json(c.url, '/master/maintenance/schedule', schedule([[machine]]))).status).toBe(200);

    const event = await framework.waitFor((e) => e.type === scheduler.Event_Type.INVERSE_OFFERS, since);
    const inverse = event.inverseOffers!.inverseOffers![0]!;
    expect(inverse.agentId?.value).toBe(agent.agentId);
    expect(inverse.frameworkId?.value).toBe(framework.frameworkId);
    expect(inverse.unavailability?.start?.nanoseconds).toBe(WINDOW_START);
    expect(inverse.url?.address?.hostname).toBe('host-1');
    await framework.client.revive();
    // Offers made for the agent now carry the unavailability.
    const offerEvent = await framework.waitFor((e) => e.type === scheduler.Event_Type.OFFERS, since);
    expect(offerEvent.offers!.offers![0]!.unavailability?.start?.nanoseconds).toBe(WINDOW_START);

    await framework.client.declineInverseOffers([inverse.id!], { refuseSeconds: 0.2 });
    await waitForStatus(c, 'DECLINE');
    const declined = (await json(c.url, '/master/maintenance/status')).value;
    expect(declined.draining_machines[0]).toMatchObject({ id: machine, statuses: [{ status: 'DECLINE', framework_id: { value: framework.frameworkId } }] });

    // The decline filter expires: asked again, and this time it accepts.
    const again = await framework.waitFor((e) => e.type === scheduler.Event_Type.INVERSE_OFFERS, since + framework.events.slice(since).indexOf(event) + 1, 5000);
    await framework.client.acceptInverseOffers([again.inverseOffers!.inverseOffers![0]!.id!], { refuseSeconds: 60 });
    await waitForStatus(c, 'ACCEPT');
    const viaApi = await operator(c.url, { type: 'GET_MAINTENANCE_STATUS' });
    expect(viaApi.value.get_maintenance_status.status.draining_machines[0].statuses[0].status).toBe('ACCEPT');

    // Answering an inverse offer twice, or one that never was, is only logged.
    await framework.client.acceptInverseOffers([again.inverseOffers!.inverseOffers![0]!.id!]);
    await framework.client.declineInverseOffers(['no-such-offer']);

    // A new window for the machine: outstanding inverse offers are rescinded and new ones made.
    const before = framework.events.length;
    expect((await json(c.url, '/master/maintenance/schedule', schedule([[machine]], 7_200_000_000_000n))).status).toBe(200);
    const fresh = await framework.waitFor((e) => e.type === scheduler.Event_Type.INVERSE_OFFERS, before);
    expect(fresh.inverseOffers!.inverseOffers![0]!.unavailability?.duration?.nanoseconds).toBe(7_200_000_000_000n);
    // Unscheduled: the outstanding one is rescinded.
    const beforeClear = framework.events.length;
    expect((await json(c.url, '/master/maintenance/schedule', {})).status).toBe(200);
    const rescind = await framework.waitFor((e) => e.type === scheduler.Event_Type.RESCIND_INVERSE_OFFER, beforeClear);
    expect(rescind.rescindInverseOffer?.inverseOfferId?.value).toBe(fresh.inverseOffers!.inverseOffers![0]!.id?.value);
    framework.close();
  });

  it('rescinds inverse offers after --offer_timeout', async () => {
    c = await cluster(0, ['--offer_timeout=300ms']);
    await c.addAgent({ hostname: 'host-2', onLaunch: 'run' });
    const { framework } = await withRunningTask(c, 't2');
    const since = framework.events.length;
    await json(c.url, '/master/maintenance/schedule', schedule([[{ hostname: 'host-2', ip: '127.0.0.1' }]]));
    const event = await framework.waitFor((e) => e.type === scheduler.Event_Type.INVERSE_OFFERS, since);
    const rescind = await framework.waitFor((e) => e.type === scheduler.Event_Type.RESCIND_INVERSE_OFFER, since);
    expect(rescind.rescindInverseOffer?.inverseOfferId?.value).toBe(event.inverseOffers!.inverseOffers![0]!.id?.value);
    framework.close();
  });
});

async function waitForStatus(c: Cluster, status: string): Promise<void> {
  const until = Date.now() + 4000;
  for (;;) {
    const value = (await json(c.url, '/master/maintenance/status')).value;
    if (value.draining_machines?.[0]?.statuses?.some((s: { status: string }) => s.status === status)) return;
    if (Date.now() > until) throw new Error(`No ${status} in ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('machine down and up', () => {
  let c: Cluster;
  afterEach(async () => {
    await c.stop();
  });

  it('kills the tasks of a DOWN machine, refuses its agent until it is UP, then offers it again', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ hostname: 'host-3', onLaunch: 'run' });
    const agentId = agent.agentId!;
    const lost = await withRunningTask(c, 'lost-task');
    const gone = await withRunningTask(c, 'gone-task', { capabilities: caps('PARTITION_AWARE'), name: 'aware' });
    const machine = { hostname: 'host-3', ip: '127.0.0.1' };
    expect((await operator(c.url, { type: 'UPDATE_MAINTENANCE_SCHEDULE', update_maintenance_schedule: { schedule: schedule([[machine]]) } })).status).toBe(200);

    const res = await operator(c.url, { type: 'START_MAINTENANCE', start_maintenance: { machines: [machine] } });
    expect(res.status).toBe(200);
    const lostStatus = await lost.framework.update('lost-task', TaskState.TASK_LOST);
    expect(lostStatus.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED);
    expect(lostStatus.message).toBe("Operator initiated 'Machine DOWN'");
    const goneStatus = await gone.framework.update('gone-task', TaskState.TASK_GONE_BY_OPERATOR);
    expect(goneStatus.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED_BY_OPERATOR);
    // The agent was told to shut its frameworks down, and its session ended.
    const shutdowns = agent.events.filter((e) => e.type === internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK).map((e) => e.shutdownFramework?.frameworkId?.value);
    expect(shutdowns.sort()).toEqual([lost.framework.frameworkId, gone.framework.frameworkId].sort());
    await agent.until(() => (agent.connected ? undefined : true));
    expect(c.master.core.agents.has(agentId)).toBe(false);

    // While DOWN, the agent may not come back, under its ID or a new one.
    await expect(agent.reregister()).rejects.toThrow('First event was SHUTDOWN');
    expect(agent.events.at(-1)?.shutdown?.message).toBe('Machine is `DOWN`');
    await expect(c.addAgent({ hostname: 'host-3', port: agent.port + 1000 })).rejects.toThrow('First event was SHUTDOWN');

    const since = lost.framework.events.length;
    expect((await json(c.url, '/master/machine/up', [machine])).status).toBe(200);
    await agent.reregister();
    expect(c.master.core.agents.get(agentId)?.connected).toBe(true);
    const offers = await lost.framework.waitFor((e) => e.type === scheduler.Event_Type.OFFERS && e.offers!.offers!.some((o) => o.agentId?.value === agentId), since);
    // No longer scheduled: no unavailability on the offer.
    expect(offers.offers!.offers![0]!.unavailability).toBeUndefined();
    lost.framework.close();
    gone.framework.close();
  });
});

describe('operator API errors', () => {
  let c: Cluster;
  afterEach(async () => {
    await c.stop();
  });

  it('answers 400 for calls without their fields and bad machine lists', async () => {
    c = await cluster(0);
    expect((await operator(c.url, { type: 'STOP_MAINTENANCE', stop_maintenance: { machines: [{ hostname: 'x', ip: 'nope' }] } })).status).toBe(400);
    expect((await operator(c.url, { type: 'DRAIN_AGENT', drain_agent: {} })).status).toBe(400);
    expect((await post(c.url, 'not json', { 'Content-Type': 'application/json' }, '/master/maintenance/schedule')).status).toBe(400);
  });
});
