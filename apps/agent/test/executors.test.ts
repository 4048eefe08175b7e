// Executor life cycle in a real agent with a fake containerizer: task groups and custom executors, kills before
// delivery, registration timeout, launch failures, executor exits, shutdowns, re-registration, /state.
import { executor, FrameworkInfo_Capability_Type, internal, TaskState, TaskStatus_Reason, TaskStatus_Source } from '@mesos-ts/proto';
import { ExecutorClient } from './support/executor-client';
import { FRAMEWORK_ID, ack, commandTask, customExecutor, frameworkInfo, runTask, startTestAgent, type TestAgent } from './support/harness';

const E = executor.Event_Type;
const C = internal.AgentCall_Type;

describe('executors', () => {
  let t: TestAgent | undefined;
  const clients: ExecutorClient[] = [];

  async function start(args: string[] = [], extra: Parameters<typeof startTestAgent>[0] = {}): Promise<TestAgent> {
    t = await startTestAgent({ args, ...extra });
    return t;
  }
  function subscribeAs(a: TestAgent, executorId: string): ExecutorClient {
    const c = new ExecutorClient(a.base, FRAMEWORK_ID, executorId);
    clients.push(c);
    return c;
  }
  const updatesFor = (a: TestAgent, taskId: string): internal.StatusUpdate[] => a.master.statusUpdates.filter((u) => u.status?.taskId?.value === taskId);

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await t?.stop();
    t = undefined;
  });

  it('runs a task group with the default executor and delivers it in one LAUNCH_GROUP', async () => {
    const a = await start();
    const exec = customExecutor('default-1', { type: 1 });
    delete exec.command;
    a.master.send({
      type: internal.AgentEvent_Type.RUN_TASK_GROUP,
      runTaskGroup: {
        framework: frameworkInfo(),
        frameworkId: { value: FRAMEWORK_ID },
        executor: exec,
        taskGroup: { tasks: [commandTask('g1'), commandTask('g2')] },
        launchExecutor: true,
      },
    });
    const config = await a.master.waitFor(() => a.containerizer.launchOf('default-1'));
    expect(config.command).toMatchObject({ shell: false, arguments: [process.execPath, `${a.launcherDir}/mesos-default-executor.js`, `--launcher_dir=${a.launcherDir}`] });
    const c = subscribeAs(a, 'default-1');
    await c.subscribe();
    const subscribed = await c.next(E.SUBSCRIBED);
    expect(subscribed.subscribed?.executorInfo?.command).toBeUndefined(); // as the framework gave it
    const group = await c.next(E.LAUNCH_GROUP);
    expect(group.launchGroup?.taskGroup?.tasks?.map((x) => x.taskId?.value)).toEqual(['g1', 'g2']);
    expect(c.types()).toEqual(['SUBSCRIBED', 'LAUNCH_GROUP']);
  });

  it('kills a task not yet delivered itself (TASK_KILLED), then shuts down the executor that never got a task', async () => {
    const a = await start();
    a.master.send(runTask({ ...commandTask('k1'), executor: customExecutor('e1') }));
    await a.master.waitFor(() => a.containerizer.launchOf('e1'));
    a.master.send({ type: internal.AgentEvent_Type.KILL_TASK, killTask: { frameworkId: { value: FRAMEWORK_ID }, taskId: { value: 'k1' } } });
    const [killed] = await a.master.waitFor(() => (updatesFor(a, 'k1').length > 0 ? updatesFor(a, 'k1') : undefined));
    expect(killed?.status).toMatchObject({
      state: TaskState.TASK_KILLED,
      source: TaskStatus_Source.SOURCE_AGENT,
      reason: TaskStatus_Reason.REASON_TASK_KILLED_DURING_LAUNCH,
      message: 'Killed before delivery to the executor',
      executorId: { value: 'e1' },
    });
    const c = subscribeAs(a, 'e1');
    await c.subscribe();
    await c.next(E.SHUTDOWN);
    expect(c.types()).toEqual(['SHUTDOWN']);
  });

  it('answers a kill of an unknown task with TASK_LOST (TASK_DROPPED for partition-aware frameworks)', async () => {
    const a = await start();
    a.master.send(runTask(commandTask('x1'), frameworkInfo({ capabilities: [{ type: FrameworkInfo_Capability_Type.PARTITION_AWARE }] })));
    await a.master.waitFor(() => a.containerizer.launchOf('x1'));
    a.master.send({ type: internal.AgentEvent_Type.KILL_TASK, killTask: { frameworkId: { value: FRAMEWORK_ID }, taskId: { value: 'ghost' } } });
    const lost = await a.master.waitFor(() => updatesFor(a, 'ghost')[0]);
    expect(lost.status).toMatchObject({ state: TaskState.TASK_DROPPED, message: 'Cannot find executor', reason: TaskStatus_Reason.REASON_EXECUTOR_TERMINATED });
  });

  it('destroys an executor that does not subscribe in time and fails its tasks', async () => {
    const a = await start(['--executor_registration_timeout=200ms']);
    a.master.send(runTask(commandTask('slow')));
    const config = await a.master.waitFor(() => a.containerizer.launchOf('slow'));
    const failed = await a.master.waitFor(() => updatesFor(a, 'slow')[0], 3_000);
    expect(a.containerizer.destroyed.map((d) => d.containerId)).toEqual([config.containerId]);
    expect(failed.status).toMatchObject({
      state: TaskState.TASK_FAILED,
      source: TaskStatus_Source.SOURCE_AGENT,
      reason: TaskStatus_Reason.REASON_EXECUTOR_REGISTRATION_TIMEOUT,
      message: 'Executor did not register within 200ms; Container destroyed',
    });
  });

  it('fails the tasks of an executor whose container cannot be launched', async () => {
    const a = await start([], {});
    a.containerizer.failLaunch = () => "Failed to find user 'nobody-here'";
    a.master.send(runTask({ ...commandTask('u1'), executor: customExecutor('e-user') }));
    const failed = await a.master.waitFor(() => updatesFor(a, 'u1')[0]);
    expect(failed.status).toMatchObject({
      state: TaskState.TASK_FAILED,
      reason: TaskStatus_Reason.REASON_CONTAINER_LAUNCH_FAILED,
      message: "Failed to launch container: Failed to find user 'nobody-here'",
    });
    // The master counted this executor: it hears that it exited.
    const exited = await a.master.waitFor(() => a.master.callsOf(C.EXECUTOR_EXITED)[0]);
    expect(exited.executorExited).toMatchObject({ frameworkId: { value: FRAMEWORK_ID }, executorId: { value: 'e-user' } });
  });

  it('runs tasks as the framework user when it may switch users', async () => {
    const a = await start([], { runningAsRoot: true });
    a.master.send(runTask(commandTask('as-user'), frameworkInfo({ user: 'nobody' })));
    const config = await a.master.waitFor(() => a.containerizer.launchOf('as-user'));
    expect(config.user).toBe('nobody');
  });

  it('fails the running tasks of an executor that exits and reports EXECUTOR_EXITED for custom executors', async () => {
    const a = await start();
    a.master.send(runTask({ ...commandTask('r1'), executor: customExecutor('e1') }));
    const config = await a.master.waitFor(() => a.containerizer.launchOf('e1'));
    const c = subscribeAs(a, 'e1');
    await c.subscribe();
    await c.next(E.LAUNCH);
    const running = await c.update('r1', TaskState.TASK_RUNNING);
    await a.master.waitFor(() => updatesFor(a, 'r1')[0]);
    a.master.send(ack('r1', running.uuid));

    a.containerizer.exit(config.containerId, { status: 256, exitCode: 1, message: 'Executor exited with status 1' });
    const failed = await a.master.waitFor(() => updatesFor(a, 'r1')[1]);
    expect(failed.status).toMatchObject({
      state: TaskState.TASK_FAILED,
      source: TaskStatus_Source.SOURCE_AGENT,
      reason: TaskStatus_Reason.REASON_EXECUTOR_TERMINATED,
      message: 'Executor exited with status 1',
    });
    const exited = await a.master.waitFor(() => a.master.callsOf(C.EXECUTOR_EXITED)[0]);
    expect(exited.executorExited).toEqual({ frameworkId: { value: FRAMEWORK_ID }, executorId: { value: 'e1' }, status: 256 });
    await c.waitClosed();
    // The executor stays until the scheduler acknowledges TASK_FAILED, then goes with its framework.
    expect(a.agent.core.frameworks.get(FRAMEWORK_ID)?.executors.get('e1')?.state).toBe('TERMINATED');
    a.master.send(ack('r1', failed.status!.uuid!));
    await a.master.waitFor(() => !a.agent.core.frameworks.has(FRAMEWORK_ID));
  });

  it('shuts down a framework: SHUTDOWN to its executors, destroyed after the grace period', async () => {
    const a = await start(['--executor_shutdown_grace_period=100ms']);
    a.master.send(runTask({ ...commandTask('s1'), executor: customExecutor('e1') }));
    const config = await a.master.waitFor(() => a.containerizer.launchOf('e1'));
    const c = subscribeAs(a, 'e1');
    await c.subscribe();
    await c.next(E.LAUNCH);
    a.master.send({ type: internal.AgentEvent_Type.SHUTDOWN_FRAMEWORK, shutdownFramework: { frameworkId: { value: FRAMEWORK_ID } } });
    await c.next(E.SHUTDOWN);
    await a.master.waitFor(() => a.containerizer.destroyed.some((d) => d.containerId === config.containerId), 2_000);
    await a.master.waitFor(() => !a.agent.core.frameworks.has(FRAMEWORK_ID));
    // No updates for a framework that is going away.
    expect(updatesFor(a, 's1')).toHaveLength(0);
  });

  it('re-registers after the stream breaks: reports its tasks and resends unacknowledged updates', async () => {
    const a = await start();
    a.master.send(runTask({ ...commandTask('r1'), executor: customExecutor('e1') }));
    await a.master.waitFor(() => a.containerizer.launchOf('e1'));
    const c = subscribeAs(a, 'e1');
    await c.subscribe();
    await c.next(E.LAUNCH);
    const running = await c.update('r1', TaskState.TASK_RUNNING);
    await a.master.waitFor(() => updatesFor(a, 'r1')[0]);

    a.master.closeStream();
    const reregister = await a.master.waitFor(() => a.master.callsOf(C.REREGISTER)[0]);
    expect(reregister.reregister?.frameworks?.map((f) => f.id?.value)).toEqual([FRAMEWORK_ID]);
    expect(reregister.reregister?.executors?.map((x) => x.executorId?.value)).toEqual(['e1']);
    expect(reregister.reregister?.tasks).toEqual([
      expect.objectContaining({ taskId: { value: 'r1' }, state: TaskState.TASK_RUNNING, executorId: { value: 'e1' }, agentId: { value: a.agentId } }),
    ]);
    // The unacknowledged TASK_RUNNING goes again on the new session.
    const resent = await a.master.waitFor(() => updatesFor(a, 'r1')[1]);
    expect(resent.status?.uuid).toEqual(running.uuid);
    const last = a.master.calls.filter((x) => x.call.type === C.STATUS_UPDATE).at(-1);
    expect(last?.streamId).toBe(a.master.streamId);
  });

  it('reports its drain config on re-registration while it drains, so a master that lost it resumes the drain', async () => {
    const a = await start();
    a.master.send(runTask({ ...commandTask('d1'), executor: customExecutor('e1') }));
    await a.master.waitFor(() => a.containerizer.launchOf('e1'));
    const c = subscribeAs(a, 'e1');
    await c.subscribe();
    await c.next(E.LAUNCH);
    await c.update('d1', TaskState.TASK_RUNNING);
    const config = { maxGracePeriod: { nanoseconds: 5_000_000_000n }, markGone: false };
    a.master.send({ type: internal.AgentEvent_Type.DRAIN, drain: { config } });
    // The executor is asked to kill the task and does not answer yet: the agent is still draining.
    await c.next(E.KILL);
    a.master.closeStream();
    const reregister = await a.master.waitFor(() => a.master.callsOf(C.REREGISTER)[0]);
    expect(reregister.reregister?.drainConfig).toEqual(config);
  });

  it('shuts down the frameworks the master no longer knows when it re-registers', async () => {
    const a = await start();
    a.master.send(runTask({ ...commandTask('r1'), executor: customExecutor('e1') }));
    await a.master.waitFor(() => a.containerizer.launchOf('e1'));
    const c = subscribeAs(a, 'e1');
    await c.subscribe();
    await c.next(E.LAUNCH);
    a.master.configure({ unknownFrameworks: () => [FRAMEWORK_ID] });
    a.master.closeStream();
    await c.next(E.SHUTDOWN);
    expect(a.agent.core.frameworks.get(FRAMEWORK_ID)?.state).toBe('TERMINATING');
  });

  it('serves /state and /flags', async () => {
    const a = await start(['--attributes=rack:r1']);
    a.master.send(runTask(commandTask('st1')));
    await a.master.waitFor(() => a.containerizer.launchOf('st1'));
    for (const path of ['/state', '/slave(1)/state']) {
      const state = (await (await fetch(`${a.base}${path}`)).json()) as Record<string, any>;
      expect(state).toMatchObject({ id: a.agentId, pid: a.agent.pid, hostname: a.agent.hostname, version: '1.11.0', attributes: { rack: 'r1' }, master_hostname: 'fake-master' });
      expect(state['resources']).toMatchObject({ cpus: 4, mem: 4096, disk: 10000, ports: '[31000-32000]' });
      expect(state['frameworks'][0].id).toBe(FRAMEWORK_ID);
      expect(state['frameworks'][0].executors[0]).toMatchObject({ id: 'st1', type: 'COMMAND', queued_tasks: [{ id: 'st1', state: 'TASK_STAGING' }] });
    }
    const flags = (await (await fetch(`${a.base}/flags`)).json()) as { flags: Record<string, string> };
    expect(flags.flags).toMatchObject({ port: '0', executor_registration_timeout: '1mins', switch_user: 'true', launcher_dir: a.launcherDir });
    expect((await fetch(`${a.base}/state`, { method: 'POST' })).status).toBe(405);
  });
});
