/**
 * Maintenance with real processes: a schedule turns into an inverse offer to the scheduler running on the machine;
 * the machine goes DOWN (its task is lost, its agent refused) and comes back UP (the same agent registers again and
 * is offered); DRAIN_AGENT kills a running task within the drain's grace period and the agent stays drained.
 */
import { TaskState, TaskStatus_Reason, scheduler } from '@mesos-ts/proto';
import { eventually, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

async function postJson(url: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

const MACHINE = { hostname: '127.0.0.1', ip: '127.0.0.1' };

describe('maintenance (real processes)', () => {
  let cluster: Cluster;
  afterEach(async () => {
    await cluster?.stop();
  });

  it('schedule -> inverse offer -> machine down (task lost, agent refused) -> up -> the agent is back and offered', async () => {
    cluster = await startCluster({ agents: 1, agentFlags: ['--registration_backoff_factor=100ms'] });
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'maintained' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const agentId = offer!.agentId!.value!;
      await framework.launch(offer!, [commandTask(offer!, 'long', 'sleep 1000', 0.5, 32)]);
      await framework.waitForState('long', TaskState.TASK_RUNNING);

      const start = Date.now() * 1_000_000 + 3_600_000_000_000;
      const scheduled = await postJson(cluster.masterUrl, '/master/maintenance/schedule', {
        windows: [{ machine_ids: [MACHINE], unavailability: { start: { nanoseconds: start }, duration: { nanoseconds: 3_600_000_000_000 } } }],
      });
      expect(scheduled.status).toBe(200);
      const inverse = await framework.waitFor('INVERSE_OFFERS', (e) => e.type === scheduler.Event_Type.INVERSE_OFFERS);
      const inverseOffer = inverse.inverseOffers!.inverseOffers![0]!;
      expect(inverseOffer.agentId?.value).toBe(agentId);
      await framework.client.acceptInverseOffers([inverseOffer.id!]);
      await eventually('the ACCEPT in /maintenance/status', async () => {
        const status = (await (await fetch(`${cluster.masterUrl}/master/maintenance/status`)).json()) as { draining_machines?: { statuses?: { status: string }[] }[] };
        return status.draining_machines?.[0]?.statuses?.[0]?.status === 'ACCEPT' ? true : undefined;
      });

      expect(await postJson(cluster.masterUrl, '/master/machine/down', [MACHINE])).toEqual({ status: 200, text: '' });
      const lost = await framework.waitForState('long', TaskState.TASK_LOST);
      expect(lost.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED);
      expect(lost.message).toBe("Operator initiated 'Machine DOWN'");
      await eventually('the agent to be removed', async () => ((await cluster.state()).slaves.length === 0 ? true : undefined));
      // The agent keeps trying and is refused while the machine is DOWN.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await cluster.state()).slaves).toHaveLength(0);
      expect(cluster.agents[0]!.daemon.running).toBe(true);
      const status = (await (await fetch(`${cluster.masterUrl}/master/maintenance/status`)).json()) as Record<string, unknown>;
      expect(status).toEqual({ down_machines: [MACHINE] });

      const offersBefore = framework.events.length;
      expect(await postJson(cluster.masterUrl, '/master/machine/up', [MACHINE])).toEqual({ status: 200, text: '' });
      const back = await eventually(
        'the agent to register again',
        async () => {
          const s = await cluster.state();
          return s.slaves.find((a) => a.id === agentId && a.active);
        },
        30_000,
      );
      expect(back.id).toBe(agentId);
      await framework.client.revive();
      const offered = await eventually(
        'an offer on the returned agent',
        () => framework.events.slice(offersBefore).find((e) => e.type === scheduler.Event_Type.OFFERS && e.offers!.offers!.some((o) => o.agentId?.value === agentId)),
        20_000,
      );
      expect(offered.offers!.offers![0]!.unavailability).toBeUndefined();
    } finally {
      await framework.close();
    }
  }, 90_000);

  it('DRAIN_AGENT kills a running task within max_grace_period and the agent stays drained', async () => {
    cluster = await startCluster({ agents: 1 });
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'drained' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const agentId = offer!.agentId!.value!;
      // The task ignores SIGTERM and asks for a minute to stop: only the drain's 2 s cap ends it in time.
      const stubborn = commandTask(offer!, 'stubborn', "trap 'echo got TERM' TERM; while true; do sleep 0.2; done", 0.5, 32, {
        killPolicy: { gracePeriod: { nanoseconds: 60_000_000_000n } },
      });
      await framework.launch(offer!, [stubborn]);
      await framework.waitForState('stubborn', TaskState.TASK_RUNNING);

      const started = Date.now();
      const drained = await postJson(cluster.masterUrl, '/api/v1', { type: 'DRAIN_AGENT', drain_agent: { agent_id: { value: agentId }, max_grace_period: { seconds: 2 } } });
      expect(drained).toEqual({ status: 200, text: '' });
      const killed = await framework.waitForTerminal('stubborn', 30_000).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${cluster.logs()}`);
      });
      const took = Date.now() - started;
      expect(killed.state).toBe(TaskState.TASK_KILLED);
      expect(killed.reason).toBe(TaskStatus_Reason.REASON_AGENT_DRAINING);
      expect(took).toBeGreaterThanOrEqual(1500);
      expect(took).toBeLessThan(20_000);

      const agent = await eventually('the agent to be DRAINED', async () => {
        const s = await cluster.state();
        const a = s.slaves.find((x) => x.id === agentId) as Record<string, any> | undefined;
        return a?.['drain_info']?.state === 'DRAINED' ? a : undefined;
      });
      expect(agent['deactivated']).toBe(true);
      expect(agent['active']).toBe(false);
      // Stays drained: no offers for it, even after a revive.
      const since = framework.events.length;
      await framework.client.revive();
      await new Promise((r) => setTimeout(r, 1500));
      expect(framework.events.slice(since).filter((e) => e.type === scheduler.Event_Type.OFFERS)).toEqual([]);
      expect(((await cluster.state()).slaves.find((x) => x.id === agentId) as Record<string, any>)['drain_info'].state).toBe('DRAINED');
    } finally {
      await framework.close();
    }
  }, 90_000);
});
