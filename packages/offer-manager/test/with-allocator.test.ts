/**
 * The offer manager composed with the real allocator, the way the master
 * composes them (Mesos's Master::offer / accept / decline / rescindOffer).
 * The allocator throws if it is handed back resources a framework does not
 * hold, so a run without exceptions shows that every outcome is consistent
 * with the allocator's books; after each step the allocator's view of each
 * framework must equal its outstanding offers plus what it launched.
 */
import { HierarchicalAllocator, type OfferMap as AllocatorOfferMap } from '@mesos-ts/allocator';
import { FakeClock, agentInfo, frameworkInfo, seededRandom } from '@mesos-ts/allocator/testing';
import { Resources } from '@mesos-ts/resources';
import { OfferManager, type AcceptOutcome, type OutstandingOffer } from '../src';
import { dynamicallyReserved, launch, mockAgent, r, reserve, task, unreserve } from '../src/testing';

const FRAMEWORKS = [
  ['web', ['web']],
  ['batch', ['batch']],
  ['multi', ['web', 'api']],
] as const;

interface Stats {
  offers: number;
  launches: number;
  conversions: number;
  declined: number;
  expired: number;
  rescinded: number;
}

function run(seed: number, steps: number): Stats {
  const stats: Stats = { offers: 0, launches: 0, conversions: 0, declined: 0, expired: 0, rescinded: 0 };
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const clock = new FakeClock();
  const pending: Array<[string, AllocatorOfferMap]> = [];
  const allocator = new HierarchicalAllocator({ clock, random, offerCallback: (fw, offers) => pending.push([fw, offers]) });
  const om = new OfferManager({ clock, masterId: 'master', offerTimeoutMs: 10_000 });
  const agents = new Map<string, boolean>(); // id -> present
  const launched = new Map<string, Map<string, Resources>>(); // fw -> agent -> kept

  const keep = (fw: string, agent: string, res: Resources): void => {
    const byAgent = launched.get(fw) ?? new Map<string, Resources>();
    byAgent.set(agent, (byAgent.get(agent) ?? Resources.EMPTY).plus(res));
    launched.set(fw, byAgent);
  };
  const recover = (offers: readonly OutstandingOffer[], refuseSeconds?: number): void => {
    for (const o of offers) allocator.recoverResources(o.frameworkId, o.agentId, o.resources, refuseSeconds === undefined ? undefined : { refuseSeconds });
  };
  const applyAccept = (v: AcceptOutcome, refuseSeconds: number): void => {
    if (!v.launched.isEmpty()) stats.launches++;
    if (v.allocatorOperations.length > 0) stats.conversions++;
    if (v.allocatorOperations.length > 0) allocator.updateAllocation(v.frameworkId, v.agentId, v.offered, v.allocatorOperations);
    allocator.recoverResources(v.frameworkId, v.agentId, v.converted);
    allocator.recoverResources(v.frameworkId, v.agentId, v.declined, { refuseSeconds });
    keep(v.frameworkId, v.agentId, v.launched.plus(v.pendingOperations));
    recover(v.rescinded);
  };

  let nextAgent = 0;
  const addAgent = (): void => {
    const id = `agent-${nextAgent++}`;
    agents.set(id, true);
    allocator.addAgent(id, agentInfo(id), r('cpus:8;mem:8192;disk:1000;ports:[31000-31099]'));
  };
  for (let i = 0; i < 4; i++) addAgent();
  for (const [id, roles] of FRAMEWORKS) allocator.addFramework(id, frameworkInfo([...roles]));

  for (let step = 0; step < steps; step++) {
    allocator.allocate();
    for (const [fw, offers] of pending.splice(0)) {
      const created = om.createOffers(fw, offers, (id) => (agents.get(id) === true ? mockAgent(id) : undefined));
      stats.offers += created.offers.length;
      for (const x of created.returned) allocator.recoverResources(fw, x.agentId, x.resources);
    }

    // Each framework answers some of its offers.
    for (const [fw] of FRAMEWORKS) {
      for (const offer of om.offersOf(fw)) {
        const choice = random();
        if (choice < 0.25) {
          stats.declined++;
          recover(om.decline(fw, [offer.id]).declined, pick([0, 1, 5]));
        } else if (choice < 0.75) {
          const reserved = dynamicallyReserved('cpus:1;mem:512', offer.role);
          const ops = [
            reserve(reserved),
            launch(task(`t${step}a`, pick(['cpus:1;mem:256', 'cpus:2;mem:1024;ports:[31000-31001]', 'cpus:100'])), task(`t${step}b`, reserved)),
            unreserve(dynamicallyReserved(pick(['cpus:1', 'cpus:0.5', 'mem:512']), offer.role)),
          ].slice(0, 1 + Math.floor(random() * 3));
          const res = om.accept(fw, [offer.id], ops);
          if (!res.ok) throw res.error.error;
          applyAccept(res.value, pick([0, 5]));
        }
        // else: keep it outstanding; it may time out.
      }
    }

    // Now and then an agent goes away, a task ends, or a framework fails over.
    const event = random();
    if (event < 0.05 && agents.size > 1) {
      const id = pick([...agents.keys()].filter((a) => agents.get(a)));
      if (id !== undefined) {
        allocator.removeAgent(id); // as Master::_removeSlave: the allocator first, then the rescinds
        agents.set(id, false);
        const gone = om.rescindAgent(id);
        stats.rescinded += gone.length;
        recover(gone);
        for (const byAgent of launched.values()) byAgent.delete(id);
      }
    } else if (event < 0.1) {
      addAgent();
    } else if (event < 0.3) {
      const [fw] = pick(FRAMEWORKS);
      const byAgent = launched.get(fw);
      const entry = byAgent === undefined ? undefined : pick([...byAgent.entries()]);
      if (entry !== undefined) {
        allocator.recoverResources(fw, entry[0], entry[1]); // its tasks finished
        byAgent!.delete(entry[0]);
      }
    } else if (event < 0.33) {
      const [fw] = pick(FRAMEWORKS);
      allocator.deactivateFramework(fw);
      recover(om.rescindFramework(fw));
      allocator.activateFramework(fw);
    }

    clock.advance(pick([100, 1000, 4000]));
    const expired = om.expire();
    stats.expired += expired.length;
    recover(expired);

    // The allocator's books and the offer manager's agree.
    for (const [fw] of FRAMEWORKS) {
      const held = allocator.allocation(fw);
      const expected = new Map<string, Resources>();
      for (const o of om.offersOf(fw)) expected.set(o.agentId, (expected.get(o.agentId) ?? Resources.EMPTY).plus(o.resources));
      for (const [agent, res] of launched.get(fw) ?? []) expected.set(agent, (expected.get(agent) ?? Resources.EMPTY).plus(res));
      for (const [agent, res] of expected) if (res.isEmpty()) expected.delete(agent);
      expect([...held.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [agent, res] of held) expect(res.toString()).toBe(expected.get(agent)!.toString());
    }
  }
  return stats;
}

describe('with the hierarchical allocator', () => {
  it.each([1, 2, 3, 4])('offers, accepts, declines, rescinds and expiry keep both books equal (seed %i)', (seed) => {
    const stats = run(seed, 60);
    // The run exercised what it is meant to.
    expect(stats.offers).toBeGreaterThan(50);
    expect(stats.launches).toBeGreaterThan(5);
    expect(stats.conversions).toBeGreaterThan(5);
    expect(stats.declined).toBeGreaterThan(5);
  });

  it('over all seeds, offers also expire and are rescinded with their agent', () => {
    const totals = [1, 2, 3, 4].map((seed) => run(seed, 60));
    expect(totals.reduce((n, s) => n + s.expired, 0)).toBeGreaterThan(0);
    expect(totals.reduce((n, s) => n + s.rescinded, 0)).toBeGreaterThan(0);
  });
});
