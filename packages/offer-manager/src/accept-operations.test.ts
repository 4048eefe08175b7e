/**
 * ACCEPT's operations, taken in order against the offered resources as
 * Mesos's `Master::accept` / `Master::_accept` do.
 */
import { MesosTsError } from '@mesos-ts/errors';
import { Offer_Operation_Type, Resource_ReservationInfo_Type, Value_Type, Volume_Mode, type Offer_Operation, type Resource } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { OfferManager } from './offer-manager';
import { FakeClock, create, destroy, dynamicallyReserved, executor, launch, launchGroup, mockAgent, offerMap, r, reserve, task, unreserve } from './testing';
import type { AcceptOptions, AcceptOutcome } from './types';

const T = Offer_Operation_Type;

/** A persistent volume proto: `mb` of disk reserved (DYNAMIC) to `role`, optionally shared. */
function volumeProto(id: string, mb: number, role = 'web', shared = false): Resource {
  const v: Resource = {
    name: 'disk',
    type: Value_Type.SCALAR,
    scalar: { value: mb },
    reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role }],
    disk: { persistence: { id, principal: 'p' }, volume: { containerPath: id, mode: Volume_Mode.RW } },
  };
  if (shared) v.shared = {};
  return v;
}

function volume(id: string, mb: number, role = 'web', shared = false): Resources {
  const res = Resources.fromProto(volumeProto(id, mb, role, shared));
  if (!res.ok) throw res.error;
  return res.value;
}

/** One offer of `resources` to `fw` for role `web` on agent `a1`; returns its ID and the manager. */
function offered(resources: Resources | string, more: Array<[string, string, Resources | string]> = []) {
  const om = new OfferManager({ clock: new FakeClock(), masterId: 'M' });
  const [offer] = om.createOffers('fw', offerMap([['web', 'a1', resources]]), (id) => mockAgent(id)).offers;
  for (const [fw, agent, res] of more) om.createOffers(fw, offerMap([['web', agent, res]]), (id) => mockAgent(id));
  return { om, id: offer!.id };
}

function accept(resources: Resources | string, operations: Offer_Operation[], options: AcceptOptions = {}): AcceptOutcome {
  const { om, id } = offered(resources);
  const res = om.accept('fw', [id], operations, options);
  if (!res.ok) throw res.error.error;
  return res.value;
}

const web = (text: string | Resources): Resources => (typeof text === 'string' ? r(text) : text).allocate('web');
const s = (x: Resources): string => x.toString();

/** What the allocator should see: offered = kept + recovered, in quantities. */
function expectConserved(out: AcceptOutcome): void {
  const kept = out.launched.plus(out.pendingOperations).plus(out.converted).plus(out.declined);
  expect(s(kept.toUnreserved().createStrippedScalarQuantity())).toBe(s(out.offered.plus(out.additionalShared).toUnreserved().createStrippedScalarQuantity()));
}

