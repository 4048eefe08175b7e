// End to end on this machine: the PosixContainerizer starts a real executor process (a small Node script written
// here) that finds the agent through its environment, subscribes, runs its task and exits once acknowledged.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PosixContainerizer } from '@mesos-ts/containerizer';
import { internal, TaskState } from '@mesos-ts/proto';
import { FRAMEWORK_ID, ack, commandTask, customExecutor, runTask, startTestAgent, type TestAgent } from './support/harness';

// A minimal HTTP executor: JSON calls, RecordIO JSON events, exits when its updates are acknowledged.
const EXECUTOR_SCRIPT = String.raw`
const { randomBytes } = require('node:crypto');
const { writeFileSync } = require('node:fs');
const base = 'http://' + process.env.MESOS_AGENT_ENDPOINT + '/api/v1/executor';
const ids = { framework_id: { value: process.env.MESOS_FRAMEWORK_ID }, executor_id: { value: process.env.MESOS_EXECUTOR_ID } };
writeFileSync('env.json', JSON.stringify(process.env));
const post = (call) => fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ ...ids, ...call }) });
const unacked = new Set();
let finished = false;
async function update(taskId, state) {
  const uuid = randomBytes(16).toString('base64');
  unacked.add(uuid);
  const res = await post({ type: 'UPDATE', update: { status: { task_id: taskId, state, source: 'SOURCE_EXECUTOR', uuid } } });
  if (res.status !== 202) { console.error('update refused', res.status, await res.text()); process.exit(3); }
}
async function onEvent(event) {
  console.log('event', event.type);
  if (event.type === 'LAUNCH') {
    writeFileSync('ran', event.launch.task.task_id.value);
    await update(event.launch.task.task_id, 'TASK_RUNNING');
    finished = true;
    await update(event.launch.task.task_id, 'TASK_FINISHED');
  } else if (event.type === 'ACKNOWLEDGED') {
    unacked.delete(event.acknowledged.uuid);
  } else if (event.type === 'SHUTDOWN') {
    process.exit(0);
  }
  if (finished && unacked.size === 0) process.exit(0);
}
(async () => {
  const res = await post({ type: 'SUBSCRIBE', subscribe: {} });
  let buffer = Buffer.alloc(0);
  for await (const chunk of res.body) {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const nl = buffer.indexOf(10);
      if (nl < 0) break;
      const length = Number(buffer.subarray(0, nl).toString());
      if (buffer.length < nl + 1 + length) break;
      const record = buffer.subarray(nl + 1, nl + 1 + length);
      buffer = buffer.subarray(nl + 1 + length);
      await onEvent(JSON.parse(record.toString()));
    }
  }
  process.exit(2);
})();
`;

describe('a real executor process', () => {
  let t: TestAgent | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('subscribes with the environment the agent gave it, runs its task, and exits once acknowledged', async () => {
    t = await startTestAgent({ containerizer: new PosixContainerizer() as never });
    const a = t;
    const script = path.join(a.launcherDir, 'tiny-executor.js');
    writeFileSync(script, EXECUTOR_SCRIPT);
    const exec = customExecutor('tiny', { command: { shell: false, value: process.execPath, arguments: ['node', script] } });
    a.master.send(runTask({ ...commandTask('real-1', 'unused'), executor: exec }));

    const states = (): TaskState[] => a.master.statusUpdates.map((u) => u.status!.state!);
    const running = await a.master.waitFor(() => a.master.statusUpdates[0], 10_000);
    expect(running.status?.state).toBe(TaskState.TASK_RUNNING);
    a.master.send(ack('real-1', running.status!.uuid!));
    const finished = await a.master.waitFor(() => a.master.statusUpdates[1], 10_000);
    expect(states()).toEqual([TaskState.TASK_RUNNING, TaskState.TASK_FINISHED]);
    a.master.send(ack('real-1', finished.status!.uuid!));

    const exited = await a.master.waitFor(() => a.master.callsOf(internal.AgentCall_Type.EXECUTOR_EXITED)[0], 10_000);
    expect(exited.executorExited).toMatchObject({ frameworkId: { value: FRAMEWORK_ID }, executorId: { value: 'tiny' }, status: 0 });
    await a.master.waitFor(() => !a.agent.core.frameworks.has(FRAMEWORK_ID));

    const run = a.agent.core.completedFrameworks[0]!.completedExecutors[0]!;
    expect(readFileSync(path.join(run.directory, 'ran'), 'utf8')).toBe('real-1');
    expect(existsSync(path.join(run.directory, 'stdout'))).toBe(true);
    expect(readFileSync(path.join(run.directory, 'stdout'), 'utf8')).toContain('event SUBSCRIBED');
    const env = JSON.parse(readFileSync(path.join(run.directory, 'env.json'), 'utf8')) as Record<string, string>;
    expect(env).toMatchObject({ MESOS_SANDBOX: run.directory, MESOS_EXECUTOR_ID: 'tiny', MESOS_SLAVE_ID: a.agentId });
    expect(states()).toEqual([TaskState.TASK_RUNNING, TaskState.TASK_FINISHED]);
  });
});
