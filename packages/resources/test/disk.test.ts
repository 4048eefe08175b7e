/**
 * Disk resources: persistent volumes, PATH/MOUNT/BLOCK/RAW sources
 * (DiskResourcesTest.*, DiskResourcesSourceTest.SourceIdentity).
 */
import { Resource_DiskInfo_Source_Type, Value_Type, type Resource, type Resource_DiskInfo_Source } from '@mesos-ts/proto';
import { Resources, validateResource } from '../src/index';
import { createDiskResource, createDiskSourceMount, createDiskSourcePath, parse1, r, res } from './helpers';

describe('validation (DiskResourcesTest.Validation)', () => {
  it('allows disk info on disk only', () => {
    const cpus: Resource = { ...parse1('cpus', '2'), disk: { persistence: { id: '1' }, volume: { containerPath: 'path' } } };
    const result = validateResource(cpus);
    expect(!result.ok && result.error.message).toMatch(/DiskInfo should not be set for cpus resource/);
    expect(validateResource(createDiskResource('10', 'role', '1', 'path')).ok).toBe(true);
    expect(validateResource(createDiskResource('10', '*', undefined, 'path')).ok).toBe(true);
    expect(validateResource(createDiskResource('10', 'role', '1', 'path', createDiskSourcePath('mnt'))).ok).toBe(true);
    expect(validateResource(createDiskResource('10', 'role', '1', 'path', createDiskSourceMount('mnt'))).ok).toBe(true);
  });

  it('rejects path or mount on BLOCK and RAW, and unknown source types', () => {
    const withSource = (source: Resource_DiskInfo_Source) => createDiskResource('10', 'role', undefined, undefined, source);
    expect(validateResource(withSource({ type: Resource_DiskInfo_Source_Type.BLOCK, mount: {} })).ok).toBe(false);
    expect(validateResource(withSource({ type: Resource_DiskInfo_Source_Type.RAW, path: {} })).ok).toBe(false);
    expect(validateResource(withSource({ type: Resource_DiskInfo_Source_Type.UNKNOWN })).ok).toBe(false);
    expect(validateResource(withSource({})).ok).toBe(false);
  });
});

describe('equality (DiskResourcesTest.Equals, DiskSourceEquals)', () => {
  it('ignores the volume but not the persistence id', () => {
    const r1 = res(createDiskResource('10', '*'));
    const r2 = res(createDiskResource('10', '*', undefined, 'path1'));
    const r3 = res(createDiskResource('10', '*', undefined, 'path2'));
    const r4 = res(createDiskResource('10', 'role', undefined, 'path2'));
    const r5 = res(createDiskResource('10', 'role', '1', 'path1'));
    const r6 = res(createDiskResource('10', 'role', '1', 'path2'));
    const r7 = res(createDiskResource('10', 'role', '2', 'path2'));
    expect(r1.equals(r2)).toBe(false);
    expect(r2).toEqualResources(r3);
    expect(r5).toEqualResources(r6);
    expect(r6.equals(r7)).toBe(false);
    expect(r4.equals(r7)).toBe(false);
  });

  it('compares sources', () => {
    const s1 = createDiskSourcePath('mnt');
    const s2 = createDiskSourcePath('mnt2');
    const s3 = createDiskSourceMount('mnt');
    const s4 = createDiskSourceMount('mnt2');
    const d = (role: string, id: string | undefined, path: string | undefined, s: Resource_DiskInfo_Source) => res(createDiskResource('10', role, id, path, s));
    expect(d('*', undefined, undefined, s1)).toEqualResources(d('*', undefined, 'path1', s1));
    expect(d('*', undefined, 'path1', s1)).toEqualResources(d('*', undefined, 'path2', s1));
    expect(d('role', '1', 'path1', s1)).toEqualResources(d('role', '1', 'path2', s1));
    expect(d('role', '1', 'path2', s1).equals(d('role', '2', 'path2', s1))).toBe(false);
    expect(d('role', undefined, 'path2', s1).equals(d('role', '2', 'path2', s1))).toBe(false);
    expect(d('*', undefined, undefined, s2)).toEqualResources(d('*', undefined, 'path1', s2));
    expect(d('*', undefined, undefined, s2).equals(d('*', undefined, undefined, s1))).toBe(false);
    expect(d('*', undefined, 'path1', s2).equals(d('*', undefined, 'path1', s1))).toBe(false);
    expect(d('*', undefined, 'path1', s3)).toEqualResources(d('*', undefined, 'path1', s3));
    expect(d('*', undefined, 'path2', s1).equals(d('*', undefined, 'path1', s3))).toBe(false);
    expect(d('*', undefined, undefined, s1).equals(d('*', undefined, undefined, s2))).toBe(false);
    expect(d('*', undefined, undefined, s1).equals(d('*', undefined, undefined, s3))).toBe(false);
    expect(d('*', undefined, undefined, s3).equals(d('*', undefined, undefined, s4))).toBe(false);
  });
});

