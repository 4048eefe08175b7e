/**
 * Shared resources (SharedResourcesTest.*), revocable resources
 * (RevocableResourceTest.*) and allocation info (AllocatedResourcesTest.*).
 */
import { Resources } from '../src/index';
import { createDiskResource, createPersistentVolume, createRevocableResource, parse1, r, res } from './helpers';

describe('shared resources', () => {
  it('prints the copy count (Printing)', () => {
    const volume = res(createPersistentVolume(64, 'role1', 'id1', 'path1', 'principal1', true));
    expect(volume.toString()).toBe('disk(reservations: [(STATIC,role1)])[id1:path1]<SHARED>:64<1>');
    expect(volume.plus(volume).toString()).toBe('disk(reservations: [(STATIC,role1)])[id1:path1]<SHARED>:64<2>');
  });

  it('adds copies (ScalarAdditionShared)', () => {
    const disk = createDiskResource('50', 'role1', '1', 'path', undefined, true);
    const r1 = res(parse1('cpus', '1'), parse1('mem', '5'), disk);
    expect(r1.count(disk)).toBe(1);
    const r2 = r('cpus:2;mem:10').plus(res(disk));
    const sum = r1.plus(r2);
    expect(sum.size).toBe(3);
    expect(sum.get('cpus')).toBe(3);
    expect(sum.get('mem')).toBe(15);
    expect(sum.get('disk')).toBe(50);
    expect(sum.count(disk)).toBe(2);
    expect(r2.plus(r1)).toEqualResources(sum);
  });

  it('subtracts copies (ScalarSubtractionShared)', () => {
    const disk = createDiskResource('8192', 'role1', '1', 'path', undefined, true);
    const d = res(disk);
    const r1 = r('cpus:40;mem:4096').plus(d).plus(d);
    const r2 = r('cpus:5;mem:512').plus(d);
    const diff = r1.minus(r2);
    expect(diff.size).toBe(3);
    expect(diff.get('cpus')).toBe(35);
    expect(diff.get('mem')).toBe(3584);
    expect(diff.get('disk')).toBe(8192);
    expect(diff.count(disk)).toBe(1);
    expect(diff.contains(disk)).toBe(true);
    expect(r1.count(disk)).toBe(2);
    expect(r1.contains(disk)).toBe(true);
    expect(r1.minus(r2).minus(r2).count(disk)).toBe(0);
    expect(r1.minus(r2).minus(r2).contains(disk)).toBe(false);
    expect(r2.minus(r1).count(disk)).toBe(0);
    expect(r2.minus(r1).contains(disk)).toBe(false);
  });

  it('survives compound expressions (ScalarSharedCompoundExpressions)', () => {
    const d = res(createDiskResource('50', 'role1', '1', 'path', undefined, true));
    const r1 = Resources.sum([r('cpus:2;mem:10'), d, d, d, d]);
    const r2 = Resources.sum([r('cpus:2;mem:10'), d, d, d]);
    expect(r1.plus(r1).minus(r1)).toEqualResources(r1);
    expect(r1.plus(r2).minus(r1)).toEqualResources(r2);
    expect(r2.plus(r1).minus(r2)).toEqualResources(r1);
    expect(r2.plus(r1).minus(r1)).toEqualResources(r2);
    expect(r2.minus(r1).plus(r1)).toEqualResources(r1);
    expect(r1.minus(r2).plus(r2)).toEqualResources(r1);
    expect(r2.minus(r1).isEmpty()).toBe(true);
    expect(r1.minus(r2).isEmpty()).toBe(false);
    expect(r1.contains(r2)).toBe(true);
    expect(r2.contains(r1)).toBe(false);
  });

  it('keeps different volumes apart (ScalarNonEqualSharedOperations)', () => {
    const disk1 = createDiskResource('50', 'role1', '1', 'path1', undefined, true);
    const disk2 = createDiskResource('100', 'role1', '2', 'path2', undefined, true);
    const r1 = res(disk1, disk2);
    expect(r1.count(disk1)).toBe(1);
    expect(r1.count(disk2)).toBe(1);
    const r2 = r1.minus(res(disk1));
    expect(r2.count(disk1)).toBe(0);
    expect(r2.count(disk2)).toBe(1);
    const r3 = res(disk1).minus(res(disk2));
    expect(r3.count(disk1)).toBe(1);
    expect(r3.count(disk2)).toBe(0);
  });

  it('keeps shared and non-shared apart (ScalarSharedAndNonSharedOperations)', () => {
    const sharedDisk = createDiskResource('100', 'role1', '1', 'path', undefined, true);
    const nonSharedDisk = createDiskResource('100', 'role1', '1', 'path');
    const r1 = r('cpus:1;mem:5').plus(res(sharedDisk));
    const r2 = r('cpus:1;mem:5').plus(res(nonSharedDisk));
    expect(r2.contains(r1)).toBe(false);
    expect(r1.contains(r2)).toBe(false);
    const r3 = res(sharedDisk, sharedDisk, nonSharedDisk);
    expect(r3.size).toBe(2);
    expect(r3.get('disk')).toBe(200);
    expect(r3.count(sharedDisk)).toBe(2);
    expect(r3.count(nonSharedDisk)).toBe(1);
    expect(res(nonSharedDisk).minus(res(sharedDisk))).toEqualResources(res(nonSharedDisk));
  });

  it('filters (Filter)', () => {
    const r1 = res(createDiskResource('10', 'role1', '1', 'path', undefined, true));
    expect(r1.shared()).toEqualResources(r1);
    expect(r1.nonShared().isEmpty()).toBe(true);
    const r2 = res(createDiskResource('20', 'role2'));
    expect(r2.shared().isEmpty()).toBe(true);
    expect(r2.nonShared()).toEqualResources(r2);
    expect(r1.plus(r2).shared()).toEqualResources(r1);
    expect(r1.plus(r2).nonShared()).toEqualResources(r2);
    const resources = r('cpus:1;mem:512;disk:1000');
    const sum = resources.plus(r1).plus(r2);
    expect(sum.shared()).toEqualResources(r1);
    expect(sum.nonShared()).toEqualResources(resources.plus(r2));
  });

  it('only persistent volumes can be shared', () => {
    expect(Resources.fromProto({ ...parse1('cpus', '1'), shared: {} }).ok).toBe(false);
    expect(Resources.fromProto(createDiskResource('1', 'r', undefined, 'path', undefined, true)).ok).toBe(false);
  });

  it('serialises one copy by default and every copy on request', () => {
    const d = res(createDiskResource('50', 'role1', '1', 'path', undefined, true));
    const three = Resources.sum([d, d, d]);
    expect(three.toProto()).toHaveLength(1);
    expect(three.toProto({ sharedCopies: true })).toHaveLength(3);
    expect(res(...three.toProto({ sharedCopies: true }))).toEqualResources(three);
    expect(res(...three.toProto())).toEqualResources(d);
  });
});

