/**
 * Kill, reconciliation and framework failover against a real master and agent.
 */
import { TaskState, TaskStatus_Source, scheduler } from '@mesos-ts/proto';
import { startCluster, eventually, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

describe('task and framework lifecycle', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('kills a running task: TASK_KILLED, and the agent gets its resources back', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'kill' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      await framework.launch(offer!, [commandTask(offer!, 'sleeper', 'sleep 1000')]);
      await framework.waitForState('sleeper', TaskState.TASK_RUNNING);
      await framework.client.kill('sleeper', offer!.agentId?.value);
      const killed = await framework.waitForState('sleeper', TaskState.TASK_KILLED);
      expect(killed.source).toBe(TaskStatus_Source.SOURCE_EXECUTOR);
      await eventually('the task to be completed in /master/state', async () => {
        const fw = (await cluster.state()).frameworks.find((f) => f.id === framework.frameworkId);
        return fw?.completed_tasks.some((t) => t.id === 'sleeper' && t.state === 'TASK_KILLED') ? true : undefined;
      });
    } finally {
      await framework.close();
    }
  });

  it('answers explicit and implicit reconciliation with the latest states, and TASK_LOST for an unknown task', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'reconcile' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const agentId = offer!.agentId?.value ?? '';
      await framework.launch(offer!, [commandTask(offer!, 'long', 'sleep 1000')]);
      await framework.waitForState('long', TaskState.TASK_RUNNING);
      const before = framework.updates.length;

      await framework.client.reconcile([]); // implicit: every non-terminal task
      const implicit = await eventually('implicit reconciliation', () =>
        framework.updates.slice(before).find((s) => s.taskId?.value === 'long' && s.reason === 9 /* REASON_RECONCILIATION */),
      );
      expect(implicit.state).toBe(TaskState.TASK_RUNNING);
      expect(implicit.uuid ?? new Uint8Array()).toHaveLength(0);

      await framework.client.reconcile([{ taskId: 'long', agentId }, { taskId: 'never-launched', agentId }]);
      const unknown = await framework.waitForState('never-launched', TaskState.TASK_LOST);
      expect(unknown.reason).toBe(9);
      await framework.client.kill('long', agentId);
      await framework.waitForState('long', TaskState.TASK_KILLED);
    } finally {
      await framework.close();
    }
  });

  it('keeps the tasks of a framework that fails over within failoverTimeout, and kills them after it', async () => {
    const first = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'failover', failoverTimeout: 3 } });
    const frameworkId = await first.subscribe();
    const [offer] = await first.takeOffers();
    await first.launch(offer!, [commandTask(offer!, 'survivor', 'sleep 1000')]);
    await first.waitForState('survivor', TaskState.TASK_RUNNING);
    await first.close();

    // A new scheduler instance re-subscribes with the framework ID within the timeout: the task is still there.
    const second = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'failover', failoverTimeout: 3, id: { value: frameworkId } } });
    expect(await second.subscribe()).toBe(frameworkId);
    await second.client.reconcile([]);
    await second.waitForState('survivor', TaskState.TASK_RUNNING);
    const fw = (await cluster.state()).frameworks.find((f) => f.id === frameworkId);
    expect(fw?.tasks.map((t) => t.id)).toEqual(['survivor']);
    await second.close();

    // Nobody comes back within 3 s: the framework is removed and its task killed.
    await eventually(
      'the framework to be removed after its failover timeout',
      async () => {
        const s = await cluster.state();
        return s.completed_frameworks.some((f) => f.id === frameworkId) && !s.frameworks.some((f) => f.id === frameworkId) ? true : undefined;
      },
      15_000,
    );
    await eventually('the task to be gone from the agent', async () => {
      const s = (await (await fetch(`${cluster.agents[0]!.url}/state`)).json()) as { frameworks?: { id: string }[] };
      return (s.frameworks ?? []).some((f) => f.id === frameworkId) ? undefined : true;
    });
  });

  it('closes the old subscription when the framework subscribes again', async () => {
    const first = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'twice', failoverTimeout: 60 } });
    const frameworkId = await first.subscribe();
    const second = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'twice', failoverTimeout: 60, id: { value: frameworkId } } });
    await second.subscribe();
    const error = await first.waitFor('ERROR on the old stream', (e) => e.type === scheduler.Event_Type.ERROR);
    expect(error.error?.message).toMatch(/failed over/i);
    await second.client.teardown();
    await eventually('teardown', async () => ((await cluster.state()).completed_frameworks.some((f) => f.id === frameworkId) ? true : undefined));
    await first.close();
    await second.close();
  });
});
