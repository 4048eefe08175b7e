/**
 * Inverse offers, as Mesos 1.11's master makes and takes them back (src/master/master.cpp: `Master::inverseOffer`,
 * `acceptInverseOffers`, `declineInverseOffers`, `inverseOfferTimeout`, `removeInverseOffer`). The allocator decides
 * who is asked (frameworks holding resources on an agent whose machine has an unavailability, not filtered, not
 * already asked) and hands the master a map through its inverse-offer callback; the master turns it into
 * INVERSE_OFFERS events, keeps each one outstanding until the framework answers, it times out
 * (`--offer_timeout`), or it is rescinded (schedule changed, agent or framework gone), and reports answers back to
 * the allocator, whose statuses `/maintenance/status` shows.
 */
import type { UnavailableResources } from '@mesos-ts/allocator';
import { allocator as allocatorProto, scheduler, type Filters, type InverseOffer, type OfferID } from '@mesos-ts/proto';
import type { MasterCore } from './core';
import { agentMachineId, type OutstandingInverseOffer } from './maintenance-state';
import type { Framework } from './model';
import { nowSeconds, timeInfo } from './status';

/** The allocator's inverse-offer callback (Mesos's `Master::inverseOffer`). */
export function makeInverseOffers(core: MasterCore, frameworkId: string, requests: ReadonlyMap<string, UnavailableResources>): void {
  const framework = core.frameworks.get(frameworkId);
  const forget = (agentId: string): void => core.guard('updateInverseOffer', () => core.allocator.updateInverseOffer(agentId, frameworkId));
  if (framework === undefined || framework.state !== 'connected' || !framework.active) {
    core.log.info({ frameworkId }, `Master ignoring inverse offers to framework ${frameworkId} because the framework is ${framework === undefined ? 'gone' : 'not connected or inactive'}`);
    // Clear the allocator's outstanding mark so that the framework is asked again once it is back.
    for (const agentId of requests.keys()) forget(agentId);
    return;
  }
  const made: InverseOffer[] = [];
  for (const [agentId, request] of requests) {
    const agent = core.agents.get(agentId);
    if (agent === undefined) {
      core.log.info({ frameworkId, agentId }, `Master ignoring inverse offers to framework ${frameworkId} because agent ${agentId} is not valid`);
      continue;
    }
    // As Mesos: no inverse offers for an agent that is disconnected or deactivated. The allocator's outstanding mark
    // is cleared so that it asks again once the agent is active (Mesos would never ask again).
    if (!agent.active || !agent.connected) {
      core.log.debug({ frameworkId, agentId }, `Master ignoring inverse offers to framework ${frameworkId} because agent ${agentId} is ${agent.connected ? 'deactivated' : 'disconnected'}`);
      forget(agentId);
      continue;
    }
    if (core.maintenance.unavailabilityOf(agentMachineId(agent)) === undefined) {
      core.log.info({ frameworkId, agentId }, `Master dropping inverse offers to framework ${frameworkId} because agent ${agentId} had its unavailability revoked`);
      forget(agentId);
      continue;
    }
    const id = core.offers.newOfferId();
    const record: OutstandingInverseOffer = { id, frameworkId, agentId, unavailability: request.unavailability, timer: undefined };
    core.maintenance.inverseOffers.set(id, record);
    const timeout = core.flags.offer_timeout;
    if (timeout !== undefined) {
      record.timer = core.timer(timeout, () => {
        if (core.maintenance.inverseOffers.get(id) !== record) return;
        core.log.info({ frameworkId, agentId, inverseOfferId: id }, `Rescinding inverse offer ${id}: --offer_timeout passed`);
        forget(agentId);
        removeInverseOffer(core, record, true);
      });
    }
    const offer: InverseOffer = {
      id: { value: id },
      url: { scheme: 'http', address: { hostname: agent.info.hostname ?? '', ip: agent.ip, port: agent.port }, path: '/slave(1)' },
      frameworkId: { value: frameworkId },
      agentId: { value: agentId },
      unavailability: request.unavailability,
    };
    // An empty request means the whole agent (Mesos leaves `resources` empty then too).
    if (!request.resources.isEmpty()) offer.resources = request.resources.toProto();
    made.push(offer);
  }
  if (made.length === 0) return;
  core.log.info({ frameworkId, inverseOffers: made.map((o) => o.id?.value) }, `Sending ${made.length} inverse offers to framework ${frameworkId}`);
  core.sendToFramework(framework, { type: scheduler.Event_Type.INVERSE_OFFERS, inverseOffers: { inverseOffers: made } });
}