describe('LAUNCH', () => {
  it('takes each task from the offer; the rest is declined (recovered with the filters)', () => {
    const out = accept('cpus:4;mem:1024;ports:[31000-31009]', [launch(task('t1', 'cpus:1;mem:128;ports:[31000-31000]'), task('t2', 'cpus:2;mem:256'))]);
    expect(out.operations).toHaveLength(1);
    const op = out.operations[0]!;
    expect(op.error).toBeUndefined();
    expect(op.tasks!.map((t) => [t.taskId, t.error, s(t.consumed), t.launchExecutor])).toEqual([
      ['t1', undefined, s(web('cpus:1;mem:128;ports:[31000-31000]')), true],
      ['t2', undefined, s(web('cpus:2;mem:256')), true],
    ]);
    expect(s(out.launched)).toBe(s(web('cpus:3;mem:384;ports:[31000-31000]')));
    expect(s(out.declined)).toBe(s(web('cpus:1;mem:640;ports:[31001-31009]')));
    expect(out.converted.isEmpty()).toBe(true);
    expect(out.allocatorOperations).toEqual([]);
    // Allocation info was injected into the task resources, as protobuf::injectAllocationInfo.
    const injected = op.operation.launch!.taskInfos![0]!.resources!;
    expect(injected.every((x) => x.allocationInfo?.role === 'web')).toBe(true);
    expectConserved(out);
  });

  it('drops a task that does not fit ("Total resources ... is more than available ...") and launches the others', () => {
    const out = accept('cpus:2;mem:256', [launch(task('big', 'cpus:3'), task('small', 'cpus:1'))]);
    const [big, small] = out.operations[0]!.tasks!;
    expect(big!.error).toBeInstanceOf(MesosTsError);
    expect(big!.error!.message).toBe(
      "'operations[0].launch.task_infos[0]': Total resources cpus(allocated: web):3 required by task and its executor is more than available cpus(allocated: web):2; mem(allocated: web):256",
    );
    expect(big!.consumed.isEmpty()).toBe(true);
    expect(small!.error).toBeUndefined();
    expect(s(out.declined)).toBe(s(web('cpus:1;mem:256')));
  });

  it('checks each task against what the earlier tasks left', () => {
    const out = accept('cpus:2', [launch(task('a', 'cpus:1.5')), launch(task('b', 'cpus:1'))]);
    expect(out.operations[1]!.tasks![0]!.error!.message).toMatch(/^'operations\[1\]\.launch\.task_infos\[0\]': Total resources cpus\(allocated: web\):1 required by task and its executor is more than available cpus\(allocated: web\):0.5$/);
  });

  it('refuses a task with no resources ("Task uses no resources")', () => {
    const t = task('none', 'cpus:1');
    t.resources = [];
    const out = accept('cpus:1', [launch(t)]);
    expect(out.operations[0]!.tasks![0]!.error!.message).toBe("'operations[0].launch.task_infos[0].resources': Task uses no resources");
  });

  it('counts a new executor once (the first task pays for it) and a running one not at all', () => {
    const e = executor('e1', 'cpus:0.5;mem:64');
    const out = accept('cpus:4;mem:1024', [launch(task('t1', 'cpus:1', { executor: e }), task('t2', 'cpus:1', { executor: e }))]);
    expect(out.operations[0]!.tasks!.map((t) => [s(t.consumed), t.launchExecutor])).toEqual([
      [s(web('cpus:1.5;mem:64')), true],
      [s(web('cpus:1')), false],
    ]);
    const running = accept('cpus:4;mem:1024', [launch(task('t1', 'cpus:1', { executor: e }))], { isExecutorRunning: (id) => id === 'e1' });
    expect(running.operations[0]!.tasks!.map((t) => [s(t.consumed), t.launchExecutor])).toEqual([[s(web('cpus:1')), false]]);
  });

  it('a task that does not fit with its new executor is refused', () => {
    const out = accept('cpus:1;mem:64', [launch(task('t1', 'cpus:1', { executor: executor('e1', 'cpus:0.5;mem:32') }))]);
    expect(out.operations[0]!.tasks![0]!.error!.message).toMatch(/Total resources cpus\(allocated: web\):1.5; mem\(allocated: web\):32 required by task and its executor is more than available/);
  });

  it('resources allocated to another role are not in the offer', () => {
    const t = task('t', r('cpus:1').allocate('api'));
    const out = accept('cpus:1', [launch(t)]);
    expect(out.operations[0]!.tasks![0]!.error!.message).toMatch(/Total resources cpus\(allocated: api\):1 required by task/);
  });

  it('drops the whole LAUNCH when a resource is invalid, every task with the error naming the field', () => {
    const bad = task('bad', 'cpus:1');
    bad.resources = [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: -1 } }];
    const out = accept('cpus:4', [launch(task('good', 'cpus:1'), bad)]);
    const op = out.operations[0]!;
    expect(op.error!.message).toBe("'operations[0].launch.task_infos[1].resources': Invalid resource [0] 'cpus': invalid scalar resource: 'scalar.value': negative values are not supported (got -1)");
    expect(op.tasks!.map((t) => [t.taskId, t.error === op.error])).toEqual([
      ['good', true],
      ['bad', true],
    ]);
    expect(out.launched.isEmpty()).toBe(true);
    expect(s(out.declined)).toBe(s(web('cpus:4')));
  });

  it('refuses an operation ID on LAUNCH and LAUNCH_GROUP', () => {
    const out = accept('cpus:4;mem:256', [
      { ...launch(task('t', 'cpus:1')), id: { value: 'op' } },
      { ...launchGroup(executor('e'), task('g', 'cpus:1')), id: { value: 'op2' } },
    ]);
    expect(out.operations[0]!.error!.message).toBe("'operations[0].id': The `id` field cannot be set on LAUNCH operations");
    expect(out.operations[1]!.error!.message).toBe("'operations[1].id': The `id` field cannot be set on LAUNCH_GROUP operations");
    expect(out.operations[0]!.tasks![0]!.error).toBe(out.operations[0]!.error);
  });

  it('a LAUNCH without tasks launches nothing: the offer is declined', () => {
    const out = accept('cpus:1', [launch()]);
    expect(out.operations[0]!.error).toBeUndefined();
    expect(out.operations[0]!.tasks).toEqual([]);
    expect(s(out.declined)).toBe(s(web('cpus:1')));
  });

  it('lets several tasks use one offered shared volume; the extra copies are reported', () => {
    const shared = volume('v', 64, 'web', true);
    const out = accept(r('cpus:2').plus(shared), [launch(task('a', r('cpus:1').plus(shared)), task('b', r('cpus:1').plus(shared)))]);
    expect(out.operations[0]!.tasks!.every((t) => t.error === undefined)).toBe(true);
    expect(s(out.additionalShared)).toBe(s(web(shared)));
    expect(out.declined.isEmpty()).toBe(true);
  });
});

