/**
 * Offer operations as conversions (ResourcesOperationTest.*), through both
 * the proto and the typed form.
 */
import { Offer_Operation_Type, Resource_DiskInfo_Source_Type, Value_Type, Volume_Mode, type Offer_Operation, type Resource } from '@mesos-ts/proto';
import { Resources, type ResourceOperation } from '../src/index';
import { createDiskResource, createDiskSourceMount, createDynamicReservationInfo, createReservedResource, r, res } from './helpers';

function applied(resources: Resources, op: ResourceOperation | Offer_Operation): Resources {
  const result = resources.apply(op);
  if (!result.ok) throw result.error;
  return result.value;
}

function failure(resources: Resources, op: ResourceOperation | Offer_Operation): string {
  const result = resources.apply(op);
  if (result.ok) throw new Error(`expected failure, got ${result.value.toString()}`);
  expect(result.error.code).toBe('INVALID_ARGUMENT');
  return result.error.message;
}

const RESERVE = (resources: Resources): Offer_Operation => ({ type: Offer_Operation_Type.RESERVE, reserve: { resources: resources.toProto() } });
const UNRESERVE = (resources: Resources): Offer_Operation => ({ type: Offer_Operation_Type.UNRESERVE, unreserve: { resources: resources.toProto() } });
const CREATE = (...volumes: Resource[]): Offer_Operation => ({ type: Offer_Operation_Type.CREATE, create: { volumes } });
const DESTROY = (...volumes: Resource[]): Offer_Operation => ({ type: Offer_Operation_Type.DESTROY, destroy: { volumes } });

describe('RESERVE', () => {
  const unreservedCpus = r('cpus:1');
  const unreservedMem = r('mem:512');
  const unreserved = unreservedCpus.plus(unreservedMem);
  const reservedCpus1 = unreservedCpus.pushReservation(createDynamicReservationInfo('role', 'principal'));

  it('moves unreserved resources to the role (ReserveResources, FlattenResources)', () => {
    expect(applied(unreserved, RESERVE(reservedCpus1))).toEqualResources(unreservedMem.plus(reservedCpus1));
    expect(applied(unreserved, { type: 'RESERVE', resources: reservedCpus1 })).toEqualResources(unreservedMem.plus(reservedCpus1));
  });

  it('fails when there is not enough, saying what is missing', () => {
    const reservedCpus2 = res(createReservedResource('cpus', '2', createDynamicReservationInfo('role', 'principal')));
    expect(failure(unreserved, RESERVE(reservedCpus2))).toBe(
      'RESERVE: resources cpus(reservations: [(DYNAMIC,role,principal)]):2 are not contained in cpus:1; mem:512',
    );
  });

  it('refines a reservation', () => {
    const eng = r('cpus:4').pushReservation(createDynamicReservationInfo('eng'));
    const web = r('cpus:1').pushReservation(createDynamicReservationInfo('eng')).pushReservation(createDynamicReservationInfo('eng/web'));
    const result = applied(eng, { type: 'RESERVE', resources: web });
    expect(result.reserved('eng').cpus()).toBe(3);
    expect(result.reserved('eng/web').cpus()).toBe(1);
    expect(applied(result, { type: 'UNRESERVE', resources: web })).toEqualResources(eng);
  });

  it('takes an explicit source', () => {
    const eng = r('cpus:2').pushReservation(createDynamicReservationInfo('eng'));
    const web = r('cpus:2').pushReservation(createDynamicReservationInfo('eng')).pushReservation(createDynamicReservationInfo('eng/web'));
    // Re-reserving straight from unreserved to a refined stack via `source`.
    const target = r('cpus:2').pushReservation(createDynamicReservationInfo('eng')).pushReservation(createDynamicReservationInfo('eng/web'));
    expect(applied(eng, { type: 'RESERVE', resources: target, source: eng })).toEqualResources(web);
    expect(failure(eng, { type: 'RESERVE', resources: r('cpus:3').pushReservation(createDynamicReservationInfo('x')), source: eng })).toMatch(
      /not the same resource quantities/,
    );
    expect(failure(r('cpus:1'), { type: 'RESERVE', resources: target, source: eng })).toMatch(/RESERVE: source resources .* are not contained in cpus:1/);
  });

  it('rejects static and missing reservations', () => {
    expect(failure(unreserved, { type: 'RESERVE', resources: r('cpus(role):1') })).toMatch(/not dynamically reserved/);
    expect(failure(unreserved, { type: 'RESERVE', resources: r('cpus:1') })).toMatch(/not dynamically reserved/);
    expect(failure(unreserved, { type: 'RESERVE', resources: Resources.EMPTY })).toMatch(/no resources/);
    expect(failure(unreserved, { type: Offer_Operation_Type.RESERVE })).toMatch(/'reserve' field must be set/);
  });

  it('reports invalid resources in the operation', () => {
    const bad: Offer_Operation = { type: Offer_Operation_Type.RESERVE, reserve: { resources: [{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: -1 } }] } };
    expect(failure(unreserved, bad)).toMatch(/RESERVE: invalid resources: .*'cpus'.*negative/);
  });
});

