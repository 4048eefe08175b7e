/**
 * Operations on offered resources (updateAllocation), on available resources
 * (updateAvailable), agent totals (updateAgent), revocable (oversubscribed)
 * and shared resources. Ported from Mesos 1.11's
 * hierarchical_allocator_tests.cpp.
 */
import { Harness, dynamic, expected, quota, r, revocable, volume } from './helpers';

describe('updateAllocation', () => {
  it('applies CREATE to an offer; the converted resources are offered back (UpdateAllocation)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:100;mem:100;disk:100');
    const fw = h.framework(['role1']);
    const total = r('cpus:100;mem:100;disk:100');
    expect(h.events()).toEqual(expected([fw, 'role1', agent, total]));

    const create = { type: 'CREATE' as const, volumes: volume(5, 'ID', { containerPath: 'data' }) };
    const updated = total.apply(create);
    if (!updated.ok) throw updated.error;
    h.a.updateAllocation(fw, agent, total.allocate('role1'), [create]);
    expect(h.a.allocation(fw).get(agent)?.toString()).toBe(updated.value.allocate('role1').toString());

    h.recover(fw, agent, updated.value, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, updated.value]));
  });

  it('creates and destroys a shared persistent volume (UpdateAllocationSharedPersistentVolume)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk(role1):100');
    const agent = h.agent(total);
    const fw = h.framework(['role1'], ['SHARED_RESOURCES']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, total]));

    const vol = volume(5, 'id1', { role: 'role1', shared: true });
    const created = total.apply({ type: 'CREATE', volumes: vol });
    if (!created.ok) throw created.error;
    h.a.updateAllocation(fw, agent, total.allocate('role1'), [{ type: 'CREATE', volumes: vol }]);
    h.recover(fw, agent, created.value, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, created.value]));

    h.a.updateAllocation(fw, agent, created.value.allocate('role1'), [{ type: 'DESTROY', volumes: vol }]);
    expect(h.a.allocation(fw).get(agent)?.toString()).toBe(total.allocate('role1').toString());
    h.recover(fw, agent, total, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, total]));
  });

  it('rejects resources that are not offered to the framework, and more than one role', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1', 'role2']);
    h.events();
    const held = h.a.allocation(fw).get(agent)!;
    const role = [...held.allocations().keys()][0]!;
    expect(() => h.a.updateAllocation(fw, agent, r('cpus:3').allocate(role), [])).toThrow();
    expect(() => h.a.updateAllocation(fw, agent, r('cpus:1').allocate('role1').plus(r('mem:1').allocate('role2')), [])).toThrow();
    // Nothing changed.
    expect(h.a.allocation(fw).get(agent)?.toString()).toBe(held.toString());
  });
});

describe('updateAvailable', () => {
  it('applies RESERVE to available resources; the next offer reflects it (UpdateAvailableSuccess)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk:100');
    const agent = h.agent(total);
    const reserve = { type: 'RESERVE' as const, resources: dynamic('cpus:25;mem:50', 'role1', 'ops') };
    const updated = total.apply(reserve);
    if (!updated.ok) throw updated.error;
    expect(updated.value.equals(total)).toBe(false);

    h.a.updateAvailable(agent, [reserve]);
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, updated.value]));
  });

  it('fails, changing nothing, when the resources are offered already (UpdateAvailableFail)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk:100');
    const agent = h.agent(total);
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, total]));
    expect(() => h.a.updateAvailable(agent, [{ type: 'RESERVE', resources: dynamic('cpus:25;mem:50', 'role1', 'ops') }])).toThrow();
    h.recover(fw, agent, total, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, total]));
  });
});

describe('agent totals', () => {
  it('offers growth of the total, allows over-allocation on shrink, and offers restored capacity (UpdateSlaveTotalResources)', () => {
    const h = new Harness();
    const original = r('cpus:100;mem:100;disk:100');
    const agent = h.agent(original);
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, original]));

    const added = r('cpus:12');
    h.a.updateAgent(agent, { total: original.plus(added) });
    expect(h.events()).toEqual(expected([fw, 'role1', agent, added]));

    // Halve the total: the framework now holds more than the agent has.
    const half = r('cpus:50;mem:50;disk:50');
    h.a.updateAgent(agent, { total: half });
    expect(h.events()).toEqual({});
    h.recover(fw, agent, original.plus(added), 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, half]));

    h.a.updateAgent(agent, { total: original });
    expect(h.events()).toEqual(expected([fw, 'role1', agent, half]));
  });

  it('offers an agent to a MULTI_ROLE framework once the agent becomes MULTI_ROLE capable (UpdateSlaveCapabilities)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:1;mem:1;disk:1', { capabilities: { multiRole: false, hierarchicalRole: false, reservationRefinement: false } });
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual({});
    h.a.updateAgent(agent, { capabilities: { multiRole: true, hierarchicalRole: true, reservationRefinement: true } });
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:1;mem:1;disk:1']));
  });

  it('never offers an agent without MULTI_ROLE to a MULTI_ROLE framework (DontOfferOldAgentToMultiRoleFramework)', () => {
    const h = new Harness();
    h.framework(['foo'], ['MULTI_ROLE']);
    h.agent('cpus:2;mem:1024;disk:0', { capabilities: { multiRole: false, hierarchicalRole: false, reservationRefinement: false } });
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual({});
  });

  it('offers an agent without HIERARCHICAL_ROLE only to top-level roles', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024', { capabilities: { hierarchicalRole: false } });
    h.framework(['a/b']);
    expect(h.events()).toEqual({});
    const f2 = h.framework(['a']);
    expect(h.events()).toEqual(expected([f2, 'a', agent, 'cpus:2;mem:1024']));
  });
});

