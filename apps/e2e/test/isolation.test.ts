/**
 * Isolation end to end, with a real master and a real agent run as root with the Mesos containerizer's cgroups and
 * namespaces (`--isolation=cgroups/cpu,cgroups/mem,namespaces/pid --launcher=linux`): a memory hog over its `mem`
 * fails with REASON_CONTAINER_LIMITATION_MEMORY; a task in its own pid namespace sees only its own processes; the
 * fetcher puts an `http://` archive's files into the sandbox and a 404 fails the launch naming the URI; and an agent
 * killed with SIGKILL and started again destroys the cgroups of the containers it left behind.
 *
 * The agent gets a cgroups root of its own, removed (with anything left in it) after the suite, so that nothing
 * stays in /sys/fs/cgroup. Skipped when not root or without the memory and freezer cgroups.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState, TaskStatus_Reason, TaskStatus_Source, type Offer } from '@mesos-ts/proto';
import { Daemon, appBinary, eventually, killStrays, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask, stateName } from '../src/scheduler';

const CGROUP_MOUNT = '/sys/fs/cgroup';
const canIsolate = process.getuid?.() === 0 && existsSync(join(CGROUP_MOUNT, 'memory')) && existsSync(join(CGROUP_MOUNT, 'freezer'));
const describeRoot = canIsolate ? describe : describe.skip;

/** Every directory of `root` under each v1 hierarchy (and the unified one). */
function cgroupRoots(root: string): string[] {
  return readdirSync(CGROUP_MOUNT)
    .map((h) => join(CGROUP_MOUNT, h, root))
    .filter((dir) => existsSync(dir));
}

/** Container cgroups under `root` in the memory hierarchy. */
function containerCgroups(root: string): string[] {
  const dir = join(CGROUP_MOUNT, 'memory', root);
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
}

/** Kills whatever is left in the cgroups under `root` and removes them, deepest first. */
function removeCgroupRoot(root: string): void {
  for (const dir of cgroupRoots(root)) {
    const children = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
    for (const cgroup of [...children, dir]) {
      for (const pid of (existsSync(join(cgroup, 'cgroup.procs')) ? readFileSync(join(cgroup, 'cgroup.procs'), 'utf8') : '').split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
    }
    for (const cgroup of [...children, dir]) {
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(cgroup);
          break;
        } catch {
          execFileSync('sleep', ['0.1']);
        }
      }
    }
  }
}

/** A process's state letter from /proc (`R`, `S`, `Z`, ...), or `gone`. */
function processState(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[0] ?? 'gone';
  } catch {
    return 'gone';
  }
}

/** The sandbox of a command task (its executor ID is the task ID) under an agent's work directory. */
function sandboxOf(workDir: string, frameworkId: string, taskId: string): string {
  const slaves = join(workDir, 'slaves');
  const agentId = readdirSync(slaves).find((d) => d !== 'latest')!;
  return join(slaves, agentId, 'frameworks', frameworkId, 'executors', taskId, 'runs', 'latest');
}