describe('source identity (DiskResourcesSourceTest.SourceIdentity)', () => {
  const types = [Resource_DiskInfo_Source_Type.RAW, Resource_DiskInfo_Source_Type.PATH, Resource_DiskInfo_Source_Type.BLOCK, Resource_DiskInfo_Source_Type.MOUNT];
  const cases: [Resource_DiskInfo_Source_Type, boolean, boolean, boolean][] = [];
  for (const t of types) for (const vendor of [false, true]) for (const id of [false, true]) for (const profile of [false, true]) cases.push([t, vendor, id, profile]);

  it.each(cases)('type %i, vendor %s, id %s, profile %s', (type, hasVendor, hasId, hasProfile) => {
    const source: Resource_DiskInfo_Source = { type };
    if (hasVendor) source.vendor = 'vendor';
    if (hasId) source.id = 'id';
    if (hasProfile) source.profile = 'profile';
    const r1 = res({ ...parse1('disk', '1'), disk: { source } });
    const r2 = res({ ...parse1('disk', '2'), disk: { source } });
    expect(r1.contains(r1)).toBe(true);
    const divisible = type === Resource_DiskInfo_Source_Type.PATH || (type === Resource_DiskInfo_Source_Type.RAW && !hasId);
    expect(r2.contains(r1)).toBe(divisible);
    expect(r2.equals(r1.plus(r1))).toBe(divisible);
    expect(r1.plus(r1).size).toBe(divisible ? 1 : 2);
  });
});