describe('UNRESERVE', () => {
  const reservedCpus = res(createReservedResource('cpus', '1', createDynamicReservationInfo('role', 'principal')));
  const reservedMem = res(createReservedResource('mem', '512', createDynamicReservationInfo('role', 'principal')));
  const reserved = reservedCpus.plus(reservedMem);

  it('returns resources to unreserved (UnreserveResources)', () => {
    expect(applied(reserved, UNRESERVE(reservedCpus))).toEqualResources(reservedMem.plus(reservedCpus.toUnreserved()));
  });

  it('fails when there is not enough', () => {
    const reservedCpus2 = res(createReservedResource('cpus', '2', createDynamicReservationInfo('role', 'principal')));
    expect(failure(reserved, UNRESERVE(reservedCpus2))).toMatch(/^UNRESERVE: resources cpus\(reservations: \[\(DYNAMIC,role,principal\)\]\):2 are not contained in/);
  });

  it('refuses static reservations and persistent volumes', () => {
    expect(failure(r('cpus(role):1'), { type: 'UNRESERVE', resources: r('cpus(role):1') })).toMatch(/not dynamically reserved/);
    const volume = res({ ...createDiskResource('10', '*', '1', 'path'), reservations: [createDynamicReservationInfo('role')] });
    expect(failure(volume, { type: 'UNRESERVE', resources: volume })).toMatch(/destroy it first/);
  });
});

describe('CREATE and DESTROY', () => {
  const total = r('cpus:1;mem:512;disk(role):1000');

  it('carves a volume out of the disk (CreatePersistentVolume)', () => {
    const volume1 = createDiskResource('200', 'role', '1', 'path');
    expect(applied(total, CREATE(volume1))).toEqualResources(r('cpus:1;mem:512;disk(role):800').plus(res(volume1)));
    expect(applied(applied(total, CREATE(volume1)), DESTROY(volume1))).toEqualResources(total);
    const volume2 = createDiskResource('2000', 'role', '1', 'path');
    expect(failure(total, CREATE(volume2))).toMatch(/^CREATE: resources disk\(role\):2000 \(for volume .*\) are not contained in/);
  });

  it('takes a MOUNT disk whole or not at all (CreatePersistentVolumeFromMount)', () => {
    const source = createDiskSourceMount('mnt');
    const mount = res(createDiskResource('200', 'role', undefined, undefined, source));
    expect(applied(mount, CREATE(createDiskResource('200', 'role', '1', 'path', source))).persistentVolumes().size).toBe(1);
    expect(failure(mount, CREATE(createDiskResource('50', 'role', '1', 'path', source)))).toMatch(/not contained/);
  });

  it('creates and destroys shared volumes (CreateSharedPersistentVolume)', () => {
    const volume1 = createDiskResource('200', 'role', '1', 'path', undefined, true);
    const created = applied(total, CREATE(volume1));
    expect(created).toEqualResources(r('cpus:1;mem:512;disk(role):800').plus(res(volume1)));
    expect(applied(created, DESTROY(volume1))).toEqualResources(total);
    expect(failure(total, CREATE(createDiskResource('2000', 'role', '1', 'path', undefined, true)))).toMatch(/not contained/);
  });

  it('refuses to destroy a shared volume with other copies (DestroySharedPersistentVolumeMultipleCopies)', () => {
    const volume1 = createDiskResource('200', 'role', '1', 'path', undefined, true);
    const withCopies = r('cpus:1;mem:512;disk(role):800').plus(res(volume1)).plus(res(volume1));
    expect(failure(withCopies, DESTROY(volume1))).toMatch(/^DESTROY: persistent volume .* cannot be removed due to additional shared copies$/);
  });

  it('works in the typed form too', () => {
    const volumes = res(createDiskResource('100', 'role', 'a', 'pa'), createDiskResource('200', 'role', 'b', 'pb'));
    const created = applied(total, { type: 'CREATE', volumes });
    expect(created.persistentVolumes()).toEqualResources(volumes);
    expect(created.get('disk')).toBe(1000);
    expect(applied(created, { type: 'DESTROY', volumes })).toEqualResources(total);
  });

  it('keeps the disk source on PATH disks', () => {
    const source = { type: Resource_DiskInfo_Source_Type.PATH, path: { root: '/p' } };
    const disk = res(createDiskResource('100', 'role', undefined, undefined, source));
    const volume = createDiskResource('40', 'role', 'v', 'data', source);
    const created = applied(disk, CREATE(volume));
    expect(created.minus(res(volume))).toEqualResources(res(createDiskResource('60', 'role', undefined, undefined, source)));
  });

  it('refuses what is not a persistent volume', () => {
    expect(failure(total, CREATE(createDiskResource('10', 'role')))).toMatch(/does not have DiskInfo/);
    expect(failure(total, CREATE(createDiskResource('10', 'role', undefined, 'path')))).toMatch(/not a persistent volume/);
    expect(failure(total, CREATE(createDiskResource('10', 'role', '1')))).toMatch(/'disk.volume'/);
    const ro = createDiskResource('10', 'role', '1', 'path');
    ro.disk!.volume!.mode = Volume_Mode.RO;
    expect(failure(total, CREATE(ro))).toMatch(/read-only/);
    expect(failure(total, DESTROY(createDiskResource('10', 'role', '9', 'path')))).toMatch(/^DESTROY: resources .* are not contained in/);
  });
});

