/**
 * Roles, reservations and refinement (ResourcesTest.Reservations,
 * HierarchicalReservations, ToUnreserved, ReservedResourcesTest.*,
 * ResourceFormatTest.*, PrintingExtendedAttributes).
 */
import { Resource_ReservationInfo_Type, Value_Type, type Resource } from '@mesos-ts/proto';
import { Resources, validateResource } from '../src/index';
import {
  createDynamicReservationInfo,
  createReservedResource,
  createStaticReservationInfo,
  labels,
  parse1,
  r,
  res,
} from './helpers';

describe('reserved and unreserved', () => {
  it('filters and groups by role (Reservations)', () => {
    const unreserved = r('cpus:1;mem:2;disk:4');
    const role1 = r('cpus(role1):2;mem(role1):4;disk(role1):8');
    const role2 = r('cpus(role2):4;mem(role2):8;disk(role2):6');
    const resources = unreserved.plus(role1).plus(role2);

    const byRole = resources.reservedByRole();
    expect(byRole.size).toBe(2);
    expect(byRole.get('role1')).toEqualResources(role1);
    expect(byRole.get('role2')).toEqualResources(role2);
    expect(resources.reserved('role1')).toEqualResources(role1);
    expect(resources.reserved('role2')).toEqualResources(role2);
    expect(resources.reserved('*')).toEqualResources(Resources.EMPTY);
    expect(resources.unreserved()).toEqualResources(unreserved);
    expect(resources.reserved()).toEqualResources(role1.plus(role2));
  });

  it('offers a role its own, its ancestors\' and unreserved resources (HierarchicalReservations)', () => {
    const unreserved = r('cpus:1;mem:2;disk:4');
    const grandfather = r('cpus(a):2;mem(a):4;disk(a):8');
    const father = r('cpus(a/bx):4;mem(a/bx):8;disk(a/bx):16');
    const uncle = r('cpus(a/b):4;mem(a/b):8;disk(a/b):16');
    const child = r('cpus(a/bx/c):8;mem(a/bx/c):16;disk(a/bx/c):32');
    const family = Resources.sum([unreserved, grandfather, father, uncle, child]);

    expect(family.allocatableTo('*')).toEqualResources(unreserved);
    expect(family.allocatableTo('a')).toEqualResources(grandfather.plus(unreserved));
    expect(family.allocatableTo('a/bx')).toEqualResources(grandfather.plus(father).plus(unreserved));
    expect(family.allocatableTo('a/bx/c')).toEqualResources(Resources.sum([grandfather, father, child, unreserved]));

    expect(family.reservedToRoleSubtree('a/bx')).toEqualResources(father.plus(child));
    expect(family.reservedToRoleSubtree('a')).toEqualResources(Resources.sum([grandfather, father, uncle, child]));
    const [entry] = child.byName('cpus');
    expect(entry?.isAllocatableTo('a/bx/c/d')).toBe(true);
    expect(entry?.isAllocatableTo('a/bx')).toBe(false);
  });

  it('drops every reservation (ToUnreserved)', () => {
    const resources = res(parse1('cpus', '1', 'role1'), parse1('cpus', '2', 'role2'), parse1('mem', '5', 'role1'));
    expect(resources.toUnreserved()).toEqualResources(r('cpus:3;mem:5'));
  });
});

