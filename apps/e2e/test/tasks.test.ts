/**
 * The first scenario: a scheduler launches 100 command tasks on a real master and agent and every one
 * reaches TASK_FINISHED with its updates acknowledged; and the same over a protobuf session.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerInfo_Type, Image_Type, TaskState, TaskStatus_Reason, type Offer } from '@mesos-ts/proto';
import { startCluster, eventually, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask, stateName } from '../src/scheduler';

function scalar(offer: Offer, name: string): number {
  return (offer.resources ?? []).filter((r) => r.name === name).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);
}

/** Launches `count` tasks from incoming offers, as many per offer as fit; returns the task IDs. */
async function launchMany(framework: TestScheduler, count: number, command: (i: number) => string): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < count) {
    for (const offer of await framework.takeOffers()) {
      const fit = Math.min(count - ids.length, Math.floor(scalar(offer, 'cpus') / 0.1 + 1e-9), Math.floor(scalar(offer, 'mem') / 32));
      const tasks = Array.from({ length: fit }, (_, k) => commandTask(offer, `task-${ids.length + k}`, command(ids.length + k)));
      ids.push(...tasks.map((t) => t.taskId?.value ?? ''));
      await framework.launch(offer, tasks);
    }
  }
  return ids;
}

describe('command tasks end to end', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs 100 command tasks to TASK_FINISHED with every update acknowledged (JSON)', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'hundred' } });
    try {
      const frameworkId = await framework.subscribe();
      expect(frameworkId).toMatch(/-0000$/);
      const ids = await launchMany(framework, 100, (i) => `echo task-${i} says hello`);
      for (const id of ids) {
        const finished = await framework.waitForState(id, TaskState.TASK_FINISHED, 120_000);
        expect(finished.uuid?.length).toBeGreaterThan(0);
      }
      // Every update that carried a uuid was acknowledged; each task went through RUNNING first.
      for (const id of ids) {
        const states = framework.updatesOf(id).map((s) => stateName(s.state));
        expect(states).toContain('TASK_RUNNING');
        expect(states.indexOf('TASK_RUNNING')).toBeLessThan(states.indexOf('TASK_FINISHED'));
      }
      // The last acknowledgements may still be in flight when the last update has been seen.
      const withUuid = framework.updates.filter((s) => (s.uuid?.length ?? 0) > 0).length;
      await eventually('every update acknowledged', () => (framework.acknowledged.length === withUuid ? true : undefined));
      expect(framework.acknowledged.length).toBe(withUuid);

      // The master's state shows them all finished, and a sandbox holds the task's output.
      const state = await eventually('100 completed tasks in /master/state', async () => {
        const s = await cluster.state();
        const fw = s.frameworks.find((f) => f.id === frameworkId);
        return fw !== undefined && fw.completed_tasks.length === 100 ? fw : undefined;
      });
      expect(new Set(state.completed_tasks.map((t) => t.state))).toEqual(new Set(['TASK_FINISHED']));
      const agentId = framework.updatesOf('task-7')[0]?.agentId?.value ?? '';
      const sandbox = join(cluster.agents[0]!.workDir, 'slaves', agentId, 'frameworks', frameworkId, 'executors', 'task-7', 'runs', 'latest');
      expect(readFileSync(join(sandbox, 'stdout'), 'utf8')).toContain('task-7 says hello');
    } finally {
      await framework.close();
    }
  });

  it('runs tasks over a protobuf session, and reports a failing command as TASK_FAILED with its exit status', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, contentType: 'protobuf', framework: { name: 'protobuf' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      await framework.launch(offer!, [commandTask(offer!, 'ok', 'exit 0'), commandTask(offer!, 'bad', 'exit 3')]);
      await framework.waitForState('ok', TaskState.TASK_FINISHED);
      const failed = await framework.waitForState('bad', TaskState.TASK_FAILED);
      expect(failed.message).toMatch(/exited with status 3/);
    } finally {
      await framework.close();
    }
  });

  it('fails a task that asks for a container image instead of running it on the host (no provisioner yet)', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'image' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      const container = { type: ContainerInfo_Type.MESOS, mesos: { image: { type: Image_Type.DOCKER, docker: { name: 'busybox' } } } };
      await framework.launch(offer!, [commandTask(offer!, 'imaged', 'echo from the image', 0.1, 32, { container })]);
      const failed = await framework.waitForTerminal('imaged');
      expect(failed.state).toBe(TaskState.TASK_FAILED);
      expect(failed.reason).toBe(TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED);
      expect(failed.message).toMatch(/container image/);
    } finally {
      await framework.close();
    }
  });
});
