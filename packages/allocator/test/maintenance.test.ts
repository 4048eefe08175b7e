/**
 * Maintenance: inverse offers for agents with an unavailability, their
 * outstanding state, inverse-offer filters and statuses. Ported from Mesos
 * 1.11's hierarchical_allocator_tests.cpp and the semantics in the
 * allocator notes §1.2 (updateUnavailability, updateInverseOffer) and §2.7.
 */
import { allocator as allocatorProto } from '@mesos-ts/proto';
import { Harness, expected, fwInfo, r, unavailability } from './helpers';

const DAY_MS = 24 * 3600 * 1000;

describe('inverse offers', () => {
  it('keeps working with an agent in maintenance used by an unknown framework (AddAgentWithUnknownFrameworkAndMaintenance, MESOS-10109)', () => {
    const h = new Harness();
    h.agent('cpus:2;mem:1024;disk:0', {
      unavailability: unavailability(h.clock.now() + 365 * DAY_MS),
      used: { unknownFramework: r('cpus:2;mem:1024').allocate('role') },
    });
    const fw = h.framework(['role']);
    const a2 = h.agent('cpus:2;mem:1024;disk:0');
    expect(h.events()).toEqual(expected([fw, 'role', a2, 'cpus:2;mem:1024']));
    expect(h.rec.takeInverse()).toEqual([]);

    h.a.updateUnavailability(a2, unavailability(h.clock.now() + 60_000));
    h.events();
    const inverse = h.rec.takeInverse();
    expect(inverse.map((i) => [i.frameworkId, i.agentId])).toEqual([[fw, a2]]);
  });

  it('asks only frameworks holding resources on the agent, for the whole agent (MaintenanceInverseOffers)', () => {
    const h = new Harness();
    const a1 = h.agent('cpus:2;mem:1024;disk:0');
    const fw = h.framework(['*']);
    expect(h.events()).toEqual(expected([fw, '*', a1, 'cpus:2;mem:1024']));
    const a2 = h.agent('cpus:2;mem:1024;disk:0');
    expect(h.events()).toEqual(expected([fw, '*', a2, 'cpus:2;mem:1024']));

    h.recover(fw, a2, 'cpus:2;mem:1024', '*', 24 * 3600);
    const start = h.clock.now() + 60_000;
    h.a.updateUnavailability(a1, unavailability(start));
    h.a.updateUnavailability(a2, unavailability(start));
    expect(h.events()).toEqual({});

    const inverse = h.rec.takeInverse();
    // One inverse offer: agent1. The framework declined everything on agent2.
    expect(inverse).toHaveLength(1);
    const io = inverse[0]!;
    expect(io.frameworkId).toBe(fw);
    expect(io.agentId).toBe(a1);
    expect(io.request.resources.isEmpty()).toBe(true);
    expect(io.request.unavailability.start?.nanoseconds).toBe(BigInt(start) * 1_000_000n);
  });

  it('does not ask again while an inverse offer is outstanding; asks again once it is answered', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(60_000) });
    h.events();
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
    h.tick();
    expect(h.rec.takeInverse()).toEqual([]);

    // Answered (or rescinded) without a filter: asked again at the next run.
    h.a.updateInverseOffer(agent, fw);
    h.tick();
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
  });

  it('records statuses and honours inverse-offer filters (not raised to the allocation interval)', () => {
    const h = new Harness({ allocationIntervalMs: 10_000 });
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(60_000) });
    h.events();
    expect(h.rec.takeInverse()).toHaveLength(1);

    const status = { status: allocatorProto.InverseOfferStatus_Status.DECLINE };
    h.a.updateInverseOffer(agent, fw, status, { refuseSeconds: 1 });
    expect(h.a.inverseOfferStatuses()).toEqual(new Map([[agent, new Map([[fw, status]])]]));

    h.at(999);
    expect(h.rec.takeInverse()).toEqual([]);
    // The filter lasts 1 s even though the interval is 10 s.
    h.at(1001);
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
  });

  // Mesos keeps a set of inverse-offer filters per agent (each with its own
  // timer) and filters while any of them is pending, so a later, shorter
  // filter does not cut a longer one short.
  it('keeps a longer inverse-offer filter when a shorter one is added', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(600_000) });
    h.events();
    expect(h.rec.takeInverse()).toHaveLength(1);
    h.a.updateInverseOffer(agent, fw, undefined, { refuseSeconds: 100 });
    h.a.updateInverseOffer(agent, fw, undefined, { refuseSeconds: 1 });
    h.at(2_000);
    expect(h.rec.takeInverse()).toEqual([]);
    h.at(100_001);
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
  });

  it('drops inverse-offer filters and statuses when the unavailability changes', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(60_000) });
    h.events();
    expect(h.rec.takeInverse()).toHaveLength(1);
    h.a.updateInverseOffer(agent, fw, { status: allocatorProto.InverseOfferStatus_Status.ACCEPT }, { refuseSeconds: 1000 });
    h.tick();
    expect(h.rec.takeInverse()).toEqual([]);

    h.a.updateUnavailability(agent, unavailability(120_000));
    expect(h.a.inverseOfferStatuses().get(agent)?.size).toBe(0);
    h.events();
    const inverse = h.rec.takeInverse();
    expect(inverse).toHaveLength(1);
    expect(inverse[0]!.request.unavailability.start?.nanoseconds).toBe(120_000n * 1_000_000n);

    // Cancelling maintenance stops inverse offers and drops the statuses.
    h.a.updateInverseOffer(agent, fw);
    h.a.updateUnavailability(agent);
    h.events();
    expect(h.rec.takeInverse()).toEqual([]);
    expect(h.a.inverseOfferStatuses().has(agent)).toBe(false);
  });

  it('clears every inverse-offer filter of a framework when it revives', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(60_000) });
    h.events();
    expect(h.rec.takeInverse()).toHaveLength(1);
    h.a.updateInverseOffer(agent, fw, undefined, { refuseSeconds: 1000 });
    h.tick();
    expect(h.rec.takeInverse()).toEqual([]);
    h.a.reviveOffers(fw);
    h.events();
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
  });

  it('clears inverse-offer filters on updateFramework, even when no role is revived', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(60_000) });
    h.events();
    expect(h.rec.takeInverse()).toHaveLength(1);
    h.a.updateInverseOffer(agent, fw, undefined, { refuseSeconds: 1000 });
    h.tick();
    expect(h.rec.takeInverse()).toEqual([]);
    h.a.updateFramework(fw, fwInfo(['role']));
    h.tick();
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
  });

  it('makes no inverse offers to an inactive framework', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024');
    h.events();
    h.a.deactivateFramework(fw);
    h.a.updateUnavailability(agent, unavailability(60_000));
    h.events();
    expect(h.rec.takeInverse()).toEqual([]);
    h.a.activateFramework(fw);
    h.events();
    expect(h.rec.takeInverse().map((i) => i.agentId)).toEqual([agent]);
  });

  it('still makes inverse offers for a deactivated (draining) agent', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024');
    h.events();
    h.a.deactivateAgent(agent);
    h.a.updateUnavailability(agent, unavailability(60_000));
    h.events();
    expect(h.rec.takeInverse().map((i) => [i.frameworkId, i.agentId])).toEqual([[fw, agent]]);
  });

  it('refuses an inverse-offer reply for an agent without maintenance', () => {
    const h = new Harness();
    const fw = h.framework(['role']);
    const agent = h.agent('cpus:2;mem:1024');
    expect(() => h.a.updateInverseOffer(agent, fw)).toThrow();
  });

  it('keeps offering an agent in maintenance as usual', () => {
    const h = new Harness();
    const agent = h.agent('cpus:2;mem:1024', { unavailability: unavailability(60_000) });
    const fw = h.framework(['role']);
    expect(h.events()).toEqual(expected([fw, 'role', agent, 'cpus:2;mem:1024']));
  });
});
