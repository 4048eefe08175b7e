/**
 * Validation of the offer IDs of an ACCEPT, as Mesos's
 * `validation::offer::validate` (src/master/validation.cpp): the validators
 * run in Mesos's order, each over every ID, and the first error wins, so a
 * call with several problems gets the message Mesos would give.
 */
import { MesosTsError } from '@mesos-ts/errors';
import type { OutstandingOffer } from '../types';

function invalid(message: string): MesosTsError {
  return new MesosTsError('INVALID_ARGUMENT', message);
}

/**
 * @returns the first problem, or undefined when every ID names an
 *   outstanding offer of `frameworkId`, all for one role on one agent.
 */
export function validateOfferIds(offerIds: readonly string[], frameworkId: string, lookup: (id: string) => OutstandingOffer | undefined): MesosTsError | undefined {
  // master.cpp, Master::accept: checked before the offer validators.
  if (offerIds.length === 0) return invalid('No offers specified');

  // validateUniqueOfferID
  const seen = new Set<string>();
  for (const id of offerIds) {
    if (seen.has(id)) return invalid(`Duplicate offer ${id} in offer list`);
    seen.add(id);
  }

  // validateOfferIds
  for (const id of offerIds) {
    if (lookup(id) === undefined) return invalid(`Offer ${id} is no longer valid`);
  }

  // validateFramework
  for (const id of offerIds) {
    const offer = lookup(id)!;
    if (offer.frameworkId !== frameworkId) {
      return invalid(`Offer ${id} has invalid framework ${offer.frameworkId} while framework ${frameworkId} is expected`);
    }
  }

  // validateAllocationRole. (Mesos's message leaves both quotes open; they are closed here.)
  let role: string | undefined;
  for (const id of offerIds) {
    const offer = lookup(id)!;
    if (role === undefined) {
      role = offer.role;
    } else if (offer.role !== role) {
      return invalid(`Aggregated offers must be allocated to the same role. Offer ${id} uses role '${offer.role}' but another is using role '${role}'`);
    }
  }

  // validateSlave
  let agentId: string | undefined;
  for (const id of offerIds) {
    const offer = lookup(id)!;
    if (agentId === undefined) {
      agentId = offer.agentId;
    } else if (offer.agentId !== agentId) {
      return invalid(`Aggregated offers must belong to one single agent. Offer ${id} uses agent ${offer.agentId} and agent ${agentId}`);
    }
  }

  return undefined;
}
