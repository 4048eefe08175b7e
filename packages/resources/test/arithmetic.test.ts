/**
 * Addition, subtraction, containment and equality of scalars, ranges and
 * sets (ResourcesTest.Scalar*, Ranges*, Set*, Precision*, Count,
 * ResourceProviderIDTest, ContainsResourceQuantities, ...).
 */
import { Value_Type } from '@mesos-ts/proto';
import { ResourceQuantities, Resources } from '../src/index';
import { createDiskResource, createDynamicReservationInfo, createPersistentVolume, createReservedResource, parse1, r, res } from './helpers';

describe('scalars', () => {
  it('compares by value and role (ScalarEquals)', () => {
    const r1 = res(parse1('cpus', '3'), parse1('mem', '3072'));
    const r2 = res(parse1('cpus', '3'), parse1('mem', '3072'));
    expect(r1.isEmpty()).toBe(false);
    expect(r1).toEqualResources(r2);
    expect(res(parse1('cpus', '3', 'role1')).equals(res(parse1('cpus', '3', 'role2')))).toBe(false);
  });

  it('contains smaller amounts of the same resource only (ScalarSubset, ScalarSubset2)', () => {
    const r1 = r('cpus:1;mem:3072');
    const r2 = r('cpus:1;mem:4096');
    expect(r2.contains(r1)).toBe(true);
    expect(r1.contains(r2)).toBe(false);

    const c1 = res(parse1('cpus', '1', 'role1'));
    const c2 = res(parse1('cpus', '1', 'role2'));
    const c3 = res(parse1('cpus', '3', 'role1'));
    expect(c2.contains(c1)).toBe(false);
    expect(c1.contains(c2)).toBe(false);
    expect(c1.contains(c3)).toBe(false);
    expect(c2.contains(c3)).toBe(false);
    expect(c3.contains(c2)).toBe(false);
    expect(c3.contains(c1)).toBe(true);
  });

  it('adds (ScalarAddition, ScalarAddition2)', () => {
    const sum = r('cpus:1;mem:5').plus(r('cpus:2;mem:10'));
    expect(sum.size).toBe(2);
    expect(sum.get('cpus')).toBe(3);
    expect(sum.get('mem')).toBe(15);

    const sum2 = res(parse1('cpus', '1', 'role1'), parse1('cpus', '3', 'role2')).plus(res(parse1('cpus', '5', 'role1')));
    expect(sum2.size).toBe(2);
    expect(sum2.cpus()).toBe(9);
    expect(sum2).toEqualResources(r('cpus(role1):6;cpus(role2):3'));
  });

  it('subtracts, and subtracting everything leaves nothing (ScalarSubtraction, ScalarSubtraction2)', () => {
    const r1 = r('cpus:50;mem:4096');
    const diff = r1.minus(r('cpus:0.5;mem:1024'));
    expect(diff.get('cpus')).toBe(49.5);
    expect(diff.get('mem')).toBe(3072);
    expect(r1.minus(r1).isEmpty()).toBe(true);

    const diff2 = r('cpus(role1):5;cpus(role2):3').minus(r('cpus(role1):1'));
    expect(diff2.size).toBe(2);
    expect(diff2.cpus()).toBe(7);
    expect(diff2).toEqualResources(r('cpus(role1):4;cpus(role2):3'));
  });

  it('never goes negative', () => {
    expect(r('cpus:1;mem:10').minus(r('cpus:2;mem:5'))).toEqualResources(r('mem:5'));
    expect(r('cpus:1').minus(r('gpus:1'))).toEqualResources(r('cpus:1'));
  });

  it('keeps 3 decimals through arithmetic (PrecisionSimple, PrecisionManyOps, PrecisionManyConsecutiveOps)', () => {
    const cpu = r('cpus:1.001');
    expect(cpu.cpus()).toBe(1.001);
    const r1 = cpu.plus(cpu).plus(cpu).minus(cpu).minus(cpu);
    expect(r1).toEqualResources(cpu);
    expect(r1.cpus()).toBe(1.001);
    expect(cpu.minus(r('cpus:0'))).toEqualResources(cpu);
    expect(cpu.plus(r('cpus:0'))).toEqualResources(cpu);

    let current = cpu;
    for (let i = 0; i < 2500; i++) {
      const next = current.plus(current).plus(current).minus(current).minus(current);
      expect(next.cpus()).toBe(1.001);
      current = next;
    }
    expect(current).toEqualResources(cpu);

    current = cpu;
    for (let i = 0; i < 100000; i++) current = current.plus(cpu);
    for (let i = 0; i < 100000; i++) current = current.minus(cpu);
    expect(current).toEqualResources(cpu);

    expect(r('cpus:0.1').plus(r('cpus:0.2')).cpus()).toBe(0.3);
  });
});

