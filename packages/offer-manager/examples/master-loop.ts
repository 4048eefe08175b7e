/**
 * The offer half of a Mesos master, composed from the allocator and the
 * offer manager: offers out, ACCEPT / DECLINE in, rescinds on agent loss and
 * on --offer_timeout. Run with:
 *   npx tsx --conditions=@mesos-ts/source packages/offer-manager/examples/master-loop.ts
 */
import { HierarchicalAllocator } from '@mesos-ts/allocator';
import { FakeClock, agentInfo, frameworkInfo, seededRandom } from '@mesos-ts/allocator/testing';
import { OfferManager, type OutstandingOffer } from '@mesos-ts/offer-manager';
import { launch, mockAgent, task } from '@mesos-ts/offer-manager/testing';
import type { Offer_Operation } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';

const clock = new FakeClock(); // a real master: { now: () => performance.now() }
const say = (event: string, data: object): void => console.log(event, JSON.stringify(data));

const agents = new Map([
  ['agent-1', mockAgent('host-1')],
  ['agent-2', mockAgent('host-2')],
]);
const offers = new OfferManager({ clock, masterId: 'master-1', offerTimeoutMs: 60_000 });
const allocator = new HierarchicalAllocator({
  clock,
  random: seededRandom(1),
  // Master::offer: record the offers, send them, give back what cannot be offered.
  offerCallback: (frameworkId, offerMap) => {
    const made = offers.createOffers(frameworkId, offerMap, (id) => agents.get(id));
    for (const x of made.returned) allocator.recoverResources(frameworkId, x.agentId, x.resources);
    // made.forFramework holds the Offer messages for the framework's OFFERS event.
    for (const o of made.offers) say('OFFER', { id: o.id, agent: o.agentId, resources: String(o.resources.unallocate()) });
  },
});

// RESCIND events and recovery without a filter, for offers the master takes back.
function rescind(why: string, taken: readonly OutstandingOffer[]): void {
  for (const o of taken) {
    say('RESCIND', { id: o.id, why });
    allocator.recoverResources(o.frameworkId, o.agentId, o.resources);
  }
}

// Master::accept: the offer manager validates and accounts, the master tells the allocator.
function accept(frameworkId: string, offerIds: string[], operations: Offer_Operation[], refuseSeconds = 5): void {
  const result = offers.accept(frameworkId, offerIds, operations);
  if (!result.ok) {
    say('ACCEPT refused', { error: result.error.error.message });
    for (const o of result.error.discarded) allocator.recoverResources(frameworkId, o.agentId, o.resources);
    return;
  }
  const v = result.value;
  if (v.allocatorOperations.length > 0) allocator.updateAllocation(frameworkId, v.agentId, v.offered, v.allocatorOperations);
  allocator.recoverResources(frameworkId, v.agentId, v.converted);
  allocator.recoverResources(frameworkId, v.agentId, v.declined, { refuseSeconds });
  rescind('volume destroyed', v.rescinded);
  for (const op of v.operations) for (const t of op.tasks ?? []) say(t.error ? 'TASK_ERROR' : 'RUN_TASK', { task: t.taskId, ...(t.error ? { message: t.error.message } : { resources: String(t.consumed.unallocate()) }) });
  say('ACCEPTED', { declined: String(v.declined.unallocate()) });
}

for (const [id, agent] of agents) allocator.addAgent(id, agentInfo(agent.hostname), Resources.mustParse('cpus:4;mem:4096'));
allocator.addFramework('fw-1', frameworkInfo(['web']));
allocator.allocate();

const [first, second] = offers.offersOf('fw-1');
accept('fw-1', [first!.id], [launch(task('web-1', 'cpus:1;mem:512', { agentId: first!.agentId }), task('too-big', 'cpus:8', { agentId: first!.agentId }))]);
accept('fw-1', [first!.id], []); // already used: refused as Mesos refuses it
const declined = offers.decline('fw-1', [second!.id]);
for (const o of declined.declined) allocator.recoverResources('fw-1', o.agentId, o.resources, { refuseSeconds: 30 });

clock.advance(6_000); // past the ACCEPT's 5 s filter, not the DECLINE's 30 s
allocator.allocate();

allocator.removeAgent('agent-1'); // as Master::_removeSlave: allocator first, then rescinds
agents.delete('agent-1');
rescind('agent removed', offers.rescindAgent('agent-1'));

clock.advance(30_000);
allocator.allocate(); // agent-2 is offered again after the decline filter
clock.advance(offers.nextExpiry()! - clock.now()); // the master's --offer_timeout timer fires
rescind('offer timeout', offers.expire());
say('OUTSTANDING', { offers: offers.size });
