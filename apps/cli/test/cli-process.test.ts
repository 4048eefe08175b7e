/**
 * The `mesos` binary as a child process: from sources through tsx by default, or the file named by MESOS_CLI_BIN
 * (e.g. `dist/main.js` after `npx tsup`). Exit codes, one-line errors without stack traces, and Ctrl-C.
 */
import { freePort } from '@mesos-ts/http-api/testing';
import { scheduler } from '@mesos-ts/proto';
import { startFakeCluster, type FakeCluster } from './fake-cluster';
import { startCli, waitFor } from './processes';

describe('mesos (process)', () => {
  let cluster: FakeCluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it('--help exits 0', async () => {
    const p = startCli(['execute', '--help']);
    expect(await p.exited()).toBe(0);
    expect(p.output().stdout).toMatch(/^Usage: mesos execute \[options\]/);
  });

  it('a wrong argument is one line on stderr and exit 1', async () => {
    const p = startCli(['execute', '--bogus']);
    expect(await p.exited()).toBe(1);
    expect(p.output().stderr).toBe("mesos execute: unknown option '--bogus' (see 'mesos execute --help')\n");
    expect(p.output().stdout).toBe('');
  });

  it('an unreachable master is one line on stderr and exit 1, no stack trace', async () => {
    const port = await freePort();
    const p = startCli(['execute', `--master=127.0.0.1:${port}`, '--name=x', '--command=true']);
    expect(await p.exited()).toBe(1);
    expect(p.output().stderr).toBe(`mesos execute: cannot reach the master at 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('runs a task to TASK_FINISHED and exits 0 (MESOS_MASTER)', async () => {
    cluster = await startFakeCluster();
    const p = startCli(['execute', '--name=hello', '--command=echo hello'], { MESOS_MASTER: cluster.address });
    expect(await p.exited()).toBe(0);
    expect(p.output().stdout).toContain("Received status update TASK_FINISHED for task 'hello'");
  });

  it('Ctrl-C kills the task, tears down and exits 1', async () => {
    cluster = await startFakeCluster();
    const p = startCli(['execute', `--master=${cluster.address}`, '--name=long', '--command=sleep 100']);
    await waitFor(() => p.output().stdout.includes('TASK_RUNNING'), 'TASK_RUNNING');
    p.child.kill('SIGINT');
    expect(await p.exited()).toBe(1);
    expect(p.output().stdout).toContain("Asked to kill task 'long'");
    expect(p.output().stdout).toContain("Received status update TASK_KILLED for task 'long'");
    expect(cluster.callsOf(scheduler.Call_Type.TEARDOWN)).toHaveLength(1);
  });
});
