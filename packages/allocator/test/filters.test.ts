/**
 * Offer filters (DECLINE/ACCEPT with `refuse_seconds`) and their expiry on
 * the fake clock, and recovering resources. Ported from Mesos 1.11's
 * hierarchical_allocator_tests.cpp, plus the rules of recoverResources
 * (default 5 s, at least one allocation interval, at most 365 days, 0 = none,
 * negative = default).
 *
 * Most expiry checks run the allocator just before and just after the expiry
 * instant, so that they do not depend on how a run and an expiry due at the
 * same instant are ordered; the one test that does is marked as such.
 */
import { Value_Type } from '@mesos-ts/proto';
import { Harness, expected, r } from './helpers';

const DAY_S = 24 * 3600;

describe('offer filters', () => {
  // Mesos's OfferFilter, timed as in Mesos: a filter of two intervals made
  // right after the run at t=0. The periodic run at one interval is
  // filtered; the one at exactly two intervals is not, because in Mesos the
  // filter's expiry timer was created before that run's timer and so fires
  // (and removes the filter) first.
  it('offers declined resources again at the run due exactly when the filter expires (OfferFilter, exact timing)', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', (2 * h.interval) / 1000);
    expect(h.metrics()['allocator/mesos/offer_filters/roles/role/active']).toBe(1);

    expect(h.tick()).toEqual({});
    expect(h.tick()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    expect(h.metrics()['allocator/mesos/offer_filters/roles/role/active']).toBe(0);
  });

  it('filters declined resources for refuse_seconds and offers them after (OfferFilter)', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 2);
    expect(h.metrics()['allocator/mesos/offer_filters/roles/role/active']).toBe(1);

    expect(h.at(1000)).toEqual({});
    expect(h.at(1999)).toEqual({});
    expect(h.at(2001)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    expect(h.metrics()['allocator/mesos/offer_filters/roles/role/active']).toBe(0);
  });

  it('keeps a filter shorter than the interval for the next periodic run (SmallOfferFilterTimeout, MESOS-4302)', () => {
    const h = new Harness({ allocationIntervalMs: 60_000 });
    const f1 = h.framework(['role']);
    const f2 = h.framework(['role']);
    h.agent('cpus:1;mem:512;disk:0', { used: { [f1]: r('cpus:1;mem:512').allocate('role') } });
    expect(h.events()).toEqual({});

    // framework2 (share 0) gets the new agent.
    const a2 = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([f2, 'role', a2, 'cpus:1;mem:512']));

    // It declines for 1 s, less than the interval. The periodic run one
    // interval later still sees the filter, so framework1 gets the agent
    // even though its share is higher.
    h.recover(f2, a2, 'cpus:1;mem:512', 'role', 1);
    h.clock.advance(1000); // the 1 s pass
    expect(h.at(60_000)).toEqual(expected([f1, 'role', a2, 'cpus:1;mem:512']));

    // The filter is gone by the following run: framework2 gets it back.
    h.recover(f1, a2, 'cpus:1;mem:512', 'role');
    expect(h.at(120_000)).toEqual(expected([f2, 'role', a2, 'cpus:1;mem:512']));
  });

  it('lasts at least one allocation interval however short refuse_seconds is', () => {
    const h = new Harness({ allocationIntervalMs: 10_000 });
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 0.5);
    expect(h.at(5_000)).toEqual({});
    expect(h.at(9_999)).toEqual({});
    expect(h.at(10_001)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('defaults refuse_seconds to 5 s when the filter gives none', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.a.recoverResources(fw, agent, r('cpus:1;mem:512').allocate('role'), {});
    expect(h.at(1000)).toEqual({});
    expect(h.at(4999)).toEqual({});
    expect(h.at(5001)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('uses the default 5 s for a negative refuse_seconds', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', -3);
    expect(h.at(4999)).toEqual({});
    expect(h.at(5001)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('installs no filter for refuse_seconds 0 (nor without filters at all)', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 0);
    expect(h.metrics()['allocator/mesos/offer_filters/roles/role/active']).toBe(0);
    expect(h.tick()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    h.recover(fw, agent, 'cpus:1;mem:512', 'role');
    expect(h.tick()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('caps refuse_seconds at 365 days', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 1000 * DAY_S);
    expect(h.at(365 * DAY_S * 1000 - 1)).toEqual({});
    expect(h.at(365 * DAY_S * 1000 + 1)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  // Mesos checks `refuse_seconds > 365 days` first, so +Infinity (which Mesos
  // JSON can carry as "Infinity") becomes 365 days, not the 5 s default.
  it('caps an infinite refuse_seconds at 365 days', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', Number.POSITIVE_INFINITY);
    expect(h.at(10_000)).toEqual({});
    expect(h.at(365 * DAY_S * 1000 - 1)).toEqual({});
    expect(h.at(365 * DAY_S * 1000 + 1)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('uses the default 5 s for a NaN refuse_seconds', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', Number.NaN);
    expect(h.at(4999)).toEqual({});
    expect(h.at(5001)).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('filters only offers contained in what was refused', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024');
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:2;mem:1024']));
    // Decline one cpu with a long filter, keep the rest.
    h.recover(fw, agent, 'cpus:1', 'role', 100);
    expect(h.tick()).toEqual({});
    // Now everything comes back: cpus:2;mem:1024 is not within the refused cpus:1.
    h.recover(fw, agent, 'cpus:1;mem:1024', 'role');
    expect(h.tick()).toEqual(expected([fw, 'role', agent, 'cpus:2;mem:1024']));
  });

  it('is per framework: another framework of the role is offered what one declined', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024');
    const f1 = h.framework(['role']);
    expect(h.events()).toEqual(expected([f1, 'role', agent, 'cpus:2;mem:1024']));
    const f2 = h.framework(['role']);
    h.recover(f1, agent, 'cpus:2;mem:1024', 'role', 100);
    // framework2 gets it in the run its addition triggered.
    expect(h.events()).toEqual(expected([f2, 'role', agent, 'cpus:2;mem:1024']));
  });

  it('is per agent: a filter on one agent does not hold back another', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const a1 = h.agent('cpus:1;mem:512');
    const a2 = h.agent('cpus:1;mem:512');
    expect(h.events()).toEqual(expected([fw, 'role', a1, 'cpus:1;mem:512'], [fw, 'role', a2, 'cpus:1;mem:512']));
    h.recover(fw, a1, 'cpus:1;mem:512', 'role', 100);
    h.recover(fw, a2, 'cpus:1;mem:512', 'role');
    expect(h.tick()).toEqual(expected([fw, 'role', a2, 'cpus:1;mem:512']));
  });

  it('is dropped when the framework is deactivated', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 100);
    expect(h.tick()).toEqual({});
    h.a.deactivateFramework(fw);
    expect(h.tick()).toEqual({});
    h.a.activateFramework(fw);
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('is dropped when the agent is removed', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 100);
    h.a.removeAgent(agent);
    h.agent('cpus:1;mem:512', { id: agent });
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('is dropped when the agent\'s attributes change, and the agent offered at once (RemoveFilters)', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512;disk:0');
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 2);
    expect(h.tick()).toEqual({});

    h.a.updateAgent(agent, {
      info: {
        hostname: agent,
        attributes: [
          { name: 'foo', type: Value_Type.TEXT, text: { value: 'bar' } },
          { name: 'baz', type: Value_Type.TEXT, text: { value: 'quux' } },
        ],
      },
    });
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:1;mem:512']));
  });

  it('survives an agent update that keeps the attributes', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role', 100);
    // A new hostname is a change (a run is asked for), but not of the attributes.
    h.a.updateAgent(agent, { info: { hostname: `${agent}.renamed`, attributes: [] } });
    expect(h.a.hasPendingAllocation).toBe(true);
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual({});
  });

  it('counts active filters per role (ActiveOfferFiltersMetrics)', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024;disk:0');
    const refuse = (100 * h.interval) / 1000;

    const f1 = h.framework(['roleA']);
    expect(h.events()).toEqual(expected([f1, 'roleA', agent, 'cpus:2;mem:1024']));
    h.recover(f1, agent, 'cpus:2;mem:1024', 'roleA', refuse);
    expect(h.metrics()['allocator/mesos/offer_filters/roles/roleA/active']).toBe(1);

    const f2 = h.framework(['roleB']);
    expect(h.events()).toEqual(expected([f2, 'roleB', agent, 'cpus:2;mem:1024']));
    h.recover(f2, agent, 'cpus:2;mem:1024', 'roleB', refuse);
    let m = h.metrics();
    expect(m['allocator/mesos/offer_filters/roles/roleA/active']).toBe(1);
    expect(m['allocator/mesos/offer_filters/roles/roleB/active']).toBe(1);

    const f3 = h.framework(['roleA']);
    expect(h.events()).toEqual(expected([f3, 'roleA', agent, 'cpus:2;mem:1024']));
    h.recover(f3, agent, 'cpus:2;mem:1024', 'roleA', refuse);
    m = h.metrics();
    expect(m['allocator/mesos/offer_filters/roles/roleA/active']).toBe(2);
    expect(m['allocator/mesos/offer_filters/roles/roleB/active']).toBe(1);
  });
});

describe('recovering resources', () => {
  it('re-offers recovered reserved and unreserved parts separately (RecoverResources)', () => {
    const h = new Harness();
    const agent = h.agent('cpus(role1):1;mem(role1):200;cpus:1;mem:200;disk:0');
    const fw = h.framework(['role1']);
    const all = r('cpus(role1):1;mem(role1):200;cpus:1;mem:200');
    expect(h.events()).toEqual(expected([fw, 'role1', agent, all]));

    const reservedPart = all.reserved('role1');
    const unreservedPart = all.unreserved();
    h.recover(fw, agent, reservedPart, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, reservedPart]));
    h.recover(fw, agent, unreservedPart, 'role1');
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, unreservedPart]));
  });

  it('does not trigger a run (MESOS-3078)', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    h.recover(fw, agent, 'cpus:1;mem:512', 'role1');
    expect(h.a.hasPendingAllocation).toBe(false);
    expect(h.events()).toEqual({});
    expect(h.tick()).toEqual(expected([fw, 'role1', agent, 'cpus:1;mem:512']));
  });

  it('ignores empty resources and unknown frameworks or agents', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    expect(() => h.a.recoverResources(fw, agent, r(''))).not.toThrow();
    expect(() => h.a.recoverResources('nope', agent, r('cpus:1').allocate('role1'))).not.toThrow();
    expect(() => h.a.recoverResources(fw, 'nope', r('cpus:1').allocate('role1'))).not.toThrow();
    expect(h.a.allocation(fw).get(agent)?.toString()).toBe(r('cpus:1;mem:512').allocate('role1').toString());
  });

  it('rejects resources the framework does not hold on the agent', () => {
    const h = new Harness();
    const fw = h.framework(['role1']);
    const agent = h.agent('cpus:1;mem:512');
    h.events();
    expect(() => h.a.recoverResources(fw, agent, r('cpus:2').allocate('role1'))).toThrow();
    // Nothing changed.
    expect(h.a.available(agent).isEmpty()).toBe(true);
  });
});
