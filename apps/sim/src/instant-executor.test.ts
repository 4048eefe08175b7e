import { FrameworkInfo_Capability_Type, TaskState, TaskStatus_Source, internal, type FrameworkInfo, type TaskInfo } from '@mesos-ts/proto';
import { InstantExecutor, type TaskBehaviour } from './instant-executor';

const T = internal.AgentEvent_Type;
const FRAMEWORK: FrameworkInfo = { user: 'u', name: 'f', id: { value: 'fw-1' } };

function task(id: string, executorId?: string): TaskInfo {
  return {
    name: id,
    taskId: { value: id },
    agentId: { value: 'agent-1' },
    resources: [],
    ...(executorId === undefined ? { command: { value: 'true' } } : { executor: { executorId: { value: executorId }, command: { value: 'exec' } } }),
  };
}

function runTask(info: TaskInfo, framework = FRAMEWORK): internal.AgentEvent {
  return { type: T.RUN_TASK, runTask: { framework, frameworkId: framework.id!, task: info } };
}

function ack(update: internal.StatusUpdate): internal.AgentEvent {
  return { type: T.ACKNOWLEDGE, acknowledge: { frameworkId: update.frameworkId, taskId: update.status!.taskId, uuid: update.status!.uuid! } };
}

/** An executor wired to arrays, registered (so updates flow), with no retry timers. */
function harness(behaviour?: TaskBehaviour) {
  const forwarded: internal.StatusUpdate[] = [];
  const sent: internal.AgentCall[] = [];
  const warnings: string[] = [];
  const timers = { setTimeout: () => 0, clearTimeout: () => undefined };
  const executor = new InstantExecutor({
    agentId: () => 'agent-1',
    forward: (u) => forwarded.push(u),
    send: (c) => sent.push(c),
    warn: (m) => warnings.push(m),
    timers,
    now: () => 1000,
    ...(behaviour === undefined ? {} : { behaviour }),
  });
  executor.registered();
  return { executor, forwarded, sent, warnings };
}

