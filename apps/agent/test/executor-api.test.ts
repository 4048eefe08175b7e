// The v1 executor API of a real agent: subscription, task delivery, updates through the status update manager
// to the (fake) master and back, and the 4xx answers Mesos gives to bad calls.
import { existsSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { decodeProtobuf, encodeProtobuf, executor, internal, TaskState, TaskStatus_Source } from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { request } from 'undici';
import { ExecutorClient, postExecutorApi } from './support/executor-client';
import { FRAMEWORK_ID, ack, commandTask, runTask, startTestAgent, type TestAgent } from './support/harness';

const E = executor.Event_Type;
const C = internal.AgentCall_Type;

describe('POST /api/v1/executor', () => {
  let t: TestAgent;
  let client: ExecutorClient | undefined;

  beforeEach(async () => {
    t = await startTestAgent();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await t.stop();
  });

  /** Runs a command task and subscribes as its command executor (executor ID = task ID). */
  async function launchAndSubscribe(taskId: string): Promise<ExecutorClient> {
    t.master.send(runTask(commandTask(taskId)));
    await t.master.waitFor(() => t.containerizer.launchOf(taskId));
    client = new ExecutorClient(t.base, FRAMEWORK_ID, taskId);
    expect(await client.subscribe()).toBe(200);
    return client;
  }

  it('launches the command executor in its sandbox with Mesos\'s environment', async () => {
    t.master.send(runTask(commandTask('t1', 'echo hello')));
    const config = await t.master.waitFor(() => t.containerizer.launchOf('t1'));
    const sandbox = path.join(t.workDir, 'slaves', t.agentId, 'frameworks', FRAMEWORK_ID, 'executors', 't1', 'runs', config.containerId);
    expect(config.sandbox).toBe(sandbox);
    expect(existsSync(sandbox)).toBe(true);
    expect(readlinkSync(path.join(path.dirname(sandbox), 'latest'))).toBe(sandbox);
    expect(config.command).toMatchObject({
      shell: false,
      value: process.execPath,
      arguments: [process.execPath, path.join(t.launcherDir, 'mesos-executor.js'), `--launcher_dir=${t.launcherDir}`],
    });
    expect(config.environment).toMatchObject({
      MESOS_FRAMEWORK_ID: FRAMEWORK_ID,
      MESOS_EXECUTOR_ID: 't1',
      MESOS_DIRECTORY: sandbox,
      MESOS_SANDBOX: sandbox,
      MESOS_SLAVE_ID: t.agentId,
      MESOS_SLAVE_PID: t.agent.pid,
      MESOS_AGENT_ENDPOINT: `127.0.0.1:${t.agent.address.port}`,
      MESOS_CHECKPOINT: '0',
      MESOS_HTTP_COMMAND_EXECUTOR: '1',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
      LIBPROCESS_PORT: '0',
      PATH: process.env['PATH'],
    });
    expect(t.agent.pid).toBe(`slave(1)@127.0.0.1:${t.agent.address.port}`);
    // The task's resources plus the command executor's 0.1 cpus / 32 MB.
    const cpus = config.resources.filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    const mem = config.resources.filter((r) => r.name === 'mem').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    expect(cpus).toBeCloseTo(1.1);
    expect(mem).toBe(160);
    expect(config.user).toBeUndefined(); // not root here: tasks run as the agent's user
  });

  it('answers SUBSCRIBE with SUBSCRIBED, then delivers the queued task in LAUNCH', async () => {
    const c = await launchAndSubscribe('t1');
    const subscribed = await c.next(E.SUBSCRIBED);
    expect(subscribed.subscribed?.executorInfo).toMatchObject({
      executorId: { value: 't1' },
      name: "Command Executor (Task: t1) (Command: sh -c 'sleep 1000')",
      source: 't1',
    });
    expect(subscribed.subscribed?.frameworkInfo?.id).toEqual({ value: FRAMEWORK_ID });
    expect(subscribed.subscribed?.agentInfo?.id).toEqual({ value: t.agentId });
    expect(subscribed.subscribed?.containerId?.value).toBe(t.containerizer.launchOf('t1')?.containerId);
    const launch = await c.next(E.LAUNCH);
    expect(launch.launch?.task?.taskId).toEqual({ value: 't1' });
    expect(c.types()).toEqual(['SUBSCRIBED', 'LAUNCH']);
    const executorRecord = t.agent.core.frameworks.get(FRAMEWORK_ID)?.executors.get('t1');
    expect(executorRecord?.state).toBe('RUNNING');
    expect(executorRecord?.launchedTasks.get('t1')?.state).toBe(TaskState.TASK_STAGING);
  });

  it('acknowledges UPDATEs at once, forwards them to the master one at a time, and sends the next after its ACKNOWLEDGE', async () => {
    const c = await launchAndSubscribe('t1');
    await c.next(E.LAUNCH);
    const running = await c.update('t1', TaskState.TASK_RUNNING);
    expect(running.posted.status).toBe(202);
    const acked = await c.next(E.ACKNOWLEDGED);
    expect(acked.acknowledged).toEqual({ taskId: { value: 't1' }, uuid: running.uuid });

    const [forwarded] = await t.master.waitFor(() => (t.master.statusUpdates.length === 1 ? t.master.statusUpdates : undefined));
    expect(forwarded).toMatchObject({
      frameworkId: { value: FRAMEWORK_ID },
      executorId: { value: 't1' },
      latestState: TaskState.TASK_RUNNING,
      status: {
        taskId: { value: 't1' },
        state: TaskState.TASK_RUNNING,
        source: TaskStatus_Source.SOURCE_EXECUTOR,
        agentId: { value: t.agentId },
        executorId: { value: 't1' },
        uuid: running.uuid,
      },
    });
    const updateCall = t.master.calls.find((x) => x.call.type === C.STATUS_UPDATE)!;
    expect(updateCall.streamId).toBe(t.master.streamId);
    expect(updateCall.call.agentId).toEqual({ value: t.agentId });

    const finished = await c.update('t1', TaskState.TASK_FINISHED);
    expect(finished.posted.status).toBe(202);
    await t.master.waitFor(() => c.events.filter((e) => e.type === E.ACKNOWLEDGED).length === 2);
    // TASK_FINISHED waits for the scheduler's acknowledgement of TASK_RUNNING...
    await new Promise((r) => setTimeout(r, 100));
    expect(t.master.statusUpdates).toHaveLength(1);
    t.master.send(ack('t1', running.uuid));
    const second = await t.master.waitFor(() => t.master.statusUpdates[1]);
    expect(second.status?.state).toBe(TaskState.TASK_FINISHED);
    expect(second.latestState).toBe(TaskState.TASK_FINISHED);

    // ...and once that is acknowledged too, the task is complete.
    t.master.send(ack('t1', finished.uuid));
    const record = t.agent.core.frameworks.get(FRAMEWORK_ID)?.executors.get('t1');
    await t.master.waitFor(() => record?.completedTasks.length === 1);
    expect(t.agent.core.statusUpdates.size).toBe(0);

    // The command executor exits: no EXECUTOR_EXITED (the master does not track it), the records go.
    t.containerizer.exit(record!.containerId, { status: 0, exitCode: 0, message: 'Command exited with status 0' });
    await t.master.waitFor(() => !t.agent.core.frameworks.has(FRAMEWORK_ID));
    expect(t.master.callsOf(C.EXECUTOR_EXITED)).toHaveLength(0);
    expect(t.agent.core.completedFrameworks[0]?.completedExecutors[0]?.completedTasks[0]?.state).toBe(TaskState.TASK_FINISHED);
  });

  it('ignores a resent update and refuses any update after the terminal one (still acknowledging it)', async () => {
    const c = await launchAndSubscribe('t1');
    await c.next(E.LAUNCH);
    const running = await c.update('t1', TaskState.TASK_RUNNING);
    expect((await c.update('t1', TaskState.TASK_RUNNING, running.uuid)).posted.status).toBe(202);
    await c.update('t1', TaskState.TASK_FAILED);
    const late = await c.update('t1', TaskState.TASK_RUNNING);
    expect(late.posted.status).toBe(202);
    await t.master.waitFor(() => c.events.filter((e) => e.type === E.ACKNOWLEDGED).length === 4);
    expect(t.agent.core.statusUpdates.pending(FRAMEWORK_ID, 't1').map((u) => u.status?.state)).toEqual([TaskState.TASK_RUNNING, TaskState.TASK_FAILED]);
  });

  it('relays MESSAGE calls to the master and framework messages to the executor', async () => {
    const c = await launchAndSubscribe('t1');
    await c.next(E.LAUNCH);
    const posted = await c.call({ type: executor.Call_Type.MESSAGE, message: { data: Buffer.from('to-scheduler') } });
    expect(posted.status).toBe(202);
    const message = await t.master.waitFor(() => t.master.callsOf(C.FRAMEWORK_MESSAGE)[0]);
    expect(message.frameworkMessage).toEqual({ frameworkId: { value: FRAMEWORK_ID }, executorId: { value: 't1' }, data: Buffer.from('to-scheduler') });

    t.master.send({
      type: internal.AgentEvent_Type.FRAMEWORK_MESSAGE,
      frameworkMessage: { frameworkId: { value: FRAMEWORK_ID }, executorId: { value: 't1' }, data: Buffer.from('to-executor') },
    });
    const event = await c.next(E.MESSAGE);
    expect(Buffer.from(event.message!.data!).toString()).toBe('to-executor');
  });

  it('sends KILL for a delivered task', async () => {
    const c = await launchAndSubscribe('t1');
    await c.next(E.LAUNCH);
    t.master.send({
      type: internal.AgentEvent_Type.KILL_TASK,
      killTask: { frameworkId: { value: FRAMEWORK_ID }, taskId: { value: 't1' }, killPolicy: { gracePeriod: { nanoseconds: 3_000_000_000n } } },
    });
    const kill = await c.next(E.KILL);
    expect(kill.kill).toEqual({ taskId: { value: 't1' }, killPolicy: { gracePeriod: { nanoseconds: 3_000_000_000n } } });
  });

  it('answers bad calls as Mesos does, naming what is wrong', async () => {
    t.master.send(runTask(commandTask('t1')));
    await t.master.waitFor(() => t.containerizer.launchOf('t1'));
    const json = (call: unknown): string => JSON.stringify(call);
    const ids = { framework_id: { value: FRAMEWORK_ID }, executor_id: { value: 't1' } };
    const uuid = Buffer.alloc(16, 1).toString('base64');
    const update = (status: Record<string, unknown>): string => json({ ...ids, type: 'UPDATE', update: { status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid, ...status } } });
    const cases: Array<[string | Uint8Array, number, string, Record<string, string>?]> = [
      [json({ ...ids }), 400, "Failed to validate Executor::Call: Expecting 'type' to be present"],
      [json({ framework_id: ids.framework_id, type: 'SUBSCRIBE', subscribe: {} }), 400, "Failed to convert JSON into Call protobuf: missing required field 'executor_id'"],
      [json({ executor_id: ids.executor_id, type: 'SUBSCRIBE', subscribe: {} }), 400, "missing required field 'framework_id'"],
      [json({ ...ids, type: 'SUBSCRIBE' }), 400, "Expecting 'subscribe' to be present"],
      [json({ ...ids, type: 'UPDATE' }), 400, "Expecting 'update' to be present"],
      [update({ uuid: undefined }), 400, "Expecting 'uuid' to be present"],
      [update({ uuid: Buffer.from('short').toString('base64') }), 400, "Invalid 'uuid': expected 16 bytes, got 5"],
      [update({ source: 'SOURCE_AGENT' }), 400, "with invalid source, expecting 'SOURCE_EXECUTOR'"],
      [update({ state: 'TASK_STAGING' }), 400, 'Received TASK_STAGING from executor t1 of framework M1-0000 which is not allowed'],
      [update({ executor_id: { value: 'other' } }), 400, 'ExecutorID in Call: t1 does not match ExecutorID in TaskStatus: other'],
      [json({ ...ids, type: 'MESSAGE', message: {} }), 400, "message: missing required field 'data'"],
      [json({ ...ids, framework_id: { value: 'nope' }, type: 'SUBSCRIBE', subscribe: {} }), 400, 'Framework cannot be found'],
      [json({ ...ids, executor_id: { value: 'nope' }, type: 'SUBSCRIBE', subscribe: {} }), 400, 'Executor cannot be found'],
      [update({}), 403, 'Executor is not subscribed'],
      ['{not json', 400, 'Failed to parse body into JSON'],
      [json({ ...ids, type: 'SUBSCRIBE', subscribe: {} }), 415, "Expecting 'Content-Type' of application/json or application/x-protobuf", { 'content-type': 'text/plain' }],
      [json({ ...ids, type: 'SUBSCRIBE', subscribe: {} }), 406, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'", { 'content-type': 'application/json', accept: 'text/html' }],
      [json({ ...ids, type: 'HEARTBEAT' }), 202, ''],
      [json({ framework_id: { value: 'x' }, executor_id: { value: 'y' }, type: 'HEARTBEAT' }), 202, ''],
    ];
    for (const [body, status, message, headers] of cases) {
      const answer = await postExecutorApi(t.base, body, headers);
      expect({ body: typeof body === 'string' ? body.slice(0, 80) : 'bytes', status: answer.status, message: answer.body }).toEqual({
        body: typeof body === 'string' ? body.slice(0, 80) : 'bytes',
        status,
        message: expect.stringContaining(message),
      });
    }
    const get = await postExecutorApi(t.base, '', {}, 'GET');
    expect(get.status).toBe(405);

    // After subscribing: an update for a task this executor does not have.
    client = new ExecutorClient(t.base, FRAMEWORK_ID, 't1');
    await client.subscribe();
    await client.next(E.LAUNCH);
    const unknown = await client.update('not-a-task', TaskState.TASK_RUNNING);
    expect(unknown.posted).toEqual({ status: 400, body: `Task 'not-a-task' is unknown to executor 't1' of framework '${FRAMEWORK_ID}'` });
  });

  it('takes protobuf calls and streams protobuf events when asked to', async () => {
    t.master.send(runTask(commandTask('t1')));
    await t.master.waitFor(() => t.containerizer.launchOf('t1'));
    const res = await request(`${t.base}/api/v1/executor`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', accept: 'application/x-protobuf' },
      body: encodeProtobuf('mesos.v1.executor.Call', { type: executor.Call_Type.SUBSCRIBE, frameworkId: { value: FRAMEWORK_ID }, executorId: { value: 't1' }, subscribe: {} }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-protobuf');
    const types: string[] = [];
    for await (const record of decodeRecords(res.body)) {
      const event = decodeProtobuf('mesos.v1.executor.Event', record);
      if (!event.ok) throw event.error;
      types.push(executor.Event_Type[event.value.type!]!);
      if (types.length === 2) break;
    }
    expect(types).toEqual(['SUBSCRIBED', 'LAUNCH']);
  });
});
