/**
 * Reservations: who may be offered them (the role and its descendants;
 * refined ones only with RESERVATION_REFINEMENT) and how they count toward
 * quota (allocated or not, own or a sub-role's). Ported from Mesos 1.11's
 * hierarchical_allocator_tests.cpp; the parameterised tests run with both
 * STATIC and DYNAMIC reservations, as Mesos's do.
 */
import { Harness, dynamic, expected, quota, r, reserved, sumFor, volume } from './helpers';

const QUOTA_ROLE = 'quota-role';
const NON_QUOTA_ROLE = 'non-quota-role';

describe('who is offered reservations', () => {
  it('offers a role\'s reservations only to its frameworks; never those of a role without frameworks (Reservations)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus(role1):2;mem(role1):1024;disk(role1):0');
    const a2 = h.agent('cpus(role2):2;mem(role2):1024;cpus:1;mem:1024;disk:0');
    h.agent('cpus(role3):1;mem(role3):1024;disk(role3):0');

    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', a1, 'cpus(role1):2;mem(role1):1024'], [f1, 'role1', a2, 'cpus:1;mem:1024']));

    const f2 = h.framework(['role2']);
    expect(h.events()).toEqual(expected([f2, 'role2', a2, 'cpus(role2):2;mem(role2):1024']));
    expect(h.tick()).toEqual({});
  });

  it('offers ancestors\' reservations to a descendant role (OfferAncestorReservationsToDescendantChild)', () => {
    const h = new Harness();
    const ROLE = 'a/b/c';
    const fw = h.framework([ROLE]);
    const a1 = h.agent('cpus(a):1;mem(a):512;disk(a):0');
    expect(h.events()).toEqual(expected([fw, ROLE, a1, 'cpus(a):1;mem(a):512']));
    const a2 = h.agent('cpus:2;mem:1024;disk:0;cpus(a/b):4;mem(a/b):2048;disk(a/b):0');
    expect(h.events()).toEqual(expected([fw, ROLE, a2, 'cpus:2;mem:1024;cpus(a/b):4;mem(a/b):2048']));
  });

  it('does not offer a child\'s reservations to its parent role', () => {
    const h = new Harness();
    h.agent('cpus(a/b):1;mem(a/b):512');
    h.framework(['a']);
    expect(h.events()).toEqual({});
  });

  it('skips a framework without RESERVATION_REFINEMENT for refined reservations and goes on to the next (FrameworkLoopMESOS_9554)', () => {
    const h = new Harness();
    const ROLE = 'parent/child';
    const f1 = h.framework([ROLE], ['RESERVATION_REFINEMENT']);
    const a1 = h.agent('cpus:1;mem:1;disk:1');
    expect(h.events()).toEqual(expected([f1, ROLE, a1, 'cpus:1;mem:1;disk:1']));

    // framework2 has share 0 but cannot take refined reservations.
    h.framework([ROLE]);
    expect(h.events()).toEqual({});

    const refined = dynamic(dynamic('cpus:1;mem:1;disk:1', 'parent'), 'parent/child');
    const a2 = h.agent(refined);
    expect(h.events()).toEqual(expected([f1, ROLE, a2, refined]));
  });

  it('never offers refined reservations to a framework without RESERVATION_REFINEMENT', () => {
    const h = new Harness();
    const refined = dynamic(dynamic('cpus:1;mem:64', 'parent'), 'parent/child');
    const agent = h.agent(r('cpus:1;mem:64').plus(refined));
    const fw = h.framework(['parent/child']);
    // Only the unreserved part.
    expect(h.events()).toEqual(expected([fw, 'parent/child', agent, 'cpus:1;mem:64']));
    expect(h.tick()).toEqual({});
  });

  it('tracks non-scalar reservations across agents without failing on removal (NonScalarReservationTrackingMESOS_9555)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:1;mem:1;disk:1;ports(role):[1-2]');
    const a2 = h.agent('cpus:1;mem:1;disk:1;ports(role):[1-2]');
    expect(() => {
      h.a.removeAgent(a1);
      h.a.removeAgent(a2);
      h.events();
    }).not.toThrow();
    expect(h.a.roles()).toEqual([]);
  });
});

