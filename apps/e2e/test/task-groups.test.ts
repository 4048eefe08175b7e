/**
 * LAUNCH_GROUP: a task group (pod) runs under the default executor; when one task fails the others are killed.
 */
import { ExecutorInfo_Type, TaskState, Value_Type, type ExecutorInfo, type Offer, type Offer_Operation, Offer_Operation_Type } from '@mesos-ts/proto';
import { startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

function defaultExecutor(offer: Offer, id: string): ExecutorInfo {
  const role = offer.allocationInfo?.role;
  return {
    type: ExecutorInfo_Type.DEFAULT,
    executorId: { value: id },
    frameworkId: offer.frameworkId ?? { value: '' },
    resources: [
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.1 }, ...(role === undefined ? {} : { allocationInfo: { role } }) },
      { name: 'mem', type: Value_Type.SCALAR, scalar: { value: 32 }, ...(role === undefined ? {} : { allocationInfo: { role } }) },
      // Mesos 1.11 refuses a task group whose executor uses no disk.
      { name: 'disk', type: Value_Type.SCALAR, scalar: { value: 32 }, ...(role === undefined ? {} : { allocationInfo: { role } }) },
    ],
  };
}

describe('task groups', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs a group to TASK_FINISHED, and kills the rest of a group when one task fails', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'pods' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const group = (executor: string, tasks: [string, string][]): Offer_Operation => ({
        type: Offer_Operation_Type.LAUNCH_GROUP,
        launchGroup: {
          executor: defaultExecutor(offer!, executor),
          taskGroup: { tasks: tasks.map(([id, cmd]) => ({ ...commandTask(offer!, id, cmd) })) },
        },
      });
      await framework.client.accept(
        [offer!.id!],
        [
          group('good-pod', [
            ['g1', 'echo one'],
            ['g2', 'echo two'],
          ]),
          group('bad-pod', [
            ['b1', 'exit 1'],
            ['b2', 'sleep 1000'],
          ]),
        ],
      );
      await framework.waitForState('g1', TaskState.TASK_FINISHED);
      await framework.waitForState('g2', TaskState.TASK_FINISHED);
      await framework.waitForState('b1', TaskState.TASK_FAILED);
      await framework.waitForState('b2', TaskState.TASK_KILLED);
    } finally {
      await framework.close();
    }
  });
});