describe('LAUNCH_GROUP', () => {
  it('launches the group with its new executor', () => {
    const out = accept('cpus:4;mem:1024', [launchGroup(executor('e', 'cpus:0.1;mem:32'), task('a', 'cpus:1;mem:128'), task('b', 'cpus:1;mem:128'))]);
    const op = out.operations[0]!;
    expect(op.error).toBeUndefined();
    expect(s(op.consumed)).toBe(s(web('cpus:2.1;mem:288')));
    expect(op.tasks!.map((t) => [t.taskId, s(t.consumed), t.launchExecutor])).toEqual([
      ['a', s(web('cpus:1.1;mem:160')), true],
      ['b', s(web('cpus:1;mem:128')), true],
    ]);
    expect(s(out.launched)).toBe(s(web('cpus:2.1;mem:288')));
    expect(s(out.declined)).toBe(s(web('cpus:1.9;mem:736')));
  });

  it('does not pay again for a running executor', () => {
    const out = accept('cpus:1', [launchGroup(executor('e', 'cpus:0.5'), task('a', 'cpus:1'))], { isExecutorRunning: () => true });
    expect(out.operations[0]!.error).toBeUndefined();
    expect(out.operations[0]!.tasks![0]!.launchExecutor).toBe(false);
  });

  it('refuses the whole group when it does not fit', () => {
    const out = accept('cpus:1', [launchGroup(executor('e', 'cpus:0.1'), task('a', 'cpus:0.5'), task('b', 'cpus:0.5'))]);
    const op = out.operations[0]!;
    expect(op.error!.message).toBe(
      "'operations[0].launch_group': Total resources cpus(allocated: web):1.1 required by task group and its executor are more than available cpus(allocated: web):1",
    );
    expect(op.tasks!.map((t) => t.error)).toEqual([op.error, op.error]);
    expect(out.launched.isEmpty()).toBe(true);
  });

  it("refuses the group when a task has no resources (\"Task '...' is invalid: Task uses no resources\")", () => {
    const b = task('b', 'cpus:1');
    b.resources = [];
    const out = accept('cpus:4', [launchGroup(executor('e'), task('a', 'cpus:1'), b)]);
    expect(out.operations[0]!.error!.message).toBe("'operations[0].launch_group.task_group.tasks[1].resources': Task 'b' is invalid: Task uses no resources");
  });
});

