/**
 * Suppress / revive, framework activation and updateFramework. Ported from
 * Mesos 1.11's hierarchical_allocator_tests.cpp, plus the semantics of
 * suppressOffers/reviveOffers/updateFramework in the allocator notes §1.2, §2.10.
 */
import { Harness, expected, fwInfo, r } from './helpers';

describe('suppress and revive', () => {
  it('gives a suppressed, deactivated framework nothing until it is activated and revives (DeactivateAndReactivateFramework)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1');

    h.a.suppressOffers(fw);
    h.a.deactivateFramework(fw);
    expect(h.tick()).toEqual({});

    // Activation alone respects the suppression.
    h.a.activateFramework(fw);
    expect(h.events()).toEqual({});
    h.a.reviveOffers(fw);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('tolerates a redundant revive, withholds offers while suppressed, and offers on revive (SuppressAndReviveOffers)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));

    h.a.reviveOffers(fw);
    expect(h.events()).toEqual({});

    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1');
    h.a.suppressOffers(fw);
    expect(h.a.hasPendingAllocation).toBe(false); // suppress asks for no run
    expect(h.tick()).toEqual({});

    h.a.reviveOffers(fw);
    expect(h.a.hasPendingAllocation).toBe(true);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('clears a long decline filter on revive (ReviveOffers)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1', 1000);
    expect(h.tick()).toEqual({});
    h.a.reviveOffers(fw);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('suppresses and revives per role; reviving one role keeps the other role\'s filters (SuppressAndReviveOffersWithMultiRole)', () => {
    const h = new Harness();
    const fw = h.framework(['role1', 'role2']);
    h.a.suppressOffers(fw, ['role1']);
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    expect(h.events()).toEqual(expected([fw, 'role2', agent, 'cpus:2;mem:1024']));

    h.recover(fw, agent, 'cpus:2;mem:1024', 'role2', 24 * 3600);
    expect(h.tick()).toEqual({});

    h.a.reviveOffers(fw, ['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));

    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1', 24 * 3600);
    expect(h.tick()).toEqual({});
  });

  it('keeps the allocations of a suppressed framework in its role\'s share', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:1024');
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', a1, 'cpus:2;mem:1024']));
    h.a.suppressOffers(f1);
    const f2 = h.framework(['role2']);
    const a2 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a2, 'cpus:1;mem:512']));
    // role1 (cpus 2/4 through suppressed framework1) is above role2 (1/4),
    // so the empty framework3 of role1 waits.
    h.framework(['role1']);
    const a3 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([f2, 'role2', a3, 'cpus:1;mem:512']));
  });

  it('starts roles suppressed when the framework is added with suppressed roles', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1', 'role2'], [], { suppressed: ['role1'] });
    expect(h.events()).toEqual(expected([fw, 'role2', agent, 'cpus:2;mem:1024']));
    h.recover(fw, agent, 'cpus:2;mem:1024', 'role2', 100);
    expect(h.tick()).toEqual({});
    h.a.reviveOffers(fw, ['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('suppresses every role when no roles are given', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1', 'role2']);
    h.a.suppressOffers(fw, []);
    expect(h.events()).toEqual({});
    h.a.reviveOffers(fw, []);
    const offers = h.eventsRaw();
    expect(offers).toHaveLength(1);
    expect(offers[0]!.agentId).toBe(agent);
  });
});

describe('activation', () => {
  it('makes no offers to a framework added inactive, until it is activated', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1'], [], { active: false });
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual({});
    h.a.activateFramework(fw);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });

  it('keeps a deactivated framework\'s allocation in place (its offers stay out of the pool)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const f1 = h.framework(['role1']);
    expect(h.events()).toEqual(expected([f1, 'role1', agent, 'cpus:2;mem:1024']));
    h.a.deactivateFramework(f1);
    h.framework(['role2']);
    expect(h.events()).toEqual({});
    expect(h.a.allocation(f1).get(agent)?.toString()).toBe(r('cpus:2;mem:1024').allocate('role1').toString());
  });
});

describe('inactive frameworks', () => {
  it('gets nothing from a revive while inactive', () => {
    const h = new Harness();
    h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1'], [], { active: false });
    h.a.reviveOffers(fw);
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual({});
  });

  it('gets nothing under a role added by updateFramework while inactive', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1'], [], { active: false });
    h.a.updateFramework(fw, fwInfo(['role1', 'role2']));
    expect(h.tick()).toEqual({});
    h.a.activateFramework(fw);
    const offers = h.eventsRaw();
    expect(offers.map((o) => o.agentId)).toEqual([agent]);
  });
});

describe('updateFramework', () => {
  it('adds new roles without triggering a run', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1', 100);

    h.a.updateFramework(fw, fwInfo(['role1', 'role2']));
    expect(h.a.hasPendingAllocation).toBe(false);
    // role2 is new and unfiltered; role1 keeps its filter.
    expect(h.tick()).toEqual(expected([fw, 'role2', agent, 'cpus:2;mem:1024']));
  });

  it('drops a removed role\'s filters and stops offers for it', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1', 'role2']);
    const first = h.eventsRaw();
    expect(first).toHaveLength(1);
    const role = first[0]!.role;
    const otherRole = role === 'role1' ? 'role2' : 'role1';
    h.decline(first, 100);
    expect(h.tick()).toEqual(expected([fw, otherRole, agent, 'cpus:2;mem:1024']));
    h.recover(fw, agent, 'cpus:2;mem:1024', otherRole, 100);
    expect(h.tick()).toEqual({});

    // Unsubscribe from the other role, then subscribe again: its filter went with it.
    h.a.updateFramework(fw, fwInfo([role]));
    expect(h.tick()).toEqual({});
    h.a.updateFramework(fw, fwInfo([role, otherRole]));
    expect(h.tick()).toEqual(expected([fw, otherRole, agent, 'cpus:2;mem:1024']));
  });

  it('suppresses and revives roles through the suppressed-roles set', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const fw = h.framework(['role1']);
    expect(h.events()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
    h.recover(fw, agent, 'cpus:2;mem:1024', 'role1');
    h.a.updateFramework(fw, fwInfo(['role1']), ['role1']);
    expect(h.tick()).toEqual({});
    h.a.updateFramework(fw, fwInfo(['role1']), []);
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, 'cpus:2;mem:1024']));
  });
});