describe.each(['DYNAMIC', 'STATIC'] as const)('reservations and quota (%s)', (type) => {
  it('counts unallocated reservations toward the quota limit (ReservationUnallocated)', () => {
    const h = new Harness();
    const res = reserved('cpus:1;mem:1024', QUOTA_ROLE, type);
    const a1 = h.agent(res);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:1024'));
    const f1 = h.framework([QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a1, res]));

    h.recover(f1, a1, res, QUOTA_ROLE, 24 * 3600);
    h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual({});
  });

  it('counts allocated reservations toward the quota limit (ReservationAllocated)', () => {
    const h = new Harness();
    const res = reserved('cpus:1;mem:1024', QUOTA_ROLE, type);
    const a1 = h.agent(res);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:2048'));
    const f1 = h.framework([QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a1, res]));

    const a2 = h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a2, 'cpus:1;mem:1024']));
    h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual({});
  });

  it('offers a non-quota role its reservation while unreserved resources are held back (NonQuotaRoleReservationWithQuotaRole, MESOS-8293)', () => {
    const h = new Harness();
    const unreserved = r('cpus:2;mem:2048');
    const res = reserved(unreserved, NON_QUOTA_ROLE, type);
    const a1 = h.agent(unreserved.plus(res));
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:2048'));
    const f1 = h.framework([QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a1, unreserved]));

    h.recover(f1, a1, unreserved, QUOTA_ROLE, 24 * 3600);
    const f2 = h.framework([NON_QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f2, NON_QUOTA_ROLE, a1, res]));
  });

  it('needs no headroom for a role whose reservations exceed its guarantee (QuotaHeadroomWhenReservationsExceedQuota)', () => {
    const h = new Harness();
    const W = 'quota-role-w-reservation';
    const N = 'quota-role-no-reservation';
    h.a.updateQuota(W, quota('cpus:1;mem:1024'));
    h.a.updateQuota(N, quota('cpus:1;mem:1024'));
    h.agent(reserved('cpus:2;mem:2048', W, type));
    h.agent('cpus:1;mem:1024');

    // agent2 is the headroom role N needs.
    const fw = h.framework([NON_QUOTA_ROLE]);
    expect(h.events()).toEqual({});

    const a3 = h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual(expected([fw, NON_QUOTA_ROLE, a3, 'cpus:1;mem:1024']));
  });

  it('charges a shared volume offered twice once toward quota (SharedAllocatedResourceQuotaAccounting)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:3;mem:2048;disk:100'));
    const res = reserved('cpus:2;mem:1024;disk:50', QUOTA_ROLE, type);
    const a1 = h.agent(res);
    const fw = h.framework([QUOTA_ROLE], ['SHARED_RESOURCES']);
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a1, res]));

    // CREATE a shared volume out of the 50 reserved disk.
    const vol = volume(50, 'id1', { reservedLike: reserved('disk:50', QUOTA_ROLE, type), shared: true });
    h.a.updateAllocation(fw, a1, res.allocate(QUOTA_ROLE), [{ type: 'CREATE', volumes: vol }]);

    // Give back half the cpus and mem: they come back with the shared volume.
    const back = reserved('cpus:1;mem:512', QUOTA_ROLE, type);
    h.recover(fw, a1, back, QUOTA_ROLE);
    expect(h.tick()).toEqual(expected([fw, QUOTA_ROLE, a1, back.plus(vol)]));

    // The volume, held twice, counts 50 disk once: there is room for 50 more.
    const a2 = h.agent('cpus:1;mem:1024;disk:50');
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a2, 'cpus:1;mem:1024;disk:50']));
    expect(h.a.quotaConsumed(QUOTA_ROLE).toString()).toBe(r('cpus:3;mem:2048;disk:100').quantities().toString());

    // Quota is met: nothing from a third agent.
    h.agent('cpus:0.5;mem:512;disk:50');
    expect(h.events()).toEqual({});
  });
});

