/**
 * Health checks run by the command executor: results arrive as TASK_RUNNING updates with `healthy` set, and a
 * task failing its checks `consecutive_failures` times is killed.
 */
import { HealthCheck_Type, TaskState, TaskStatus_Reason } from '@mesos-ts/proto';
import { startCluster, eventually, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

describe('health checks', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reports healthy tasks and kills one whose checks fail', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'health' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const check = (command: string) => ({
        type: HealthCheck_Type.COMMAND,
        command: { value: command, shell: true },
        delaySeconds: 0,
        intervalSeconds: 0.2,
        timeoutSeconds: 2,
        consecutiveFailures: 2,
        gracePeriodSeconds: 0,
      });
      await framework.launch(offer!, [
        commandTask(offer!, 'healthy', 'sleep 1000', 0.1, 32, { healthCheck: check('true') }),
        commandTask(offer!, 'sick', 'sleep 1000', 0.1, 32, { healthCheck: check('false') }),
      ]);
      const healthy = await eventually('a healthy report', () =>
        framework.updatesOf('healthy').find((s) => s.healthy === true && s.reason === TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED),
      );
      expect(healthy.state).toBe(TaskState.TASK_RUNNING);
      const end = await framework.waitForTerminal('sick');
      expect(end.state).toBe(TaskState.TASK_KILLED);
      expect(end.healthy).toBe(false);
      await framework.client.kill('healthy', offer!.agentId?.value);
      await framework.waitForState('healthy', TaskState.TASK_KILLED);
    } finally {
      await framework.close();
    }
  });
});
