/**
 * Dynamic reservations and persistent volumes on the master: the operator calls (RESERVE_RESOURCES ...
 * SHRINK_VOLUME) and their errors, offers rescinded to make room, reserved resources offered only to their role,
 * the speculative operations of ACCEPT with operation feedback, the legacy form endpoints, and re-registration
 * with checkpointed resources.
 */
import {
  AgentInfo_Capability_Type,
  OperationState,
  Offer_Operation_Type,
  Resource_ReservationInfo_Type,
  Value_Type,
  Volume_Mode,
  encodeMesosJson,
  internal,
  master,
  scheduler,
  type Offer,
  type Resource,
} from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { coreOperatorHandlers } from '../src/operator/calls';
import type { OperatorAnswer } from '../src/operator/handler';
import { reservationOperatorHandlers, operationsOf } from '../src/reservations';
import type { FakeAgent } from '../src/testing';
import { cluster, post, sleep, TestFramework, type Cluster } from './helpers';

const C = master.Call_Type;
const RESIZE = [AgentInfo_Capability_Type.MULTI_ROLE, AgentInfo_Capability_Type.HIERARCHICAL_ROLE, AgentInfo_Capability_Type.RESERVATION_REFINEMENT, AgentInfo_Capability_Type.RESIZE_VOLUME];
const FEEDBACK = [...RESIZE, AgentInfo_Capability_Type.RESOURCE_PROVIDER, AgentInfo_Capability_Type.AGENT_OPERATION_FEEDBACK];

function scalar(name: string, value: number, role?: string, allocatedTo?: string): Resource {
  const r: Resource = { name, type: Value_Type.SCALAR, scalar: { value } };
  if (role !== undefined) r.reservations = [{ type: Resource_ReservationInfo_Type.DYNAMIC, role }];
  if (allocatedTo !== undefined) r.allocationInfo = { role: allocatedTo };
  return r;
}

function volume(size: number, role: string, id: string, allocatedTo?: string): Resource {
  return { ...scalar('disk', size, role, allocatedTo), disk: { persistence: { id }, volume: { containerPath: 'data', mode: Volume_Mode.RW } } };
}

/** Polls the master's state until `check` holds. */
async function eventually(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('Timed out waiting for a condition');
    await sleep(10);
  }
}