/** Takes an inverse offer off the books; with `rescind`, the framework gets RESCIND_INVERSE_OFFER. */
export function removeInverseOffer(core: MasterCore, record: OutstandingInverseOffer, rescind: boolean): void {
  record.timer?.cancel();
  record.timer = undefined;
  if (!core.maintenance.inverseOffers.delete(record.id)) return;
  if (!rescind) return;
  const framework = core.frameworks.get(record.frameworkId);
  if (framework !== undefined) {
    core.sendToFramework(framework, { type: scheduler.Event_Type.RESCIND_INVERSE_OFFER, rescindInverseOffer: { inverseOfferId: { value: record.id } } });
  }
}

/**
 * Rescinds every inverse offer on an agent (its unavailability changed, or it is going away). The allocator is told
 * first, so that it asks again for the new unavailability.
 */
export function rescindInverseOffersOn(core: MasterCore, agentId: string, tellAllocator = true): void {
  for (const record of core.maintenance.inverseOffersOn(agentId)) {
    if (tellAllocator) core.guard('updateInverseOffer', () => core.allocator.updateInverseOffer(agentId, record.frameworkId));
    removeInverseOffer(core, record, true);
  }
}

/** Drops a framework's inverse offers without a word (it is gone or no longer active); the allocator forgets them. */
export function dropInverseOffersOf(core: MasterCore, frameworkId: string, tellAllocator: boolean): void {
  for (const record of core.maintenance.inverseOffersTo(frameworkId)) {
    if (tellAllocator) core.guard('updateInverseOffer', () => core.allocator.updateInverseOffer(record.agentId, frameworkId));
    removeInverseOffer(core, record, false);
  }
}

function answer(core: MasterCore, framework: Framework, ids: readonly OfferID[], filters: Filters | undefined, status: allocatorProto.InverseOfferStatus_Status, verb: 'accept' | 'decline'): void {
  for (const offerId of ids) {
    const id = offerId.value ?? '';
    const record = core.maintenance.inverseOffers.get(id);
    if (record === undefined || record.frameworkId !== framework.id) {
      core.log.warn({ frameworkId: framework.id, inverseOfferId: id }, `Ignoring ${verb} of inverse offer ${id} since it is no longer valid`);
      continue;
    }
    const reply: allocatorProto.InverseOfferStatus = { status, frameworkId: { value: framework.id }, timestamp: timeInfo(nowSeconds()) };
    // Mesos passes the call's filters as they are: an unset Filters reads as the default 5 seconds.
    core.guard('updateInverseOffer', () => core.allocator.updateInverseOffer(record.agentId, framework.id, reply, { refuseSeconds: filters?.refuseSeconds }));
    removeInverseOffer(core, record, false);
  }
}

/** ACCEPT_INVERSE_OFFERS: the framework will comply; the allocator records it, with the call's filters. */
export function acceptInverseOffers(core: MasterCore, framework: Framework, call: scheduler.Call_AcceptInverseOffers): void {
  const ids = call.inverseOfferIds ?? [];
  if (ids.length === 0) {
    core.log.warn({ frameworkId: framework.id }, 'ACCEPT_INVERSE_OFFERS call used invalid offers: No inverse offers specified');
    return;
  }
  core.log.info({ frameworkId: framework.id, inverseOffers: ids.map((o) => o.value) }, `Processing ACCEPT_INVERSE_OFFERS call for framework ${framework.id}`);
  answer(core, framework, ids, call.filters, allocatorProto.InverseOfferStatus_Status.ACCEPT, 'accept');
}

/** DECLINE_INVERSE_OFFERS: the framework cannot comply; recorded the same way. */
export function declineInverseOffers(core: MasterCore, framework: Framework, call: scheduler.Call_DeclineInverseOffers): void {
  const ids = call.inverseOfferIds ?? [];
  core.log.info({ frameworkId: framework.id, inverseOffers: ids.map((o) => o.value) }, `Processing DECLINE_INVERSE_OFFERS call for framework ${framework.id}`);
  answer(core, framework, ids, call.filters, allocatorProto.InverseOfferStatus_Status.DECLINE, 'decline');
}