describe('InstantExecutor', () => {
  it('reports TASK_RUNNING at once and TASK_FINISHED only after RUNNING is acknowledged', () => {
    const { executor, forwarded } = harness();
    executor.handle(runTask(task('t1')));

    expect(forwarded).toHaveLength(1);
    const running = forwarded[0]!;
    expect(running.status!.state).toBe(TaskState.TASK_RUNNING);
    expect(running.status!.source).toBe(TaskStatus_Source.SOURCE_EXECUTOR);
    expect(running.status!.uuid).toHaveLength(16);
    expect(running.status!.agentId?.value).toBe('agent-1');
    // A command task's executor is named after the task, as Mesos's command executor is.
    expect(running.executorId?.value).toBe('t1');
    // The master learns the real (already terminal) state, so it can recover the resources early.
    expect(running.latestState).toBe(TaskState.TASK_FINISHED);

    executor.handle(ack(running));
    expect(forwarded).toHaveLength(2);
    const finished = forwarded[1]!;
    expect(finished.status!.state).toBe(TaskState.TASK_FINISHED);
    expect(Buffer.from(finished.status!.uuid!).equals(Buffer.from(running.status!.uuid!))).toBe(false);
    expect(executor.taskCount).toBe(1);

    executor.handle(ack(finished));
    expect(executor.taskCount).toBe(0);
    expect(executor.counters).toMatchObject({ tasksLaunched: 1, updatesGenerated: 2, updatesAcknowledged: 2, badAcknowledgements: 0 });
  });

  it('fails tasks with behaviour fail and keeps them running with behaviour run until killed', () => {
    const failing = harness('fail');
    failing.executor.handle(runTask(task('t1')));
    failing.executor.handle(ack(failing.forwarded[0]!));
    expect(failing.forwarded[1]!.status!.state).toBe(TaskState.TASK_FAILED);

    const running = harness('run');
    running.executor.handle(runTask(task('t1')));
    running.executor.handle(ack(running.forwarded[0]!));
    expect(running.forwarded).toHaveLength(1);
    running.executor.handle({ type: T.KILL_TASK, killTask: { frameworkId: FRAMEWORK.id!, taskId: { value: 't1' } } });
    expect(running.forwarded[1]!.status!.state).toBe(TaskState.TASK_KILLED);
    expect(running.forwarded[1]!.latestState).toBe(TaskState.TASK_KILLED);
  });

  it('answers a kill of an unknown task with TASK_LOST, or TASK_DROPPED for a partition-aware framework', () => {
    const { executor, forwarded } = harness();
    executor.handle(runTask(task('t1')));
    executor.handle({ type: T.KILL_TASK, killTask: { frameworkId: FRAMEWORK.id!, taskId: { value: 'nope' } } });
    const lost = forwarded.find((u) => u.status!.taskId!.value === 'nope')!;
    expect(lost.status!.state).toBe(TaskState.TASK_LOST);
    expect(lost.status!.source).toBe(TaskStatus_Source.SOURCE_AGENT);

    const aware: FrameworkInfo = { ...FRAMEWORK, id: { value: 'fw-2' }, capabilities: [{ type: FrameworkInfo_Capability_Type.PARTITION_AWARE }] };
    executor.handle(runTask(task('t2'), aware));
    executor.handle({ type: T.KILL_TASK, killTask: { frameworkId: aware.id!, taskId: { value: 'gone' } } });
    expect(forwarded.find((u) => u.status!.taskId!.value === 'gone')!.status!.state).toBe(TaskState.TASK_DROPPED);
  });

  it('runs a task group per task and exits the executor once every task is done and acknowledged', () => {
    const { executor, forwarded, sent } = harness();
    executor.handle({
      type: T.RUN_TASK_GROUP,
      runTaskGroup: { framework: FRAMEWORK, frameworkId: FRAMEWORK.id!, executor: { executorId: { value: 'default' } }, taskGroup: { tasks: [task('a'), task('b')] } },
    });
    expect(forwarded.map((u) => [u.status!.taskId!.value, u.status!.state, u.executorId?.value])).toEqual([
      ['a', TaskState.TASK_RUNNING, 'default'],
      ['b', TaskState.TASK_RUNNING, 'default'],
    ]);
    for (let i = 0; i < 4; i++) executor.handle(ack(forwarded[i]!));
    expect(forwarded.slice(2).map((u) => u.status!.state)).toEqual([TaskState.TASK_FINISHED, TaskState.TASK_FINISHED]);
    expect(sent).toEqual([
      { type: internal.AgentCall_Type.EXECUTOR_EXITED, executorExited: { frameworkId: FRAMEWORK.id, executorId: { value: 'default' }, status: 0 } },
    ]);
  });

  it('counts acknowledgements that match nothing and ignores events missing their fields', () => {
    const { executor, forwarded, warnings } = harness();
    executor.handle(runTask(task('t1')));
    executor.handle({ type: T.ACKNOWLEDGE, acknowledge: { frameworkId: FRAMEWORK.id!, taskId: { value: 't1' }, uuid: Buffer.alloc(16) } });
    executor.handle({ type: T.ACKNOWLEDGE, acknowledge: { frameworkId: FRAMEWORK.id!, taskId: { value: 'other' }, uuid: Buffer.alloc(16) } });
    executor.handle({ type: T.RUN_TASK, runTask: { framework: FRAMEWORK, frameworkId: FRAMEWORK.id! } as internal.AgentEvent_RunTask });
    expect(executor.counters.badAcknowledgements).toBe(2);
    expect(forwarded).toHaveLength(1);
    expect(warnings.some((w) => w.includes('Unexpected acknowledgement'))).toBe(true);
    expect(warnings.some((w) => w.includes('RUN_TASK without'))).toBe(true);
  });

  it('holds updates while disconnected and resends the unacknowledged ones on registration', () => {
    const { executor, forwarded } = harness();
    executor.disconnected();
    executor.handle(runTask(task('t1')));
    expect(forwarded).toHaveLength(0);
    executor.registered();
    expect(forwarded.map((u) => u.status!.state)).toEqual([TaskState.TASK_RUNNING]);
    executor.disconnected();
    executor.registered();
    // The same update (same uuid) again: it was never acknowledged.
    expect(forwarded).toHaveLength(2);
    expect(forwarded[1]!.status!.uuid).toEqual(forwarded[0]!.status!.uuid);
  });

  it('reports its frameworks, executors and unfinished tasks for REREGISTER, and forgets shut-down frameworks', () => {
    const { executor } = harness('run');
    executor.handle(runTask(task('t1')));
    executor.handle(runTask(task('t2', 'custom')));
    const report = executor.report();
    expect(report.frameworks.map((f) => f.id?.value)).toEqual(['fw-1']);
    expect(report.executors.map((e) => [e.executorId?.value, e.frameworkId?.value])).toEqual([['custom', 'fw-1']]);
    expect(report.tasks.map((t) => [t.taskId!.value, t.state, t.executorId?.value])).toEqual([
      ['t1', TaskState.TASK_RUNNING, undefined],
      ['t2', TaskState.TASK_RUNNING, 'custom'],
    ]);

    executor.handle({ type: T.SHUTDOWN_FRAMEWORK, shutdownFramework: { frameworkId: FRAMEWORK.id! } });
    expect(executor.report().tasks).toEqual([]);
    expect(executor.taskCount).toBe(0);
  });

  it('kills the running tasks of a shut-down executor and reports it exited', () => {
    const { executor, forwarded, sent } = harness('run');
    executor.handle(runTask(task('t1', 'custom')));
    executor.handle(ack(forwarded[0]!));
    executor.handle({ type: T.SHUTDOWN_EXECUTOR, shutdownExecutor: { frameworkId: FRAMEWORK.id!, executorId: { value: 'custom' } } });
    expect(forwarded[1]!.status!.state).toBe(TaskState.TASK_KILLED);
    expect(sent.map((c) => c.executorExited?.executorId?.value)).toEqual(['custom']);
  });
});
