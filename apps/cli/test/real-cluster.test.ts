/**
 * What `npm start` runs, tools/scripts/local-cluster.mjs, with the built master and agent on free ports; then
 * `mesos execute` (the built binary) against that real cluster; then SIGINT, which must stop both daemons.
 * One file and one cluster, so that the build runs once and nothing rebuilds dist while a daemon runs from it.
 */
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@mesos-ts/http-api/testing';
import { buildDaemons, isAlive, startCli, startLocalCluster, waitFor, type Child } from './processes';

jest.setTimeout(600_000);

describe('local cluster (npm start) and mesos execute against it', () => {
  let dir: string;
  let cluster: Child;
  let masterPort: number;
  let agentPort: number;
  let master: string;

  beforeAll(async () => {
    buildDaemons();
    dir = mkdtempSync(join(tmpdir(), 'mesos-real-cluster-'));
    masterPort = await freePort();
    agentPort = await freePort();
    master = `127.0.0.1:${masterPort}`;
    cluster = startLocalCluster({ MESOS_TS_MASTER_PORT: String(masterPort), MESOS_TS_AGENT_PORT: String(agentPort), MESOS_TS_CLUSTER_DIR: dir });
    await waitFor(() => cluster.output().stdout.includes('Press Ctrl-C') || cluster.child.exitCode !== null, 'the cluster to be up', 90_000);
  });

  afterAll(async () => {
    if (cluster !== undefined && cluster.child.exitCode === null) {
      cluster.child.kill('SIGINT');
      await cluster.exited();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  // The built binary, as people run it after `npm start`.
  const mesos = (args: string[]): Child => startCli(args, {}, process.env['MESOS_CLI_BIN'] ?? 'dist/main.js');

  it('prints the master and agent URLs and a line to try, once the agent is registered', async () => {
    const { stdout, stderr } = cluster.output();
    expect({ exitCode: cluster.child.exitCode, stderr }).toEqual({ exitCode: null, stderr: '' });
    expect(stdout).toContain(`  master: http://127.0.0.1:${masterPort}`);
    expect(stdout).toContain(`  agent:  http://127.0.0.1:${agentPort}`);
    expect(stdout).toContain(`node apps/cli/dist/main.js execute --master=127.0.0.1:${masterPort} --name=hello --command='echo hello'`);
    const state = (await (await fetch(`http://${master}/master/state`)).json()) as { slaves: unknown[] };
    expect(state.slaves).toHaveLength(1);
  });

  it.each(['json', 'protobuf'])('mesos execute runs echo to TASK_FINISHED and exits 0 (%s)', async (contentType) => {
    const p = mesos(['execute', `--master=${master}`, `--name=hello-${contentType}`, '--command=echo hello', `--content_type=${contentType}`]);
    const code = await p.exited();
    const { stdout, stderr } = p.output();
    expect({ code, stdout, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toMatch(/^Subscribed with ID \S+\n/);
    expect(stdout).toContain(`Submitted task 'hello-${contentType}' to agent '`);
    expect(stdout).toContain(`Received status update TASK_RUNNING for task 'hello-${contentType}'`);
    expect(stdout).toContain(`Received status update TASK_FINISHED for task 'hello-${contentType}'`);
  });

  it('mesos execute exits 1 with TASK_FAILED for --command=false', async () => {
    const p = mesos(['execute', `--master=${master}`, '--name=nope', '--command=false']);
    const code = await p.exited();
    const { stdout, stderr } = p.output();
    expect({ code, stdout, stderr }).toMatchObject({ code: 1 });
    expect(stdout).toContain("Received status update TASK_FAILED for task 'nope'");
  });

  it('mesos execute kills a long task with --kill_after and exits 1 with TASK_KILLED', async () => {
    const p = mesos(['execute', `--master=${master}`, '--name=sleepy', '--command=sleep 100', '--kill_after=500ms']);
    const code = await p.exited();
    const { stdout, stderr } = p.output();
    expect({ code, stdout, stderr }).toMatchObject({ code: 1 });
    expect(stdout).toContain("Asked to kill task 'sleepy'");
    expect(stdout).toContain("Received status update TASK_KILLED for task 'sleepy'");
  });

  it('mesos execute runs a task group under the default executor', async () => {
    const group = JSON.stringify({
      tasks: ['one', 'two'].map((id) => ({
        name: id,
        task_id: { value: id },
        resources: [
          { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
          { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
        ],
        command: { value: `echo ${id}` },
      })),
    });
    const p = mesos(['execute', `--master=${master}`, `--task_group=${group}`]);
    const code = await p.exited();
    const { stdout, stderr } = p.output();
    expect({ code, stdout, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toContain('Submitted task group with tasks [ one, two ]');
    expect(stdout).toContain("Received status update TASK_FINISHED for task 'one'");
    expect(stdout).toContain("Received status update TASK_FINISHED for task 'two'");
  });

  it('mesos execute: Ctrl-C kills the running task and tears the framework down', async () => {
    const p = mesos(['execute', `--master=${master}`, '--name=interrupted', '--command=sleep 100']);
    await waitFor(() => p.output().stdout.includes('TASK_RUNNING') || p.child.exitCode !== null, 'TASK_RUNNING');
    p.child.kill('SIGINT');
    const code = await p.exited();
    const { stdout, stderr } = p.output();
    expect({ code, stdout, stderr }).toMatchObject({ code: 1 });
    expect(stdout).toContain("Received status update TASK_KILLED for task 'interrupted'");
    const state = (await (await fetch(`http://${master}/master/state`)).json()) as { frameworks: unknown[] };
    expect(state.frameworks).toHaveLength(0);
  });

  it('the cluster stops both daemons on SIGINT and exits 0', async () => {
    const pids = [...cluster.output().stdout.matchAll(/\(pid (\d+),/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    cluster.child.kill('SIGINT');
    expect(await cluster.exited()).toBe(0);
    expect(cluster.output().stdout).toContain('stopping the agent and the master');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('the cluster refuses a port that is taken, in one line', async () => {
    const server = createServer();
    const port = await new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as { port: number }).port)));
    try {
      const c = startLocalCluster({ MESOS_TS_MASTER_PORT: String(port), MESOS_TS_CLUSTER_DIR: dir });
      expect(await c.exited()).toBe(1);
      expect(c.output().stderr).toBe(`local-cluster: port ${port} (MESOS_TS_MASTER_PORT) is taken\n`);
    } finally {
      server.close();
    }
  });
});