describe('static and dynamic reservations (ReservedResourcesTest)', () => {
  it('validates each kind (Validation)', () => {
    expect(validateResource(createReservedResource('cpus', '8')).ok).toBe(true);
    expect(validateResource(createReservedResource('cpus', '8', createStaticReservationInfo('role'))).ok).toBe(true);
    expect(validateResource(createReservedResource('cpus', '8', createDynamicReservationInfo('role', 'principal2'))).ok).toBe(true);
    expect(validateResource(createReservedResource('cpus', '8', createDynamicReservationInfo('role', 'principal2', labels(['foo', 'bar']))))).toMatchObject({ ok: true });
  });

  it('tells all kinds apart (Equals)', () => {
    const unique = [
      createReservedResource('cpus', '8'),
      createReservedResource('cpus', '8', createStaticReservationInfo('role1')),
      createReservedResource('cpus', '8', createStaticReservationInfo('role2')),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role1', 'principal1')),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role1', 'principal2')),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role2', 'principal1')),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role2', 'principal2')),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role1', 'principal2', labels(['foo', 'bar']))),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role1', 'principal2', labels(['foo', 'baz']))),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role1')),
      createReservedResource('cpus', '8', createDynamicReservationInfo('role1', '')),
    ].map((x) => res(x));
    for (let i = 0; i < unique.length; i++) for (let j = 0; j < unique.length; j++) expect(unique[i]!.equals(unique[j]!)).toBe(i === j);
  });

  it('ignores label order', () => {
    const a = res(createReservedResource('cpus', '1', createDynamicReservationInfo('r', 'p', labels(['a', '1'], ['b', '2']))));
    const b = res(createReservedResource('cpus', '1', createDynamicReservationInfo('r', 'p', labels(['b', '2'], ['a', '1']))));
    expect(a).toEqualResources(b);
    expect(a.plus(b).size).toBe(1);
  });

  it.each([
    ['static', createStaticReservationInfo('role')],
    ['dynamic without labels', createDynamicReservationInfo('role', 'principal')],
    ['dynamic with labels', createDynamicReservationInfo('role', 'principal', labels(['foo', 'bar']))],
  ])('adds %s reservations of one kind (Addition*)', (_kind, reservation) => {
    const left = res(createReservedResource('cpus', '8', reservation));
    const right = res(createReservedResource('cpus', '4', reservation));
    expect(left.plus(right)).toEqualResources(res(createReservedResource('cpus', '12', reservation)));
  });

  it('keeps distinct labels apart (AdditionDynamicallyReservedWithDistinctLabels)', () => {
    const r1 = res(createReservedResource('cpus', '6', createDynamicReservationInfo('role', 'principal', labels(['foo', 'bar']))));
    const r2 = res(createReservedResource('cpus', '6', createDynamicReservationInfo('role', 'principal', labels(['foo', 'baz']))));
    const sum = r1.plus(r2);
    expect(sum.size).toBe(2);
    expect(sum.equals(r1.plus(r1))).toBe(false);
    expect(sum.equals(r2.plus(r2))).toBe(false);
    expect(r2.plus(r1)).toEqualResources(sum);
  });

  it('subtracts only the same reservation (Subtraction)', () => {
    const reservation1 = createDynamicReservationInfo('role', 'principal', labels(['foo', 'bar']));
    const reservation2 = createDynamicReservationInfo('role', 'principal', labels(['foo', 'baz']));
    const r1 = res(createReservedResource('cpus', '8', createStaticReservationInfo('role')));
    const r2 = res(createReservedResource('cpus', '8', reservation1));
    expect(r1.minus(r1).isEmpty()).toBe(true);
    expect(r2.minus(r2).isEmpty()).toBe(true);
    expect(r1.minus(r2)).toEqualResources(r1);
    expect(r2.minus(r1)).toEqualResources(r2);

    const total = r1.plus(r2);
    const expected = res(createReservedResource('cpus', '6', createStaticReservationInfo('role')), createReservedResource('cpus', '4', reservation1));
    const r5 = res(createReservedResource('cpus', '2', createStaticReservationInfo('role')));
    const r6 = res(createReservedResource('cpus', '4', reservation1));
    expect(total.minus(r5).minus(r6)).toEqualResources(expected);

    const r8 = res(createReservedResource('cpus', '8', reservation2));
    expect(r2.minus(r8)).toEqualResources(r2);
  });

  it('contains only the same reservation (Contains)', () => {
    const r1 = res(createReservedResource('cpus', '8', createStaticReservationInfo('role')));
    const r2 = res(createReservedResource('cpus', '12', createDynamicReservationInfo('role', 'principal')));
    expect(r1.contains(r1)).toBe(true);
    expect(r2.contains(r2)).toBe(true);
    expect(r1.contains(r2)).toBe(false);
    expect(r2.contains(r1)).toBe(false);
    expect(r1.contains(r1.plus(r2))).toBe(false);
    expect(r2.contains(r1.plus(r2))).toBe(false);
    expect(r1.plus(r2).contains(r1)).toBe(true);
    expect(r1.plus(r2).contains(r2)).toBe(true);
    expect(r1.plus(r2).contains(r1.plus(r2))).toBe(true);
  });
});

