/**
 * Offers over time and task groups: --offer_timeout rescinds, LAUNCH_GROUP reaches the agent as RUN_TASK_GROUP,
 * and a JSON-speaking agent works like the protobuf one.
 */
import { ExecutorInfo_Type, Offer_Operation_Type, TaskState, internal, scheduler } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { cluster, commandTask, state, TestFramework, type Cluster } from './helpers';

describe('offers and task groups', () => {
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

  it('rescinds offers outstanding longer than --offer_timeout and offers the resources again', async () => {
    c = await cluster(1, ['--offer_timeout=300ms']);
    const f = framework();
    await f.subscribe();
    const [offer] = await f.offers();
    const rescind = await f.waitFor((e) => e.type === scheduler.Event_Type.RESCIND);
    expect(rescind.rescind?.offerId?.value).toBe(offer!.id?.value);
    const index = f.events.indexOf(rescind);
    const [again] = await f.offers(index);
    expect(again!.agentId?.value).toBe(offer!.agentId?.value);
    // Accepting the rescinded offer is an ACCEPT with an invalid offer.
    await f.client.launch(offer!, [commandTask(offer!, 'late')]);
    expect((await f.update('late')).state).toBe(TaskState.TASK_LOST);
  });

  it('launches a task group: RUN_TASK_GROUP with the executor, updates for every task, the executor accounted', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ onLaunch: 'run' });
    const f = framework();
    await f.subscribe();
    const [offer] = await f.offers();
    const executor = {
      type: ExecutorInfo_Type.DEFAULT,
      executorId: { value: 'default-ex' },
      frameworkId: { value: f.frameworkId },
      resources: Resources.mustParse('cpus:0.1;mem:32;disk:32').toProto(),
    };
    const tasks = [commandTask(offer!, 'g1'), commandTask(offer!, 'g2')].map(({ command: _c, ...t }) => t);
    await f.client.accept([offer!.id!], [{ type: Offer_Operation_Type.LAUNCH_GROUP, launchGroup: { executor, taskGroup: { tasks } } }]);
    const run = await agent.waitForType(internal.AgentEvent_Type.RUN_TASK_GROUP);
    expect(run.runTaskGroup?.executor?.executorId?.value).toBe('default-ex');
    expect(run.runTaskGroup?.taskGroup?.tasks?.map((t) => t.taskId?.value)).toEqual(['g1', 'g2']);
    expect(run.runTaskGroup?.launchExecutor).toBe(true);
    await f.update('g1', TaskState.TASK_RUNNING);
    await f.update('g2', TaskState.TASK_RUNNING);
    const s = await state(c.url);
    expect(s['frameworks'][0].tasks.map((t: { id: string; executor_id: string }) => [t.id, t.executor_id])).toEqual([
      ['g1', 'default-ex'],
      ['g2', 'default-ex'],
    ]);
    expect(s['frameworks'][0].executors[0]).toMatchObject({ executor_id: 'default-ex', type: 'DEFAULT' });
    expect(s['slaves'][0].used_resources.cpus).toBe(2.1);

    // A group whose executor is too small is refused as a whole.
    await f.client.revive();
    const since = f.events.length;
    const [next] = await f.offers(since);
    const tiny = { ...executor, executorId: { value: 'tiny' }, resources: Resources.mustParse('cpus:0.001;mem:32;disk:1').toProto() };
    await f.client.accept([next!.id!], [{ type: Offer_Operation_Type.LAUNCH_GROUP, launchGroup: { executor: tiny, taskGroup: { tasks: [{ ...tasks[0]!, taskId: { value: 'g3' } }] } } }]);
    const refused = await f.update('g3', TaskState.TASK_ERROR, since);
    expect(refused.message).toBe("Executor 'tiny' uses less CPUs (0.001) than the minimum required (0.01)");
  });

  it('works with an agent that speaks JSON', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ contentType: 'json' });
    expect(agent.agentId).toBe(`${c.master.info.id}-S0`);
    const f = framework();
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.launch(offer!, [commandTask(offer!, 'json-task')]);
    await f.client.acknowledge(await f.update('json-task', TaskState.TASK_RUNNING));
    await f.client.acknowledge(await f.update('json-task', TaskState.TASK_FINISHED));
    await agent.until(() => (agent.unacknowledged === 0 ? true : undefined));
    expect(agent.acknowledged).toHaveLength(2);
  });
});
