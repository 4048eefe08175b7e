/**
 * Every operator command of the built `mesos` binary (dist/main.js) against a fake master that decodes each call
 * with the real codec: what goes over the wire, what is printed (tables and --json), and the one-line errors.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resource_ReservationInfo_Type, Volume_Mode, master } from '@mesos-ts/proto';
import { startFakeOperator, type FakeOperator } from './fake-operator';
import { buildCli, runMesos } from './processes';

jest.setTimeout(120_000);

const cpus = (value: number): unknown => ({ name: 'cpus', type: 'SCALAR', scalar: { value } });
const mem = (value: number): unknown => ({ name: 'mem', type: 'SCALAR', scalar: { value } });
const dyn = (role: string, principal: string): unknown => [{ type: 'DYNAMIC', role, principal }];

let fake: FakeOperator;
let dir: string;

beforeAll(() => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'mesos-cli-ops-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(async () => {
  fake = await startFakeOperator();
  const agent = {
    agent_info: { id: { value: 'S0' }, hostname: 'node-1', port: 5051 },
    active: true,
    version: '1.11.0',
    pid: `slave(1)@${fake.address}`,
    total_resources: [
      cpus(4),
      mem(1024),
      { name: 'cpus', type: 'SCALAR', scalar: { value: 1 }, reservations: dyn('eng', 'ops') },
      { name: 'disk', type: 'SCALAR', scalar: { value: 100 }, reservations: dyn('eng', 'ops'), disk: { persistence: { id: 'vol-1', principal: 'ops' }, volume: { mode: 'RW', container_path: 'data' } } },
    ],
    allocated_resources: [cpus(0.5)],
  };
  const tasks = {
    tasks: [{ name: 'web', task_id: { value: 'web-1' }, framework_id: { value: 'F1' }, agent_id: { value: 'S0' }, state: 'TASK_RUNNING', resources: [cpus(0.5), mem(64)] }],
    completed_tasks: [{ name: 'old', task_id: { value: 'old-1' }, framework_id: { value: 'F1' }, agent_id: { value: 'S0' }, state: 'TASK_FINISHED', resources: [] }],
  };
  const frameworks = {
    frameworks: [{ framework_info: { id: { value: 'F1' }, name: 'marathon', user: 'root', roles: ['eng'] }, active: true, connected: true, recovered: false, allocated_resources: [cpus(0.5)] }],
    completed_frameworks: [{ framework_info: { id: { value: 'F0' }, name: 'gone', user: 'root' }, active: false, connected: false, recovered: false }],
  };
  fake.answers.set('GET_AGENTS', { type: 'GET_AGENTS', get_agents: { agents: [agent] } });
  fake.answers.set('GET_TASKS', { type: 'GET_TASKS', get_tasks: tasks });
  fake.answers.set('GET_FRAMEWORKS', { type: 'GET_FRAMEWORKS', get_frameworks: frameworks });
  fake.answers.set('GET_STATE', { type: 'GET_STATE', get_state: { get_tasks: tasks, get_frameworks: frameworks, get_agents: { agents: [agent] }, get_executors: {} } });
  fake.answers.set('GET_QUOTA', { type: 'GET_QUOTA', get_quota: { status: { configs: [{ role: 'eng', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 }, mem: { value: 512 } } }] } } });
  fake.answers.set('GET_WEIGHTS', { type: 'GET_WEIGHTS', get_weights: { weight_infos: [{ role: 'eng', weight: 2.5 }] } });
  fake.answers.set('GET_MAINTENANCE_SCHEDULE', {
    type: 'GET_MAINTENANCE_SCHEDULE',
    get_maintenance_schedule: { schedule: { windows: [{ machine_ids: [{ hostname: 'node-1', ip: '127.0.0.1' }], unavailability: { start: { nanoseconds: 1700000000000000000 }, duration: { nanoseconds: 3600000000000 } } }] } },
  });
  fake.answers.set('GET_MAINTENANCE_STATUS', { type: 'GET_MAINTENANCE_STATUS', get_maintenance_status: { status: { draining_machines: [{ id: { hostname: 'node-1' }, statuses: [{ status: 'ACCEPT', framework_id: { value: 'F1' }, timestamp: { nanoseconds: 1 } }] }], down_machines: [{ hostname: 'node-2' }] } } });
  fake.agentState = { frameworks: [{ id: 'F1', executors: [{ id: 'web-1', directory: '/sandbox/web-1', type: 'COMMAND', tasks: [{ id: 'web-1' }] }], completed_executors: [] }] };
  fake.files.set('/sandbox/web-1/stdout', 'hello from web\n');
  fake.files.set('/sandbox/web-1/stderr', 'some warning\n');
});
afterEach(() => fake.close());

const mesos = (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => runMesos(args, { MESOS_MASTER: fake.address });

describe('read commands', () => {
  it('agent list prints a table; --json the operator answer', async () => {
    const run = await mesos('agent', 'list');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.split('\n')[0]).toBe('ID  HOST         STATE   CPUS   MEM     DISK   GPUS  VERSION');
    expect(run.stdout.split('\n')[1]).toBe('S0  node-1:5051  ACTIVE  0.5/5  0/1024  0/100  -     1.11.0');
    const json = await mesos('agent', 'list', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'GET_AGENTS', get_agents: { agents: [{ agent_info: { id: { value: 'S0' } } }] } });
    expect(fake.callsOf(master.Call_Type.GET_AGENTS)).toHaveLength(2);
  });

  it('framework list shows subscribed frameworks, --all the completed ones too', async () => {
    const run = await mesos('framework', 'list');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID\s+NAME\s+ROLES\s+STATE/);
    expect(run.stdout).toMatch(/F1\s+marathon\s+eng\s+ACTIVE\s+0\.5/);
    expect(run.stdout).not.toContain('gone');
    expect((await mesos('framework', 'list', '--all')).stdout).toMatch(/F0\s+gone\s+\*\s+COMPLETED/);
  });

  it('task list shows active tasks with hosts; --all adds completed ones; --framework filters; --json', async () => {
    const run = await mesos('task', 'list');
    expect(run.stdout).toMatch(/web-1\s+web\s+TASK_RUNNING\s+F1\s+node-1\s+cpus:0\.5; mem:64/);
    expect(run.stdout).not.toContain('old-1');
    expect((await mesos('task', 'list', '--all')).stdout).toMatch(/old-1\s+old\s+TASK_FINISHED/);
    expect((await mesos('task', 'list', '--all', '--framework', 'nope')).stdout).toBe('ID  NAME  STATE  FRAMEWORK  HOST  RESOURCES\n');
    const json = JSON.parse((await mesos('task', 'list', '--json')).stdout) as { tasks: { task_id: { value: string }; state: string }[] };
    expect(json.tasks.map((t) => [t.task_id.value, t.state])).toEqual([['web-1', 'TASK_RUNNING']]);
  });

  it('state prints GET_STATE as JSON', async () => {
    const run = await mesos('state');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ type: 'GET_STATE', get_state: { get_tasks: { tasks: [{ task_id: { value: 'web-1' } }] } } });
  });

  it('quota get shows every role, or one; weights get shows weights', async () => {
    expect((await mesos('quota', 'get')).stdout).toBe('ROLE  GUARANTEES  LIMITS\neng   cpus:1      cpus:2; mem:512\n');
    expect((await mesos('quota', 'get', 'other')).stdout).toBe("Role 'other' has no quota: nothing guaranteed, no limit.\n");
    expect(JSON.parse((await mesos('quota', 'get', 'eng', '--json')).stdout)).toEqual({ configs: [{ role: 'eng', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 }, mem: { value: 512 } } }] });
    expect((await mesos('weights', 'get')).stdout).toBe('ROLE  WEIGHT\neng      2.5\n');
  });

  it('maintenance schedule (get is the default) and status', async () => {
    const schedule = await mesos('maintenance', 'schedule');
    expect(schedule.stdout).toBe('MACHINES          START                 DURATION\nnode-1/127.0.0.1  2023-11-14T22:13:20Z  1hrs\n');
    expect((await mesos('maintenance', 'schedule', 'get', '--json')).stdout).toContain('"machine_ids"');
    expect((await mesos('maintenance', 'status')).stdout).toBe('MACHINE  MODE      INVERSE_OFFERS\nnode-1   DRAINING  F1:ACCEPT\nnode-2   DOWN      -\n');
  });

  it('explain renders the explanation readably, --json as is', async () => {
    fake.explain = { framework_id: 'F1', reasons: [{ kind: 'SUPPRESSED', role: 'eng' }], summary: ["The framework suppressed offers for role 'eng'"] };
    const run = await mesos('explain', 'F1', '--role', 'eng');
    expect(run.stdout).toBe("Framework F1:\n  - The framework suppressed offers for role 'eng' [SUPPRESSED]\n");
    expect(fake.gets).toContain('/master/allocation/explain?framework_id=F1&role=eng');
    expect(JSON.parse((await mesos('explain', 'F1', '--json')).stdout)).toEqual(fake.explain);
  });

  it("task log prints the task's stdout (or --stderr) from its agent's sandbox", async () => {
    expect(await mesos('task', 'log', 'web-1')).toEqual({ code: 0, stdout: 'hello from web\n', stderr: '' });
    expect((await mesos('task', 'log', 'web', '--stderr')).stdout).toBe('some warning\n');
    expect(fake.gets).toContain(`/files/read?path=${encodeURIComponent('/sandbox/web-1/stdout')}&offset=0&length=65536`);
    fake.files.delete('/sandbox/web-1/stdout');
    expect(await mesos('task', 'log', 'web-1')).toEqual({ code: 1, stdout: '', stderr: "mesos task log: no stdout in the sandbox of task 'web-1' on node-1 (/sandbox/web-1/stdout)\n" });
    expect((await mesos('task', 'log', 'nope')).stderr).toBe("mesos task log: no task 'nope' (see 'mesos task list --all')\n");
  });

  it('task log --follow prints new output until the task ends', async () => {
    const { startCli } = await import('./processes');
    const p = startCli(['task', 'log', 'web-1', '--follow'], { MESOS_MASTER: fake.address }, 'dist/main.js');
    await new Promise((r) => setTimeout(r, 1500));
    fake.files.set('/sandbox/web-1/stdout', 'hello from web\nmore output\n');
    await new Promise((r) => setTimeout(r, 1000));
    fake.answers.set('GET_TASKS', { type: 'GET_TASKS', get_tasks: { completed_tasks: [{ name: 'web', task_id: { value: 'web-1' }, framework_id: { value: 'F1' }, agent_id: { value: 'S0' }, state: 'TASK_FINISHED', resources: [] }] } });
    expect(await p.exited()).toBe(0);
    expect(p.output()).toEqual({ stdout: 'hello from web\nmore output\n', stderr: '' });
  });

  it('task log --follow stops on Ctrl-C with exit 0', async () => {
    const { startCli, waitFor } = await import('./processes');
    const p = startCli(['task', 'log', 'web-1', '-f'], { MESOS_MASTER: fake.address }, 'dist/main.js');
    await waitFor(() => p.output().stdout.includes('hello from web'), 'the first output');
    p.child.kill('SIGINT');
    expect(await p.exited()).toBe(0);
    expect(p.output()).toEqual({ stdout: 'hello from web\n', stderr: '' });
  });
});

describe('mutations', () => {
  it('quota update sends UPDATE_QUOTA; quota remove an empty config', async () => {
    const run = await mesos('quota', 'update', 'eng', '--guarantee', 'cpus:1;mem:128', '--limit', 'cpus:2', '--force');
    expect(run).toEqual({ code: 0, stdout: "Updated the quota of role 'eng': guarantees cpus:1; mem:128, limits cpus:2\n", stderr: '' });
    expect(fake.calls[0]).toEqual({ type: master.Call_Type.UPDATE_QUOTA, updateQuota: { force: true, quotaConfigs: [{ role: 'eng', guarantees: { cpus: { value: 1 }, mem: { value: 128 } }, limits: { cpus: { value: 2 } } }] } });
    expect((await mesos('quota', 'remove', 'eng')).code).toBe(0);
    // Empty maps are absent on the wire: no guarantees, no limits.
    expect(fake.calls[1]?.updateQuota?.quotaConfigs).toEqual([{ role: 'eng' }]);
    expect(fake.bodies[1]).toBe('{"type":"UPDATE_QUOTA","update_quota":{"force":false,"quota_configs":[{"role":"eng"}]}}');
  });

  it('weights update sends UPDATE_WEIGHTS', async () => {
    expect((await mesos('weights', 'update', 'eng=2', 'batch=0.5')).stdout).toBe('Updated weights: eng=2, batch=0.5\n');
    expect(fake.calls[0]).toEqual({ type: master.Call_Type.UPDATE_WEIGHTS, updateWeights: { weightInfos: [{ role: 'eng', weight: 2 }, { role: 'batch', weight: 0.5 }] } });
  });

  it('reserve and unreserve name the agent by hostname or ID; unreserve finds the principal', async () => {
    const run = await mesos('reserve', 'node-1', 'cpus:1;mem:128', '--role', 'eng', '--principal', 'ops');
    expect(run).toEqual({ code: 0, stdout: "Reserved cpus:1;mem:128 for role 'eng' on agent S0\n", stderr: '' });
    const reserve = fake.callsOf(master.Call_Type.RESERVE_RESOURCES)[0]?.reserveResources;
    expect(reserve?.agentId).toEqual({ value: 'S0' });
    expect(reserve?.resources?.map((r) => [r.name, r.scalar?.value, r.reservations])).toEqual([
      ['cpus', 1, [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }]],
      ['mem', 128, [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }]],
    ]);
    expect((await mesos('unreserve', 'S0', 'cpus:1', '--role', 'eng')).code).toBe(0);
    expect(fake.callsOf(master.Call_Type.UNRESERVE_RESOURCES)[0]?.unreserveResources?.resources?.[0]?.reservations).toEqual([{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }]);
    expect(await mesos('reserve', 'node-9', 'cpus:1', '--role', 'eng')).toEqual({ code: 1, stdout: '', stderr: "mesos reserve: no registered agent with ID or hostname 'node-9' (see 'mesos agent list')\n" });
  });

  it('volume create / list / destroy', async () => {
    const created = await mesos('volume', 'create', 'node-1', '--role', 'eng', '--size', '64', '--path', 'data2', '--id', 'vol-2');
    expect(created).toEqual({ code: 0, stdout: "Created volume vol-2 (64 MB, role 'eng', path 'data2') on agent S0\n", stderr: '' });
    expect(fake.callsOf(master.Call_Type.CREATE_VOLUMES)[0]?.createVolumes?.volumes?.[0]).toMatchObject({
      name: 'disk',
      scalar: { value: 64 },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng', principal: 'ops' }],
      disk: { persistence: { id: 'vol-2', principal: 'ops' }, volume: { mode: Volume_Mode.RW, containerPath: 'data2' } },
    });
    expect((await mesos('volume', 'list')).stdout).toBe('ID     AGENT  HOST    ROLE  SIZE_MB  PATH\nvol-1  S0     node-1  eng       100  data\n');
    expect((await mesos('volume', 'destroy', 'S0', '--id', 'vol-1')).stdout).toBe('Destroyed volume vol-1 on agent S0\n');
    expect(fake.callsOf(master.Call_Type.DESTROY_VOLUMES)[0]?.destroyVolumes?.volumes?.[0]?.disk?.persistence?.id).toBe('vol-1');
    expect((await mesos('volume', 'destroy', 'S0', '--id', 'nope')).stderr).toBe("mesos volume destroy: agent S0 has no persistent volume with ID 'nope' (see 'mesos volume list')\n");
  });

  it('maintenance schedule set, drain, down, up, reactivate', async () => {
    const file = join(dir, 'schedule.json');
    writeFileSync(file, JSON.stringify({ windows: [{ machine_ids: [{ hostname: 'node-1' }], unavailability: { start: { nanoseconds: 1 } } }] }));
    expect((await mesos('maintenance', 'schedule', 'set', file)).stdout).toBe('Updated the maintenance schedule: 1 window\n');
    expect(fake.calls.at(-1)?.updateMaintenanceSchedule?.schedule?.windows?.[0]?.machineIds).toEqual([{ hostname: 'node-1' }]);

    expect((await mesos('maintenance', 'drain', 'node-1', '--grace-period', '30s', '--mark-gone')).stdout).toBe('Draining agent S0 (it will be marked gone once drained)\n');
    expect(fake.callsOf(master.Call_Type.DRAIN_AGENT)[0]?.drainAgent).toEqual({ agentId: { value: 'S0' }, maxGracePeriod: { seconds: 30n, nanos: 0 }, markGone: true });

    expect((await mesos('maintenance', 'down', 'node-1/127.0.0.1', 'node-2')).stdout).toBe('Machines node-1/127.0.0.1, node-2 are down\n');
    expect(fake.callsOf(master.Call_Type.START_MAINTENANCE)[0]?.startMaintenance?.machines).toEqual([{ hostname: 'node-1', ip: '127.0.0.1' }, { hostname: 'node-2' }]);
    expect((await mesos('maintenance', 'up', 'node-1/127.0.0.1')).stdout).toBe('Machine node-1/127.0.0.1 is up\n');
    expect(fake.callsOf(master.Call_Type.STOP_MAINTENANCE)[0]?.stopMaintenance?.machines).toEqual([{ hostname: 'node-1', ip: '127.0.0.1' }]);
    expect((await mesos('maintenance', 'reactivate', 'S0')).stdout).toBe('Reactivated agent S0\n');
    expect(fake.callsOf(master.Call_Type.REACTIVATE_AGENT)[0]?.reactivateAgent).toEqual({ agentId: { value: 'S0' } });
  });
});

describe('errors are one line and a non-zero exit', () => {
  it.each([
    [['quota', 'update', 'eng', '--guarantee', 'cpus:x'], /^mesos quota update: --guarantee 'cpus:x': .+ \(see 'mesos quota update --help'\)\n$/],
    [['quota', 'update', 'eng'], /^mesos quota update: give --guarantee and\/or --limit \(to drop the quota: mesos quota remove eng\) \(see 'mesos quota update --help'\)\n$/],
    [['weights', 'update', 'eng=zero'], /^mesos weights update: 'eng=zero': the weight must be a positive number, got 'zero' \(see/],
    [['reserve', 'S0', 'cpus:1'], /^mesos reserve: required option '--role <role>' not specified \(see 'mesos reserve --help'\)\n$/],
    [['volume', 'create', 'S0', '--role', 'eng', '--size', '-1', '--path', 'd'], /^mesos volume create: --size '-1' must be a positive number of megabytes/],
    [['maintenance', 'drain', 'S0', '--grace-period', 'soon'], /^mesos maintenance drain: --grace-period 'soon': /],
    [['maintenance', 'down', '/'], /^mesos maintenance down: machine '\/' has neither a hostname nor an IP/],
    [['maintenance', 'schedule', 'set', '/nonexistent/schedule.json'], /^mesos maintenance schedule set: cannot read '\/nonexistent\/schedule.json': /],
    [['agent', 'lst'], /^mesos agent: unknown command 'lst' \(Did you mean list\?\): one of list \(see 'mesos agent --help'\)\n$/],
    [['agent'], /^mesos agent: missing command: one of list \(see 'mesos agent --help'\)\n$/],
    [['task', 'list', '--bogus'], /^mesos task list: unknown option '--bogus' \(see 'mesos task list --help'\)\n$/],
    [['completion', 'fish'], /^mesos completion: unsupported shell 'fish': bash or zsh \(see 'mesos completion --help'\)\n$/],
  ])('%j', async (args, stderr) => {
    const run = await mesos(...args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(stderr);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(fake.calls.filter((c) => c.type !== master.Call_Type.GET_AGENTS)).toEqual([]);
  });

  it("shows the master's HTTP error status and message in one line", async () => {
    fake.answers.set('UPDATE_QUOTA', { status: 400, text: 'Invalid QuotaConfig: guarantees\nexceed limits' });
    expect(await mesos('quota', 'update', 'eng', '--guarantee', 'cpus:3', '--limit', 'cpus:2')).toEqual({ code: 1, stdout: '', stderr: 'mesos quota update: the master answered 400 Bad Request: Invalid QuotaConfig: guarantees exceed limits\n' });
    fake.answers.set('GET_AGENTS', { status: 503, text: 'Master is not the leader' });
    expect((await mesos('agent', 'list')).stderr).toBe('mesos agent list: the master answered 503 Service Unavailable: Master is not the leader\n');
  });

  it('an unreachable master', async () => {
    const url = fake.address;
    await fake.close();
    const run = await runMesos(['agent', 'list', '--master', url]);
    expect(run).toEqual({ code: 1, stdout: '', stderr: `mesos agent list: cannot reach the master at http://${url}: connect ECONNREFUSED ${url}\n` });
    fake = await startFakeOperator();
  });

  it('no master at all, and the global --master before the command', async () => {
    expect(await runMesos(['agent', 'list'])).toEqual({ code: 1, stdout: '', stderr: "mesos agent list: --master is required (HOST:PORT), or set MESOS_MASTER (see 'mesos agent list --help')\n" });
    const run = await runMesos(['--master', fake.address, 'weights', 'get']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('eng');
  });
});