describe('RESERVE / UNRESERVE', () => {
  const reserved = (text: string) => dynamicallyReserved(text, 'web', 'p');

  it('converts offered resources; later operations use the result; unused results go back without a filter', () => {
    const out = accept('cpus:4;mem:512', [reserve(reserved('cpus:2;mem:256')), launch(task('t', reserved('cpus:1;mem:128')))]);
    expect(out.operations.map((o) => o.error)).toEqual([undefined, undefined]);
    expect(s(out.operations[0]!.consumed)).toBe(s(web('cpus:2;mem:256')));
    expect(s(out.operations[0]!.converted)).toBe(s(web(reserved('cpus:2;mem:256'))));
    expect(out.allocatorOperations.map((o) => o.type)).toEqual([T.RESERVE]);
    expect(out.allocatorOperations[0]).toBe(out.operations[0]!.operation);
    expect(s(out.launched)).toBe(s(web(reserved('cpus:1;mem:128'))));
    // Speculatively converted and unused: recovered without a filter.
    expect(s(out.converted)).toBe(s(web(reserved('cpus:1;mem:128'))));
    // Never touched: implicitly declined, with the filters.
    expect(s(out.declined)).toBe(s(web('cpus:2;mem:256')));
    expectConserved(out);
  });

  it('drops a RESERVE of more than is offered, and the operations after it still run', () => {
    const out = accept('cpus:1', [reserve(reserved('cpus:2')), launch(task('t', 'cpus:1'))]);
    expect(out.operations[0]!.error!.message).toBe(
      "'operations[0]': RESERVE: resources cpus(allocated: web)(reservations: [(DYNAMIC,web,p)]):2 are not contained in cpus(allocated: web):1",
    );
    expect(out.operations[0]!.consumed.isEmpty()).toBe(true);
    expect(out.operations[1]!.tasks![0]!.error).toBeUndefined();
    expect(out.allocatorOperations).toEqual([]);
  });

  it('refuses reservation updates (reserve.source) from schedulers', () => {
    const op = reserve(reserved('cpus:1'));
    op.reserve!.source = r('cpus:1').toProto();
    const out = accept('cpus:1', [op]);
    expect(out.operations[0]!.error!.message).toBe(
      "Operation attempted with invalid resources: 'operations[0].reserve.source': Reservation updates are not yet implemented for the scheduler API.",
    );
  });

  it('UNRESERVE gives back unreserved resources', () => {
    const out = accept(reserved('cpus:2'), [unreserve(reserved('cpus:1'))]);
    expect(out.operations[0]!.error).toBeUndefined();
    expect(s(out.converted)).toBe(s(web('cpus:1')));
    expect(s(out.declined)).toBe(s(web(reserved('cpus:1'))));
    expectConserved(out);
  });

  it('a RESERVE then UNRESERVE of the same resources nets out: nothing is converted', () => {
    const out = accept('cpus:2', [reserve(reserved('cpus:1')), unreserve(reserved('cpus:1'))]);
    expect(out.converted.isEmpty()).toBe(true);
    expect(s(out.declined)).toBe(s(web('cpus:2')));
    expect(out.allocatorOperations).toHaveLength(2);
  });
});

describe('CREATE / DESTROY', () => {
  const disk = () => dynamicallyReserved('disk:128', 'web');

  it('CREATE carves a volume that a later task may use', () => {
    const v = volume('v1', 64);
    const out = accept(r('cpus:1').plus(disk()), [create(v), launch(task('t', r('cpus:1').plus(v)))]);
    expect(out.operations.map((o) => o.error)).toEqual([undefined, undefined]);
    expect(s(out.operations[0]!.converted)).toBe(s(web(v)));
    expect(s(out.launched)).toBe(s(web(r('cpus:1').plus(v))));
    expect(s(out.declined)).toBe(s(web(dynamicallyReserved('disk:64', 'web'))));
    expectConserved(out);
  });

  it('DESTROY turns an offered volume back into disk', () => {
    const v = volume('v1', 64);
    const out = accept(v, [destroy(v)]);
    expect(out.operations[0]!.error).toBeUndefined();
    expect(s(out.converted)).toBe(s(web(dynamicallyReserved('disk:64', 'web'))));
  });

  it('DESTROY rescinds the other offers on the agent that hold the volume', () => {
    const v = volume('shared', 64, 'web', true);
    const { om, id } = offered(v, [
      ['fw2', 'a1', v],
      ['fw3', 'a1', 'cpus:1'],
      ['fw4', 'a2', v],
    ]);
    const res = om.accept('fw', [id], [destroy(v)]);
    if (!res.ok) throw res.error.error;
    expect(res.value.rescinded.map((o) => [o.frameworkId, o.agentId])).toEqual([['fw2', 'a1']]);
    expect(om.offersOf('fw2')).toEqual([]);
    expect(om.offersOf('fw3')).toHaveLength(1);
    expect(om.offersOf('fw4')).toHaveLength(1);
  });

  it('drops a DESTROY of a volume that is not offered', () => {
    const out = accept('cpus:1', [destroy(volume('v9', 10))]);
    expect(out.operations[0]!.error!.message).toMatch(/^'operations\[0\]': DESTROY: resources disk\(allocated: web\)\(reservations: \[\(DYNAMIC,web\)\]\)\[v9:v9\]:10 are not contained in cpus\(allocated: web\):1$/);
  });
});