describe('ranges', () => {
  it('compares after coalescing (RangesEquals)', () => {
    expect(res(parse1('ports', '[20-40]'))).toEqualResources(res(parse1('ports', '[20-30, 31-39, 40-40]')));
  });

  it('contains sub-ranges (RangesSubset)', () => {
    const ports1 = res(parse1('ports', '[2-2, 4-5]'));
    const ports2 = res(parse1('ports', '[1-10]'));
    const ports3 = res(parse1('ports', '[2-3]'));
    const ports4 = res(parse1('ports', '[1-2, 4-6]'));
    const ports5 = res(parse1('ports', '[1-4, 5-5]'));
    expect(parse1('ports', '[2-2, 4-5]').ranges?.range).toHaveLength(2);
    expect(parse1('ports', '[1-4, 5-5]').ranges?.range).toHaveLength(1);
    expect(ports2.contains(ports1)).toBe(true);
    expect(ports1.contains(ports2)).toBe(false);
    expect(ports3.contains(ports1)).toBe(false);
    expect(ports1.contains(ports3)).toBe(false);
    expect(ports2.contains(ports3)).toBe(true);
    expect(ports3.contains(ports2)).toBe(false);
    expect(ports4.contains(ports1)).toBe(true);
    expect(ports2.contains(ports4)).toBe(true);
    expect(ports5.contains(ports1)).toBe(true);
    expect(ports1.contains(ports5)).toBe(false);
  });

  it.each([
    ['[20000-40000]', '[30000-50000, 10000-20000]', [[10000, 50000]]],
    ['[1-10, 5-30, 50-60]', '[1-65, 70-80]', [[1, 65], [70, 80]]],
    ['[1-4, 9-10, 20-22, 26-30]', '[5-8, 23-25]', [[1, 10], [20, 30]]],
  ])('adds %s and %s (RangesAddition*)', (a, b, expected) => {
    const sum = res(parse1('ports', a)).plus(res(parse1('ports', b)));
    expect(sum.ports()).toEqual(expected.map(([begin, end]) => ({ begin, end })));
  });

  it('merges neighbours across additions (RangesAddition3)', () => {
    const r1 = res(parse1('ports', '[1-2]')).plus(res(parse1('ports', '[3-4]')));
    expect(r1.ports()).toEqual([{ begin: 1, end: 4 }]);
    const r2 = res(parse1('ports', '[7-8]')).plus(res(parse1('ports', '[5-6]')));
    expect(r2.ports()).toEqual([{ begin: 5, end: 8 }]);
    expect(r2.plus(r1).ports()).toEqual([{ begin: 1, end: 8 }]);
  });

  it.each([
    ['[20000-40000]', '[10000-20000, 30000-50000]', [[20001, 29999]]],
    ['[50000-60000]', '[50000-50001]', [[50002, 60000]]],
    ['[50000-60000]', '[50000-50000]', [[50001, 60000]]],
    ['[1-10, 20-30, 40-50]', '[2-9, 15-45, 48-50]', [[1, 1], [10, 10], [46, 47]]],
    ['[1-10]', '[11-20]', [[1, 10]]],
  ])('subtracts %s - %s (RangesSubtraction*)', (a, b, expected) => {
    const diff = res(parse1('ports', a)).minus(res(parse1('ports', b)));
    expect(diff.ports()).toEqual(expected.map(([begin, end]) => ({ begin, end })));
  });

  it('subtracts sums and down to nothing (RangesSubtraction3, RangesSubtraction4)', () => {
    const resources = r('ports:[50000-60000]');
    const free = resources.minus(r('').plus(r('ports:[50000-50001]')));
    expect(free.ports()).toEqual([{ begin: 50002, end: 60000 }]);
    const offered = Resources.EMPTY.plus(resources).minus(resources);
    expect(offered.isEmpty()).toBe(true);
    expect(offered.ports()).toBeUndefined();
  });
});

describe('sets', () => {
  it('compares, contains, adds and subtracts (SetEquals, SetSubset, SetAddition, SetSubtraction)', () => {
    const disks = parse1('disks', '{sda1}');
    expect(res(disks)).toEqualResources(res(disks));

    const d1 = res(parse1('disks', '{sda1,sda2}'));
    const d2 = res(parse1('disks', '{sda1,sda3,sda4,sda2}'));
    expect(d2.contains(d1)).toBe(true);
    expect(d1.contains(d2)).toBe(false);

    const sum = res(parse1('disks', '{sda1,sda2,sda3}')).plus(res(parse1('disks', '{sda1,sda2,sda3,sda4}')));
    expect(sum.getSet('disks')).toHaveLength(4);

    const diff = res(parse1('disks', '{sda1,sda2,sda3,sda4}')).minus(res(parse1('disks', '{sda2,sda3,sda4}')));
    expect(diff.getSet('disks')).toEqual(['sda1']);
  });
});