describe('reserving and unreserving offered resources', () => {
  it('does not change unsatisfied quota when allocated resources are reserved (QuotaAccountingReserveAllocatedResources)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:10;mem:1024'));
    const fw = h.framework([QUOTA_ROLE]);
    const half = r('cpus:5;mem:512');
    const a1 = h.agent(half);
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a1, half]));

    h.a.updateAllocation(fw, a1, half.allocate(QUOTA_ROLE), [{ type: 'RESERVE', resources: dynamic(half, QUOTA_ROLE, 'principal') }]);
    expect(h.a.allocation(fw).get(a1)?.toString()).toBe(dynamic(half, QUOTA_ROLE, 'principal').allocate(QUOTA_ROLE).toString());

    // Still cpus:5;mem:512 to go: agent2 is chopped to that.
    const a2 = h.agent(half.plus(half));
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a2, half]));
  });

  it('does not free quota when allocated reservations are unreserved (QuotaAccountingUnreserveAllocatedResources)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:1024'));
    const fw = h.framework([QUOTA_ROLE]);
    // (Mesos uses a static reservation here; UNRESERVE applies to dynamic ones.)
    const res = dynamic('cpus:1;mem:1024', QUOTA_ROLE);
    const a1 = h.agent(res);
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a1, res]));

    h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual({});

    h.a.updateAllocation(fw, a1, res.allocate(QUOTA_ROLE), [{ type: 'UNRESERVE', resources: res }]);
    expect(h.tick()).toEqual({});
  });

  it('counts reserved resources in both quota and DRF (ReservationWithinQuota)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:256'));
    const f1 = h.framework([QUOTA_ROLE]);
    const f2 = h.framework([NON_QUOTA_ROLE]);
    expect(h.events()).toEqual({});

    const a1 = h.agent(`cpus:8;mem(${QUOTA_ROLE}):256`, { used: { [f1]: r(`cpus:2;mem(${QUOTA_ROLE}):256`).allocate(QUOTA_ROLE) } });
    expect(h.events()).toEqual(expected([f2, NON_QUOTA_ROLE, a1, 'cpus:6']));

    // quota-role's share is 1 (all the mem): the next agent goes to framework2.
    const a2 = h.agent('cpus:4');
    expect(h.events()).toEqual(expected([f2, NON_QUOTA_ROLE, a2, 'cpus:4']));
  });
});

describe('reservations and quota in role hierarchies', () => {
  it('counts a parent\'s reservation allocated to a child as allocated in headroom (QuotaWithAncestorReservations, MESOS-8604)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:1024'));
    const a1 = h.agent('cpus(a):1;mem(a):1024');
    const f1 = h.framework(['a/b']);
    expect(h.events()).toEqual(expected([f1, 'a/b', a1, 'cpus(a):1;mem(a):1024']));

    const f2 = h.framework([NON_QUOTA_ROLE]);
    expect(h.events()).toEqual({});

    h.agent('cpus:1;mem:1024');
    h.agent('cpus:1;mem:1024');
    const offers = h.eventsRaw();
    // One agent for framework2, the other set aside for quota-role.
    expect(offers).toHaveLength(1);
    expect(offers[0]!.frameworkId).toBe(f2);
    expect(sumFor(offers, f2, NON_QUOTA_ROLE).toString()).toBe(r('cpus:1;mem:1024').toString());
  });

  it('counts a sub-role\'s reservation toward the parent\'s consumed quota (QuotaWithNestedRoleReservation, MESOS-9688)', () => {
    const h = new Harness();
    h.a.updateQuota('a', quota('cpus:2;mem:200'));
    h.agent('cpus(a/b):1;mem(a/b):100');
    const a2 = h.agent('cpus:10;mem:1000');
    const f1 = h.framework(['a']);
    expect(h.events()).toEqual(expected([f1, 'a', a2, 'cpus:1;mem:100']));
    expect(h.a.quotaConsumed('a').toString()).toBe(r('cpus:2;mem:200').quantities().toString());
  });

  it('counts a sub-role\'s allocation toward the parent, without limiting the sub-role (QuotaWithNestedRoleAllocation)', () => {
    const h = new Harness();
    const f1 = h.framework(['a/b']);
    const a1 = h.agent('cpus:1;mem:1024');
    expect(h.events()).toEqual(expected([f1, 'a/b', a1, 'cpus:1;mem:1024']));

    h.a.updateQuota('a', quota('cpus:1;mem:1024'));
    h.framework(['a']);
    const a2 = h.agent('cpus:1;mem:1024');
    // Role a is at its limit through a/b; a/b itself is not bound by it.
    expect(h.events()).toEqual(expected([f1, 'a/b', a2, 'cpus:1;mem:1024']));
  });

  it('computes headroom with sub-role allocations (QuotaHeadroomWithNestedRoleAllocation)', () => {
    const h = new Harness();
    const f1 = h.framework(['a/b']);
    const a1 = h.agent('cpus:1;mem:100');
    expect(h.events()).toEqual(expected([f1, 'a/b', a1, 'cpus:1;mem:100']));
    const f2 = h.framework(['a']);
    const a2 = h.agent('cpus:1;mem:100');
    expect(h.events()).toEqual(expected([f2, 'a', a2, 'cpus:1;mem:100']));

    h.a.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:100'));
    h.agent('cpus:1;mem:100');
    expect(h.events()).toEqual({});
    const a4 = h.agent('cpus:1;mem:100');
    const offers = h.eventsRaw();
    expect(offers).toHaveLength(1);
    expect([f1, f2]).toContain(offers[0]!.frameworkId);
    expect(offers[0]!.agentId).toBe(a4);
    // And nothing more: agent3 stays set aside.
    expect(h.tick()).toEqual({});
  });
});
