/**
 * Quota: guarantees (stage 1), limits, headroom held back for unsatisfied
 * guarantees, chopping agents to the quota, and quota accounting. Ported from
 * Mesos 1.11's hierarchical_allocator_tests.cpp.
 */
import { DEFAULT_QUOTA } from '../src/index';
import { Harness, dynamic, expected, mountDisk, quota, r, revocable, sumFor } from './helpers';

const QUOTA_ROLE = 'quota-role';
const NO_QUOTA_ROLE = 'no-quota-role';

describe('quota guarantees', () => {
  it('lays resources away for a quota role that declined them (QuotaProvidesGuarantee)', () => {
    const h = new Harness();
    const f1 = h.framework([QUOTA_ROLE]);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
    h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual({});

    const a1 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a1, 'cpus:1;mem:512']));
    const a2 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a2, 'cpus:1;mem:512']));

    // framework1 declines agent2 for two intervals. The resources are not
    // given to framework2: they are headroom for the unsatisfied guarantee.
    h.recover(f1, a2, 'cpus:1;mem:512', QUOTA_ROLE, 2);
    expect(h.at(1000)).toEqual({});
    expect(h.at(1999)).toEqual({});
    // Once the filter is gone (Mesos: the run at exactly 2 intervals; see the
    // OfferFilter test for that instant), the quota role gets them back.
    expect(h.at(2001)).toEqual(expected([f1, QUOTA_ROLE, a2, 'cpus:1;mem:512']));
  });

  it('shares a quota role\'s resources fairly among its frameworks (MultipleFrameworksInRoleWithQuota)', () => {
    const h = new Harness();
    const f1a = h.framework([QUOTA_ROLE]);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:4;mem:2048'));
    h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual({});

    const a1 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f1a, QUOTA_ROLE, a1, 'cpus:1;mem:512']));

    const f1b = h.framework([QUOTA_ROLE]);
    const a2 = h.agent('cpus:2;mem:1024;disk:0');
    expect(h.events()).toEqual(expected([f1b, QUOTA_ROLE, a2, 'cpus:2;mem:1024']));

    const a3 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f1a, QUOTA_ROLE, a3, 'cpus:1;mem:512']));

    // What framework1a declines goes to framework1b, not to the other role.
    h.recover(f1a, a3, 'cpus:1;mem:512', QUOTA_ROLE, 5);
    expect(h.tick()).toEqual(expected([f1b, QUOTA_ROLE, a3, 'cpus:1;mem:512']));
  });

  it('offers exactly the guarantee from a bigger agent; the rest goes to others (QuotaAllocationGranularity)', () => {
    const h = new Harness();
    const f1 = h.framework([QUOTA_ROLE]);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:0.5;mem:200'));
    const agent = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, agent, 'cpus:0.5;mem:200']));

    const f2 = h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f2, NO_QUOTA_ROLE, agent, 'cpus:0.5;mem:312']));
  });

  it('does not chop a MOUNT disk; leaves it out when it exceeds the remaining guarantee (QuotaAllocationGranularityUnchoppableResource)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:2048;disk:150'));
    const mount = mountDisk(100);
    const agentResources = r('cpus:0.5;mem:512').plus(mount);
    const a1 = h.agent(agentResources);
    const fw = h.framework([QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a1, agentResources]));

    // 50 disk left to guarantee: the 100 MOUNT disk does not fit.
    const a2 = h.agent(agentResources);
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a2, 'cpus:0.5;mem:512']));

    // A plain disk is chopped to the remaining 50.
    const a3 = h.agent('cpus:2;mem:2048;disk:150');
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a3, 'cpus:1;mem:1024;disk:50']));
  });

  it('offers a plain and a MOUNT disk together to meet a disk guarantee (QuotaAllocationMultipleDisk, MESOS-9692)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:512;disk:100'));
    const agentResources = r('cpus:1;mem:512;disk:50').plus(mountDisk(50));
    const a1 = h.agent(agentResources);
    const fw = h.framework([QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a1, agentResources]));
  });

  it('gives a quota role resources it has no quota for, unless they are headroom for others (QuotaRoleAllocateNonQuotaResource)', () => {
    const h = new Harness();
    const ROLE1 = 'quota-role-1';
    const ROLE2 = 'quota-role-2';
    h.a.updateQuota(ROLE1, quota('cpus:2'));
    const agentText = 'cpus:1;mem:1024;ports:[31000-32000]';
    const a1 = h.agent(agentText);
    const fw = h.framework([ROLE1]);
    // mem (no quota entry) and ports (non-scalar) come along.
    expect(h.events()).toEqual(expected([fw, ROLE1, a1, agentText]));

    // quota-role-2 (no framework) needs mem: agent2's mem is held back for it.
    h.a.updateQuota(ROLE2, quota('mem:1024'));
    const a2 = h.agent(agentText);
    expect(h.events()).toEqual(expected([fw, ROLE1, a2, 'cpus:1;ports:[31000-32000]']));

    // role1's cpus are at their limit; mem (headroom is covered by agent2) and ports still come.
    const a3 = h.agent(agentText);
    expect(h.events()).toEqual(expected([fw, ROLE1, a3, 'mem:1024;ports:[31000-32000]']));
  });

  it('gives a role with part of its guarantee met only what is still missing (DisproportionateQuotaVsAllocation)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:4;mem:1024'));
    const fw = h.framework([QUOTA_ROLE]);
    const a1 = h.agent('cpus:2;mem:1024');
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a1, 'cpus:2;mem:1024']));
    const a2 = h.agent('cpus:2;mem:1024');
    expect(h.events()).toEqual(expected([fw, QUOTA_ROLE, a2, 'cpus:2']));
  });

  it('allocates what is left after guarantees by DRF among the other roles (DRFWithQuota)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:0.25;mem:128'));
    const f1 = h.framework([QUOTA_ROLE]);
    const f2 = h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual({});
    let m = h.metrics();
    expect(m[`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/cpus/guarantee`]).toBe(0.25);
    expect(m[`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/cpus/limit`]).toBe(0.25);
    expect(m[`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/mem/guarantee`]).toBe(128);
    expect(m[`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/mem/limit`]).toBe(128);

    const a1 = h.agent('cpus:1;mem:512;disk:0', { used: { [f1]: r('cpus:0.25;mem:128').allocate(QUOTA_ROLE) } });
    expect(h.events()).toEqual(expected([f2, NO_QUOTA_ROLE, a1, 'cpus:0.75;mem:384']));
    // What the quota role holds (Mesos's offered_or_allocated gauges): no disk.
    expect(h.a.quotaConsumed(QUOTA_ROLE).toString()).toBe(r('cpus:0.25;mem:128').quantities().toString());
    m = h.metrics();
    expect(m).not.toHaveProperty([`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/disk/guarantee`]);

    // framework1 holds less, but its role's quota is met: framework2 gets the agent.
    const a2 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f2, NO_QUOTA_ROLE, a2, 'cpus:1;mem:512']));
  });

  it('redirects resources circulating through a declining framework once the starving role gets quota (QuotaAgainstStarvation)', () => {
    const h = new Harness();
    const f1 = h.framework([QUOTA_ROLE]);
    const f2 = h.framework([NO_QUOTA_ROLE]);
    h.agent('cpus:1;mem:512;disk:0', { used: { [f1]: r('cpus:1;mem:512').allocate(QUOTA_ROLE) } });
    const a2 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f2, NO_QUOTA_ROLE, a2, 'cpus:1;mem:512']));

    // Declining with refuse_seconds 0 brings them straight back to framework2.
    h.recover(f2, a2, 'cpus:1;mem:512', NO_QUOTA_ROLE, 0);
    expect(h.tick()).toEqual(expected([f2, NO_QUOTA_ROLE, a2, 'cpus:1;mem:512']));

    h.recover(f2, a2, 'cpus:1;mem:512', NO_QUOTA_ROLE, 0);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
    expect(h.tick()).toEqual(expected([f1, QUOTA_ROLE, a2, 'cpus:1;mem:512']));
  });

  it('restores fairness once quota is removed (RemoveQuota)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
    const f1 = h.framework([QUOTA_ROLE]);
    const f2 = h.framework([NO_QUOTA_ROLE]);
    const a1 = h.agent('cpus:1;mem:512;disk:0', { used: { [f1]: r('cpus:1;mem:512').allocate(QUOTA_ROLE) } });
    h.agent('cpus:1;mem:512;disk:0', { used: { [f1]: r('cpus:1;mem:512').allocate(QUOTA_ROLE) } });

    h.a.updateQuota(QUOTA_ROLE, DEFAULT_QUOTA);
    expect(h.events()).toEqual({});
    h.recover(f1, a1, 'cpus:1;mem:512', QUOTA_ROLE);
    expect(h.tick()).toEqual(expected([f2, NO_QUOTA_ROLE, a1, 'cpus:1;mem:512']));

    const m = h.metrics();
    for (const name of ['cpus', 'mem']) {
      expect(m).not.toHaveProperty([`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/${name}/guarantee`]);
      expect(m).not.toHaveProperty([`allocator/mesos/quota/roles/${QUOTA_ROLE}/resources/${name}/limit`]);
    }
  });

  it('gives a role exactly its remaining guarantee from a new agent (MultiQuotaWithFrameworks)', () => {
    const h = new Harness();
    const ROLE1 = 'quota-role-1';
    const ROLE2 = 'quota-role-2';
    h.a.updateQuota(ROLE1, quota('cpus:1;mem:200'));
    h.a.updateQuota(ROLE2, quota('cpus:2;mem:2000'));
    const f1 = h.framework([ROLE1]);
    const f2 = h.framework([ROLE2]);
    expect(h.events()).toEqual({});
    h.agent('cpus:1;mem:1024;disk:0', { used: { [f1]: r('cpus:1;mem:1024').allocate(ROLE1) } });
    h.agent('cpus:1;mem:1024;disk:0', { used: { [f2]: r('cpus:1;mem:1024').allocate(ROLE2) } });
    expect(h.events()).toEqual({});

    const a3 = h.agent('cpus:2;mem:2048');
    expect(h.events()).toEqual(expected([f2, ROLE2, a3, 'cpus:1;mem:976']));
  });
});

