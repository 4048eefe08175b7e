/**
 * The operator commands of the built `mesos` binary against a real master and agent (tools/scripts/local-cluster.mjs
 * with the built daemons): each read command, and each mutation checked in the master's own state afterwards
 * (through `POST /api/v1`, not through the CLI). One file and one cluster, so that the build runs once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@mesos-ts/http-api/testing';
import { buildDaemons, runMesos, startCli, startLocalCluster, waitFor, type Child } from './processes';

jest.setTimeout(600_000);

interface Json {
  // The test's loose view of the master's JSON.
  [key: string]: any;
}

describe('mesos operator commands against a real cluster', () => {
  let dir: string;
  let cluster: Child;
  let master: string;
  let agentId: string;
  let hostname: string;

  /** An operator call straight to the master, to check its state without the CLI. */
  const operator = async (type: string): Promise<Json> => {
    const res = await fetch(`http://${master}/api/v1`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ type }) });
    expect(res.status).toBe(200);
    return (await res.json()) as Json;
  };
  const agent = async (): Promise<Json> => (await operator('GET_AGENTS'))['get_agents'].agents[0] as Json;
  const mesos = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => runMesos(args, { MESOS_MASTER: master });
  const ok = async (...args: string[]): Promise<string> => {
    const run = await mesos(...args);
    expect({ args, ...run }).toMatchObject({ code: 0, stderr: '' });
    return run.stdout;
  };

  beforeAll(async () => {
    buildDaemons();
    dir = mkdtempSync(join(tmpdir(), 'mesos-cli-operator-'));
    const masterPort = await freePort();
    const agentPort = await freePort();
    master = `127.0.0.1:${masterPort}`;
    cluster = startLocalCluster({ MESOS_TS_MASTER_PORT: String(masterPort), MESOS_TS_AGENT_PORT: String(agentPort), MESOS_TS_CLUSTER_DIR: dir });
    await waitFor(() => cluster.output().stdout.includes('Press Ctrl-C') || cluster.child.exitCode !== null, 'the cluster to be up', 120_000);
    expect(cluster.child.exitCode).toBeNull();
    const info = (await agent())['agent_info'] as Json;
    agentId = info['id'].value as string;
    hostname = info['hostname'] as string;
  });

  afterAll(async () => {
    if (cluster !== undefined && cluster.child.exitCode === null) {
      cluster.child.kill('SIGINT');
      await cluster.exited();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('agent list and state show the agent', async () => {
    expect(await ok('agent', 'list')).toMatch(new RegExp(`^ID\\s+HOST\\s+STATE.*\\n${agentId}\\s+${hostname}:\\d+\\s+ACTIVE\\s`));
    expect(JSON.parse(await ok('state'))).toMatchObject({ type: 'GET_STATE', get_state: { get_agents: { agents: [{ agent_info: { id: { value: agentId } } }] } } });
  });

  it('quota update / get / remove', async () => {
    expect(await ok('quota', 'update', 'eng', '--guarantee', 'cpus:0.5;mem:64', '--limit', 'cpus:1')).toBe("Updated the quota of role 'eng': guarantees cpus:0.5; mem:64, limits cpus:1\n");
    expect((await operator('GET_QUOTA'))['get_quota'].status.configs).toEqual([{ role: 'eng', guarantees: { cpus: { value: 0.5 }, mem: { value: 64 } }, limits: { cpus: { value: 1 } } }]);
    expect(await ok('quota', 'get')).toBe('ROLE  GUARANTEES        LIMITS\neng   cpus:0.5; mem:64  cpus:1\n');
    await ok('quota', 'remove', 'eng');
    expect((await operator('GET_QUOTA'))['get_quota'].status.configs ?? []).toEqual([]);
  });

  it('weights update / get', async () => {
    await ok('weights', 'update', 'eng=2', 'ops=0.5');
    expect((await operator('GET_WEIGHTS'))['get_weights'].weight_infos).toEqual(expect.arrayContaining([{ role: 'eng', weight: 2 }, { role: 'ops', weight: 0.5 }]));
    expect(await ok('weights', 'get')).toMatch(/eng\s+2\n/);
  });

  it('reserve, volume create / list / destroy, unreserve', async () => {
    const reserved = (a: Json): Json[] => (a['total_resources'] as Json[]).filter((r) => r['reservations']?.[0]?.role === 'eng');
    await ok('reserve', hostname, 'cpus:0.5;mem:64;disk:100', '--role', 'eng', '--principal', 'ops');
    expect(reserved(await agent()).map((r) => [r['name'], r['scalar'].value, r['reservations']])).toEqual(
      expect.arrayContaining([
        ['cpus', 0.5, [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }]],
        ['mem', 64, [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }]],
        ['disk', 100, [{ type: 'DYNAMIC', role: 'eng', principal: 'ops' }]],
      ]),
    );

    await ok('volume', 'create', agentId, '--role', 'eng', '--size', '40', '--path', 'data', '--id', 'vol-cli');
    let volume: Json | undefined;
    const deadline = Date.now() + 10_000;
    while (volume === undefined && Date.now() < deadline) {
      volume = reserved(await agent()).find((r) => r['disk']?.persistence?.id === 'vol-cli');
      if (volume === undefined) await new Promise((r) => setTimeout(r, 200));
    }
    expect(volume).toMatchObject({ name: 'disk', scalar: { value: 40 }, disk: { persistence: { id: 'vol-cli', principal: 'ops' }, volume: { container_path: 'data', mode: 'RW' } } });
    expect(await ok('volume', 'list')).toMatch(new RegExp(`vol-cli\\s+${agentId}\\s+${hostname}\\s+eng\\s+40\\s+data\\n`));

    await ok('volume', 'destroy', hostname, '--id', 'vol-cli');
    const gone = Date.now() + 10_000;
    while (reserved(await agent()).some((r) => r['disk']?.persistence !== undefined) && Date.now() < gone) await new Promise((r) => setTimeout(r, 200));
    expect(reserved(await agent()).some((r) => r['disk']?.persistence !== undefined)).toBe(false);

    // No --principal: the CLI takes the reservation's own.
    await ok('unreserve', agentId, 'cpus:0.5;mem:64;disk:100', '--role', 'eng');
    expect(reserved(await agent())).toEqual([]);
  });

  it('a task: task list, task log (and --follow), framework list, explain', async () => {
    const exec = startCli(['execute', `--master=${master}`, '--name=talker', '--command=echo first; sleep 2; echo second; echo oops >&2; sleep 1'], {}, 'dist/main.js');
    await waitFor(() => exec.output().stdout.includes('TASK_RUNNING') || exec.child.exitCode !== null, 'TASK_RUNNING');
    expect(await ok('task', 'list')).toMatch(new RegExp(`talker\\s+talker\\s+TASK_RUNNING\\s+\\S+\\s+${hostname}\\s+cpus:1; mem:128`));
    const frameworks = await ok('framework', 'list');
    expect(frameworks).toMatch(/mesos-execute instance\s+\*\s+ACTIVE/);
    const frameworkId = /\n(\S+)\s+mesos-execute instance/.exec(frameworks)![1]!;
    expect(await ok('explain', frameworkId)).toMatch(new RegExp(`^Framework ${frameworkId}:\\n`));

    const followed = await ok('task', 'log', 'talker', '--follow');
    expect(followed).toBe('first\nsecond\n');
    expect(await exec.exited()).toBe(0);
    expect(await ok('task', 'log', 'talker')).toBe('first\nsecond\n');
    expect(await ok('task', 'log', 'talker', '--stderr')).toContain('oops\n');
    expect(await ok('task', 'list', '--all')).toMatch(/talker\s+talker\s+TASK_FINISHED/);
    expect(await ok('framework', 'list', '--all')).toMatch(new RegExp(`${frameworkId}\\s+mesos-execute instance\\s+\\*\\s+COMPLETED`));
  });

  it('task log reads a task group task from its own sandbox under the default executor', async () => {
    const group = JSON.stringify({
      tasks: [{ name: 'grouped', task_id: { value: 'grouped' }, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }], command: { value: 'echo from the group' } }],
    });
    const exec = startCli(['execute', `--master=${master}`, `--task_group=${group}`], {}, 'dist/main.js');
    expect(await exec.exited()).toBe(0);
    expect(await ok('task', 'log', 'grouped')).toBe('from the group\n');
  });

  it('maintenance: schedule set / get, status, down / up', async () => {
    const start = BigInt(Date.now()) * 1_000_000n;
    const file = join(dir, 'schedule.json');
    writeFileSync(file, `{"windows":[{"machine_ids":[{"hostname":"${hostname}","ip":"127.0.0.1"}],"unavailability":{"start":{"nanoseconds":${start}},"duration":{"nanoseconds":3600000000000}}}]}`);
    expect(await ok('maintenance', 'schedule', 'set', file)).toBe('Updated the maintenance schedule: 1 window\n');
    expect((await operator('GET_MAINTENANCE_SCHEDULE'))['get_maintenance_schedule'].schedule.windows[0].machine_ids).toEqual([{ hostname, ip: '127.0.0.1' }]);
    expect(await ok('maintenance', 'schedule')).toMatch(new RegExp(`${hostname}/127\\.0\\.0\\.1\\s+\\S+Z\\s+1hrs\\n`));
    expect(await ok('maintenance', 'status')).toMatch(new RegExp(`${hostname}/127\\.0\\.0\\.1\\s+DRAINING`));

    await ok('maintenance', 'down', `${hostname}/127.0.0.1`);
    expect((await operator('GET_MAINTENANCE_STATUS'))['get_maintenance_status'].status.down_machines).toEqual([{ hostname, ip: '127.0.0.1' }]);
    expect(await ok('maintenance', 'status')).toMatch(new RegExp(`${hostname}/127\\.0\\.0\\.1\\s+DOWN`));
    await ok('maintenance', 'up', `${hostname}/127.0.0.1`);
    expect((await operator('GET_MAINTENANCE_STATUS'))['get_maintenance_status'].status.down_machines ?? []).toEqual([]);
    // The machine's agent comes back (it re-registers after being shut out).
    const back = Date.now() + 60_000;
    while (((await operator('GET_AGENTS'))['get_agents'].agents ?? []).length === 0 && Date.now() < back) await new Promise((r) => setTimeout(r, 500));
    expect(((await operator('GET_AGENTS'))['get_agents'].agents ?? []).length).toBe(1);
  });

  it('maintenance: drain, deactivate, reactivate', async () => {
    const id = (await agent())['agent_info'].id.value as string;
    expect(await ok('maintenance', 'drain', id, '--grace-period', '5s')).toBe(`Draining agent ${id}\n`);
    const drained = await agent();
    expect(drained['deactivated']).toBe(true);
    expect(drained['drain_info']).toMatchObject({ config: { max_grace_period: { nanoseconds: 5_000_000_000 } } });
    expect(await ok('agent', 'list')).toMatch(/\sDRAIN(ING|ED)\s/);
    await ok('maintenance', 'reactivate', id);
    expect((await agent())['deactivated']).toBe(false);
    await ok('maintenance', 'deactivate', id);
    expect((await agent())['deactivated']).toBe(true);
    expect(await ok('agent', 'list')).toMatch(/\sDEACTIVATED\s/);
    await ok('maintenance', 'reactivate', id);
    expect((await agent())['deactivated']).toBe(false);
  });
});