describe('refinement', () => {
  const base = r('cpus:2;mem:10');

  it('pushes and pops reservations', () => {
    const foo = base.pushReservation(createDynamicReservationInfo('foo', 'p1'));
    const fooBar = foo.pushReservation(createDynamicReservationInfo('foo/bar', 'p2'));
    expect(fooBar.reserved('foo/bar')).toEqualResources(fooBar);
    expect(fooBar.reserved('foo').isEmpty()).toBe(true);
    const [entry] = fooBar;
    expect(entry?.reservations.map((x) => x.role)).toEqual(['foo', 'foo/bar']);
    expect(entry?.hasRefinedReservations()).toBe(true);
    expect(entry?.isDynamicallyReserved()).toBe(true);
    expect(fooBar.popReservation()).toEqualResources(foo);
    expect(fooBar.popReservation().popReservation()).toEqualResources(base);
    expect(fooBar.toUnreserved()).toEqualResources(base);
    expect(fooBar.allocatableTo('foo/bar/baz')).toEqualResources(fooBar);
    expect(fooBar.allocatableTo('foo').isEmpty()).toBe(true);
  });

  it('refuses invalid refinements, as Mesos CHECK-fails', () => {
    const foo = base.pushReservation(createDynamicReservationInfo('foo'));
    expect(() => foo.pushReservation(createDynamicReservationInfo('bar'))).toThrow(/not a refinement of 'foo'/);
    expect(() => foo.pushReservation(createDynamicReservationInfo('foo'))).toThrow(/not a refinement/);
    expect(() => foo.pushReservation(createStaticReservationInfo('foo/bar'))).toThrow(/cannot be STATIC/);
    expect(() => base.pushReservation(createDynamicReservationInfo('*'))).toThrow(/"\*"/);
    expect(() => base.pushReservation({ role: 'x' })).toThrow(/type/);
    expect(() => base.popReservation()).toThrow(/not reserved/);
    expect(base.pushReservation(createStaticReservationInfo('x')).reserved('x').size).toBe(2);
  });

  it('validates refined stacks (ResourceFormatTest.PostReservationRefinement)', () => {
    const resource: Resource = { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 555.5 } };
    expect(validateResource(resource).ok).toBe(true);
    const reservation = { role: 'foo', principal: 'principal1', type: Resource_ReservationInfo_Type.STATIC };
    expect(validateResource({ ...resource, reservations: [reservation] }).ok).toBe(true);
    expect(validateResource({ ...resource, reservations: [{ ...reservation, type: Resource_ReservationInfo_Type.DYNAMIC }] }).ok).toBe(true);
    const refined = { type: Resource_ReservationInfo_Type.STATIC, role: 'foo/bar', principal: 'principal2' };
    expect(validateResource({ ...resource, reservations: [reservation, refined] }).ok).toBe(false);
    expect(validateResource({ ...resource, reservations: [reservation, { ...refined, type: Resource_ReservationInfo_Type.DYNAMIC }] }).ok).toBe(true);
    expect(
      validateResource({
        ...resource,
        reservations: [
          { ...reservation, type: Resource_ReservationInfo_Type.DYNAMIC },
          { ...refined, type: Resource_ReservationInfo_Type.DYNAMIC },
        ],
      }).ok,
    ).toBe(true);
    expect(validateResource({ ...resource, reservations: [reservation, { ...refined, role: 'other', type: Resource_ReservationInfo_Type.DYNAMIC }] })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/'other' is not a refinement of 'foo'.*reservations\[1\]/) },
    });
  });
});

