import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { Offer, OfferID, Offer_Operation, Resource } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { processAccept } from './internal/accept';
import { buildOffer, offerForFramework } from './internal/offers';
import { validateOfferIds } from './internal/validate-offers';
import type {
  AcceptOptions,
  AcceptOutcome,
  AcceptRejection,
  AgentLookup,
  Clock,
  CreatedOffers,
  DeclineOutcome,
  FrameworkOfferFormat,
  OfferManagerOptions,
  OfferMap,
  OutstandingOffer,
  ReturnedResources,
} from './types';

function idOf(id: string | OfferID): string {
  return typeof id === 'string' ? id : (id.value ?? '');
}

/**
 * The master's book of outstanding offers, as Apache Mesos keeps it in its
 * `Master`: it turns what the allocator hands out into `Offer` messages with
 * IDs `<masterId>-O<n>`, indexes them by ID, framework and agent, validates
 * and accounts ACCEPT and DECLINE calls against them, and removes them when
 * they are rescinded (agent lost, framework gone, `--offer_timeout`).
 *
 * It is pure: no I/O and no timers. Every call returns plain data saying what
 * the master is to do next: which resources go back to the allocator (and
 * with which filters), which offers need a RESCIND event, what an ACCEPT
 * launches. Time comes from the injected clock; the master calls
 * {@link expire} when {@link nextExpiry} says so.
 *
 * Invariant: an offer is outstanding from {@link createOffers} until exactly
 * one call removes it (accept, decline, a rescind, expiry or framework
 * removal), and that call hands its resources back to the caller once.
 */
export class OfferManager {
  private readonly clock: Clock;
  private readonly masterId: string;
  private readonly offerTimeoutMs: number | undefined;
  private nextId = 0;
  // Insertion order is creation order; with a monotonic clock and one
  // timeout, it is also expiry order, so expire() stops at the first live one.
  private readonly offers = new Map<string, OutstandingOffer>();
  private readonly byFramework = new Map<string, Set<string>>();
  private readonly byAgent = new Map<string, Set<string>>();