describe('GROW_VOLUME / SHRINK_VOLUME', () => {
  const extra = () => dynamicallyReserved('disk:64', 'web');

  it('GROW_VOLUME consumes the volume and the addition; the grown volume goes back without a filter and is not usable later in the call', () => {
    const v = volume('v1', 64);
    const grow: Offer_Operation = { type: T.GROW_VOLUME, growVolume: { volume: volumeProto('v1', 64), addition: extra().toProto()[0]! } };
    const out = accept(r('cpus:1').plus(v).plus(extra()), [grow, launch(task('t', r('cpus:1').plus(volume('v1', 128))))]);
    expect(out.operations[0]!.error).toBeUndefined();
    expect(s(out.operations[0]!.consumed)).toBe(s(web(v.plus(extra()))));
    expect(s(out.operations[0]!.converted)).toBe(s(web(volume('v1', 128))));
    expect(out.operations[1]!.tasks![0]!.error!.message).toMatch(/required by task and its executor is more than available cpus\(allocated: web\):1$/);
    expect(s(out.converted)).toBe(s(web(volume('v1', 128))));
    expect(s(out.declined)).toBe(s(web('cpus:1')));
    expect(out.allocatorOperations.map((o) => o.type)).toEqual([T.GROW_VOLUME]);
    expectConserved(out);
  });

  it('SHRINK_VOLUME frees part of the volume as disk', () => {
    const shrink: Offer_Operation = { type: T.SHRINK_VOLUME, shrinkVolume: { volume: volumeProto('v1', 64), subtract: { value: 16 } } };
    const out = accept(volume('v1', 64), [shrink]);
    expect(out.operations[0]!.error).toBeUndefined();
    expect(s(out.converted)).toBe(s(web(volume('v1', 48).plus(dynamicallyReserved('disk:16', 'web')))));
    expect(out.declined.isEmpty()).toBe(true);
  });

  it('drops a resize of a volume that is not offered ("Invalid GROW_VOLUME operation: ... does not contain ...")', () => {
    const grow: Offer_Operation = { type: T.GROW_VOLUME, growVolume: { volume: volumeProto('v1', 64), addition: extra().toProto()[0]! } };
    const out = accept('cpus:1', [grow]);
    expect(out.operations[0]!.error!.message).toMatch(/^'operations\[0\]': Invalid GROW_VOLUME operation: cpus\(allocated: web\):1 does not contain disk/);
  });

  it('drops an impossible shrink with the reason', () => {
    const shrink: Offer_Operation = { type: T.SHRINK_VOLUME, shrinkVolume: { volume: volumeProto('v1', 64), subtract: { value: 64 } } };
    const out = accept(volume('v1', 64), [shrink]);
    expect(out.operations[0]!.error!.message).toMatch(/^'operations\[0\]': SHRINK_VOLUME: cannot shrink .* by 64: the amount must be positive and smaller than the volume$/);
  });
});

describe('CREATE_DISK / DESTROY_DISK', () => {
  it('take their source out of the offer; it stays allocated until the resource provider answers', () => {
    const source = r('disk:100').toProto()[0]!;
    const out = accept('disk:100;cpus:1', [{ type: T.CREATE_DISK, createDisk: { source, targetType: 2 } }]);
    expect(out.operations[0]!.error).toBeUndefined();
    expect(s(out.pendingOperations)).toBe(s(web('disk:100')));
    expect(s(out.declined)).toBe(s(web('cpus:1')));
    expect(out.allocatorOperations).toEqual([]);
    expectConserved(out);
  });

  it('drop a source that is not offered', () => {
    const out = accept('cpus:1', [{ type: T.DESTROY_DISK, destroyDisk: { source: r('disk:5').toProto()[0]! } }]);
    expect(out.operations[0]!.error!.message).toBe("'operations[0]': Invalid DESTROY_DISK Operation: cpus(allocated: web):1 does not contain disk(allocated: web):5");
  });
});