describe('revocable resources', () => {
  it('offers only the growth of revocable resources (UpdateSlaveOversubscribedResources)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk:100');
    const agent = h.agent(total);
    const fw = h.framework(['role1'], ['REVOCABLE_RESOURCES']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, total]));

    h.a.updateAgent(agent, { total: total.plus(revocable('cpus:10')) });
    expect(h.events()).toEqual(expected([fw, 'role1', agent, revocable('cpus:10')]));

    h.a.updateAgent(agent, { total: total.plus(revocable('cpus:12')) });
    expect(h.events()).toEqual(expected([fw, 'role1', agent, revocable('cpus:2')]));

    // Shrinking the revocable total offers nothing.
    h.a.updateAgent(agent, { total: total.plus(revocable('cpus:5')) });
    expect(h.events()).toEqual({});
  });

  it('does not offer revocable resources to a framework without REVOCABLE_RESOURCES (OversubscribedNotAllocated)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk:100');
    const agent = h.agent(total);
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, total]));
    h.a.updateAgent(agent, { total: total.plus(revocable('cpus:10')) });
    expect(h.events()).toEqual({});
  });

  it('offers recovered revocable and regular resources together (RecoverOversubscribedResources)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk:100');
    const agent = h.agent(total);
    const fw = h.framework(['role1'], ['REVOCABLE_RESOURCES']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, total]));
    h.a.updateAgent(agent, { total: total.plus(revocable('cpus:10')) });
    expect(h.events()).toEqual(expected([fw, 'role1', agent, revocable('cpus:10')]));

    const back = revocable('cpus:6').plus(r('cpus:2'));
    h.recover(fw, agent, back, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, back]));
  });

  it('does not count revocable resources toward quota', () => {
    const h = new Harness();
    h.a.updateQuota('q', quota('', 'cpus:1'));
    const fw = h.framework(['q'], ['REVOCABLE_RESOURCES']);
    const agent = h.agent(r('cpus:1;mem:64').plus(revocable('cpus:4')));
    expect(h.events()).toEqual(expected([fw, 'q', agent, r('cpus:1;mem:64').plus(revocable('cpus:4'))]));
    expect(h.a.quotaConsumed('q').get('cpus')).toBe(1);
  });
});

describe('shared resources', () => {
  it('withholds a shared volume from a framework without SHARED_RESOURCES (SharedResourcesCapability)', () => {
    const h = new Harness();
    const total = r('cpus:100;mem:100;disk(role1):100');
    const agent = h.agent(total);
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', agent, total]));

    const vol = volume(5, 'id1', { role: 'role1', shared: true });
    const created = total.apply({ type: 'CREATE', volumes: vol });
    if (!created.ok) throw created.error;
    h.a.updateAllocation(f1, agent, total.allocate('role1'), [{ type: 'CREATE', volumes: vol }]);
    h.recover(f1, agent, created.value, 'role1');
    const withoutVolume = created.value.minus(vol);
    expect(h.tick()).toEqual(expected([f1, 'role1', agent, withoutVolume]));
    h.recover(f1, agent, withoutVolume, 'role1');

    const f2 = h.framework(['role1'], ['SHARED_RESOURCES']);
    expect(h.tick()).toEqual(expected([f2, 'role1', agent, created.value]));
  });

  describe.each([false, true])('with quota: %s', (withQuota) => {
    it('offers a shared volume in use to another framework (AllocateSharedResources)', () => {
      const h = new Harness();
      const f1 = h.framework(['role1'], ['SHARED_RESOURCES']);
      const f2 = h.framework(['role1'], ['SHARED_RESOURCES']);
      if (withQuota) h.a.updateQuota('role1', quota('cpus:8;mem:2048;disk:4096'));
      const total = r('cpus:4;mem:1024;disk(role1):2048');
      const agent = h.agent(total);
      expect(h.events()).toEqual(expected([f1, 'role1', agent, total]));

      const vol = volume(5, 'id1', { role: 'role1', shared: true });
      const created = total.apply({ type: 'CREATE', volumes: vol });
      if (!created.ok) throw created.error;
      h.a.updateAllocation(f1, agent, total.allocate('role1'), [{ type: 'CREATE', volumes: vol }]);

      // A task keeps cpus:1;mem:5 and the volume; the rest is given back.
      const task = r('cpus:1;mem:5').plus(vol);
      h.recover(f1, agent, created.value.minus(task), 'role1');
      expect(h.tick()).toEqual(expected([f2, 'role1', agent, created.value.minus(task).plus(vol)]));
    });
  });

  it('offers a shared volume at most once per run', () => {
    const h = new Harness();
    const vol = volume(5, 'id1', { role: 'role1', shared: true });
    const base = r('cpus:2;mem:64;disk(role1):100');
    const withVolume = base.apply({ type: 'CREATE', volumes: vol });
    if (!withVolume.ok) throw withVolume.error;
    const agent = h.agent(withVolume.value);
    const f1 = h.framework(['role1'], ['SHARED_RESOURCES']);
    const f2 = h.framework(['role2'], ['SHARED_RESOURCES']);
    const f3 = h.framework(['role1'], ['SHARED_RESOURCES']);
    const offers = h.eventsRaw();
    const withVol = offers.filter((o) => o.resources.unallocate().contains(vol));
    expect(withVol).toHaveLength(1);
    void [agent, f1, f2, f3];
  });
});
