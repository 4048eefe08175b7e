/**
 * `mesos execute` through runCli (the whole program, in process) against the fake master-plus-agent: the
 * subscribe / offer / launch / update / acknowledge / teardown conversation and its exit codes.
 */
import { FrameworkInfo_Capability_Type, Offer_Operation_Type, ExecutorInfo_Type, scheduler } from '@mesos-ts/proto';
import { runCli, type CliContext } from '../src';
import { resourcesText, startFakeCluster, type FakeCluster, type FakeClusterOptions } from './fake-cluster';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const clusters: FakeCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()));
});

async function cluster(options: FakeClusterOptions = {}): Promise<FakeCluster> {
  const c = await startFakeCluster(options);
  clusters.push(c);
  return c;
}

function context(out: { stdout: string; stderr: string }, extra: Partial<CliContext> = {}): CliContext {
  return {
    env: {},
    stdout: { write: (t) => void (out.stdout += t) },
    stderr: { write: (t) => void (out.stderr += t) },
    user: 'tester',
    readFile: () => {
      throw new Error('no files here');
    },
    ...extra,
  };
}

async function execute(args: string[], extra: Partial<CliContext> = {}): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(['execute', ...args], context(out, extra));
  return { code, ...out };
}

describe.each(['json', 'protobuf'] as const)('mesos execute against a fake cluster (%s)', (contentType) => {
  it('runs a command to TASK_FINISHED, acknowledges every update, tears down and exits 0', async () => {
    const c = await cluster();
    const run = await execute([`--master=${c.address}`, '--name=hello', '--command=echo hello', `--content_type=${contentType}`]);
    expect(run.stderr).toContain('Waiting for an offer that fits cpus:1; mem:128');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'Subscribed with ID fake-framework-0001',
        "Submitted task 'hello' to agent 'fake-agent-S0'",
        "Received status update TASK_STARTING for task 'hello'",
        '  source: SOURCE_EXECUTOR',
        "Received status update TASK_RUNNING for task 'hello'",
        '  source: SOURCE_EXECUTOR',
        "Received status update TASK_FINISHED for task 'hello'",
        "  message: 'Command exited with status 0'",
        '  source: SOURCE_EXECUTOR',
        '',
      ].join('\n'),
    );
    const info = c.subscribes[0]?.subscribe?.frameworkInfo;
    expect(info).toMatchObject({ user: 'tester', name: 'mesos-execute instance', role: '*', checkpoint: false });
    expect(info?.capabilities?.map((x) => x.type)).toContain(FrameworkInfo_Capability_Type.PARTITION_AWARE);
    const task = c.launched.get('hello');
    expect(task?.command).toEqual({ shell: true, value: 'echo hello' });
    expect(task?.agentId).toEqual({ value: 'fake-agent-S0' });
    expect(resourcesText(task?.resources)).toBe('cpus:1; mem:128');
    expect(c.callsOf(scheduler.Call_Type.ACKNOWLEDGE)).toHaveLength(3);
    expect(c.callsOf(scheduler.Call_Type.ACKNOWLEDGE).every((a) => a.acknowledge?.uuid?.length === 16 && a.acknowledge.taskId?.value === 'hello')).toBe(true);
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
    expect(c.calls.at(-1)?.type).toBe(scheduler.Call_Type.TEARDOWN);
  });

  it('exits 1 with TASK_FAILED and its reason for --command=false', async () => {
    const c = await cluster();
    const run = await execute([`--master=${c.address}`, '--name=nope', '--command=false', `--content_type=${contentType}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Received status update TASK_FAILED for task 'nope'\n  message: 'Command exited with status 1'\n  source: SOURCE_EXECUTOR\n  reason: REASON_COMMAND_EXECUTOR_FAILED\n");
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
  });
});

describe('mesos execute against a fake cluster', () => {
  it('declines offers that do not fit, launches on one that does, then suppresses', async () => {
    const c = await cluster({ firstOffers: ['cpus:0.5;mem:1024', 'cpus:4;mem:64'] });
    const run = await execute([`--master=${c.address}`, '--name=fits', '--command=true', '--resources=cpus:1;mem:128']);
    expect(run.code).toBe(0);
    const declines = c.callsOf(scheduler.Call_Type.DECLINE);
    expect(declines.map((d) => d.decline?.offerIds?.[0]?.value)).toEqual(['offer-1', 'offer-2']);
    expect(declines[0]?.decline?.filters?.refuseSeconds).toBe(1);
    expect(c.callsOf(scheduler.Call_Type.ACCEPT)[0]?.accept?.offerIds).toEqual([{ value: 'offer-3' }]);
  });

  it('kills the task after --kill_after and exits 1 with TASK_KILLED', async () => {
    const c = await cluster();
    const run = await execute([`--master=${c.address}`, '--name=sleepy', '--command=sleep 1000', '--kill_after=50ms']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Asked to kill task 'sleepy' on agent 'fake-agent-S0'\n");
    expect(run.stdout).toContain("Received status update TASK_KILLING for task 'sleepy'");
    expect(run.stdout).toContain("Received status update TASK_KILLED for task 'sleepy'");
    expect(c.callsOf(scheduler.Call_Type.KILL)[0]?.kill).toEqual({ taskId: { value: 'sleepy' }, agentId: { value: 'fake-agent-S0' } });
  });

  it('launches a task group with LAUNCH_GROUP and the default executor, and waits for every task', async () => {
    const c = await cluster();
    const group = JSON.stringify({
      tasks: ['a', 'b'].map((id) => ({ name: id, task_id: { value: id }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } }], command: { value: 'true' } })),
    });
    const run = await execute([`--master=${c.address}`, `--task_group=${group}`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Submitted task group with tasks [ a, b ] to agent 'fake-agent-S0'");
    expect(run.stdout).toContain("Received status update TASK_FINISHED for task 'a'");
    expect(run.stdout).toContain("Received status update TASK_FINISHED for task 'b'");
    const operation = c.operations[0];
    expect(operation?.type).toBe(Offer_Operation_Type.LAUNCH_GROUP);
    const executor = operation?.launchGroup?.executor;
    expect(executor?.type).toBe(ExecutorInfo_Type.DEFAULT);
    expect(executor?.frameworkId).toEqual({ value: 'fake-framework-0001' });
    expect(resourcesText(executor?.resources)).toBe('cpus:0.1; disk:32; mem:32');
    expect(operation?.launchGroup?.taskGroup?.tasks?.map((t) => t.agentId?.value)).toEqual(['fake-agent-S0', 'fake-agent-S0']);
  });

  it('prints an ERROR event as one line and exits 1', async () => {
    const c = await cluster({ errorAfterSubscribe: 'Framework has been removed' });
    const run = await execute([`--master=${c.address}`, '--name=x', '--command=true']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('mesos execute: Received an ERROR event: Framework has been removed\n');
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(0);
  });

  it('reports a launch the master refuses and still tears down', async () => {
    const c = await cluster({ rejectAccept: { status: 400, body: 'Invalid offer' } });
    const run = await execute([`--master=${c.address}`, '--name=x', '--command=true']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("mesos execute: launching on agent 'fake-agent-S0' failed: the master at " + c.address + ' refused: ACCEPT failed: 400 Invalid offer\n');
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
  });

  it('on interrupt kills the running task, waits for TASK_KILLED and tears down', async () => {
    const c = await cluster();
    const interrupt = new AbortController();
    const out = { stdout: '', stderr: '' };
    const ctx = context(out, { interrupt: interrupt.signal });
    const running = runCli([`execute`, `--master=${c.address}`, '--name=long', '--command=sleep 1000'], ctx);
    while (!out.stdout.includes('TASK_RUNNING')) await new Promise((r) => setTimeout(r, 10));
    interrupt.abort();
    expect(await running).toBe(1);
    expect(out.stderr).toContain('Interrupted: killing the task (Ctrl-C again to stop waiting)');
    expect(out.stdout).toContain("Received status update TASK_KILLED for task 'long'");
    expect(c.callsOf(scheduler.Call_Type.KILL)).toHaveLength(1);
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
  });

  it('on interrupt while waiting for offers tears down at once', async () => {
    const c = await cluster({ noOffers: true });
    const interrupt = new AbortController();
    const out = { stdout: '', stderr: '' };
    const running = runCli([`execute`, `--master=${c.address}`, '--name=x', '--command=true'], context(out, { interrupt: interrupt.signal }));
    while (!out.stdout.includes('Subscribed')) await new Promise((r) => setTimeout(r, 10));
    interrupt.abort();
    expect(await running).toBe(1);
    expect(out.stderr).toContain('Interrupted before the launch; tearing down the framework');
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
    expect(c.callsOf(scheduler.Call_Type.ACCEPT)).toHaveLength(0);
  });

  it('on a second interrupt stops waiting for the kill', async () => {
    const c = await cluster();
    const interrupt = new AbortController();
    const forceQuit = new AbortController();
    const out = { stdout: '', stderr: '' };
    // A grace long enough that only the second interrupt can end the run in time.
    const running = runCli([`execute`, `--master=${c.address}`, '--name=long', '--command=sleep 1000'], context(out, { interrupt: interrupt.signal, forceQuit: forceQuit.signal }));
    while (!out.stdout.includes('TASK_RUNNING')) await new Promise((r) => setTimeout(r, 10));
    interrupt.abort();
    forceQuit.abort();
    expect(await running).toBe(1);
    expect(out.stderr).toContain('Not waiting any longer; tearing down the framework');
    expect(c.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
  });
});