describe('the deprecated role/reservation fields', () => {
  const cpus: Resource = { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 555.5 } };

  it('accepts the pre-refinement format and upgrades it (PreReservationRefinement)', () => {
    expect(validateResource(cpus).ok).toBe(true);
    expect(validateResource({ ...cpus, role: '*' }).ok).toBe(true);
    expect(validateResource({ ...cpus, role: 'foo' }).ok).toBe(true);
    expect(validateResource({ ...cpus, role: 'foo', reservation: { principal: 'principal1' } }).ok).toBe(true);

    expect(res({ ...cpus, role: '*' })).toEqualResources(res(cpus));
    const [staticEntry] = res({ ...cpus, role: 'foo' });
    expect(staticEntry?.reservations).toEqual([{ type: Resource_ReservationInfo_Type.STATIC, role: 'foo' }]);
    const [dynamicEntry] = res({ ...cpus, role: 'foo', reservation: { principal: 'principal1', labels: labels(['k', 'v']) } });
    expect(dynamicEntry?.reservations).toEqual([{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'foo', principal: 'principal1', labels: labels(['k', 'v']) }]);
  });

  it('rejects invalid pre-refinement resources', () => {
    expect(validateResource({ ...cpus, role: '*', reservation: { principal: 'p' } }).ok).toBe(false);
    expect(validateResource({ ...cpus, reservation: { principal: 'p' } }).ok).toBe(false);
    expect(validateResource({ ...cpus, role: 'foo', reservation: { role: 'foo' } }).ok).toBe(false);
    expect(validateResource({ ...cpus, role: 'foo', reservation: { type: Resource_ReservationInfo_Type.DYNAMIC } }).ok).toBe(false);
    expect(validateResource({ ...cpus, role: 'a b' }).ok).toBe(false);
  });

  it('accepts consistent "endpoint" format and rejects inconsistent (Endpoint)', () => {
    const endpoint: Resource = {
      ...cpus,
      role: 'r1',
      reservation: { principal: 'principal1' },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'r1', principal: 'principal1' }],
    };
    expect(validateResource(endpoint).ok).toBe(true);
    expect(validateResource({ ...endpoint, reservations: [{ ...endpoint.reservations![0]!, role: 'r2' }] }).ok).toBe(false);
    expect(validateResource({ ...endpoint, reservations: [{ ...endpoint.reservations![0]!, type: Resource_ReservationInfo_Type.STATIC }] }).ok).toBe(false);
    expect(validateResource({ ...endpoint, reservation: { principal: 'principal2' } }).ok).toBe(false);
    expect(validateResource({ ...endpoint, reservation: undefined }).ok).toBe(false);
    expect(
      validateResource({
        ...endpoint,
        reservations: [...endpoint.reservations!, { type: Resource_ReservationInfo_Type.DYNAMIC, role: 'r1/r2', principal: 'principal1' }],
      }).ok,
    ).toBe(false);
    // Upgraded, the endpoint form is just the reservation stack.
    expect(res(endpoint)).toEqualResources(res({ ...cpus, reservations: endpoint.reservations! }));
  });

  it('downgrades on the way out when asked (DowngradeWithResources*)', () => {
    const stack = r('cpus:555.5')
      .plus(r('cpus(foo):555.5'))
      .plus(r('cpus:555.5').pushReservation(createDynamicReservationInfo('bar', 'principal1')))
      .plus(r('cpus:555.5').pushReservation(createDynamicReservationInfo('bar', 'principal1')).pushReservation(createDynamicReservationInfo('bar/baz', 'principal2')));
    const pre = stack.toProto({ format: 'pre-reservation-refinement' });
    // Canonical order: unreserved first, then by reservation stack.
    expect(pre).toEqual([
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 555.5 }, role: '*' },
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 555.5 }, role: 'foo' },
      {
        name: 'cpus',
        type: Value_Type.SCALAR,
        scalar: { value: 555.5 },
        reservations: [
          { type: Resource_ReservationInfo_Type.DYNAMIC, role: 'bar', principal: 'principal1' },
          { type: Resource_ReservationInfo_Type.DYNAMIC, role: 'bar/baz', principal: 'principal2' },
        ],
      },
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 555.5 }, role: 'bar', reservation: { principal: 'principal1' } },
    ]);
    const endpoint = stack.toProto({ format: 'endpoint' });
    expect(endpoint[3]).toEqual({
      name: 'cpus',
      type: Value_Type.SCALAR,
      scalar: { value: 555.5 },
      role: 'bar',
      reservation: { principal: 'principal1' },
      reservations: [{ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'bar', principal: 'principal1' }],
    });
    // Every format reads back to the same value.
    for (const format of ['pre-reservation-refinement', 'endpoint', 'post-reservation-refinement'] as const) {
      expect(res(...stack.toProto({ format }))).toEqualResources(stack);
    }
  });
});