describe('revocable resources', () => {
  it('are not equal to non-revocable ones (Equals)', () => {
    const r1 = res(createRevocableResource('cpus', '1', '*', true));
    expect(r1).toEqualResources(res(createRevocableResource('cpus', '1', '*', true)));
    expect(r1.equals(res(createRevocableResource('cpus', '1', '*', false)))).toBe(false);
  });

  it('merge only with revocable ones (Addition, Subtraction, Contains)', () => {
    const rev = (v: string, revocable = true) => res(createRevocableResource('cpus', v, '*', revocable));
    expect(rev('1').plus(rev('1'))).toEqualResources(rev('2'));
    const sum = rev('1').plus(rev('1', false));
    expect(sum.contains(rev('1'))).toBe(true);
    expect(sum.contains(rev('1', false))).toBe(true);
    expect(sum.contains(rev('2'))).toBe(false);
    expect(sum.contains(rev('2', false))).toBe(false);
    expect(rev('1').minus(rev('1')).isEmpty()).toBe(true);
    expect(rev('1').minus(rev('1', false))).toEqualResources(rev('1'));
    expect(rev('1').contains(rev('1').plus(rev('1')))).toBe(false);
    expect(rev('1').plus(rev('1')).contains(rev('1'))).toBe(true);
    expect(rev('1').plus(rev('1')).toString()).toBe('cpus{REV}:2');
  });

  it('filter (Filter)', () => {
    const r1 = res(createRevocableResource('cpus', '1', '*', true));
    const r2 = res(createRevocableResource('cpus', '1', '*', false));
    expect(r1.revocable()).toEqualResources(r1);
    expect(r1.nonRevocable().isEmpty()).toBe(true);
    expect(r2.nonRevocable()).toEqualResources(r2);
    expect(r2.revocable().isEmpty()).toBe(true);
    expect(r1.plus(r2).revocable()).toEqualResources(r1);
    expect(r1.plus(r2).nonRevocable()).toEqualResources(r2);
  });
});

describe('allocated resources', () => {
  const cpus1 = r('cpus:1').allocate('role1');
  const cpus2 = r('cpus:1').allocate('role2');

  it('compare, contain, add and subtract by allocation role (Equality, Contains, Addition, Subtraction)', () => {
    expect(cpus1).toEqualResources(cpus1);
    expect(cpus1.equals(cpus2)).toBe(false);
    expect(cpus1.plus(cpus2).contains(cpus1)).toBe(true);
    expect(cpus1.plus(cpus2).contains(cpus2)).toBe(true);
    expect(cpus1.plus(cpus2).size).toBe(2);
    expect(cpus1.plus(cpus2).cpus()).toBe(2);
    expect(cpus1.minus(cpus1).isEmpty()).toBe(true);
    expect(cpus1.minus(cpus2)).toEqualResources(cpus1);
    expect(cpus2.minus(cpus1)).toEqualResources(cpus2);
  });

  it('group by allocation role and unallocate (Allocations)', () => {
    const c1 = r('cpus:1').allocate('*');
    const m1 = r('mem:1024').allocate('*');
    const c2 = r('cpus:2').allocate('role1');
    const m2 = r('mem:2048').allocate('role1');
    const c3 = r('cpus:3', 'role2').allocate('role2');
    const m3 = r('mem:3096', 'role2').allocate('role2');
    const resources = Resources.sum([c1, c2, c3, m1, m2, m3]);
    const allocations = resources.allocations();
    expect(allocations.size).toBe(3);
    expect(allocations.get('*')).toEqualResources(c1.plus(m1));
    expect(allocations.get('role1')).toEqualResources(c2.plus(m2));
    expect(allocations.get('role2')).toEqualResources(c3.plus(m3));
    expect(resources.allocatedTo('role1')).toEqualResources(c2.plus(m2));
    const [entry] = c1.unallocate();
    expect(entry?.allocationRole).toBeUndefined();
    expect(resources.unallocate()).toEqualResources(r('cpus:3;mem:3072').plus(r('cpus:3;mem:3096', 'role2')));
  });

  it('re-allocates and selects role subtrees', () => {
    expect(cpus1.allocate('role2')).toEqualResources(cpus2);
    const tree = r('cpus:1').allocate('a').plus(r('cpus:2').allocate('a/b')).plus(r('cpus:4').allocate('ab'));
    expect(tree.allocatedToRoleSubtree('a').cpus()).toBe(3);
    expect(cpus1.toString()).toBe('cpus(allocated: role1):1');
  });
});
