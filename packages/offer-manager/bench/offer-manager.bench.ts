/**
 * The offer manager on the master's hot path: one allocation run's offers
 * to a framework turned into Offer messages (one per agent), then answered.
 * Mesos has no benchmark of its own for this part; the figures have no
 * reference, and the target is that it stays well below the allocator's own
 * cycle for the same cluster (`allocator/DeclineOffers`).
 *
 *   offer-manager/CreateAndDecline: createOffers over A agents, then one
 *     DECLINE naming them all.
 *   offer-manager/CreateAndAccept: createOffers over A agents, then one
 *     ACCEPT per offer launching one task and declining the rest.
 */
import { OfferManager } from '@mesos-ts/offer-manager';
import { launch, mockAgent, task } from '@mesos-ts/offer-manager/testing';
import { Resources } from '@mesos-ts/resources';
import { time, type BenchFigure, type BenchScenario } from '../../../tools/bench/harness';

const AGENTS = [1000, 10_000];

function setup(agents: number) {
  let now = 0;
  const om = new OfferManager({ clock: { now: () => now++ }, masterId: 'bench-master', offerTimeoutMs: 60_000 });
  const offered = Resources.mustParse('cpus:24;mem:4096;disk:4096;ports:[31000-32000]').allocate('web');
  const byAgent = new Map<string, Resources>();
  const descriptions = new Map<string, ReturnType<typeof mockAgent>>();
  for (let i = 0; i < agents; i++) {
    byAgent.set(`agent-${i}`, offered);
    descriptions.set(`agent-${i}`, mockAgent(`host-${i}`, { attributes: [{ name: 'rack', type: 3, text: { value: `r${i % 40}` } }] }));
  }
  const map = new Map([['web', byAgent]]);
  return { om, make: () => om.createOffers('fw', map, (id) => descriptions.get(id)) };
}

function figure(metric: string, ns: number): BenchFigure {
  return { metric, value: ns / 1e6, unit: 'ms' };
}

export const scenarios: BenchScenario[] = [
  ...AGENTS.map(
    (agents): BenchScenario => ({
      name: 'offer-manager/CreateAndDecline',
      params: { agents },
      run: () => {
        const { om, make } = setup(agents);
        const create = time(() => {
          const made = make();
          om.decline('fw', made.offers.map((o) => o.id));
          return made;
        }, { samples: 9 });
        return [figure('create_and_decline_ms_median', create.medianNs)];
      },
    }),
  ),
  ...AGENTS.map(
    (agents): BenchScenario => ({
      name: 'offer-manager/CreateAndAccept',
      params: { agents },
      run: () => {
        const { om, make } = setup(agents);
        const ops = [launch(task('t', 'cpus:1;mem:128;ports:[31000-31000]'))];
        const cycle = time(() => {
          for (const o of make().offers) {
            const res = om.accept('fw', [o.id], ops);
            if (!res.ok) throw res.error.error;
          }
        }, { samples: 9 });
        return [figure('create_and_accept_ms_median', cycle.medianNs)];
      },
    }),
  ),
];