describe('whole values', () => {
  it('starts empty (InitializedIsEmpty, EmptyUnequal)', () => {
    expect(Resources.EMPTY.isEmpty()).toBe(true);
    expect(Resources.empty().size).toBe(0);
    expect(r('').equals(r('cpus:2'))).toBe(false);
  });

  it('refuses invalid or nameless protos instead of dropping them silently (BadResourcesNotAllocatable)', () => {
    const nameless = Resources.fromProto({ type: Value_Type.SCALAR, scalar: { value: 1 } });
    expect(nameless.ok).toBe(false);
    const zero = Resources.fromProto({ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0 } });
    expect(zero.ok && zero.value.isEmpty()).toBe(true);
  });

  it('answers the named getters (Resources)', () => {
    const resources = r('cpus:45.55;mem:1024;ports:[10000-20000, 30000-50000];disk:512');
    expect(resources.cpus()).toBe(45.55);
    expect(resources.mem()).toBe(1024);
    expect(resources.disk()).toBe(512);
    expect(resources.gpus()).toBeUndefined();
    expect(resources.ports()).toEqual([
      { begin: 10000, end: 20000 },
      { begin: 30000, end: 50000 },
    ]);
    const less = r('cpus:45.55;disk:512');
    expect(less.mem()).toBeUndefined();
    expect(less.ports()).toBeUndefined();
    expect(r('ephemeral_ports:[1-2]').ephemeralPorts()).toEqual([{ begin: 1, end: 2 }]);
  });

  it('filters by name and lists names and types (Get, Names, Types)', () => {
    const cpus = r('cpus(role1):2;cpus:4');
    const mem = r('mem(role1):10;mem:10');
    expect(cpus.plus(mem).byName('cpus')).toEqualResources(cpus);
    expect(cpus.plus(mem).byName('mem')).toEqualResources(mem);
    expect(r('cpus(role1):2;cpus:4;mem(role1):10;mem:10').names()).toEqual(['cpus', 'mem']);
    expect(r('cpus(role1):2;cpus:4;ports:[1-10];ports:[11-20]').types()).toEqual(
      new Map([
        ['cpus', Value_Type.SCALAR],
        ['ports', Value_Type.RANGES],
      ]),
    );
  });

  it('prints in canonical order (Printing)', () => {
    expect(r('cpus:45.55;ports:[10000-20000, 30000-50000];disks:{sda1}').toString()).toBe('cpus:45.55; disks:{sda1}; ports:[10000-20000, 30000-50000]');
    expect(Resources.EMPTY.toString()).toBe('{}');
  });

  it('counts copies (Count)', () => {
    const sharedDisk = createDiskResource('100', 'role1', '1', 'path1', undefined, true);
    expect(res(sharedDisk).count(sharedDisk)).toBe(1);
    expect(res(sharedDisk).plus(res(sharedDisk)).count(sharedDisk)).toBe(2);

    const nonSharedDisk = createDiskResource('100', 'role1', '1', 'path1');
    expect(res(nonSharedDisk).count(nonSharedDisk)).toBe(1);
    expect(res(nonSharedDisk).plus(res(nonSharedDisk)).count(nonSharedDisk)).toBe(1);

    const cpus = parse1('cpus', '1');
    expect(res(cpus).count(cpus)).toBe(1);
    expect(res(cpus).plus(res(cpus)).count(cpus)).toBe(0);
  });

  it('sums many values', () => {
    expect(Resources.sum([r('cpus:1'), r('cpus:2;mem:3'), Resources.EMPTY])).toEqualResources(r('cpus:3;mem:3'));
  });
});