describe('arithmetic (DiskResourcesTest.Addition, Subtraction, Contains)', () => {
  it('adds plain disks but not persistent volumes', () => {
    const r1 = res(createDiskResource('10', 'role', undefined, 'path'));
    const r2 = res(createDiskResource('10', 'role'));
    const r3 = res(createDiskResource('20', 'role', undefined, 'path'));
    expect(r1.plus(r1)).toEqualResources(r3);
    expect(r1.plus(r2).equals(r3)).toBe(false);

    const r4 = res(createDiskResource('10', 'role', '1', 'path'));
    const r5 = res(createDiskResource('10', 'role', '2', 'path'));
    const r6 = res(createDiskResource('20', 'role', '1', 'path'));
    const sum = r4.plus(r5);
    expect(sum.contains(r4)).toBe(true);
    expect(sum.contains(r5)).toBe(true);
    expect(sum.contains(r3)).toBe(false);
    expect(sum.contains(r6)).toBe(false);
    expect(r5.plus(r4)).toEqualResources(sum);
  });

  it('adds PATH disks of the same root, never MOUNT disks (DiskSourceAddition)', () => {
    const d = (v: string, s: Resource_DiskInfo_Source) => res(createDiskResource(v, 'role', undefined, undefined, s));
    const [s1, s2, s3, s4] = [createDiskSourcePath('mnt'), createDiskSourcePath('mnt2'), createDiskSourceMount('mnt'), createDiskSourceMount('mnt2')];
    const r1 = d('10', s1);
    expect(d('20', s2).equals(r1.plus(r1))).toBe(false);
    expect(d('20', s2).equals(r1.plus(d('10', s2)))).toBe(false);
    expect(r1.plus(r1)).toEqualResources(d('20', s1));
    expect(d('20', s1).contains(r1)).toBe(true);
    const r5 = d('10', s3);
    expect(d('20', s4).equals(r5.plus(r5))).toBe(false);
    expect(d('20', s4).equals(r5.plus(d('10', s4)))).toBe(false);
    expect(d('20', s3).contains(r5)).toBe(false);
    expect(d('20', s3).contains(d('20', s3))).toBe(true);
    expect(r1.plus(r5).equals(d('20', s1))).toBe(false);
  });

  it('subtracts a persistent volume only with an equal one (Subtraction)', () => {
    const r1 = res(createDiskResource('10', 'role', undefined, 'path'));
    const r2 = res(createDiskResource('10', 'role'));
    expect(r1.minus(r1).isEmpty()).toBe(true);
    expect(r2.minus(r2).isEmpty()).toBe(true);
    expect(r1.minus(r2).isEmpty()).toBe(false);
    const r3 = res(createDiskResource('10', 'role', '1', 'path'));
    const r4 = res(createDiskResource('10', 'role', '2', 'path'));
    const r5 = res(createDiskResource('10', 'role', '2', 'path2'));
    expect(r3.minus(r4)).toEqualResources(r3);
    expect(r3.minus(r3).isEmpty()).toBe(true);
    expect(r4.minus(r5).isEmpty()).toBe(true);
    expect(res(createDiskResource('20', 'role', '1', 'path')).minus(r3).isEmpty()).toBe(false);
  });

  it('subtracts MOUNT disks only whole (DiskSourceSubtraction)', () => {
    const d = (v: string, s: Resource_DiskInfo_Source) => res(createDiskResource(v, 'role', undefined, undefined, s));
    const [s1, s2, s3, s4] = [createDiskSourcePath('mnt'), createDiskSourcePath('mnt2'), createDiskSourceMount('mnt'), createDiskSourceMount('mnt2')];
    const r1 = d('10', s1);
    const r3 = d('10', s2);
    const r4 = d('20', s1);
    expect(r1.minus(r1).isEmpty()).toBe(true);
    expect(r4.minus(r1).minus(r1).isEmpty()).toBe(true);
    expect(r3.minus(r1)).toEqualResources(r3);
    expect(r4.minus(r1)).toEqualResources(r1);
    const r5 = d('10', s3);
    const r7 = d('10', s4);
    const r8 = d('20', s3);
    expect(r5.minus(r5).isEmpty()).toBe(true);
    expect(r8.minus(r5).minus(r5)).toEqualResources(r8);
    expect(r7.minus(r5)).toEqualResources(r7);
    expect(r5.minus(r1)).toEqualResources(r5);
  });

  it('contains each persistent volume once (Contains, SourceContains)', () => {
    const r1 = res(createDiskResource('10', 'role', '1', 'path'));
    const r2 = res(createDiskResource('10', 'role', '1', 'path'));
    expect(r1.contains(r1.plus(r2))).toBe(false);
    expect(r2.contains(r1.plus(r2))).toBe(false);
    expect(r1.plus(r2).contains(r1.plus(r2))).toBe(true);
    expect(r1.plus(r2).size).toBe(2);
    const r3 = res(createDiskResource('20', 'role', '2', 'path'));
    expect(r1.plus(r3).contains(r1)).toBe(true);
    expect(r1.plus(r3).contains(r3)).toBe(true);

    const d = (v: string, id: string | undefined, s: Resource_DiskInfo_Source) => res(createDiskResource(v, 'role', id, id === undefined ? undefined : 'path', s));
    const [path, mount] = [createDiskSourcePath('mnt'), createDiskSourceMount('mnt')];
    expect(d('10', '1', path).contains(d('10', '1', path))).toBe(true);
    expect(d('20', '1', path).contains(d('10', '1', path))).toBe(false);
    expect(d('20', '1', path).contains(d('10', '1', path).plus(d('10', '1', path)))).toBe(false);
    expect(d('20', '1', mount).contains(d('10', '1', mount))).toBe(false);
    expect(d('20', undefined, path).contains(d('10', undefined, path))).toBe(true);
    expect(d('20', undefined, path).contains(d('10', undefined, path).plus(d('10', undefined, path)))).toBe(true);
    expect(d('20', undefined, mount).contains(d('10', undefined, mount))).toBe(false);
    expect(d('20', undefined, mount).contains(d('10', undefined, mount).plus(d('10', undefined, mount)))).toBe(false);
  });

  it('filters persistent volumes (FilterPersistentVolumes)', () => {
    const r1 = res(createDiskResource('10', 'role1', '1', 'path'));
    const r2 = res(createDiskResource('20', 'role2'));
    const resources = r('cpus:1;mem:512;disk:1000').plus(r1).plus(r2);
    expect(resources.persistentVolumes()).toEqualResources(r1);
    const [volume] = r1;
    expect(volume?.isPersistentVolume()).toBe(true);
    expect(volume?.disk?.persistence?.id).toBe('1');
  });

  it('merges volumes that differ only in their paths the same way whatever the order', () => {
    const a = res(createDiskResource('49', 'a', 'v2', 'other', undefined, true));
    const b = res(createDiskResource('49', 'a', 'v2', 'data', undefined, true));
    expect(a.plus(b).toString()).toBe(b.plus(a).toString());
    expect(a.plus(b).size).toBe(1);
    const c = res(createDiskResource('49', 'a', 'v2', 'other'));
    const d = res(createDiskResource('49', 'a', 'v2', 'data'));
    expect(c.plus(d).toString()).toBe(d.plus(c).toString());
    expect(c.plus(d).size).toBe(2);
    expect(c.plus(d).minus(c).size).toBe(1);
  });

  it('knows disk source types', () => {
    const [mount] = res(createDiskResource('10', 'role', undefined, undefined, createDiskSourceMount('/m')));
    expect(mount?.isDisk(Resource_DiskInfo_Source_Type.MOUNT)).toBe(true);
    expect(mount?.isDisk(Resource_DiskInfo_Source_Type.PATH)).toBe(false);
    expect(mount?.type).toBe(Value_Type.SCALAR);
    expect(Resources.EMPTY.persistentVolumes().isEmpty()).toBe(true);
  });
});