  /**
   * @throws MesosTsError INVALID_ARGUMENT if `masterId` is empty or
   *   `offerTimeoutMs` is not a number greater than zero (Mesos refuses to
   *   start with such an `--offer_timeout`).
   */
  constructor(options: OfferManagerOptions) {
    if (options.masterId === '') throw new MesosTsError('INVALID_ARGUMENT', "'masterId' must not be empty");
    const timeout = options.offerTimeoutMs;
    if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) {
      throw new MesosTsError('INVALID_ARGUMENT', `Invalid value '${timeout}' for 'offerTimeoutMs' (--offer_timeout): Must be greater than zero`);
    }
    this.clock = options.clock;
    this.masterId = options.masterId;
    this.offerTimeoutMs = timeout;
  }

  /**
   * A fresh offer ID, `<masterId>-O<n>` with n counting from 0, as Mesos's
   * `Master::newOfferId()`. {@link createOffers} uses it; a master making
   * inverse offers takes their IDs from here too (Mesos draws both from one
   * counter).
   */
  newOfferId(): string {
    return `${this.masterId}-O${this.nextId++}`;
  }

  // ------------------------------------------------------------------ offers

  /**
   * Turns one allocator run's offers to a framework into `Offer` messages,
   * one per (role, agent) as Mesos makes them, and records them as
   * outstanding. Resources on an agent `agent` does not know, or that is not
   * active, are returned instead, as `Master::offer` does.
   *
   * Precondition: the framework is known and active (the master returns
   * the whole map to the allocator otherwise, as Mesos does). Each resources
   * value should be allocated to its role; it is (re)allocated to make sure.
   *
   * @param format the framework's capabilities, for `forFramework`.
   */
  createOffers(frameworkId: string, offers: OfferMap, agent: AgentLookup, format: FrameworkOfferFormat = {}): CreatedOffers {
    const created: OutstandingOffer[] = [];
    const forFramework: Offer[] = [];
    const returned: ReturnedResources[] = [];
    const now = this.clock.now();
    const expiresAt = this.offerTimeoutMs === undefined ? undefined : now + this.offerTimeoutMs;

    for (const [role, byAgent] of offers) {
      for (const [agentId, offered] of byAgent) {
        if (offered.isEmpty()) continue;
        const resources = offered.allocate(role);
        const description = agent(agentId);
        if (description === undefined || description.active === false) {
          returned.push({ agentId, role, resources, reason: description === undefined ? 'UNKNOWN_AGENT' : 'INACTIVE_AGENT' });
          continue;
        }
        const id = this.newOfferId();
        const offer = buildOffer(id, frameworkId, agentId, role, resources, description);
        const record: OutstandingOffer = Object.freeze({ id, frameworkId, agentId, role, resources, offer, createdAt: now, expiresAt });
        this.add(record);
        created.push(record);
        forFramework.push(offerForFramework(offer, resources, format));
      }
    }
    return { offers: created, forFramework, returned };
  }

  /** The outstanding offer with this ID, if any. */
  get(offerId: string | OfferID): OutstandingOffer | undefined {
    return this.offers.get(idOf(offerId));
  }

  /** Whether an offer with this ID is outstanding. */
  has(offerId: string | OfferID): boolean {
    return this.offers.has(idOf(offerId));
  }

  /** How many offers are outstanding. */
  get size(): number {
    return this.offers.size;
  }

  /** Every outstanding offer, oldest first. */
  all(): OutstandingOffer[] {
    return [...this.offers.values()];
  }

  /** The framework's outstanding offers, oldest first. */
  offersOf(frameworkId: string): OutstandingOffer[] {
    return this.collect(this.byFramework.get(frameworkId));
  }

  /** The outstanding offers on an agent, oldest first. */
  offersOn(agentId: string): OutstandingOffer[] {
    return this.collect(this.byAgent.get(agentId));
  }

  /**
   * What is offered and not yet answered: to the framework on the agent, or
   * on all agents when `agentId` is absent (the master's "offered" figures).
   */
  outstandingResources(frameworkId: string, agentId?: string): Resources {
    let total = Resources.EMPTY;
    for (const offer of this.offersOf(frameworkId)) if (agentId === undefined || offer.agentId === agentId) total = total.plus(offer.resources);
    return total;
  }

  // ------------------------------------------------------------------ answers

  /**
   * An ACCEPT call. First the offer IDs are validated as Mesos's
   * `validation::offer::validate` does: at least one; no duplicates; each
   * outstanding ("is no longer valid" otherwise); each the framework's; all
   * for one role; all on one agent. If that fails, the whole call is
   * refused, and the framework's offers among the IDs are removed all the
   * same (Mesos treats them as used): see {@link AcceptRejection}.
   *
   * Otherwise the offers are removed and the operations are taken in order
   * against their resources (see {@link AcceptOutcome}): each operation, or
   * each task of a LAUNCH, that fails is dropped on its own, with an error
   * naming it, and the rest go on, as in Mesos. What is left is declined.
   *
   * @param options what the master knows that the offer manager does not
   *   (running executors, its own validation and authorization hooks).
   */
  accept(frameworkId: string, offerIds: readonly (string | OfferID)[], operations: readonly Offer_Operation[], options: AcceptOptions = {}): Result<AcceptOutcome, AcceptRejection> {
    const ids = offerIds.map(idOf);
    const error = validateOfferIds(ids, frameworkId, (id) => this.offers.get(id));
    if (error !== undefined) {
      const discarded: OutstandingOffer[] = [];
      for (const id of ids) {
        const offer = this.offers.get(id);
        // Mesos discards every named offer that exists, even another
        // framework's (which then vanishes without a RESCIND); only the
        // caller's own are taken here.
        if (offer !== undefined && offer.frameworkId === frameworkId) discarded.push(this.remove(offer));
      }
      return err({ error, discarded });
    }

    const accepted = ids.map((id) => this.remove(this.offers.get(id)!));
    const first = accepted[0]!;
    return ok(
      processAccept({
        frameworkId,
        agentId: first.agentId,
        role: first.role,
        accepted,
        operations,
        options,
        rescindHolding: (volume: Resource) => this.removeWhere(this.offersOn(first.agentId), (o) => o.resources.contains(volume)),
      }),
    );
  }

  /**
   * A DECLINE call: removes the framework's offers among `offerIds`; the
   * master recovers their resources with the DECLINE's filters. IDs that
   * name no outstanding offer are ignored, as Mesos does ("no longer valid"
   * is only logged), and so are another framework's offers (Mesos would
   * discard those too, silently; see the README).
   */
  decline(frameworkId: string, offerIds: readonly (string | OfferID)[]): DeclineOutcome {
    const declined: OutstandingOffer[] = [];
    const ignored: string[] = [];
    for (const raw of offerIds) {
      const id = idOf(raw);
      const offer = this.offers.get(id);
      if (offer === undefined || offer.frameworkId !== frameworkId) ignored.push(id);
      else declined.push(this.remove(offer));
    }
    return { declined, ignored };
  }

  // ------------------------------------------------------------------ rescinds

  /**
   * Rescinds one offer (Mesos's `rescindOffer`): the master sends RESCIND and
   * recovers its resources without a filter. Undefined if not outstanding.
   */
  rescind(offerId: string | OfferID): OutstandingOffer | undefined {
    const offer = this.offers.get(idOf(offerId));
    return offer === undefined ? undefined : this.remove(offer);
  }

  /**
   * Rescinds every offer on the agent: it was removed, marked unreachable,
   * disconnected or deactivated (e.g. draining), or its maintenance schedule
   * changed. Send RESCIND for each and recover it without a filter.
   */
  rescindAgent(agentId: string): OutstandingOffer[] {
    return this.removeWhere(this.offersOn(agentId), () => true);
  }

  /**
   * Rescinds every offer of the framework: it disconnected, was deactivated
   * or failed over. Send RESCIND for each and recover it without a filter.
   */
  rescindFramework(frameworkId: string): OutstandingOffer[] {
    return this.removeWhere(this.offersOf(frameworkId), () => true);
  }

  /**
   * Rescinds the offers matching `predicate`: e.g. offers to roles a
   * framework left (UPDATE_FRAMEWORK), or offers holding revocable resources
   * when an agent's oversubscribed resources change. Send RESCIND for each
   * and recover it without a filter.
   */
  rescindWhere(predicate: (offer: OutstandingOffer) => boolean): OutstandingOffer[] {
    return this.removeWhere(this.all(), predicate);
  }

  /**
   * Removes every offer of a framework that is being removed (torn down,
   * failover timeout passed). Mesos sends no RESCIND then; recover each
   * without a filter.
   */
  removeFramework(frameworkId: string): OutstandingOffer[] {
    return this.removeWhere(this.offersOf(frameworkId), () => true);
  }

  // ------------------------------------------------------------------ expiry

  /**
   * Rescinds the offers that have been outstanding for `offerTimeoutMs` or
   * longer at `clock.now()` (Mesos's `offerTimeout`): send RESCIND for each
   * and recover it without a filter. Nothing without an offer timeout.
   */
  expire(): OutstandingOffer[] {
    if (this.offerTimeoutMs === undefined) return [];
    const now = this.clock.now();
    const expired: OutstandingOffer[] = [];
    for (const offer of this.offers.values()) {
      if (offer.expiresAt! > now) break;
      expired.push(offer);
    }
    for (const offer of expired) this.remove(offer);
    return expired;
  }

  /**
   * When the oldest outstanding offer times out (a `clock.now()` value), for
   * the master's timer; undefined when nothing will. Call {@link expire} then.
   */
  nextExpiry(): number | undefined {
    if (this.offerTimeoutMs === undefined) return undefined;
    for (const offer of this.offers.values()) return offer.expiresAt;
    return undefined;
  }

  // ------------------------------------------------------------------ internals

  private add(offer: OutstandingOffer): void {
    this.offers.set(offer.id, offer);
    index(this.byFramework, offer.frameworkId).add(offer.id);
    index(this.byAgent, offer.agentId).add(offer.id);
  }

  private remove(offer: OutstandingOffer): OutstandingOffer {
    this.offers.delete(offer.id);
    unindex(this.byFramework, offer.frameworkId, offer.id);
    unindex(this.byAgent, offer.agentId, offer.id);
    return offer;
  }

  private removeWhere(candidates: readonly OutstandingOffer[], predicate: (offer: OutstandingOffer) => boolean): OutstandingOffer[] {
    const removed: OutstandingOffer[] = [];
    for (const offer of candidates) if (predicate(offer)) removed.push(this.remove(offer));
    return removed;
  }

  private collect(ids: ReadonlySet<string> | undefined): OutstandingOffer[] {
    if (ids === undefined) return [];
    const out: OutstandingOffer[] = [];
    for (const id of ids) out.push(this.offers.get(id)!);
    return out;
  }
}

function index(map: Map<string, Set<string>>, key: string): Set<string> {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function unindex(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}