describe('resource provider ids (ResourceProviderIDTest)', () => {
  const providerId = { value: 'RESOURCE_PROVIDER_ID' };
  const cpus = { ...parse1('cpus', '4'), providerId };
  const disk1 = createDiskResource('1', '*');
  const disk2 = { ...disk1, providerId };

  it('adds only resources of the same provider (Addition)', () => {
    const r1 = res(cpus, disk2);
    expect(r1.size).toBe(2);
    expect(r1.contains(cpus)).toBe(true);
    expect(r1.contains(disk2)).toBe(true);
    expect(r1.contains(disk1)).toBe(false);
    expect(r1.get('cpus')).toBe(4);
    expect(r1.get('disk')).toBe(1);

    const r2 = res(disk2, disk2);
    expect(r2.size).toBe(1);
    expect(r2.get('disk')).toBe(2);

    const r3 = res(disk1).plus(res(disk2));
    expect(r3.size).toBe(2);
    expect(r3.contains(disk1)).toBe(true);
    expect(r3.contains(disk2)).toBe(true);
    expect(r3.get('disk')).toBe(2);
  });

  it('subtracts only resources of the same provider (Subtraction)', () => {
    expect(res(cpus).minus(res(cpus)).isEmpty()).toBe(true);
    expect(res(cpus).contains(disk1)).toBe(false);
    const r0 = res(cpus, disk1);
    expect(r0.minus(res(disk1))).toEqualResources(res(cpus));
    expect(r0.minus(res(cpus))).toEqualResources(res(disk1));
    const r1 = res(cpus, disk2);
    expect(r1.minus(res(disk2))).toEqualResources(res(cpus));
    expect(res(disk2, disk2).minus(res(disk2))).toEqualResources(res(disk2));
    expect(res(disk2).minus(res(disk1))).toEqualResources(res(disk2));
  });

  it('compares and contains (Equals, Contains)', () => {
    const c1 = { ...parse1('cpus', '1'), providerId };
    const rs = [res(c1), res(disk1), res(disk2), res(c1, disk1), res(c1, disk2)];
    for (let i = 0; i < rs.length; i++) for (let j = 0; j < rs.length; j++) expect(rs[i]!.equals(rs[j]!)).toBe(i === j);

    const plain = parse1('cpus', '1');
    const a = res(disk1);
    const b = res(disk2);
    const c = res(plain, disk1);
    const d = res(plain, disk2);
    expect(a.contains(b)).toBe(false);
    expect(b.contains(a)).toBe(false);
    expect(c.contains(a)).toBe(true);
    expect(c.contains(b)).toBe(false);
    expect(d.contains(a)).toBe(false);
    expect(d.contains(b)).toBe(true);
    expect(c.contains(d)).toBe(false);
    expect(d.contains(d)).toBe(true);
  });

  it('prints the provider', () => {
    expect(res(cpus).toString()).toBe('cpus(provider: RESOURCE_PROVIDER_ID):4');
  });
});

describe('containsQuantities (ContainsResourceQuantities)', () => {
  const q = (text: string) => {
    const parsed = ResourceQuantities.fromString(text);
    if (!parsed.ok) throw parsed.error;
    return parsed.value;
  };

  it('matches Mesos', () => {
    expect(Resources.EMPTY.containsQuantities(ResourceQuantities.EMPTY)).toBe(true);
    expect(Resources.EMPTY.containsQuantities(q('cpus:1'))).toBe(false);
    expect(r('cpus:1').containsQuantities(ResourceQuantities.EMPTY)).toBe(true);

    expect(r('cpus:2').containsQuantities(q('cpus:1'))).toBe(true);
    expect(r('cpus:1').containsQuantities(q('cpus:1'))).toBe(true);
    expect(r('cpus:0.5').containsQuantities(q('cpus:1'))).toBe(false);

    expect(r('ports:[1-3]').containsQuantities(q('ports:2'))).toBe(true);
    expect(r('ports:[1-2]').containsQuantities(q('ports:2'))).toBe(true);
    expect(r('ports:[1-1]').containsQuantities(q('ports:2'))).toBe(false);

    expect(r('features:{a,b,c}').containsQuantities(q('features:2'))).toBe(true);
    expect(r('features:{a,b}').containsQuantities(q('features:2'))).toBe(true);
    expect(r('features:{a}').containsQuantities(q('features:2'))).toBe(false);

    expect(r('cpus:3;ports:[1-3];features:{a,b,c};mem:10').containsQuantities(q('cpus:3;ports:3;features:3'))).toBe(true);
    expect(r('cpus:3;ports:[1-3];features:{a,b,c}').containsQuantities(q('cpus:3;ports:3;features:3'))).toBe(true);
    expect(r('cpus:1;ports:[1-3];features:{a,b,c}').containsQuantities(q('cpus:3;ports:3;features:3'))).toBe(false);
    expect(r('cpus:3;ports:[1-3]').containsQuantities(q('cpus:3;ports:3;features:3'))).toBe(false);

    expect(r('cpus(role1):2').containsQuantities(q('cpus:3'))).toBe(false);
    expect(r('cpus(role1):2;cpus:1').containsQuantities(q('cpus:3'))).toBe(true);

    let reserved = res(createReservedResource('ports', '[1-10]', createDynamicReservationInfo('role', 'principal')));
    expect(reserved.containsQuantities(q('ports:12'))).toBe(false);
    reserved = reserved.plus(r('ports:[20-25]'));
    expect(reserved.containsQuantities(q('ports:12'))).toBe(true);

    let volume = res(createPersistentVolume(64, 'role1', 'id1', 'path1', 'principal1', true));
    expect(volume.containsQuantities(q('disk:128'))).toBe(false);
    volume = volume.plus(r('disk:64'));
    expect(volume.containsQuantities(q('disk:128'))).toBe(true);
  });
});
