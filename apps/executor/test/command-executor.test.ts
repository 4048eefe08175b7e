/**
 * The real `mesos-executor` process against a fake agent: it subscribes, gets a LAUNCH, and the test checks the
 * updates it sends and how it exits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameworkInfo_Capability_Type, HealthCheck_Type, TaskState, TaskStatus_Reason, TaskStatus_Source, Value_Type, executor, type TaskInfo } from '@mesos-ts/proto';
import { startFakeAgent, type FakeAgent, type FakeAgentOptions } from './fake-agent';
import { executorEnv, runExecutor, within, type RunningExecutor } from './run-executor';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function start(options: FakeAgentOptions = {}, env: Record<string, string> = {}, args: string[] = []): Promise<{ agent: FakeAgent; exec: RunningExecutor }> {
  const agent = await startFakeAgent(options);
  cleanup.push(() => agent.close());
  const exec = runExecutor('mesos-executor', executorEnv(agent.endpoint, env), args);
  cleanup.push(() => {
    if (exec.child.exitCode === null) exec.child.kill('SIGKILL');
    rmSync(exec.sandbox, { recursive: true, force: true });
  });
  await within(agent.subscribed(), 20_000, `SUBSCRIBE from the executor; stderr: ${exec.output().stderr}`);
  return { agent, exec };
}

function launch(agent: FakeAgent, task: Partial<TaskInfo> & { command: TaskInfo['command'] }): void {
  agent.send({ type: executor.Event_Type.LAUNCH, launch: { task: { name: 'task', taskId: { value: 't1' }, agentId: { value: 'agent-1' }, ...task } } });
}

const seconds = (s: number) => ({ nanoseconds: BigInt(Math.round(s * 1e9)) });

describe('mesos-executor', () => {
  it('runs a shell command to TASK_FINISHED and exits 0 once the agent acknowledged it', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'echo "hello from $MESOS_ALLOCATION_ROLE"' }, resources: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.1 }, allocationInfo: { role: 'web' } }] });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    const finished = agent.updates.at(-1);
    expect(finished?.message).toBe('Command exited with status 0');
    expect(finished?.source).toBe(TaskStatus_Source.SOURCE_EXECUTOR);
    expect(finished?.executorId).toEqual({ value: 'executor-1' });
    expect(finished?.uuid).toHaveLength(16);
    expect(agent.subscribes[0]?.frameworkId).toEqual({ value: 'framework-1' });
    // The task writes to the executor's own stdout, as in Mesos.
    expect(exec.output().stdout).toContain('hello from web');
  });

  it('reports TASK_FAILED with "Command exited with status 3"', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'exit 3' } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    expect(agent.updates.at(-1)?.message).toBe('Command exited with status 3');
  });

  it('runs a non-shell command with its argv and environment', async () => {
    const { agent, exec } = await start();
    launch(agent, {
      command: {
        shell: false,
        value: '/bin/sh',
        arguments: ['my-shell', '-c', 'test "$0" = my-shell && test "$GREETING" = hi && test -z "$MESOS_EXECUTOR_AUTHENTICATION_TOKEN"'],
        environment: { variables: [{ name: 'GREETING', value: 'hi' }] },
      },
    });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
  });

  it('fails a task whose executable does not exist, without TASK_RUNNING', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { shell: false, value: '/nonexistent/program' } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_FAILED']);
    expect(agent.updates.at(-1)?.message).toContain('Failed to launch the command');
  });

  it('kills on KILL: TASK_KILLING, SIGTERM, SIGKILL after the KILL event\'s grace period, TASK_KILLED', async () => {
    const { agent, exec } = await start({ capabilities: [FrameworkInfo_Capability_Type.TASK_KILLING_STATE] });
    // The shell ignores SIGTERM (and so does its sleep), so only SIGKILL ends it. The task's own policy (30 s)
    // is overridden by the one in the KILL event.
    launch(agent, { command: { value: "trap '' TERM; sleep 30; exit 0" }, killPolicy: { gracePeriod: seconds(30) } });
    await agent.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    const killedAt = Date.now();
    agent.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 't1' }, killPolicy: { gracePeriod: seconds(1) } } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    const elapsed = Date.now() - killedAt;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(10_000);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
    expect(agent.updates.at(-1)?.message).toBe('Command terminated with signal Killed');
  });

  it('a task that honours SIGTERM ends at once, TASK_KILLED "terminated with signal Terminated" (no TASK_KILLING without the capability)', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'sleep 30' } });
    await agent.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    const killedAt = Date.now();
    agent.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 't1' } } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(Date.now() - killedAt).toBeLessThan(2500);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
    expect(agent.updates.at(-1)?.message).toBe('Command terminated with signal Terminated');
  });

  it('kills the task after consecutive health check failures: TASK_RUNNING unhealthy, then TASK_KILLED unhealthy', async () => {
    const { agent, exec } = await start();
    launch(agent, {
      command: { value: 'sleep 30' },
      healthCheck: {
        type: HealthCheck_Type.COMMAND,
        command: { value: 'exit 1' },
        delaySeconds: 0,
        intervalSeconds: 0.1,
        gracePeriodSeconds: 0,
        consecutiveFailures: 2,
        timeoutSeconds: 5,
      },
    });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_RUNNING(unhealthy)', 'TASK_RUNNING(unhealthy)', 'TASK_KILLED(unhealthy)']);
    const unhealthy = agent.updates.filter((s) => s.healthy === false && s.state === TaskState.TASK_RUNNING);
    for (const status of unhealthy) expect(status.reason).toBe(TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    expect(agent.updates.at(-1)?.message).toBe('Command terminated with signal Terminated');
  });

  it('reports healthy once for a passing HTTP health check', async () => {
    const server: Server = createServer((req, res) => {
      res.statusCode = req.url === '/health' ? 200 : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const { agent, exec } = await start();
    launch(agent, {
      command: { value: 'sleep 30' },
      healthCheck: { type: HealthCheck_Type.HTTP, http: { port, path: '/health' }, delaySeconds: 0, intervalSeconds: 0.05, gracePeriodSeconds: 0 },
    });
    const healthy = await agent.waitForUpdate((s) => s.healthy === true);
    expect(healthy.state).toBe(TaskState.TASK_RUNNING);
    expect(healthy.reason).toBe(TaskStatus_Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED);
    // Several more checks pass meanwhile; only the change was reported.
    await new Promise((resolve) => setTimeout(resolve, 300));
    agent.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 't1' } } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_RUNNING(healthy)', 'TASK_KILLED']);
  });

  it('fails the task when it runs past max_completion_time', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'sleep 30' }, maxCompletionTime: seconds(0.3) });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FAILED']);
    expect(agent.updates.at(-1)?.reason).toBe(TaskStatus_Reason.REASON_MAX_COMPLETION_TIME_REACHED);
  });

  it('on SHUTDOWN kills the task within the shutdown grace period and exits', async () => {
    const { agent, exec } = await start({}, { MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '3secs' });
    // TASK_RUNNING comes when the shell has started, maybe before its trap is set: wait for the trap to be in place.
    const marker = join(tmpdir(), `mesos-ts-trap-${process.pid}-${Date.now()}`);
    launch(agent, { command: { value: `trap '' TERM; touch ${marker}; sleep 30` } });
    await agent.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    for (let i = 0; i < 200 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 25));
    rmSync(marker, { force: true });
    const at = Date.now();
    agent.send({ type: executor.Event_Type.SHUTDOWN });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    // 3 s less Mesos's 2 s buffer: SIGKILL after about 1 s.
    expect(Date.now() - at).toBeGreaterThanOrEqual(900);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  });

  it('treats SIGTERM to the executor as a SHUTDOWN: the task is killed and reported, then it exits', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'sleep 30' } });
    await agent.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    exec.child.kill('SIGTERM');
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);
    expect(agent.statesOf('t1')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED']);
  });

  it('fails a second task with Mesos\'s message, and exits 0 at a SHUTDOWN before any task', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'sleep 30' } });
    await agent.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    agent.send({ type: executor.Event_Type.LAUNCH, launch: { task: { name: 'other', taskId: { value: 't2' }, agentId: { value: 'agent-1' }, command: { value: 'true' } } } });
    const failed = await agent.waitForUpdate((s) => s.taskId?.value === 't2');
    expect(failed.state).toBe(TaskState.TASK_FAILED);
    expect(failed.message).toBe('Attempted to run multiple tasks using a "command" executor');
    agent.send({ type: executor.Event_Type.KILL, kill: { taskId: { value: 't1' } } });
    expect(await within(exec.exited, 20_000, 'exit')).toBe(0);

    const second = await start();
    second.agent.send({ type: executor.Event_Type.SHUTDOWN });
    expect(await within(second.exec.exited, 20_000, 'exit')).toBe(0);
  });

  it('kills the task and exits 1 when the agent goes away and the framework does not checkpoint', async () => {
    const { agent, exec } = await start();
    launch(agent, { command: { value: 'sleep 30' } });
    await agent.waitForUpdate((s) => s.state === TaskState.TASK_RUNNING);
    await agent.close();
    expect(await within(exec.exited, 20_000, 'exit')).toBe(1);
    expect(exec.output().stderr).toContain('Lost the connection to the agent');
  });

  it('exits 1 naming a missing variable, and 0 with the help on --help', async () => {
    const missing = runExecutor('mesos-executor', { MESOS_AGENT_ENDPOINT: '127.0.0.1:1', MESOS_FRAMEWORK_ID: 'f', MESOS_EXECUTOR_ID: undefined });
    cleanup.push(() => rmSync(missing.sandbox, { recursive: true, force: true }));
    expect(await within(missing.exited, 20_000, 'exit')).toBe(1);
    expect(missing.output().stderr).toContain("Expecting 'MESOS_EXECUTOR_ID' to be set in the environment");

    const help = runExecutor('mesos-executor', {}, ['--help']);
    cleanup.push(() => rmSync(help.sandbox, { recursive: true, force: true }));
    expect(await within(help.exited, 20_000, 'exit')).toBe(0);
    expect(help.output().stdout).toContain('--task_command');

    const rootfs = runExecutor('mesos-executor', executorEnv('127.0.0.1:1'), ['--rootfs=/images/x']);
    cleanup.push(() => rmSync(rootfs.sandbox, { recursive: true, force: true }));
    expect(await within(rootfs.exited, 20_000, 'exit')).toBe(1);
    expect(rootfs.output().stderr).toContain('--rootfs and --launch_info must be given together');
  });
});
