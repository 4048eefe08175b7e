/**
 * The executors in-process (the classes, not the executables), for what is slow or awkward to provoke in a
 * child process: a missing acknowledgement, a KILL before any task, an agent restart with checkpointing.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutorClient } from '@mesos-ts/client';
import { TaskState, executor } from '@mesos-ts/proto';
import { CommandExecutor, DefaultExecutor } from '../src';
import { startFakeAgent, type FakeAgent, type FakeAgentOptions } from './fake-agent';
import { makeSandbox, within } from './run-executor';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function agent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const a = await startFakeAgent(options);
  cleanup.push(() => a.close());
  return a;
}

function client(a: FakeAgent, checkpoint = false): ExecutorClient {
  return new ExecutorClient({ agentEndpoint: a.endpoint, frameworkId: 'framework-1', executorId: 'executor-1', contentType: 'protobuf', checkpoint, subscriptionBackoffMaxMs: 50, recoveryTimeoutMs: 5000 });
}

/** Whether `pid` runs (a zombie left to an init that does not reap does not count). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}

const task = (id: string, command: string) => ({ name: id, taskId: { value: id }, agentId: { value: 'agent-1' }, command: { value: command } });

describe('CommandExecutor', () => {
  it('exits 1 when the terminal update is never acknowledged', async () => {
    const a = await agent({ autoAck: false });
    const exec = new CommandExecutor({ client: client(a), terminalAckTimeoutMs: 300 });
    const run = exec.run();
    await a.subscribed();
    a.send({ type: executor.Event_Type.LAUNCH, launch: { task: task('t1', 'true') } });
    expect(await within(run, 10_000, 'run')).toBe(1);
    expect(a.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  });

  it('exits 1 on a KILL before any task, as Mesos aborts', async () => {
    const a = await agent();
    const exec = new CommandExecutor({ client: client(a) });
    const run = exec.run();
    await a.subscribed();
    a.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 't1' } } });
    expect(await within(run, 10_000, 'run')).toBe(1);
  });

  it('with checkpointing, keeps the task through an agent restart and resends what was not acknowledged', async () => {
    const a = await agent({ autoAck: false });
    const exec = new CommandExecutor({ client: client(a, true) });
    const run = exec.run();
    await a.subscribed();
    a.send({ type: executor.Event_Type.LAUNCH, launch: { task: task('t1', 'sleep 0.5') } });
    await a.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    a.dropConnections();
    await within(
      (async () => {
        while (a.subscribes.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      })(),
      10_000,
      'the resubscription',
    );
    const again = a.subscribes[1]?.subscribe;
    expect(again?.unacknowledgedTasks?.map((t) => t.taskId?.value)).toEqual(['t1']);
    expect(again?.unacknowledgedUpdates?.map((u) => TaskState[u.status?.state ?? -1])).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    // The task finishes on the new connection; the agent acknowledges that update.
    const finished = await a.waitForUpdate((s) => s.state === TaskState.TASK_FINISHED);
    a.send({ type: executor.Event_Type.ACKNOWLEDGED, acknowledged: { taskId: finished.taskId, uuid: finished.uuid } });
    expect(await within(run, 10_000, 'run')).toBe(0);
  });
});

describe('DefaultExecutor', () => {
  it('exits after the 60 s fail-safe (here shortened) when updates stay unacknowledged, and refuses LAUNCH', async () => {
    const a = await agent({ autoAck: false });
    const sandbox = makeSandbox();
    cleanup.push(() => rmSync(sandbox, { recursive: true, force: true }));
    const exec = new DefaultExecutor({ client: client(a), sandbox, ackTimeoutMs: 300 });
    const run = exec.run();
    await a.subscribed();
    a.send({ type: executor.Event_Type.LAUNCH_GROUP, launchGroup: { taskGroup: { tasks: [task('a', 'true')] } } });
    expect(await within(run, 10_000, 'run')).toBe(0);
    expect(a.statesOf('a')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);

    const b = await agent();
    const second = new DefaultExecutor({ client: client(b), sandbox });
    const secondRun = second.run();
    await b.subscribed();
    b.send({ type: executor.Event_Type.LAUNCH, launch: { task: task('x', 'true') } });
    expect(await within(secondRun, 10_000, 'run')).toBe(0);
    expect(b.updates).toEqual([]);
  });

  it('kills its tasks and exits 1 when the agent goes away without checkpointing', async () => {
    const a = await agent();
    const sandbox = makeSandbox();
    cleanup.push(() => rmSync(sandbox, { recursive: true, force: true }));
    const exec = new DefaultExecutor({ client: client(a), sandbox });
    const run = exec.run();
    await a.subscribed();
    a.send({ type: executor.Event_Type.LAUNCH_GROUP, launchGroup: { taskGroup: { tasks: [task('a', 'echo $$ > ../../pid; exec sleep 30')] } } });
    await a.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    const pid = await within(
      (async () => {
        for (;;) {
          const text = existsSync(join(sandbox, 'pid')) ? readFileSync(join(sandbox, 'pid'), 'utf8').trim() : '';
          if (text !== '') return Number(text);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })(),
      5000,
      'the task pid',
    );
    expect(running(pid)).toBe(true);
    await a.close();
    expect(await within(run, 10_000, 'run')).toBe(1);
    expect(running(pid)).toBe(false);
  });
});