describe('quota headroom', () => {
  it('holds a whole agent back for a quota role without frameworks (QuotaAbsentFrameworkWholeAgent)', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2;mem:1024'));
    const fw = h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual({});

    h.agent('cpus:2;mem:1024');
    expect(h.events()).toEqual({});
    h.agent('cpus:2;mem:1024');
    const offers = h.eventsRaw();
    // One of the two identical agents; the other stays set aside.
    expect(offers).toHaveLength(1);
    expect(offers[0]!.frameworkId).toBe(fw);
    expect(sumFor(offers, fw, NO_QUOTA_ROLE).toString()).toBe(r('cpus:2;mem:1024').toString());
  });

  it('does not let a framework-less quota role block another quota role (MultiQuotaAbsentFrameworks)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:2048;disk:0');
    h.a.updateQuota('quota-role-1', quota('cpus:1;mem:1024'));
    h.a.updateQuota('quota-role-2', quota('cpus:2;mem:2048'));
    const fw = h.framework(['quota-role-2']);
    expect(h.events()).toEqual(expected([fw, 'quota-role-2', agent, 'cpus:2;mem:2048']));
  });

  it('does not count other roles\' reservations as headroom (QuotaSetAsideReservedResources)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:4;mem:512;disk:0');
    const a2 = h.agent('cpus:4;mem:512;disk:0');
    const reservedToNoQuota = dynamic('cpus:4;mem:512', NO_QUOTA_ROLE, 'ops');
    h.a.updateAvailable(a2, [{ type: 'RESERVE', resources: reservedToNoQuota }]);

    const f1 = h.framework([QUOTA_ROLE]);
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:4;mem:512'));
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, a1, 'cpus:4;mem:512']));

    h.recover(f1, a1, 'cpus:4;mem:512', QUOTA_ROLE, (10 * h.interval) / 1000);
    expect(h.tick()).toEqual({});

    const f2 = h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f2, NO_QUOTA_ROLE, a2, reservedToNoQuota]));
    h.recover(f2, a2, reservedToNoQuota, NO_QUOTA_ROLE, (10 * h.interval) / 1000);
    // Neither role is offered the other's resources.
    expect(h.tick()).toEqual({});
  });
});

