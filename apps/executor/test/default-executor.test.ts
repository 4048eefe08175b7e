/**
 * The real `mesos-default-executor` process against a fake agent: task groups, the group kill policy, KILL,
 * health checks and SHUTDOWN.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FrameworkInfo_Capability_Type, HealthCheck_Type, TaskState, executor, type TaskInfo } from '@mesos-ts/proto';
import { startFakeAgent, type FakeAgent, type FakeAgentOptions } from './fake-agent';
import { executorEnv, runExecutor, within, type RunningExecutor } from './run-executor';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: FakeAgentOptions = {}, env: Record<string, string | undefined> = {}): Promise<{ agent: FakeAgent; exec: RunningExecutor }> {
  const agent = await startFakeAgent(options);
  cleanup.push(() => agent.close());
  const exec = runExecutor('mesos-default-executor', { ...executorEnv(agent.endpoint), ...env });
  cleanup.push(() => {
    if (exec.child.exitCode === null) exec.child.kill('SIGKILL');
    rmSync(exec.sandbox, { recursive: true, force: true });
  });
  await within(agent.subscribed(), 20_000, `SUBSCRIBE from the executor; stderr: ${exec.output().stderr}`);
  return { agent, exec };
}

function task(id: string, command: string, extra: Partial<TaskInfo> = {}): TaskInfo {
  return { name: id, taskId: { value: id }, agentId: { value: 'agent-1' }, command: { value: command }, ...extra };
}

function launchGroup(agent: FakeAgent, tasks: TaskInfo[]): void {
  agent.send({ type: executor.Event_Type.LAUNCH_GROUP, launchGroup: { taskGroup: { tasks } } });
}

const seconds = (s: number) => ({ nanoseconds: BigInt(Math.round(s * 1e9)) });

describe('mesos-default-executor', () => {
  it('runs a group to TASK_FINISHED, each task in tasks/<id> with its own stdout, and exits 0', async () => {
    const { agent, exec } = await start();
    launchGroup(agent, [task('a', 'echo "a in $MESOS_SANDBOX"; pwd'), task('b', 'echo b-err >&2; sleep 0.3')]);
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('a')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    expect(agent.statesOf('b')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    // TASK_STARTING for the whole group comes before any TASK_RUNNING.
    expect(agent.updates.slice(0, 2).map((u) => u.state)).toEqual([TaskState.TASK_STARTING, TaskState.TASK_STARTING]);
    const sandboxA = join(exec.sandbox, 'tasks', 'a');
    expect(readFileSync(join(sandboxA, 'stdout'), 'utf8')).toBe(`a in ${sandboxA}\n${sandboxA}\n`);
    expect(readFileSync(join(exec.sandbox, 'tasks', 'b', 'stderr'), 'utf8')).toBe('b-err\n');
    const finished = agent.updates.find((u) => u.taskId?.value === 'a' && u.state === TaskState.TASK_FINISHED);
    expect(finished?.message).toBe('Command exited with status 0');
    expect(finished?.containerStatus?.containerId?.parent).toEqual({ value: 'executor-container' });
  });

  it('kills the rest of the group when one task fails', async () => {
    const { agent, exec } = await start();
    launchGroup(agent, [task('bad', 'sleep 0.3; exit 2'), task('long', 'sleep 30'), task('longer', 'sleep 60')]);
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('bad')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    expect(agent.statesOf('long')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
    expect(agent.statesOf('longer')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
    const failed = agent.updates.find((u) => u.taskId?.value === 'bad' && u.state === TaskState.TASK_FAILED);
    expect(failed?.message).toBe('Command exited with status 2');
    const killed = agent.updates.find((u) => u.taskId?.value === 'long' && u.state === TaskState.TASK_KILLED);
    expect(killed?.message).toBe('Command terminated with signal Terminated');
  });

  it('a task that cannot start fails with why, and takes its group down', async () => {
    const { agent, exec } = await start();
    launchGroup(agent, [{ ...task('missing', ''), command: { shell: false, value: '/nonexistent/bin' } }, task('ok', 'sleep 30')]);
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('missing')).toEqual(['TASK_STARTING', 'TASK_FAILED']);
    expect(agent.updates.find((u) => u.taskId?.value === 'missing' && u.state === TaskState.TASK_FAILED)?.message).toContain('Failed to launch the command');
    expect(agent.statesOf('ok')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  });

  it('a KILL of one task kills the whole group, with the kill policy\'s grace period and TASK_KILLING', async () => {
    const { agent, exec } = await start({ capabilities: [FrameworkInfo_Capability_Type.TASK_KILLING_STATE] });
    launchGroup(agent, [task('stubborn', "trap '' TERM; sleep 30"), task('other', 'sleep 30')]);
    await agent.waitForUpdate((u) => u.taskId?.value === 'other' && u.state === TaskState.TASK_RUNNING);
    const at = Date.now();
    agent.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 'stubborn' }, killPolicy: { gracePeriod: seconds(0.5) } } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(Date.now() - at).toBeGreaterThanOrEqual(450);
    expect(agent.statesOf('stubborn')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
    expect(agent.statesOf('other')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
    expect(agent.updates.find((u) => u.taskId?.value === 'stubborn' && u.state === TaskState.TASK_KILLED)?.message).toBe('Command terminated with signal Killed');
  });

  it('kills an unhealthy task (and so its group), and reports the terminal updates unhealthy', async () => {
    const { agent, exec } = await start();
    const check = { type: HealthCheck_Type.TCP, tcp: { port: 1 }, delaySeconds: 0, intervalSeconds: 0.1, gracePeriodSeconds: 0, consecutiveFailures: 1, timeoutSeconds: 2 };
    launchGroup(agent, [task('web', 'sleep 30', { healthCheck: check }), task('sidecar', 'sleep 30')]);
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('web')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_RUNNING(unhealthy)', 'TASK_KILLED(unhealthy)']);
    expect(agent.statesOf('sidecar')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED(unhealthy)']);
  });

  it('runs several groups; a failure in one leaves the other alone; SHUTDOWN ends the rest', async () => {
    const { agent, exec } = await start();
    launchGroup(agent, [task('g1-a', 'sleep 30'), task('g1-b', 'sleep 30')]);
    launchGroup(agent, [task('g2-a', 'exit 1'), task('g2-b', 'sleep 30')]);
    await agent.waitForUpdate((u) => u.taskId?.value === 'g2-b' && u.state === TaskState.TASK_KILLED);
    expect(agent.statesOf('g1-a')).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    agent.send({ type: executor.Event_Type.SHUTDOWN });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('g1-a')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
    expect(agent.statesOf('g1-b')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
    expect(agent.statesOf('g2-a')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
  });

  it('exits 1 without MESOS_SANDBOX, naming it', async () => {
    const exec = runExecutor('mesos-default-executor', { ...executorEnv('127.0.0.1:1'), MESOS_SANDBOX: '', MESOS_DIRECTORY: '' });
    cleanup.push(() => rmSync(exec.sandbox, { recursive: true, force: true }));
    expect(await within(exec.exited, 20_000, 'exit')).toBe(1);
    expect(exec.output().stderr).toContain("Expecting 'MESOS_SANDBOX' to be set in the environment");
  });
});
