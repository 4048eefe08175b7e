import type { Offer } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { fitOffer, takeResources } from './offers';

function offer(text: string, role = '*'): Offer {
  return { id: { value: 'o1' }, agentId: { value: 'a1' }, resources: Resources.mustParse(text).allocate(role).toProto() };
}

function text(resources: readonly unknown[] | undefined): string {
  const r = Resources.fromProto((resources ?? []) as never);
  if (!r.ok) throw r.error;
  return r.value.toString();
}

describe('takeResources', () => {
  it('takes unreserved resources for the * role', () => {
    const pool = Resources.mustParse('cpus:4;mem:1024');
    expect(takeResources(pool, Resources.mustParse('cpus:1;mem:128'), '*')?.toString()).toBe('cpus:1; mem:128');
    expect(takeResources(pool, Resources.mustParse('cpus:5'), '*')).toBeUndefined();
    expect(takeResources(pool, Resources.mustParse('gpus:1'), '*')).toBeUndefined();
  });

  it("takes the role's static reservation first, then unreserved, splitting scalars", () => {
    const pool = Resources.mustParse('cpus(eng):0.5;cpus:4;mem(eng):64;mem:1024;ports(eng):[31000-31001];ports:[32000-32010]');
    const taken = takeResources(pool, Resources.mustParse('cpus:1;mem:32;ports:[32000-32000]'), 'eng');
    expect(taken?.equals(Resources.mustParse('cpus(eng):0.5;cpus:0.5;mem(eng):32;ports:[32000-32000]'))).toBe(true);
    const reservedPorts = takeResources(pool, Resources.mustParse('ports:[31000-31000]'), 'eng');
    expect(reservedPorts?.equals(Resources.mustParse('ports(eng):[31000-31000]'))).toBe(true);
    expect(takeResources(pool, Resources.mustParse('cpus:4.6'), 'eng')).toBeUndefined();
  });

  it('takes a demand that names a reservation only as it is', () => {
    const pool = Resources.mustParse('cpus(eng):1;cpus:4');
    expect(takeResources(pool, Resources.mustParse('cpus(eng):1'), 'eng')?.toString()).toBe('cpus(eng):1');
    expect(takeResources(pool, Resources.mustParse('cpus(eng):2'), 'eng')).toBeUndefined();
  });
});

describe('fitOffer', () => {
  it('gives each demand its resources, allocated to the offer role', () => {
    const fit = fitOffer(offer('cpus:2;mem:512;disk:100'), [Resources.mustParse('cpus:1;mem:128'), Resources.mustParse('cpus:0.1;mem:32;disk:32')], '*');
    if (!fit.fits) throw new Error(fit.reason);
    expect(fit.resources).toHaveLength(2);
    expect(text(fit.resources[0])).toBe('cpus(allocated: *):1; mem(allocated: *):128');
    expect(fit.resources[0]?.every((r) => r.allocationInfo?.role === '*')).toBe(true);
    expect(Resources.fromProto(fit.resources[1] ?? []).ok).toBe(true);
  });

  it('counts all demands together and says why an offer does not fit', () => {
    const fit = fitOffer(offer('cpus:1;mem:512'), [Resources.mustParse('cpus:1;mem:128'), Resources.mustParse('cpus:0.1;mem:32')], '*');
    expect(fit).toEqual({ fits: false, reason: 'needs cpus:1.1; mem:160, offered cpus:1; mem:512' });
  });

  it('reports invalid offered resources instead of throwing', () => {
    const bad: Offer = { id: { value: 'o' }, resources: [{ name: 'cpus', type: 0 as never, scalar: { value: -1 } }] };
    const fit = fitOffer(bad, [Resources.mustParse('cpus:1')], '*');
    expect(fit.fits).toBe(false);
    if (!fit.fits) expect(fit.reason).toMatch(/^the offer's resources are invalid: /);
  });
});