describe('quota headroom and other resources', () => {
  it('does not count revocable resources as headroom', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:2'));
    const fw = h.framework([NO_QUOTA_ROLE], ['REVOCABLE_RESOURCES']);
    const agent = h.agent(r('cpus:1;mem:512').plus(revocable('cpus:4')));
    // Only cpus:1 of real headroom for a guarantee of 2: the unreserved cpus
    // are held back; revocable cpus and the mem (no guarantee) are offered.
    expect(h.events()).toEqual(expected([fw, NO_QUOTA_ROLE, agent, r('mem:512').plus(revocable('cpus:4'))]));
  });

  it('leaves a remainder below the minimum allocatable resources unoffered after chopping to quota', () => {
    const h = new Harness();
    h.a.updateQuota(QUOTA_ROLE, quota('cpus:1;mem:1024'));
    const f1 = h.framework([QUOTA_ROLE]);
    const agent = h.agent('cpus:1.005;mem:1040');
    expect(h.events()).toEqual(expected([f1, QUOTA_ROLE, agent, 'cpus:1;mem:1024']));
    h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual({});
    expect(h.a.available(agent).toString()).toBe(r('cpus:0.005;mem:16').toString());
  });
});

describe('quota limits', () => {
  it('offers nothing under a zero limit and chops agents to a raised limit (QuotaProvidesLimit, MESOS-3938)', () => {
    const h = new Harness();
    const f1 = h.framework(['*']);
    h.a.updateQuota('*', quota('', 'cpus:0;mem:0;disk:0'));
    const a1 = h.agent('cpus:2;mem:1024;disk:1024');
    expect(h.events()).toEqual({});

    const f2 = h.framework([NO_QUOTA_ROLE]);
    expect(h.events()).toEqual(expected([f2, NO_QUOTA_ROLE, a1, 'cpus:2;mem:1024;disk:1024']));

    h.a.updateQuota('*', quota('', 'cpus:1;mem:512;disk:512'));
    const a2 = h.agent('cpus:2;mem:1024;disk:1024');
    expect(h.events()).toEqual(expected([f1, '*', a2, 'cpus:1;mem:512;disk:512'], [f2, NO_QUOTA_ROLE, a2, 'cpus:1;mem:512;disk:512']));
  });

  it('never offers a role more unreserved resources than its limit across agents', () => {
    const h = new Harness();
    h.a.updateQuota('limited', quota('', 'cpus:3'));
    const fw = h.framework(['limited']);
    for (let i = 0; i < 4; i++) h.agent('cpus:2;mem:1024');
    const offers = h.eventsRaw();
    const cpus = sumFor(offers, fw).get('cpus') ?? 0;
    expect(cpus).toBe(3);
    // Names without a limit are not limited: all the mem comes along with the cpus.
    expect(h.a.quotaConsumed('limited').get('cpus')).toBe(3);
    expect(h.tick()).toEqual({});
  });
});