describeRoot('isolation end to end (cgroups, pid namespace, fetcher, recovery)', () => {
  const cgroupsRoot = `mesos-ts-e2e-${process.pid}-${Date.now()}`;
  const scratch = mkdtempSync(join(tmpdir(), 'mesos-ts-isolation-'));
  const isolationFlags = [
    '--isolation=cgroups/cpu,cgroups/mem,namespaces/pid',
    '--launcher=linux',
    `--cgroups_root=${cgroupsRoot}`,
    `--fetcher_cache_dir=${join(scratch, 'fetch')}`,
  ];
  let cluster: Cluster;
  let framework: TestScheduler;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    // An archive for the fetcher, served over HTTP by the test.
    const content = join(scratch, 'content');
    mkdirSync(join(content, 'bundle'), { recursive: true });
    writeFileSync(join(content, 'bundle', 'hello.txt'), 'hello from the fetcher\n');
    execFileSync('tar', ['-czf', join(scratch, 'x.tar.gz'), '-C', content, 'bundle']);
    const archive = readFileSync(join(scratch, 'x.tar.gz'));
    server = createServer((req, res) => {
      if (req.url === '/x.tar.gz') res.writeHead(200, { 'content-type': 'application/gzip' }).end(archive);
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cluster = await startCluster({ agentFlags: isolationFlags });
    framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'isolation', checkpoint: true } });
    await framework.subscribe();
  }, 60_000);

  afterAll(async () => {
    await framework?.close();
    await cluster?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    removeCgroupRoot(cgroupsRoot);
    rmSync(scratch, { recursive: true, force: true });
    expect(cgroupRoots(cgroupsRoot)).toEqual([]);
  }, 60_000);

  /** Launches one command task on the first offer and waits for a terminal state. */
  async function run(taskId: string, command: string, mem: number, extra: Parameters<typeof commandTask>[5] = {}): Promise<{ state: TaskState; status: ReturnType<TestScheduler['updatesOf']>[number] }> {
    const [offer] = (await framework.takeOffers()) as [Offer];
    await framework.launch(offer, [commandTask(offer, taskId, command, 0.2, mem, extra)]);
    const status = await eventually(
      `a terminal update of ${taskId}\n${cluster.logs()}`,
      () => framework.updatesOf(taskId).find((s) => [TaskState.TASK_FINISHED, TaskState.TASK_FAILED, TaskState.TASK_KILLED, TaskState.TASK_LOST, TaskState.TASK_ERROR].includes(s.state!)),
      60_000,
    );
    return { state: status.state!, status };
  }

  it('fails a memory hog over its mem with REASON_CONTAINER_LIMITATION_MEMORY, from the agent', async () => {
    // 64 MB for the task + 32 MB of the command executor: the hog wants 400 MB.
    const hog = `${process.execPath} -e "const a=[];for(;;)a.push(Buffer.alloc(16*1024*1024,1))"`;
    const { state, status } = await run('hog', hog, 64);
    expect(stateName(state)).toBe('TASK_FAILED');
    expect(TaskStatus_Reason[status.reason!]).toBe('REASON_CONTAINER_LIMITATION_MEMORY');
    expect(status.source).toBe(TaskStatus_Source.SOURCE_AGENT);
    expect(status.message).toMatch(/Memory limit exceeded/);
    expect(status.limitation?.resources?.[0]?.name).toBe('mem');
    // The container's cgroups are gone with it.
    await eventually('the hog container cgroup to go', () => (containerCgroups(cgroupsRoot).length === 0 ? true : undefined));
  }, 90_000);

  it('runs a task in its own pid namespace: it sees only its own processes', async () => {
    const hostProcesses = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
    const { state } = await run('pids', 'for p in /proc/[0-9]*; do echo "$(basename $p) $(cat $p/comm)"; done', 64);
    expect(stateName(state)).toBe('TASK_FINISHED');
    const lines = readFileSync(join(sandboxOf(cluster.agents[0]!.workDir, framework.frameworkId, 'pids'), 'stdout'), 'utf8')
      .split('\n')
      .filter((l) => /^\d+ /.test(l));
    const pids = lines.map((l) => Number(l.split(' ')[0]));
    // pid 1 is the container's first process (the executor); the agent, master and test are not there.
    expect(pids).toContain(1);
    expect(lines.length).toBeLessThan(10);
    expect(hostProcesses).toBeGreaterThan(lines.length);
    expect(lines.join('\n')).not.toMatch(/ (jest|mesos-master)/);
  }, 90_000);

  it('fetches an http:// archive into the sandbox and extracts it before the task runs', async () => {
    const uri = `${baseUrl}/x.tar.gz`;
    const { state } = await run('fetch', 'cat bundle/hello.txt', 64, { command: { value: 'cat bundle/hello.txt', uris: [{ value: uri, extract: true }] } });
    expect(stateName(state)).toBe('TASK_FINISHED');
    const sandbox = sandboxOf(cluster.agents[0]!.workDir, framework.frameworkId, 'fetch');
    expect(readFileSync(join(sandbox, 'bundle', 'hello.txt'), 'utf8')).toBe('hello from the fetcher\n');
    expect(readFileSync(join(sandbox, 'stdout'), 'utf8')).toContain('hello from the fetcher');
  }, 90_000);

  it('fails a task whose URI answers 404 with REASON_CONTAINER_LAUNCH_FAILED naming the URI', async () => {
    const uri = `${baseUrl}/missing.tar.gz`;
    const { state, status } = await run('fetch-404', 'true', 64, { command: { value: 'true', uris: [{ value: uri }] } });
    expect(stateName(state)).toBe('TASK_FAILED');
    expect(TaskStatus_Reason[status.reason!]).toBe('REASON_CONTAINER_LAUNCH_FAILED');
    expect(status.message).toContain(uri);
    expect(status.message).toMatch(/404/);
  }, 90_000);

  it('destroys the cgroups of the containers a SIGKILLed agent left behind when it starts again', async () => {
    const [offer] = (await framework.takeOffers()) as [Offer];
    await framework.launch(offer, [commandTask(offer, 'sleeper', 'sleep 1000', 0.2, 64)]);
    await framework.waitForState('sleeper', TaskState.TASK_RUNNING, 60_000);
    const left = containerCgroups(cgroupsRoot);
    expect(left).toHaveLength(1);
    const agent = cluster.agents[0]!;
    // The isolators' statistics: cgroups/mem's memory and cgroups/cpu's times, with the container's limits.
    const containers = (await (await fetch(`${agent.url}/containers`)).json()) as Array<{ container_id: string; statistics?: Record<string, number> }>;
    const stats = containers.find((c) => c.container_id === left[0])?.statistics;
    expect(stats).toMatchObject({ mem_limit_bytes: (64 + 32) * 1024 * 1024, cpus_limit: expect.closeTo(0.3, 5) });
    expect(stats?.['mem_total_bytes']).toBeGreaterThan(0);
    expect(stats).toHaveProperty('cpus_user_time_secs');
    await agent.daemon.kill();
    // Its container lives on without it (the framework checkpoints, so its executor waits for the agent to come back).
    const procs = readFileSync(join(CGROUP_MOUNT, 'memory', cgroupsRoot, left[0]!, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    expect(procs.length).toBeGreaterThan(0);

    const restarted = new Daemon('agent-0-restarted', appBinary('agent'), [
      `--master=${cluster.masterAddress}`,
      '--ip=127.0.0.1',
      `--port=${agent.port}`,
      `--work_dir=${agent.workDir}`,
      '--hostname=127.0.0.1',
      '--resources=cpus:4;mem:4096;disk:4096;ports:[31000-32000]',
      ...isolationFlags,
    ]);
    try {
      await eventually(`the old container's cgroups to be removed\n${restarted.log()}`, () => (containerCgroups(cgroupsRoot).length === 0 ? true : undefined), 30_000);
      // Dead: gone, or a zombie waiting for whoever inherited it (the killed agent was its parent).
      for (const pid of procs) expect(processState(pid)).toMatch(/^(gone|Z)$/);
      expect(restarted.log()).toContain('Destroyed the containers an earlier run of this agent left behind');
    } finally {
      await restarted.stop();
      killStrays(agent.workDir);
    }
  }, 120_000);
});
