/**
 * The master's operator API against real processes: GET_STATE with a launched task, the SUBSCRIBE stream seeing
 * the task's lifecycle, and UPDATE_QUOTA / GET_QUOTA enforced against the agent's capacity.
 */
import { TaskState, master, parseMesosJson } from '@mesos-ts/proto';
import { startCluster, eventually, type Cluster } from '../src/cluster';
import { TestScheduler, commandTask } from '../src/scheduler';

/** One operator call in JSON; the answer's status, text and (when JSON) parsed body. */
async function call(url: string, body: Record<string, unknown>): Promise<{ status: number; text: string; response: master.Response | undefined }> {
  const res = await fetch(`${url}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200 || text === '') return { status: res.status, text, response: undefined };
  const parsed = parseMesosJson('mesos.v1.master.Response', text);
  if (!parsed.ok) throw parsed.error;
  return { status: res.status, text, response: parsed.value };
}

/** Reads a JSON SUBSCRIBE stream (RecordIO: `<length>\n<json>` records) into `events` until aborted. */
function subscribe(url: string): { events: master.Event[]; close(): void } {
  const events: master.Event[] = [];
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${url}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ type: 'SUBSCRIBE' }),
      signal: controller.signal,
    });
    let buffer = Buffer.alloc(0);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer = Buffer.concat([buffer, Buffer.from(chunk)]);
      for (;;) {
        const newline = buffer.indexOf(10);
        if (newline < 0) break;
        const length = Number(buffer.subarray(0, newline).toString('ascii'));
        if (buffer.length < newline + 1 + length) break;
        const record = buffer.subarray(newline + 1, newline + 1 + length).toString('utf8');
        buffer = buffer.subarray(newline + 1 + length);
        const event = parseMesosJson('mesos.v1.master.Event', record);
        if (event.ok) events.push(event.value);
      }
    }
  })().catch(() => undefined);
  return { events, close: () => controller.abort() };
}

describe('operator API end to end', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('GET_STATE shows a running task; SUBSCRIBE sees it added, running and finished', async () => {
    const stream = subscribe(cluster.masterUrl);
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'operator-e2e' } });
    try {
      await eventually('SUBSCRIBED on the operator stream', () => (stream.events.some((e) => e.type === master.Event_Type.SUBSCRIBED) ? true : undefined));
      const subscribed = stream.events.find((e) => e.type === master.Event_Type.SUBSCRIBED)!.subscribed!;
      expect(subscribed.getState?.getAgents?.agents).toHaveLength(1);

      const frameworkId = await framework.subscribe();
      const [offer] = await framework.takeOffers();
      await framework.launch(offer!, [commandTask(offer!, 'op-task', 'sleep 1')]);
      await framework.waitForState('op-task', TaskState.TASK_RUNNING, 30_000);

      const state = await call(cluster.masterUrl, { type: 'GET_STATE' });
      expect(state.status).toBe(200);
      const tasks = state.response!.getState!.getTasks!.tasks!;
      expect(tasks.map((t) => [t.taskId?.value, t.state, t.frameworkId?.value])).toEqual([['op-task', TaskState.TASK_RUNNING, frameworkId]]);
      expect(state.response!.getState!.getFrameworks!.frameworks!.map((f) => f.frameworkInfo?.name)).toEqual(['operator-e2e']);
      const agent = state.response!.getState!.getAgents!.agents![0]!;
      expect(agent.allocatedResources?.find((r) => r.name === 'cpus')?.scalar?.value).toBeCloseTo(0.1);

      await framework.waitForState('op-task', TaskState.TASK_FINISHED, 30_000);
      await eventually('TASK_UPDATED (FINISHED) on the operator stream', () =>
        stream.events.some((e) => e.type === master.Event_Type.TASK_UPDATED && e.taskUpdated?.status?.state === TaskState.TASK_FINISHED) ? true : undefined,
      );
      const types = stream.events.filter((e) => e.type !== master.Event_Type.HEARTBEAT).map((e) => master.Event_Type[e.type ?? 0]);
      expect(types.slice(0, 3)).toEqual(['SUBSCRIBED', 'FRAMEWORK_ADDED', 'TASK_ADDED']);
      const states = stream.events.filter((e) => e.type === master.Event_Type.TASK_UPDATED).map((e) => TaskState[e.taskUpdated?.status?.state ?? 0]);
      expect(states).toContain('TASK_RUNNING');
      expect(states[states.length - 1]).toBe('TASK_FINISHED');
    } finally {
      stream.close();
      await framework.close();
    }
  });

  it('UPDATE_QUOTA within capacity is kept and answered by GET_QUOTA; over capacity it is refused', async () => {
    const ok = await call(cluster.masterUrl, {
      type: 'UPDATE_QUOTA',
      update_quota: { quota_configs: [{ role: 'analytics', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 }, mem: { value: 1024 } } }] },
    });
    expect([ok.status, ok.text]).toEqual([200, '']);
    const over = await call(cluster.masterUrl, { type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'big', guarantees: { cpus: { value: 100 } } }] } });
    expect(over.status).toBe(400);
    expect(over.text).toMatch(/^Invalid QuotaConfig: total quota guarantees 'cpus:101' exceed cluster capacity 'cpus:4; disk:4096; mem:4096'/);
    const quota = await call(cluster.masterUrl, { type: 'GET_QUOTA' });
    expect(quota.response?.getQuota?.status?.configs).toEqual([{ role: 'analytics', guarantees: { cpus: { value: 1 } }, limits: { cpus: { value: 2 }, mem: { value: 1024 } } }]);
    const roles = (await (await fetch(`${cluster.masterUrl}/master/roles`)).json()) as { roles: { name: string; quota: { guarantee: Record<string, number> } }[] };
    expect(roles.roles.find((r) => r.name === 'analytics')?.quota.guarantee).toEqual({ cpus: 1 });
  });
});