describe('printing (PrintingExtendedAttributes)', () => {
  it('uses Mesos notation for what the text form cannot say', () => {
    const disk: Resource = { name: 'disk', type: Value_Type.SCALAR, scalar: { value: 1 } };
    const show = (x: Resource) => res(x).toString();
    expect(show(disk)).toBe('disk:1');
    disk.reservations = [createStaticReservationInfo('alice')];
    expect(show(disk)).toBe('disk(alice):1');
    disk.allocationInfo = { role: 'role' };
    expect(show(disk)).toBe('disk(allocated: role)(reservations: [(STATIC,alice)]):1');
    delete disk.allocationInfo;
    disk.revocable = {};
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice)]){REV}:1');
    delete disk.revocable;
    disk.disk = { persistence: { id: 'hadoop' }, volume: { containerPath: '/data' } };
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice)])[hadoop:/data]:1');
    disk.revocable = {};
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice)])[hadoop:/data]{REV}:1');
    delete disk.revocable;
    disk.disk.volume = { containerPath: '/data', hostPath: '/hdfs', mode: 1 };
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice)])[hadoop:/hdfs:/data:rw]:1');
    disk.disk.source = { type: 2, mount: { root: '/mnt1' } };
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice)])[MOUNT:/mnt1,hadoop:/hdfs:/data:rw]:1');
    disk.disk.source = { type: 1, path: { root: '/mnt2' } };
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice)])[PATH:/mnt2,hadoop:/hdfs:/data:rw]:1');
    delete disk.disk.source;
    disk.reservations.push(createDynamicReservationInfo('alice/refined', 'hdfs-p'));
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice),(DYNAMIC,alice/refined,hdfs-p)])[hadoop:/hdfs:/data:rw]:1');
    disk.reservations[1]!.labels = labels(['foo', 'bar'], ['foo']);
    expect(show(disk)).toBe('disk(reservations: [(STATIC,alice),(DYNAMIC,alice/refined,hdfs-p,{foo: bar, foo})])[hadoop:/hdfs:/data:rw]:1');
  });

  it('prints scalars with at most 3 decimals (PrintingScalarPrecision)', () => {
    const show = (value: number) => res({ name: 'cpus', type: Value_Type.SCALAR, scalar: { value } }).toString();
    expect(show(1.234)).toBe('cpus:1.234');
    expect(show(1.2345)).toBe('cpus:1.235');
    expect(show(1.2344)).toBe('cpus:1.234');
    expect(show(1.1)).toBe('cpus:1.1');
    expect(show(1000001)).toBe('cpus:1000001');
    expect(show(99999999999.9994)).toBe('cpus:99999999999.999');
  });
});
