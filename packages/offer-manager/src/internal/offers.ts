/**
 * Building `Offer` messages: the full one the master keeps, and the one a
 * framework is shown (Mesos's `Master::offer`).
 *
 * Offers are made by the thousand per allocation run, so nothing here deep
 * copies: the agent's attributes, URL, domain and unavailability are shared
 * by reference with the description they came from, and a framework's view
 * shares whatever it does not change with the recorded offer. All of it is
 * read-only by contract (see `AgentDescription` and `CreatedOffers`).
 */
import type { Offer, Resource } from '@mesos-ts/proto';
import type { Resources } from '@mesos-ts/resources';
import type { AgentDescription, FrameworkOfferFormat } from '../types';

const NO_ATTRIBUTES: Offer['attributes'] = [];

/** The offer as the master records it: every field Mesos fills in, resources with allocation info. */
export function buildOffer(id: string, frameworkId: string, agentId: string, role: string, resources: Resources, agent: AgentDescription): Offer {
  const offer: Offer = {
    id: { value: id },
    frameworkId: { value: frameworkId },
    agentId: { value: agentId },
    hostname: agent.hostname,
    resources: resources.toProto(),
    attributes: (agent.attributes as Offer['attributes']) ?? NO_ATTRIBUTES,
    executorIds: agent.executorIds === undefined ? [] : agent.executorIds.map((value) => ({ value })),
    allocationInfo: { role },
  };
  if (agent.url !== undefined) offer.url = agent.url;
  if (agent.domain !== undefined) offer.domain = agent.domain;
  if (agent.unavailability !== undefined) offer.unavailability = agent.unavailability;
  return offer;
}

/**
 * The offer as the framework sees it. Mesos strips `ephemeral_ports` (a
 * resource only the port-mapping isolator uses), drops allocation info for
 * frameworks without MULTI_ROLE (MESOS-8237) and downgrades reservations for
 * frameworks without RESERVATION_REFINEMENT.
 */
export function offerForFramework(offer: Offer, resources: Resources, format: FrameworkOfferFormat): Offer {
  const multiRole = format.multiRole ?? true;
  const refinement = format.reservationRefinement ?? true;
  // A scan, not `byName(...)`: this runs for every offer made, and byName builds a Resources to throw away.
  let ephemeral = false;
  for (const entry of resources) {
    if (entry.name === 'ephemeral_ports') {
      ephemeral = true;
      break;
    }
  }
  if (multiRole && refinement && !ephemeral) return { ...offer };

  const shown = ephemeral ? resources.filter((e) => e.name !== 'ephemeral_ports') : resources;
  let protos: Resource[] = shown.toProto(refinement ? {} : { format: 'pre-reservation-refinement' });
  if (!multiRole) {
    protos = protos.map((r) => {
      const { allocationInfo: _dropped, ...rest } = r;
      return rest;
    });
  }
  const view: Offer = { ...offer, resources: protos };
  if (!multiRole) delete view.allocationInfo;
  return view;
}
