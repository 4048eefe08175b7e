/** Shrinking to quantities and limits (ResourcesTest.ShrinkToQuantities, ShrinkToLimits). */
import { ResourceLimits, ResourceQuantities, type Resources } from '../src/index';
import { createDiskResource, createDiskSourceMount, r, res } from './helpers';

const q = (text: string) => {
  const x = ResourceQuantities.fromString(text);
  if (!x.ok) throw x.error;
  return x.value;
};
const l = (text: string) => {
  const x = ResourceLimits.fromString(text);
  if (!x.ok) throw x.error;
  return x.value;
};

describe('shrink', () => {
  const empty = r('');
  const cpu1 = r('cpus:1');
  const cpu2mem20 = r('cpus:2;mem:20');
  const mountDisk = (v: string) => res(createDiskResource(v, 'role', undefined, undefined, createDiskSourceMount('mnt')));

  it('cuts to quantities (ShrinkToQuantities)', () => {
    expect(empty.shrink(q(''))).toEqualResources(empty);
    expect(empty.shrink(q('cpus:1'))).toEqualResources(empty);
    expect(cpu1.shrink(q(''))).toEqualResources(empty);
    expect(r('cpus:2').shrink(q('cpus:1'))).toEqualResources(cpu1);
    expect(cpu2mem20.shrink(q('cpus:1;mem:10'))).toEqualResources(r('cpus:1;mem:10'));
    expect(cpu2mem20.shrink(q('cpus:1;mem:10;disk:10'))).toEqualResources(r('cpus:1;mem:10'));
    expect(cpu2mem20.shrink(q('cpus:1'))).toEqualResources(cpu1);
    expect(mountDisk('20').shrink(q('disk:10'))).toEqualResources(empty);
  });

  it('cuts to limits (ShrinkToLimits)', () => {
    expect(empty.shrink(l(''))).toEqualResources(empty);
    expect(cpu1.shrink(l(''))).toEqualResources(cpu1);
    expect(r('cpus:2').shrink(l('cpus:1'))).toEqualResources(cpu1);
    expect(cpu2mem20.shrink(l('cpus:1;mem:10;disk:10'))).toEqualResources(r('cpus:1;mem:10'));
    expect(cpu2mem20.shrink(l('cpus:1'))).toEqualResources(r('cpus:1;mem:20'));
    expect(mountDisk('20').shrink(l('disk:10'))).toEqualResources(empty);
  });

  it('chooses at random among what fits', () => {
    const combined = r('disk:10').plus(mountDisk('10'));
    const seen = new Set<string>();
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    for (let i = 0; i < 50; i++) {
      const shrunk: Resources = combined.shrink(q('disk:10'), random);
      expect(shrunk.get('disk')).toBe(10);
      seen.add(shrunk.toString());
    }
    expect(seen.size).toBe(2);
  });
});
