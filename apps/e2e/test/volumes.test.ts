/**
 * Dynamic reservations and persistent volumes with a real master and agent: a framework reserves disk and creates
 * a volume through ACCEPT (with operation feedback), a task writes a file into the volume, a second task on the
 * re-offered volume reads it back; and the operator reserves and creates volumes through the v1 operator API and
 * the legacy `/master/reserve` endpoint.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  OperationState,
  Offer_Operation_Type,
  Resource_ReservationInfo_Type,
  TaskState,
  Value_Type,
  Volume_Mode,
  encodeMesosJson,
  scheduler,
  type Offer,
  type Resource,
  type TaskInfo,
} from '@mesos-ts/proto';
import { eventually, startCluster, type Cluster } from '../src/cluster';
import { TestScheduler, stateName } from '../src/scheduler';

function disk(size: number, role: string, allocatedTo?: string): Resource {
  const r: Resource = { name: 'disk', type: Value_Type.SCALAR, scalar: { value: size }, reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role }] };
  if (allocatedTo !== undefined) r.allocationInfo = { role: allocatedTo };
  return r;
}

function volume(size: number, role: string, id: string, allocatedTo?: string): Resource {
  return { ...disk(size, role, allocatedTo), disk: { persistence: { id }, volume: { containerPath: 'data', mode: Volume_Mode.RW } } };
}

/** A command task using the offer's volume `id` (linked at `data` in its sandbox). */
function volumeTask(offer: Offer, taskId: string, command: string, id: string): TaskInfo {
  const vol = (offer.resources ?? []).find((r) => r.disk?.persistence?.id === id);
  if (vol === undefined) throw new Error(`offer ${offer.id?.value} has no volume ${id}`);
  return {
    name: taskId,
    taskId: { value: taskId },
    agentId: offer.agentId!,
    command: { value: command },
    resources: [
      // No allocation info: the framework is not MULTI_ROLE, the master gives the resources its role.
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.1 } },
      { name: 'mem', type: Value_Type.SCALAR, scalar: { value: 32 } },
      vol,
    ],
  };
}

describe('reservations and persistent volumes end to end', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ agentFlags: ['--resources=cpus:2;mem:2048;disk:2048;ports:[31000-32000]'] });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reserves and creates a volume through ACCEPT; a second task reads what the first wrote into it', async () => {
    const framework = new TestScheduler({ masterUrl: cluster.masterUrl, framework: { name: 'volumes', role: 'eng' } });
    try {
      await framework.subscribe();
      const [offer] = await framework.takeOffers();
      await framework.client.accept(
        [offer!.id!],
        [
          { type: Offer_Operation_Type.RESERVE, id: { value: 'reserve-1' }, reserve: { resources: [disk(256, 'eng', 'eng')] } },
          { type: Offer_Operation_Type.CREATE, id: { value: 'create-1' }, create: { volumes: [volume(256, 'eng', 'e2e-vol', 'eng')] } },
        ],
        { refuseSeconds: 0 },
      );
      for (const id of ['reserve-1', 'create-1']) {
        const update = await framework.waitFor(`${id} status`, (e) => e.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS && e.updateOperationStatus?.status?.operationId?.value === id);
        expect(update.updateOperationStatus?.status?.state).toBe(OperationState.OPERATION_FINISHED);
      }
      const workDir = cluster.agents[0]!.workDir;
      expect(existsSync(join(workDir, 'volumes', 'roles', 'eng', 'e2e-vol'))).toBe(true);

      const withVolume = async (): Promise<Offer> =>
        eventually('an offer with the volume', async () => {
          for (const o of await framework.takeOffers()) {
            if ((o.resources ?? []).some((r) => r.disk?.persistence?.id === 'e2e-vol')) return o;
            await framework.client.decline([o.id!], { refuseSeconds: 0 });
          }
          return undefined;
        });

      const first = await withVolume();
      await framework.launch(first, [volumeTask(first, 'writer', 'echo written-by-writer > data/message', 'e2e-vol')]);
      const wrote = await framework.waitForTerminal('writer');
      expect([stateName(wrote.state), wrote.message]).toEqual(['TASK_FINISHED', 'Command exited with status 0']);
      expect(readFileSync(join(workDir, 'volumes', 'roles', 'eng', 'e2e-vol', 'message'), 'utf8')).toBe('written-by-writer\n');

      const second = await withVolume();
      await framework.launch(second, [volumeTask(second, 'reader', 'test "$(cat data/message)" = written-by-writer', 'e2e-vol')]);
      const read = await framework.waitForTerminal('reader');
      expect([stateName(read.state), read.message]).toEqual(['TASK_FINISHED', 'Command exited with status 0']);
      expect(read.state).toBe(TaskState.TASK_FINISHED);
    } finally {
      await framework.close();
    }
  });

  it('reserves and creates volumes through the operator API and the legacy endpoints', async () => {
    const state = await cluster.state();
    const agentId = state.slaves[0]!.id;
    const workDir = cluster.agents[0]!.workDir;
    const operator = async (call: Record<string, unknown>): Promise<{ status: number; text: string }> => {
      const res = await fetch(`${cluster.masterUrl}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(call) });
      return { status: res.status, text: await res.text() };
    };
    const json = (r: Resource): unknown => JSON.parse(encodeMesosJson('mesos.v1.Resource', r));

    expect(await operator({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources: [json(disk(128, 'ops'))] } })).toEqual({ status: 202, text: '' });
    expect(await operator({ type: 'CREATE_VOLUMES', create_volumes: { agent_id: { value: agentId }, volumes: [json(volume(128, 'ops', 'ops-vol'))] } })).toEqual({ status: 202, text: '' });
    await eventually('the volume directory', () => (existsSync(join(workDir, 'volumes', 'roles', 'ops', 'ops-vol')) ? true : undefined));
    const refused = await operator({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: agentId }, resources: [json(disk(1_000_000, 'ops'))] } });
    expect(refused.status).toBe(409);

    const form = new URLSearchParams({ slaveId: agentId, resources: JSON.stringify([json(disk(64, 'legacy'))]) });
    const reserved = await fetch(`${cluster.masterUrl}/master/reserve`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(reserved.status).toBe(202);
    const checkpoint = join(workDir, 'meta', 'slaves', agentId, 'checkpointed_resources.json');
    await eventually('the legacy reservation checkpointed', () => {
      const saved = existsSync(checkpoint) ? (JSON.parse(readFileSync(checkpoint, 'utf8')) as { resources: { reservations?: { role: string }[] }[] }) : undefined;
      return saved?.resources.some((r) => r.reservations?.some((x) => x.role === 'legacy')) === true ? true : undefined;
    });
    const unknown = await fetch(`${cluster.masterUrl}/master/reserve`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ slaveId: 'nope', resources: '[]' }).toString() });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toBe('No agent found with specified ID');
  });
});