describe('reservations and persistent volumes', () => {
  let c: Cluster;
  const frameworks: TestFramework[] = [];
  const framework = (info: ConstructorParameters<typeof TestFramework>[1] = {}): TestFramework => {
    const f = new TestFramework(c.url, info);
    frameworks.push(f);
    return f;
  };
  afterEach(async () => {
    for (const f of frameworks.splice(0)) f.close();
    await c.stop();
  });

  async function call(type: master.Call_Type, body: Partial<master.Call>): Promise<OperatorAnswer> {
    return reservationOperatorHandlers[type]!(c.master.core, { type, ...body });
  }
  const reserve = (agent: FakeAgent, resources: Resource[]): Promise<OperatorAnswer> => call(C.RESERVE_RESOURCES, { reserveResources: { agentId: { value: agent.agentId! }, resources } });
  const total = (agent: FakeAgent): Resources => c.master.core.agents.get(agent.agentId!)!.total;
  const applies = (agent: FakeAgent): internal.AgentEvent[] => agent.events.filter((e) => e.type === internal.AgentEvent_Type.APPLY_OPERATION);

  it('RESERVE_RESOURCES: 202, the agent told with its checkpointed resources, reserved resources offered only to the role', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024' });
    expect(await reserve(agent, [scalar('cpus', 2, 'eng'), scalar('mem', 256, 'eng')])).toEqual({ kind: 'accepted' });
    expect(total(agent).reserved('eng').cpus()).toBe(2);
    expect(total(agent).unreserved().cpus()).toBe(2);
    const apply = (await agent.waitForType(internal.AgentEvent_Type.APPLY_OPERATION)).applyOperation!;
    expect(apply.frameworkId).toBeUndefined();
    expect(apply.operation?.type).toBe(Offer_Operation_Type.RESERVE);
    expect(apply.operationUuid?.byteLength).toBe(16);
    expect(Resources.fromProto(apply.checkpointedResources ?? []).ok && (Resources.fromProto(apply.checkpointedResources ?? []) as { value: Resources }).value.equals(total(agent).reserved('eng'))).toBe(true);
    // The agent's confirmation finishes the operation; without feedback it is then forgotten.
    await eventually(() => operationsOf(c.master.core).length === 0);

    const other = framework({ role: 'other' });
    await other.subscribe();
    const [unreserved] = await other.offers();
    expect(Resources.fromProto(unreserved!.resources ?? []).ok).toBe(true);
    const offered = (Resources.fromProto(unreserved!.resources ?? []) as { value: Resources }).value;
    expect(offered.cpus()).toBe(2);
    expect(offered.reserved().isEmpty()).toBe(true);

    const eng = framework({ role: 'eng' });
    await eng.subscribe();
    const [mine] = await eng.offers();
    const engOffered = (Resources.fromProto(mine!.resources ?? []) as { value: Resources }).value;
    expect(engOffered.reserved('eng').cpus()).toBe(2);
    expect(engOffered.reserved('eng').mem()).toBe(256);
  });

  it('rescinds outstanding offers that hold the resources, and answers 409 when they are still not there', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024' });
    const f = framework();
    await f.subscribe();
    const [offer] = await f.offers();
    expect(await reserve(agent, [scalar('cpus', 1, 'eng')])).toEqual({ kind: 'accepted' });
    const rescind = await f.waitFor((e) => e.type === scheduler.Event_Type.RESCIND);
    expect(rescind.rescind?.offerId?.value).toBe(offer!.id?.value);
    expect(c.master.core.offers.offersOn(agent.agentId!)).toHaveLength(0);

    const answer = await reserve(agent, [scalar('cpus', 10, 'eng')]);
    expect(answer.kind).toBe('error');
    expect(answer).toMatchObject({ status: 409 });
    expect(total(agent).reserved('eng').cpus()).toBe(1);
  });

  it('answers 400 for an unknown agent, a missing field and invalid reservations', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024' });
    expect(await call(C.RESERVE_RESOURCES, { reserveResources: { agentId: { value: 'nope' }, resources: [scalar('cpus', 1, 'eng')] } })).toEqual({
      kind: 'error',
      status: 400,
      message: 'No agent found with specified ID',
    });
    expect(await call(C.RESERVE_RESOURCES, {})).toEqual({ kind: 'error', status: 400, message: "Expecting 'reserve_resources' to be present" });
    const prefix = `Invalid RESERVE operation on agent ${agent.agentId} at ${agent.pid} (127.0.0.1): `;
    expect(await reserve(agent, [scalar('cpus', 1)])).toEqual({ kind: 'error', status: 400, message: `${prefix}Resource cpus:1 is not dynamically reserved` });
    expect(await reserve(agent, [scalar('cpus', 1, 'eng', 'eng')])).toEqual({
      kind: 'error',
      status: 400,
      message: `${prefix}A reserve operation was attempted with an allocated resource, but the operator API only allows reservations to be made to unallocated resources`,
    });
    const bad = await reserve(agent, [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: -1 }, reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'eng' }] }]);
    expect(bad).toMatchObject({ kind: 'error', status: 400 });
    expect((bad as { message: string }).message.startsWith(`${prefix}Invalid resources: `)).toBe(true);
    expect(applies(agent)).toHaveLength(0);
  });

  it('UNRESERVE_RESOURCES, CREATE_VOLUMES and DESTROY_VOLUMES with their errors', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024' });
    expect(await reserve(agent, [scalar('disk', 512, 'eng'), scalar('cpus', 1, 'eng')])).toEqual({ kind: 'accepted' });
    const agentId = { value: agent.agentId! };

    expect(await call(C.UNRESERVE_RESOURCES, { unreserveResources: { agentId, resources: [scalar('cpus', 1)] } })).toEqual({
      kind: 'error',
      status: 400,
      message: 'Invalid UNRESERVE operation: Resource cpus:1 is not dynamically reserved',
    });
    expect(await call(C.UNRESERVE_RESOURCES, { unreserveResources: { agentId, resources: [scalar('cpus', 1, 'eng')] } })).toEqual({ kind: 'accepted' });
    expect(total(agent).reserved('eng').cpus()).toBeUndefined();

    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId, volumes: [volume(128, 'eng', 'v1')] } })).toEqual({ kind: 'accepted' });
    expect(total(agent).persistentVolumes().disk()).toBe(128);
    await agent.until(() => (applies(agent).length === 3 ? true : undefined), 2000, 'three APPLY_OPERATIONs');
    const created = applies(agent).at(-1)!.applyOperation!;
    expect(created.operation?.type).toBe(Offer_Operation_Type.CREATE);
    const checkpointed = (Resources.fromProto(created.checkpointedResources ?? []) as { value: Resources }).value;
    expect(checkpointed.persistentVolumes().disk()).toBe(128);
    expect(checkpointed.reserved('eng').disk()).toBe(512);

    const createPrefix = `Invalid CREATE operation on agent ${agent.agentId} at ${agent.pid} (127.0.0.1): `;
    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId, volumes: [volume(64, 'eng', 'v1')] } })).toEqual({
      kind: 'error',
      status: 400,
      message: `${createPrefix}Persistence ID 'v1' is not unique`,
    });
    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId, volumes: [scalar('disk', 64, 'eng')] } })).toEqual({
      kind: 'error',
      status: 400,
      message: `${createPrefix}Not a persistent volume: Resource disk(reservations: [(DYNAMIC,eng)]):64 does not have DiskInfo`.replace(
        'disk(reservations: [(DYNAMIC,eng)]):64',
        (Resources.fromProto([scalar('disk', 64, 'eng')]) as { value: Resources }).value.toString(),
      ),
    });
    // More disk than is reserved: the allocator cannot apply it.
    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId, volumes: [volume(4096, 'eng', 'big')] } })).toMatchObject({ kind: 'error', status: 409 });
    // A volume may not be unreserved directly.
    expect(await call(C.UNRESERVE_RESOURCES, { unreserveResources: { agentId, resources: [volume(128, 'eng', 'v1')] } })).toMatchObject({ kind: 'error', status: 400 });

    expect(await call(C.DESTROY_VOLUMES, { destroyVolumes: { agentId, volumes: [volume(128, 'eng', 'nope')] } })).toEqual({
      kind: 'error',
      status: 400,
      message: 'Invalid DESTROY operation: Persistent volumes not found',
    });
    expect(await call(C.DESTROY_VOLUMES, { destroyVolumes: { agentId, volumes: [volume(128, 'eng', 'v1')] } })).toEqual({ kind: 'accepted' });
    expect(total(agent).persistentVolumes().isEmpty()).toBe(true);
    expect(total(agent).reserved('eng').disk()).toBe(512);
  });

  it('refuses to destroy a volume a task uses', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024', onLaunch: 'run' });
    const agentId = { value: agent.agentId! };
    expect(await reserve(agent, [scalar('disk', 256, 'eng')])).toEqual({ kind: 'accepted' });
    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId, volumes: [volume(256, 'eng', 'v1')] } })).toEqual({ kind: 'accepted' });
    const f = framework({ role: 'eng' });
    await f.subscribe();
    const [offer] = await f.offers();
    const vol = (offer!.resources ?? []).find((r) => r.disk?.persistence?.id === 'v1');
    expect(vol).toBeDefined();
    const task = { name: 't', taskId: { value: 't' }, agentId: offer!.agentId!, resources: [...Resources.mustParse('cpus:1;mem:64').allocate('eng').toProto(), vol!], command: { value: 'true' } };
    await f.client.launch(offer!, [task]);
    await agent.waitForType(internal.AgentEvent_Type.RUN_TASK);
    expect(await call(C.DESTROY_VOLUMES, { destroyVolumes: { agentId, volumes: [volume(256, 'eng', 'v1')] } })).toEqual({
      kind: 'error',
      status: 400,
      message: 'Invalid DESTROY operation: Persistent volumes in use',
    });
  });

  it('GROW_VOLUME and SHRINK_VOLUME need RESIZE_VOLUME and change the volume', async () => {
    c = await cluster(0);
    const plain = await c.addAgent({ resources: 'cpus:1;mem:256;disk:1024' });
    const plainId = { value: plain.agentId! };
    expect(await reserve(plain, [scalar('disk', 512, 'eng')])).toEqual({ kind: 'accepted' });
    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId: plainId, volumes: [volume(128, 'eng', 'v1')] } })).toEqual({ kind: 'accepted' });
    const grown = await call(C.GROW_VOLUME, { growVolume: { agentId: plainId, volume: volume(128, 'eng', 'v1'), addition: scalar('disk', 64, 'eng') } });
    expect(grown).toMatchObject({ kind: 'error', status: 400 });
    expect((grown as { message: string }).message).toMatch(/^Invalid GROW_VOLUME operation on agent .*: Volume .* cannot be grown on an agent without RESIZE_VOLUME capability$/);

    const agent = await c.addAgent({ resources: 'cpus:1;mem:256;disk:1024', capabilities: RESIZE });
    const agentId = { value: agent.agentId! };
    expect(await reserve(agent, [scalar('disk', 512, 'eng')])).toEqual({ kind: 'accepted' });
    expect(await call(C.CREATE_VOLUMES, { createVolumes: { agentId, volumes: [volume(128, 'eng', 'v1')] } })).toEqual({ kind: 'accepted' });
    expect(await call(C.GROW_VOLUME, { growVolume: { agentId, volume: volume(128, 'eng', 'v1'), addition: scalar('disk', 0, 'eng') } })).toMatchObject({
      status: 400,
      message: expect.stringContaining("The size of 'GrowVolume.addition' field must be greater than zero") as unknown,
    });
    expect(await call(C.GROW_VOLUME, { growVolume: { agentId, volume: volume(128, 'eng', 'v1'), addition: scalar('disk', 64, 'eng') } })).toEqual({ kind: 'accepted' });
    expect(total(agent).persistentVolumes().disk()).toBe(192);
    expect(await call(C.SHRINK_VOLUME, { shrinkVolume: { agentId, volume: volume(192, 'eng', 'v1'), subtract: { value: 500 } } })).toMatchObject({
      status: 400,
      message: expect.stringContaining("Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'") as unknown,
    });
    expect(await call(C.SHRINK_VOLUME, { shrinkVolume: { agentId, volume: volume(192, 'eng', 'v1'), subtract: { value: 92 } } })).toEqual({ kind: 'accepted' });
    expect(total(agent).persistentVolumes().disk()).toBe(100);
    expect(total(agent).reserved('eng').disk()).toBe(512);
  });

  it('serves the legacy form endpoints', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024' });
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    const json = (list: Resource[]): string => `[${list.map((r) => encodeMesosJson('mesos.v1.Resource', r)).join(',')}]`;
    const body = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

    const reserved = await post(c.url, body({ slaveId: agent.agentId!, resources: json([scalar('disk', 256, 'eng')]) }), form, '/master/reserve');
    expect(reserved.status).toBe(202);
    const created = await post(c.url, body({ slaveId: agent.agentId!, volumes: json([volume(100, 'eng', 'legacy')]) }), form, '/create-volumes');
    expect(created.status).toBe(202);
    expect(total(agent).persistentVolumes().disk()).toBe(100);

    expect(await post(c.url, body({ resources: '[]' }), form, '/master/reserve')).toMatchObject({ status: 400, text: "Missing 'slaveId' query parameter in the request body" });
    expect(await post(c.url, body({ slaveId: agent.agentId! }), form, '/master/destroy-volumes')).toMatchObject({ status: 400, text: "Missing 'volumes' query parameter in the request body" });
    const broken = await post(c.url, body({ slaveId: agent.agentId!, resources: '[{' }), form, '/master/unreserve');
    expect(broken.status).toBe(400);
    expect(broken.text).toMatch(/^Error parsing 'resources' query parameter in the request body: /);
    expect(await post(c.url, body({ slaveId: 'unknown', resources: json([scalar('cpus', 1, 'eng')]) }), form, '/master/reserve')).toMatchObject({ status: 400, text: 'No agent found with specified ID' });
    const get = await fetch(`${c.url}/master/reserve`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');

    const destroyed = await post(c.url, body({ slaveId: agent.agentId!, volumes: json([volume(100, 'eng', 'legacy')]) }), form, '/master/destroy-volumes');
    expect(destroyed.status).toBe(202);
    const unreserved = await post(c.url, body({ slaveId: agent.agentId!, resources: json([scalar('disk', 256, 'eng')]) }), form, '/unreserve');
    expect(unreserved.status).toBe(202);
    expect(total(agent).reserved().isEmpty()).toBe(true);
  });

  it('ACCEPT with RESERVE and CREATE: APPLY_OPERATION to the agent, OPERATION_FINISHED to the framework, the volume offered again', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:2;mem:512;disk:1024', capabilities: FEEDBACK });
    const f = framework({ role: 'eng' });
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.accept(
      [offer!.id!],
      [
        { type: Offer_Operation_Type.RESERVE, id: { value: 'r1' }, reserve: { resources: [scalar('disk', 256, 'eng', 'eng')] } },
        { type: Offer_Operation_Type.CREATE, id: { value: 'c1' }, create: { volumes: [volume(256, 'eng', 'vol', 'eng')] } },
      ],
      { refuseSeconds: 0 },
    );
    const statuses = [];
    for (const id of ['r1', 'c1']) {
      const event = await f.waitFor((e) => e.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS && e.updateOperationStatus?.status?.operationId?.value === id);
      statuses.push(event.updateOperationStatus!.status!);
    }
    expect(statuses.map((s) => s.state)).toEqual([OperationState.OPERATION_FINISHED, OperationState.OPERATION_FINISHED]);
    expect(statuses[1]!.agentId?.value).toBe(agent.agentId);
    expect(statuses[1]!.uuid?.value?.byteLength).toBe(16);
    expect((statuses[1]!.convertedResources ?? []).some((r) => r.disk?.persistence?.id === 'vol')).toBe(true);
    const sent = applies(agent);
    expect(sent.map((e) => e.applyOperation?.frameworkId?.value)).toEqual([f.frameworkId, f.frameworkId]);
    expect(agent.checkpointedResources.some((r) => r.disk?.persistence?.id === 'vol')).toBe(true);

    // The master keeps operations with feedback for GET_OPERATIONS.
    const tracked = operationsOf(c.master.core, { frameworkId: f.frameworkId });
    expect(tracked.map((o) => [o.info?.id?.value, o.latestStatus?.state])).toEqual([
      ['r1', OperationState.OPERATION_FINISHED],
      ['c1', OperationState.OPERATION_FINISHED],
    ]);

    const since = f.events.length;
    const again = await f.until(() => f.events.slice(since).flatMap((e) => e.offers?.offers ?? []).find((o: Offer) => (o.resources ?? []).some((r) => r.disk?.persistence?.id === 'vol')), 'the volume offered again');
    expect(again.agentId?.value).toBe(agent.agentId);

    // Reconciliation answers the tracked operations without a uuid; an acknowledged one is forgotten.
    const before = f.events.length;
    await f.client.call({ frameworkId: { value: f.frameworkId }, type: scheduler.Call_Type.RECONCILE_OPERATIONS, reconcileOperations: { operations: [] } });
    const reconciled = await f.until(() => {
      const got = f.events.slice(before).filter((e) => e.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS).map((e) => e.updateOperationStatus!.status!);
      return got.length === 2 ? got : undefined;
    }, 'implicit operation reconciliation');
    expect(reconciled.map((s) => [s.operationId?.value, s.state, s.uuid])).toEqual([
      ['r1', OperationState.OPERATION_FINISHED, undefined],
      ['c1', OperationState.OPERATION_FINISHED, undefined],
    ]);
    const listed = await coreOperatorHandlers[C.GET_OPERATIONS]!(c.master.core, { type: C.GET_OPERATIONS });
    expect(listed.kind === 'response' ? listed.response.getOperations?.operations?.map((o) => o.info?.id?.value) : listed).toEqual(['r1', 'c1']);
    await f.client.acknowledgeOperationStatus(statuses[0]!);
    await eventually(() => operationsOf(c.master.core, { frameworkId: f.frameworkId }).length === 1);
    expect(operationsOf(c.master.core, { frameworkId: f.frameworkId }).map((o) => o.info?.id?.value)).toEqual(['c1']);
  });

  it('drops operation feedback on an agent without RESOURCE_PROVIDER, but still applies plain operations', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:2;mem:512;disk:1024' });
    const f = framework({ role: 'eng' });
    await f.subscribe();
    const [offer] = await f.offers();
    await f.client.accept(
      [offer!.id!],
      [
        { type: Offer_Operation_Type.RESERVE, id: { value: 'r1' }, reserve: { resources: [scalar('cpus', 1, 'eng', 'eng')] } },
        { type: Offer_Operation_Type.RESERVE, reserve: { resources: [scalar('mem', 128, 'eng', 'eng')] } },
      ],
    );
    const error = await f.waitFor((e) => e.type === scheduler.Event_Type.UPDATE_OPERATION_STATUS);
    expect(error.updateOperationStatus?.status).toMatchObject({ state: OperationState.OPERATION_ERROR, operationId: { value: 'r1' } });
    await agent.waitForType(internal.AgentEvent_Type.APPLY_OPERATION);
    expect(total(agent).reserved('eng').mem()).toBe(128);
    expect(total(agent).reserved('eng').cpus()).toBeUndefined();
  });

  it('takes the checkpointed resources a re-registering agent reports; unconfirmed operations are dropped', async () => {
    c = await cluster(0);
    const agent = await c.addAgent({ resources: 'cpus:4;mem:1024;disk:1024', applyOperations: false });
    expect(await reserve(agent, [scalar('disk', 256, 'eng')])).toEqual({ kind: 'accepted' });
    await agent.waitForType(internal.AgentEvent_Type.APPLY_OPERATION);
    expect(operationsOf(c.master.core, { agentId: agent.agentId! })[0]?.latestStatus?.state).toBe(OperationState.OPERATION_PENDING);

    // It re-registers reporting the reservation: the pending operation was applied after all.
    await agent.disconnect();
    await sleep(50);
    await agent.reregister();
    expect(total(agent).reserved('eng').disk()).toBe(256);
    expect(operationsOf(c.master.core, { agentId: agent.agentId! })).toHaveLength(0);

    // A reservation the agent never got is gone after it re-registers without it.
    expect(await reserve(agent, [scalar('cpus', 1, 'eng')])).toEqual({ kind: 'accepted' });
    await agent.until(() => (applies(agent).length === 2 ? true : undefined), 2000, 'the second APPLY_OPERATION');
    agent.checkpointedResources = agent.checkpointedResources.filter((r) => r.name !== 'cpus');
    await agent.disconnect();
    await sleep(50);
    await agent.reregister();
    expect(total(agent).reserved('eng').cpus()).toBeUndefined();
    expect(total(agent).reserved('eng').disk()).toBe(256);
    expect(total(agent).cpus()).toBe(4);

  });
});
