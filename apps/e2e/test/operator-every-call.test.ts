/**
 * Every call of the v1 operator API that issue #5 names, on the master and on the agent, against real master and
 * agent processes, once in JSON and once in protobuf. Each call's answer is checked for its status and for the
 * fact it must carry (the running task in GET_STATE, the reserved disk after RESERVE_RESOURCES, the machine DOWN
 * after START_MAINTENANCE, ...). Deeper checks of each call live in the master's and agent's own tests; this file
 * proves the whole set works over the wire in both media types.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Resource_ReservationInfo_Type,
  TaskState,
  Value_Type,
  Volume_Mode,
  agent as agentApi,
  decodeProtobuf,
  encodeMesosJson,
  encodeProtobuf,
  master,
  parseMesosJson,
  type MachineID,
  type Resource,
} from '@mesos-ts/proto';
import { decodeRecords } from '@mesos-ts/recordio';
import { eventually, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

type Encoding = 'json' | 'protobuf';
const MEDIA: Record<Encoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };
const C = master.Call_Type;
const A = agentApi.Call_Type;
const SECOND_NS = 1_000_000_000n;

interface Answer<T> {
  readonly status: number;
  readonly response: T | undefined;
  readonly text: string;
}

/** One call in the given encoding; a 200 with a body is decoded as the matching Response. */
async function post<T>(url: string, encoding: Encoding, body: Uint8Array | string, responseType: 'mesos.v1.master.Response' | 'mesos.v1.agent.Response'): Promise<Answer<T>> {
  const res = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': MEDIA[encoding], Accept: MEDIA[encoding] }, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200 || bytes.byteLength === 0) return { status: res.status, response: undefined, text: Buffer.from(bytes).toString('utf8') };
  expect(res.headers.get('content-type')).toBe(MEDIA[encoding]);
  const decoded = encoding === 'json' ? parseMesosJson(responseType, bytes) : decodeProtobuf(responseType, bytes);
  if (!decoded.ok) throw decoded.error;
  return { status: res.status, response: decoded.value as T, text: '' };
}

function masterCall(url: string, encoding: Encoding, call: master.Call): Promise<Answer<master.Response>> {
  const body = encoding === 'json' ? encodeMesosJson('mesos.v1.master.Call', call) : encodeProtobuf('mesos.v1.master.Call', call);
  return post(url, encoding, body, 'mesos.v1.master.Response');
}

function agentCall(url: string, encoding: Encoding, call: agentApi.Call): Promise<Answer<agentApi.Response>> {
  const body = encoding === 'json' ? encodeMesosJson('mesos.v1.agent.Call', call) : encodeProtobuf('mesos.v1.agent.Call', call);
  return post(url, encoding, body, 'mesos.v1.agent.Response');
}

/** The master's SUBSCRIBE stream in the given encoding, collected into `events` until closed. */
function subscribe(url: string, encoding: Encoding): { events: master.Event[]; close(): void } {
  const events: master.Event[] = [];
  const controller = new AbortController();
  const call: master.Call = { type: C.SUBSCRIBE };
  const body = encoding === 'json' ? encodeMesosJson('mesos.v1.master.Call', call) : encodeProtobuf('mesos.v1.master.Call', call);
  void (async () => {
    const res = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': MEDIA[encoding], Accept: MEDIA[encoding] }, body, signal: controller.signal });
    for await (const record of decodeRecords(res.body as unknown as AsyncIterable<Uint8Array>)) {
      const event = encoding === 'json' ? parseMesosJson('mesos.v1.master.Event', record) : decodeProtobuf('mesos.v1.master.Event', record);
      if (event.ok) events.push(event.value);
    }
  })().catch(() => undefined);
  return { events, close: () => controller.abort() };
}

function disk(mb: number, role: string, persistence?: string): Resource {
  const r: Resource = { name: 'disk', type: Value_Type.SCALAR, scalar: { value: mb }, reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role }] };
  if (persistence !== undefined) r.disk = { persistence: { id: persistence }, volume: { containerPath: 'data', mode: Volume_Mode.RW } };
  return r;
}

const scalarOf = (list: readonly Resource[] | undefined, name: string, role?: string): number =>
  (list ?? []).filter((r) => r.name === name && (role === undefined || r.reservations?.at(-1)?.role === role)).reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0);