describe('malformed operations', () => {
  it.each([
    [T.RESERVE, 'A RESERVE offer operation must have the Offer.Operation.reserve field set.'],
    [T.UNRESERVE, 'An UNRESERVE offer operation must have the Offer.Operation.unreserve field set.'],
    [T.CREATE, 'A CREATE offer operation must have the Offer.Operation.create field set.'],
    [T.DESTROY, 'A DESTROY offer operation must have the Offer.Operation.destroy field set.'],
    [T.GROW_VOLUME, 'A GROW_VOLUME operation must have the Offer.Operation.grow_volume field set'],
    [T.SHRINK_VOLUME, 'A SHRINK_VOLUME offer operation must have the Offer.Operation.shrink_volume field set'],
    [T.CREATE_DISK, 'A CREATE_DISK offer operation must have the Offer.Operation.create_disk field set.'],
    [T.DESTROY_DISK, 'A DESTROY_DISK offer operation must have the Offer.Operation.destroy_disk field set.'],
  ])('operation type %p without its field is dropped', (type, message) => {
    const out = accept('cpus:1', [{ type }]);
    expect(out.operations[0]!.error!.message).toBe(`Operation attempted with invalid resources: ${message}`);
    expect(s(out.declined)).toBe(s(web('cpus:1')));
  });

  it.each([
    [T.LAUNCH, 'A LAUNCH offer operation must have the Offer.Operation.launch field set.'],
    [T.LAUNCH_GROUP, 'A LAUNCH_GROUP offer operation must have the Offer.Operation.launch_group field set.'],
  ])('launch type %p without its field is dropped', (type, message) => {
    const out = accept('cpus:1', [{ type }]);
    expect(out.operations[0]!.error!.message).toBe(message);
    expect(out.operations[0]!.tasks).toEqual([]);
  });

  it('an operation without a known type is dropped ("Unknown offer operation")', () => {
    const out = accept('cpus:1', [{}, { type: T.UNKNOWN }, { type: 99 as Offer_Operation_Type }]);
    expect(out.operations.map((o) => o.error!.message)).toEqual([
      'operations[0]: Unknown offer operation',
      'operations[1]: Unknown offer operation',
      'operations[2]: Unknown offer operation',
    ]);
  });

  it('names the invalid resource field of a non-launch operation', () => {
    const out = accept('cpus:1', [{ type: T.UNRESERVE, unreserve: { resources: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, role: '' }] } }]);
    expect(out.operations[0]!.error!.message).toMatch(/^Operation attempted with invalid resources: 'operations\[0\]\.unreserve\.resources': Invalid resource \[0\] 'cpus'/);
  });

  it('missing volume fields are named', () => {
    const out = accept('cpus:1', [{ type: T.GROW_VOLUME, growVolume: { volume: volumeProto('v', 1) } }, { type: T.SHRINK_VOLUME, shrinkVolume: {} }]);
    expect(out.operations.map((o) => o.error!.message)).toEqual([
      "Operation attempted with invalid resources: 'operations[0].grow_volume.addition' must be set",
      "Operation attempted with invalid resources: 'operations[1].shrink_volume.volume' must be set",
    ]);
  });
});

describe("the master's hooks", () => {
  it('checkOperation sees each non-LAUNCH operation with what remains, and an error drops it', () => {
    const seen: Array<[number, string]> = [];
    const out = accept(
      'cpus:4',
      [launch(task('t', 'cpus:1')), reserve(dynamicallyReserved('cpus:1', 'web')), launchGroup(executor('e', 'cpus:0.1'), task('g', 'cpus:1'))],
      {
        checkOperation: (op, ctx) => {
          seen.push([ctx.index, s(ctx.remaining)]);
          expect(ctx).toMatchObject({ frameworkId: 'fw', agentId: 'a1', role: 'web' });
          return op.type === T.RESERVE ? new MesosTsError('FORBIDDEN', "Principal 'p' is not authorized to reserve") : undefined;
        },
      },
    );
    expect(seen).toEqual([
      [1, s(web('cpus:3'))],
      [2, s(web('cpus:3'))],
    ]);
    expect(out.operations[1]!.error!.code).toBe('FORBIDDEN');
    expect(out.operations[2]!.error).toBeUndefined();
    expect(out.allocatorOperations).toEqual([]);
  });

  it('checkTask rejects one task of a LAUNCH; the others go on', () => {
    const out = accept('cpus:4', [launch(task('a', 'cpus:1'), task('dup', 'cpus:1'), task('c', 'cpus:1'))], {
      checkTask: (t, ctx) => {
        expect(ctx.taskIndex).toBe(['a', 'dup', 'c'].indexOf(t.taskId!.value!));
        expect(ctx.available.equals(ctx.remaining)).toBe(true);
        return t.taskId?.value === 'dup' ? new MesosTsError('INVALID_ARGUMENT', 'Task has duplicate ID: dup') : undefined;
      },
    });
    expect(out.operations[0]!.tasks!.map((t) => t.error?.message)).toEqual([undefined, 'Task has duplicate ID: dup', undefined]);
    expect(s(out.launched)).toBe(s(web('cpus:2')));
  });
});

describe('the input is not modified', () => {
  it('operations keep their protos as given', () => {
    const ops = [launch(task('t', 'cpus:1')), reserve(dynamicallyReserved('cpus:1', 'web'))];
    const before = structuredClone(ops);
    accept('cpus:4', ops);
    expect(ops).toEqual(before);
  });
});
