// The agent side of the master-agent protocol against a fake master over real HTTP.
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { internal, TaskState, type AgentInfo } from '@mesos-ts/proto';
import { MasterLink, type MasterLinkHandlers, type MasterLinkOptions } from '../src/master-link';
import { latestAgentPath, readAgentId, writeAgentId } from '../src/paths';
import { FakeMaster } from './support/fake-master';

const AGENT_INFO: AgentInfo = { hostname: 'agent-host', port: 5051, resources: [{ name: 'cpus', type: 0, scalar: { value: 2 } }] };
const C = internal.AgentCall_Type;

describe('MasterLink', () => {
  let master: FakeMaster;
  let workDir: string;
  let link: MasterLink | undefined;
  const events: string[] = [];

  const handlers: MasterLinkHandlers = {
    onRegistered: (r, info) => events.push(`registered:${r.agentId?.value}:${info.reregistered}`),
    onEvent: (e) => events.push(`event:${internal.AgentEvent_Type[e.type ?? 0]}`),
    onDisconnected: () => events.push('disconnected'),
    onShutdown: (m) => events.push(`shutdown:${m}`),
  };

  function startLink(overrides: Partial<MasterLinkOptions> = {}): MasterLink {
    link = new MasterLink({
      master: master.address,
      agentInfo: AGENT_INFO,
      pid: 'slave(1)@127.0.0.1:5051',
      version: '1.11.0',
      idStore: {
        load: () => {
          const id = readAgentId(workDir);
          return id.ok ? id.value : undefined;
        },
        save: (id) => void writeAgentId(workDir, id),
      },
      handlers,
      backoffFactorMs: 20,
      ...overrides,
    });
    link.start();
    return link;
  }

  beforeEach(async () => {
    events.length = 0;
    workDir = mkdtempSync(path.join(os.tmpdir(), 'master-link-'));
    master = await FakeMaster.start({ agentId: 'M1-S7' });
  });
  afterEach(async () => {
    await link?.stop();
    link = undefined;
    await master.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('registers a new agent, persists the ID in work_dir/meta/slaves/latest, and answers PING with PONG', async () => {
    const l = startLink();
    await master.waitFor(() => l.connected);
    const [register] = master.callsOf(C.REGISTER);
    expect(register?.agentId).toBeUndefined();
    expect(register?.register).toMatchObject({ pid: 'slave(1)@127.0.0.1:5051', version: '1.11.0', agentInfo: { hostname: 'agent-host', port: 5051 } });
    expect(register?.register?.agentInfo?.id).toBeUndefined();
    expect(events).toEqual(['registered:M1-S7:false']);
    expect(l.agentId).toBe('M1-S7');
    expect(readAgentId(workDir)).toEqual({ ok: true, value: 'M1-S7' });
    expect(path.basename(readlinkSync(latestAgentPath(workDir)))).toBe('M1-S7');

    master.send({ type: internal.AgentEvent_Type.PING, ping: { pingId: 42n } });
    const pong = await master.waitFor(() => master.calls.find((c) => c.call.type === C.PONG));
    expect(pong.call).toMatchObject({ agentId: { value: 'M1-S7' }, pong: { pingId: 42n } });
    expect(pong.streamId).toBe(master.streamId);

    master.send({ type: internal.AgentEvent_Type.KILL_TASK, killTask: { frameworkId: { value: 'f' }, taskId: { value: 't' } } });
    await master.waitFor(() => events.includes('event:KILL_TASK'));
  });

  it('re-registers with its ID and report after the master closes the stream', async () => {
    const report = { frameworks: [{ user: 'u', name: 'fw', id: { value: 'F1' } }], executors: [], tasks: [{ name: 't', taskId: { value: 'T1' }, frameworkId: { value: 'F1' }, agentId: { value: 'M1-S7' }, state: TaskState.TASK_RUNNING, resources: [] }] };
    const l = startLink({ report: () => report });
    await master.waitFor(() => l.connected);
    master.closeStream();
    const reregister = await master.waitFor(() => master.callsOf(C.REREGISTER)[0]);
    expect(reregister.agentId).toEqual({ value: 'M1-S7' });
    expect(reregister.reregister?.agentInfo?.id).toEqual({ value: 'M1-S7' });
    expect(reregister.reregister?.frameworks).toEqual(report.frameworks);
    expect(reregister.reregister?.tasks?.[0]).toMatchObject({ taskId: { value: 'T1' }, state: TaskState.TASK_RUNNING });
    await master.waitFor(() => l.connected);
    expect(events).toEqual(['registered:M1-S7:false', 'disconnected', 'registered:M1-S7:true']);
  });

  it('starts with REREGISTER when work_dir already holds an agent ID', async () => {
    writeAgentId(workDir, 'OLD-S1');
    const l = startLink();
    await master.waitFor(() => l.connected);
    expect(master.callsOf(C.REGISTER)).toHaveLength(0);
    expect(master.callsOf(C.REREGISTER)[0]?.agentId).toEqual({ value: 'OLD-S1' });
  });

  it('treats a master that stops pinging as lost and re-registers', async () => {
    await master.close();
    master = await FakeMaster.start({ pingTimeoutSeconds: 0.1, maxPingTimeouts: 2 });
    const l = startLink();
    await master.waitFor(() => l.connected);
    // Pings keep the session alive...
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      master.send({ type: internal.AgentEvent_Type.PING, ping: { pingId: BigInt(i) } });
    }
    expect(master.callsOf(C.REREGISTER)).toHaveLength(0);
    // ...silence for 2 × 0.1 s ends it.
    await master.waitFor(() => master.callsOf(C.REREGISTER).length > 0, 3_000);
    expect(events).toContain('disconnected');
  });

  it('batches status updates sent in the same tick into one STATUS_UPDATE call', async () => {
    const l = startLink();
    await master.waitFor(() => l.connected);
    const update = (task: string): internal.StatusUpdate => ({
      frameworkId: { value: 'F1' },
      status: { taskId: { value: task }, state: TaskState.TASK_RUNNING, uuid: Buffer.alloc(16, 1) },
      timestamp: 1,
    });
    l.sendStatusUpdate(update('a'));
    l.sendStatusUpdate(update('b'));
    l.sendStatusUpdate(update('c'));
    await master.waitFor(() => master.statusUpdates.length === 3);
    const calls = master.callsOf(C.STATUS_UPDATE);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.agentId).toEqual({ value: 'M1-S7' });
    expect(calls[0]?.statusUpdates?.updates?.map((u) => u.status?.taskId?.value)).toEqual(['a', 'b', 'c']);
  });

  it('sends calls in order with the stream ID, and re-registers when the master answers 403', async () => {
    const l = startLink();
    await master.waitFor(() => l.connected);
    const results = await Promise.all([
      l.send({ type: C.EXECUTOR_EXITED, executorExited: { frameworkId: { value: 'F' }, executorId: { value: 'E1' }, status: 0 } }),
      l.send({ type: C.FRAMEWORK_MESSAGE, frameworkMessage: { frameworkId: { value: 'F' }, executorId: { value: 'E1' }, data: Buffer.from('hi') } }),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(master.calls.slice(1).map((c) => c.call.type)).toEqual([C.EXECUTOR_EXITED, C.FRAMEWORK_MESSAGE]);

    // The master no longer knows the session (the stream stays open): the call is refused and the link re-registers.
    master.forgetSession();
    const refused = await l.send({ type: C.PONG, pong: { pingId: 9n } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('FORBIDDEN');
    await master.waitFor(() => master.callsOf(C.REREGISTER).length === 1);
    await master.waitFor(() => l.connected);
  });

  it('refuses REGISTER through send(), and reports calls without a session as errors', async () => {
    const l = new MasterLink({ master: master.address, agentInfo: AGENT_INFO, pid: 'p' });
    const r = await l.send({ type: C.REGISTER });
    expect(r.ok).toBe(false);
    const r2 = await l.send({ type: C.PONG, pong: { pingId: 1n } });
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toBe('Cannot send PONG: not registered with a master');
  });

  it('retries a refused registration with backoff, then registers', async () => {
    await master.close();
    let attempts = 0;
    master = await FakeMaster.start({ registrationStatus: () => (++attempts < 3 ? 503 : 200) });
    const l = startLink();
    await master.waitFor(() => l.connected, 5_000);
    expect(master.callsOf(C.REGISTER)).toHaveLength(3);
  });

  it('keeps the session when a handler throws, logging the error', async () => {
    const errors: string[] = [];
    const l = startLink({
      handlers: { onEvent: () => { throw new Error('bug in the agent'); } },
      logger: { info: () => undefined, warn: () => undefined, error: (m) => errors.push(m) },
    });
    await master.waitFor(() => l.connected);
    master.send({ type: internal.AgentEvent_Type.KILL_TASK, killTask: { frameworkId: { value: 'f' }, taskId: { value: 't' } } });
    await master.waitFor(() => errors.length > 0);
    expect(errors[0]).toContain('bug in the agent');
    master.send({ type: internal.AgentEvent_Type.PING, ping: { pingId: 1n } });
    await master.waitFor(() => master.callsOf(C.PONG).length === 1);
    expect(master.callsOf(C.REREGISTER)).toHaveLength(0);
  });

  it('stops for good on SHUTDOWN', async () => {
    const l = startLink();
    await master.waitFor(() => l.connected);
    master.send({ type: internal.AgentEvent_Type.SHUTDOWN, shutdown: { message: 'removed' } });
    await master.waitFor(() => events.includes('shutdown:removed'));
    await new Promise((r) => setTimeout(r, 200));
    expect(master.callsOf(C.REGISTER)).toHaveLength(1);
    expect(master.callsOf(C.REREGISTER)).toHaveLength(0);
    expect(l.connected).toBe(false);
  });
});