describe.each<Encoding>(['json', 'protobuf'])('every operator call against real processes (%s)', (encoding) => {
  let cluster: Cluster;
  let logDir: string;
  let framework: TestScheduler;
  let main: { id: string; url: string };
  let maint: { id: string; machine: MachineID };
  let spare: { id: string };
  const ok = 200;

  const call = (c: master.Call): Promise<Answer<master.Response>> => masterCall(cluster.masterUrl, encoding, c);
  const agentIdOf = async (hostname: string): Promise<string> => {
    const agents = (await call({ type: C.GET_AGENTS })).response?.getAgents?.agents ?? [];
    return agents.find((a) => a.agentInfo?.hostname === hostname)?.agentInfo?.id?.value ?? '';
  };

  beforeAll(async () => {
    logDir = mkdtempSync(join(tmpdir(), 'mesos-ts-every-call-'));
    cluster = await startCluster({ agents: 0, masterFlags: [`--log_dir=${logDir}`] });
    const mainProcess = await cluster.addAgent(['--hostname=main-host']);
    await cluster.addAgent(['--hostname=maint-host', '--registration_backoff_factor=100ms']);
    await cluster.addAgent(['--hostname=spare-host']);
    main = { id: await agentIdOf('main-host'), url: mainProcess.url };
    maint = { id: await agentIdOf('maint-host'), machine: { hostname: 'maint-host', ip: '127.0.0.1' } };
    spare = { id: await agentIdOf('spare-host') };

    framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: `every-call-${encoding}` } });
    await framework.subscribe();
    const offers = await eventually('an offer from main-host', async () => {
      const taken = await framework.takeOffers();
      return taken.some((o) => o.agentId?.value === main.id) ? taken : undefined;
    });
    const offer = offers.find((o) => o.agentId?.value === main.id)!;
    await framework.launch(offer, [commandTask(offer, 'long', 'echo started; sleep 300', 0.5, 64)]);
    await framework.waitForState('long', TaskState.TASK_RUNNING);
  }, 60_000);

  afterAll(async () => {
    await framework?.close();
    await cluster?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('master: health, flags, version, metrics, logging level, master info', async () => {
    expect((await call({ type: C.GET_HEALTH })).response?.getHealth?.healthy).toBe(true);
    expect((await call({ type: C.GET_FLAGS })).response?.getFlags?.flags?.map((f) => f.name)).toContain('allocation_interval');
    expect((await call({ type: C.GET_VERSION })).response?.getVersion?.versionInfo?.version).toBe('1.11.0');
    const metrics = (await call({ type: C.GET_METRICS, getMetrics: {} })).response?.getMetrics?.metrics ?? [];
    expect(metrics.find((m) => m.name === 'master/elected')?.value).toBe(1);
    expect(metrics.find((m) => m.name === 'master/tasks_running')?.value).toBe(1);
    expect((await call({ type: C.SET_LOGGING_LEVEL, setLoggingLevel: { level: 1, duration: { nanoseconds: 60n * SECOND_NS } } })).status).toBe(ok);
    expect((await call({ type: C.GET_LOGGING_LEVEL })).response?.getLoggingLevel?.level).toBe(1);
    expect((await call({ type: C.SET_LOGGING_LEVEL, setLoggingLevel: { level: 0, duration: { nanoseconds: SECOND_NS } } })).status).toBe(ok);
    expect((await call({ type: C.GET_MASTER })).response?.getMaster?.masterInfo?.id).toBeTruthy();
  });

  it('master: state, agents, frameworks, executors, tasks, operations, roles; files', async () => {
    const state = (await call({ type: C.GET_STATE })).response?.getState;
    expect(state?.getTasks?.tasks?.map((t) => [t.taskId?.value, t.state])).toEqual([['long', TaskState.TASK_RUNNING]]);
    expect(state?.getAgents?.agents).toHaveLength(3);
    expect((await call({ type: C.GET_AGENTS })).response?.getAgents?.agents?.map((a) => a.agentInfo?.hostname).sort()).toEqual(['main-host', 'maint-host', 'spare-host']);
    expect((await call({ type: C.GET_FRAMEWORKS })).response?.getFrameworks?.frameworks?.map((f) => f.frameworkInfo?.id?.value)).toEqual([framework.frameworkId]);
    expect((await call({ type: C.GET_EXECUTORS })).response?.type).toBe(master.Response_Type.GET_EXECUTORS);
    expect((await call({ type: C.GET_TASKS })).response?.getTasks?.tasks?.map((t) => t.agentId?.value)).toEqual([main.id]);
    expect((await call({ type: C.GET_OPERATIONS })).response?.type).toBe(master.Response_Type.GET_OPERATIONS);
    expect((await call({ type: C.GET_ROLES })).response?.getRoles?.roles?.map((r) => r.name)).toContain('*');

    const files = await eventually('the master log attached', async () => {
      const listed = await call({ type: C.LIST_FILES, listFiles: { path: '/master/log' } });
      return listed.status === ok ? listed : undefined;
    });
    expect(files.response?.listFiles?.fileInfos?.length).toBe(1);
    const read = await call({ type: C.READ_FILE, readFile: { path: '/master/log', offset: 0n, length: 4096n } });
    expect(read.status).toBe(ok);
    expect(Number(read.response?.readFile?.size ?? 0n)).toBeGreaterThan(0);
    expect((await call({ type: C.READ_FILE, readFile: { path: '/no/such/file', offset: 0n } })).status).toBe(404);
  });

  it('master: weights and quota, new and deprecated calls', async () => {
    expect((await call({ type: C.UPDATE_WEIGHTS, updateWeights: { weightInfos: [{ role: 'analytics', weight: 2.5 }] } })).status).toBe(ok);
    const weights = (await call({ type: C.GET_WEIGHTS })).response?.getWeights?.weightInfos ?? [];
    expect(weights.find((w) => w.role === 'analytics')?.weight).toBe(2.5);
    expect((await call({ type: C.UPDATE_WEIGHTS, updateWeights: { weightInfos: [{ role: 'analytics', weight: -1 }] } })).status).toBe(400);

    const update = await call({ type: C.UPDATE_QUOTA, updateQuota: { quotaConfigs: [{ role: 'analytics', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 } } }] } });
    expect(update.status).toBe(ok);
    const configs = (await call({ type: C.GET_QUOTA })).response?.getQuota?.status?.configs ?? [];
    expect(configs.find((q) => q.role === 'analytics')?.limits?.['cpus']?.value).toBe(2);

    const set = await call({ type: C.SET_QUOTA, setQuota: { quotaRequest: { role: 'legacy', guarantee: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.5 } }] } } });
    expect(set.status).toBe(ok);
    expect((await call({ type: C.SET_QUOTA, setQuota: { quotaRequest: { role: 'legacy', guarantee: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.5 } }] } } })).status).toBe(400);
    expect((await call({ type: C.REMOVE_QUOTA, removeQuota: { role: 'legacy' } })).status).toBe(ok);
    expect((await call({ type: C.REMOVE_QUOTA, removeQuota: { role: 'legacy' } })).status).toBe(400);
  });

  it('master: reserve, create, grow, shrink, destroy, unreserve on the main agent', async () => {
    const agentId = { value: main.id };
    const reservedDisk = async (role: string): Promise<number> => {
      const agents = (await call({ type: C.GET_AGENTS })).response?.getAgents?.agents ?? [];
      return scalarOf(agents.find((a) => a.agentInfo?.id?.value === main.id)?.totalResources, 'disk', role);
    };
    expect((await call({ type: C.RESERVE_RESOURCES, reserveResources: { agentId, resources: [disk(128, 'analytics')] } })).status).toBe(202);
    expect(await reservedDisk('analytics')).toBe(128);
    expect((await call({ type: C.CREATE_VOLUMES, createVolumes: { agentId, volumes: [disk(64, 'analytics', `vol-${encoding}`)] } })).status).toBe(202);
    const volume = disk(64, 'analytics', `vol-${encoding}`);
    const grow = await call({ type: C.GROW_VOLUME, growVolume: { agentId, volume, addition: { name: 'disk', type: Value_Type.SCALAR, scalar: { value: 32 }, reservations: volume.reservations! } } });
    expect(grow.status).toBe(202);
    const grown = disk(96, 'analytics', `vol-${encoding}`);
    expect((await call({ type: C.SHRINK_VOLUME, shrinkVolume: { agentId, volume: grown, subtract: { value: 32 } } })).status).toBe(202);
    expect((await call({ type: C.DESTROY_VOLUMES, destroyVolumes: { agentId, volumes: [volume] } })).status).toBe(202);
    expect((await call({ type: C.UNRESERVE_RESOURCES, unreserveResources: { agentId, resources: [disk(128, 'analytics')] } })).status).toBe(202);
    expect(await reservedDisk('analytics')).toBe(0);
    // More than the agent has: 409, as Mesos.
    expect((await call({ type: C.RESERVE_RESOURCES, reserveResources: { agentId, resources: [disk(1_000_000, 'analytics')] } })).status).toBe(409);
  });

  it('master: maintenance schedule, status, machine down and up', async () => {
    const start = BigInt(Date.now()) * 1_000_000n;
    const schedule = { windows: [{ machineIds: [maint.machine], unavailability: { start: { nanoseconds: start }, duration: { nanoseconds: 3600n * SECOND_NS } } }] };
    expect((await call({ type: C.UPDATE_MAINTENANCE_SCHEDULE, updateMaintenanceSchedule: { schedule } })).status).toBe(ok);
    const got = (await call({ type: C.GET_MAINTENANCE_SCHEDULE })).response?.getMaintenanceSchedule?.schedule;
    expect(got?.windows?.[0]?.machineIds).toEqual([maint.machine]);
    const draining = (await call({ type: C.GET_MAINTENANCE_STATUS })).response?.getMaintenanceStatus?.status;
    expect(draining?.drainingMachines?.map((m) => m.id)).toEqual([maint.machine]);

    expect((await call({ type: C.START_MAINTENANCE, startMaintenance: { machines: [maint.machine] } })).status).toBe(ok);
    const down = (await call({ type: C.GET_MAINTENANCE_STATUS })).response?.getMaintenanceStatus?.status;
    expect(down?.downMachines).toEqual([maint.machine]);
    await eventually('the agent on the DOWN machine removed', async () => ((await agentIdOf('maint-host')) === '' ? true : undefined));

    expect((await call({ type: C.STOP_MAINTENANCE, stopMaintenance: { machines: [maint.machine] } })).status).toBe(ok);
    expect((await call({ type: C.GET_MAINTENANCE_STATUS })).response?.getMaintenanceStatus?.status?.downMachines ?? []).toEqual([]);
    const back = await eventually('the agent back after machine up', async () => ((await agentIdOf('maint-host')) === maint.id ? true : undefined), 30_000);
    expect(back).toBe(true);
  }, 60_000);

  it('master: deactivate, reactivate, drain and mark gone the spare agent', async () => {
    const agentId = { value: spare.id };
    const spareModel = async (): Promise<master.Response_GetAgents_Agent | undefined> =>
      (await call({ type: C.GET_AGENTS })).response?.getAgents?.agents?.find((a) => a.agentInfo?.id?.value === spare.id);
    expect((await call({ type: C.DEACTIVATE_AGENT, deactivateAgent: { agentId } })).status).toBe(ok);
    expect((await spareModel())?.deactivated).toBe(true);
    expect((await call({ type: C.REACTIVATE_AGENT, reactivateAgent: { agentId } })).status).toBe(ok);
    expect((await spareModel())?.deactivated).toBe(false);
    expect((await call({ type: C.DRAIN_AGENT, drainAgent: { agentId, maxGracePeriod: { seconds: 1n } } })).status).toBe(ok);
    expect((await spareModel())?.drainInfo?.state).toBeDefined();
    expect((await call({ type: C.MARK_AGENT_GONE, markAgentGone: { agentId } })).status).toBe(ok);
    await eventually('the gone agent removed', async () => ((await spareModel()) === undefined ? true : undefined));
    expect((await call({ type: C.DEACTIVATE_AGENT, deactivateAgent: { agentId: { value: 'no-such-agent' } } })).status).toBe(400);
  });

  it('agent: every call on the agent running the task', async () => {
    const a = (c: agentApi.Call): Promise<Answer<agentApi.Response>> => agentCall(main.url, encoding, c);
    expect((await a({ type: A.GET_HEALTH })).response?.getHealth?.healthy).toBe(true);
    expect((await a({ type: A.GET_FLAGS })).response?.getFlags?.flags?.map((f) => f.name)).toContain('work_dir');
    expect((await a({ type: A.GET_VERSION })).response?.getVersion?.versionInfo?.version).toBe('1.11.0');
    const metrics = (await a({ type: A.GET_METRICS, getMetrics: {} })).response?.getMetrics?.metrics ?? [];
    expect(metrics.find((m) => m.name === 'slave/tasks_running')?.value).toBe(1);
    expect((await a({ type: A.SET_LOGGING_LEVEL, setLoggingLevel: { level: 2, duration: { nanoseconds: 60n * SECOND_NS } } })).status).toBe(ok);
    expect((await a({ type: A.GET_LOGGING_LEVEL })).response?.getLoggingLevel?.level).toBe(2);
    expect((await a({ type: A.SET_LOGGING_LEVEL, setLoggingLevel: { level: 0, duration: { nanoseconds: SECOND_NS } } })).status).toBe(ok);

    const state = (await a({ type: A.GET_STATE })).response?.getState;
    expect(state?.getTasks?.launchedTasks?.map((t) => t.taskId?.value)).toEqual(['long']);
    expect((await a({ type: A.GET_TASKS })).response?.getTasks?.launchedTasks?.map((t) => t.state)).toEqual([TaskState.TASK_RUNNING]);
    expect((await a({ type: A.GET_FRAMEWORKS })).response?.getFrameworks?.frameworks?.map((f) => f.frameworkInfo?.id?.value)).toEqual([framework.frameworkId]);
    const executors = (await a({ type: A.GET_EXECUTORS })).response?.getExecutors?.executors ?? [];
    expect(executors).toHaveLength(1);
    const containers = (await a({ type: A.GET_CONTAINERS })).response?.getContainers?.containers ?? [];
    expect(containers).toHaveLength(1);
    expect((await a({ type: A.GET_AGENT })).response?.getAgent?.agentInfo?.id?.value).toBe(main.id);

    const executorId = executors[0]!.executorInfo!.executorId!.value!;
    const sandbox = `/frameworks/${framework.frameworkId}/executors/${executorId}/runs/latest`;
    const listed = await a({ type: A.LIST_FILES, listFiles: { path: sandbox } });
    expect(listed.response?.listFiles?.fileInfos?.map((f) => (f.path ?? '').split('/').pop())).toEqual(expect.arrayContaining(['stdout', 'stderr']));
    const stdout = await eventually('the task output', async () => {
      const read = await a({ type: A.READ_FILE, readFile: { path: `${sandbox}/stdout`, offset: 0n } });
      const text = Buffer.from(read.response?.readFile?.data ?? new Uint8Array()).toString('utf8');
      return text.includes('started') ? text : undefined;
    });
    expect(stdout).toContain('started');
  });

  it('master: SUBSCRIBE sees the teardown; TEARDOWN ends the framework', async () => {
    const stream = subscribe(cluster.masterUrl, encoding);
    try {
      const subscribed = await eventually('SUBSCRIBED', () => stream.events.find((e) => e.type === master.Event_Type.SUBSCRIBED));
      expect(subscribed.subscribed?.getState?.getTasks?.tasks?.map((t) => t.taskId?.value)).toEqual(['long']);
      expect((await call({ type: C.TEARDOWN, teardown: { frameworkId: { value: framework.frameworkId } } })).status).toBe(ok);
      await eventually('FRAMEWORK_REMOVED', () => stream.events.find((e) => e.type === master.Event_Type.FRAMEWORK_REMOVED));
      const killed = stream.events.find((e) => e.type === master.Event_Type.TASK_UPDATED);
      expect(killed?.taskUpdated?.state).toBe(TaskState.TASK_KILLED);
      const frameworks = (await call({ type: C.GET_FRAMEWORKS })).response?.getFrameworks;
      expect(frameworks?.completedFrameworks?.map((f) => f.frameworkInfo?.id?.value)).toEqual([framework.frameworkId]);
      expect((await call({ type: C.TEARDOWN, teardown: { frameworkId: { value: framework.frameworkId } } })).status).toBe(400);
    } finally {
      stream.close();
    }
  });
});
