/**
 * A custom executor (ExecutorInfo with a command, written on @mesos-ts/client's ExecutorClient) runs its tasks,
 * and framework messages go both ways between the scheduler and the executor; SHUTDOWN of the executor reaches the
 * scheduler as a FAILURE event.
 */
import { resolve } from 'node:path';
import { TaskState, Value_Type, scheduler, type ExecutorInfo, type Offer } from '@mesos-ts/proto';
import { startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

const FIXTURE = resolve(__dirname, '../fixtures/echo-executor.js');

function echoExecutor(offer: Offer, id: string, stay: boolean): ExecutorInfo {
  const role = offer.allocationInfo?.role;
  const r = (name: string, value: number) => ({ name, type: Value_Type.SCALAR, scalar: { value }, ...(role === undefined ? {} : { allocationInfo: { role } }) });
  return {
    executorId: { value: id },
    frameworkId: offer.frameworkId ?? { value: '' },
    command: {
      value: `"${process.execPath}" "${FIXTURE}"`,
      shell: true,
      environment: { variables: [{ name: 'ECHO_EXECUTOR_STAY', value: stay ? '1' : '0' }] },
    },
    resources: [r('cpus', 0.1), r('mem', 32), r('disk', 10)],
  };
}

describe('custom executors', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs a task with a custom executor and carries framework messages both ways', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'custom' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const agentId = offer!.agentId!;
      const task = commandTask(offer!, 'echo-task', 'unused', 0.1, 32, { executor: echoExecutor(offer!, 'echo', true), data: Buffer.from('hello') });
      delete (task as { command?: unknown }).command;
      await framework.launch(offer!, [task]);
      const finished = await framework.waitForState('echo-task', TaskState.TASK_FINISHED);
      expect(finished.message).toBe('custom executor ran: hello');
      expect(finished.executorId?.value).toBe('echo');

      await framework.client.message('echo', agentId, Buffer.from('ping'));
      const reply = await framework.waitFor('the executor\'s reply', (e) => e.type === scheduler.Event_Type.MESSAGE);
      expect(Buffer.from(reply.message?.data ?? []).toString()).toBe('echo: ping');
      expect(reply.message?.executorId?.value).toBe('echo');

      await framework.client.shutdown('echo', agentId);
      const failure = await framework.waitFor('FAILURE for the executor', (e) => e.type === scheduler.Event_Type.FAILURE && e.failure?.executorId?.value === 'echo');
      expect(failure.failure?.agentId?.value).toBe(agentId.value);
    } finally {
      await framework.close();
    }
  });
});
