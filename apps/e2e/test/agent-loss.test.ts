/**
 * An agent process killed outright: the master stops hearing its pongs and, after
 * `--agent_ping_timeout` x `--max_agent_ping_timeouts`, reports its tasks as Mesos does: TASK_UNREACHABLE to
 * PARTITION_AWARE frameworks, TASK_LOST to the others, from the master (no uuid), reason REASON_AGENT_REMOVED.
 */
import { FrameworkInfo_Capability_Type, TaskState, TaskStatus_Reason, TaskStatus_Source } from '@mesos-ts/proto';
import { startCluster, eventually, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

describe('agent loss', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ agents: 1, masterFlags: ['--agent_ping_timeout=1secs', '--max_agent_ping_timeouts=2'] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reports TASK_LOST, or TASK_UNREACHABLE to partition-aware frameworks, when the agent process is killed', async () => {
    const plain = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'plain' } });
    const aware = new TestScheduler({
      masterUrl: cluster.masterUrl,
      framework: { name: 'aware', capabilities: [{ type: FrameworkInfo_Capability_Type.PARTITION_AWARE }, { type: FrameworkInfo_Capability_Type.MULTI_ROLE }], roles: ['*'] },
    });
    try {
      await plain.subscribe();
      const [offer1] = await plain.takeOffers();
      await plain.launch(offer1!, [commandTask(offer1!, 'p', 'sleep 1000', 1, 64)]);
      await plain.waitForState('p', TaskState.TASK_RUNNING);
      // Hand the rest of the agent to the second framework: no more offers for this one, and back with what it holds.
      await plain.client.suppress();
      const held = [...plain.offers.keys()];
      plain.offers.clear();
      if (held.length > 0) await plain.client.decline(held);

      await aware.subscribe();
      const [offer2] = await aware.takeOffers();
      await aware.launch(offer2!, [commandTask(offer2!, 'a', 'sleep 1000', 1, 64)]);
      await aware.waitForState('a', TaskState.TASK_RUNNING);

      await cluster.agents[0]!.daemon.kill();

      const lost = await plain.waitForState('p', TaskState.TASK_LOST, 20_000);
      expect(lost.source).toBe(TaskStatus_Source.SOURCE_MASTER);
      expect(lost.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED);
      expect(lost.uuid ?? new Uint8Array()).toHaveLength(0);
      const unreachable = await aware.waitForState('a', TaskState.TASK_UNREACHABLE, 20_000);
      expect(unreachable.source).toBe(TaskStatus_Source.SOURCE_MASTER);
      expect(unreachable.reason).toBe(TaskStatus_Reason.REASON_AGENT_REMOVED);

      const state = await eventually('the agent to leave the active agents', async () => {
        const s = await cluster.state();
        return s.slaves.every((a) => a.id !== offer1!.agentId?.value) ? s : undefined;
      });
      expect(state['unreachable_slaves']).toBe(1);
    } finally {
      // Kill the orphaned executors the dead agent left behind.
      await plain.close();
      await aware.close();
    }
  });
});