describe('GROW_VOLUME and SHRINK_VOLUME', () => {
  const volume = createDiskResource('100', 'role', 'v', 'path');
  const total = r('disk(role):50').plus(res(volume));

  it('grows a volume from the disk beside it', () => {
    const op: Offer_Operation = {
      type: Offer_Operation_Type.GROW_VOLUME,
      growVolume: { volume, addition: createDiskResource('30', 'role') },
    };
    const grown = applied(total, op);
    expect(grown.persistentVolumes().get('disk')).toBe(130);
    expect(grown.get('disk')).toBe(150);
    expect(failure(total, { ...op, growVolume: { volume, addition: createDiskResource('60', 'role') } })).toMatch(/not contained/);
    expect(failure(total, { ...op, growVolume: { volume, addition: createDiskResource('10', 'other') } })).toMatch(/not the same kind of disk/);
    expect(failure(total, { type: 'GROW_VOLUME', volume: total, addition: r('disk(role):1') })).toMatch(/exactly one resource/);
  });

  it('shrinks a volume back into the disk', () => {
    const shrunk = applied(total, { type: Offer_Operation_Type.SHRINK_VOLUME, shrinkVolume: { volume, subtract: { value: 40 } } });
    expect(shrunk.persistentVolumes().get('disk')).toBe(60);
    expect(shrunk.unreserved().isEmpty()).toBe(true);
    expect(shrunk.get('disk')).toBe(150);
    expect(applied(total, { type: 'SHRINK_VOLUME', volume: res(volume), subtract: 40 })).toEqualResources(shrunk);
    expect(failure(total, { type: 'SHRINK_VOLUME', volume: res(volume), subtract: 100 })).toMatch(/smaller than the volume/);
  });
});

describe('unsupported operations', () => {
  it.each([
    [Offer_Operation_Type.LAUNCH, /LAUNCH: operation not supported/],
    [Offer_Operation_Type.LAUNCH_GROUP, /LAUNCH_GROUP: operation not supported/],
    [Offer_Operation_Type.CREATE_DISK, /CREATE_DISK: operation not supported/],
    [Offer_Operation_Type.UNKNOWN, /Unknown operation/],
  ])('refuses type %i', (type, message) => {
    expect(failure(r('cpus:1'), { type })).toMatch(message);
  });

  it('applies a sequence and stops at the first failure', () => {
    const reserved = r('cpus:1').pushReservation(createDynamicReservationInfo('a'));
    const ok = r('cpus:2').applyAll([
      { type: 'RESERVE', resources: reserved },
      { type: 'UNRESERVE', resources: reserved },
    ]);
    expect(ok.ok && ok.value.toString()).toBe('cpus:2');
    const bad = r('cpus:2').applyAll([{ type: 'UNRESERVE', resources: reserved }]);
    expect(bad.ok).toBe(false);
  });
});
