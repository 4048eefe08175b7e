/**
 * The offer manager with a change hook. The polled JSON endpoints show offers (a framework's `offers` and
 * `offered_resources`, an agent's `offered_resources`), so their cache must hear of every offer made and every
 * offer that goes away, whoever calls the offer manager (core, scheduler calls, maintenance, reservations, ...).
 * The offer manager is pure and has no listener of its own; this subclass reports what each of its mutating
 * calls returns, which names exactly the offers added or removed.
 *
 * Invariant (tested in state-offers.test.ts): every public method of {@link OfferManager} that can add or remove
 * an offer is overridden here; a new mutating method there must be added here too.
 */
import { OfferManager, type AcceptOptions, type AcceptOutcome, type AcceptRejection, type AgentLookup, type CreatedOffers, type DeclineOutcome, type FrameworkOfferFormat, type OfferMap, type OutstandingOffer } from '@mesos-ts/offer-manager';
import type { Result } from '@mesos-ts/errors';
import type { OfferID, Offer_Operation } from '@mesos-ts/proto';

/** Offers added to or removed from the book, in one call. */
export type OfferChangeListener = (added: readonly OutstandingOffer[], removed: readonly OutstandingOffer[]) => void;

const NONE: readonly OutstandingOffer[] = Object.freeze([]);

/** Names of the {@link OfferManager} methods that add or remove offers (all overridden below). */
export const MUTATING_OFFER_METHODS = ['createOffers', 'accept', 'decline', 'rescind', 'rescindAgent', 'rescindFramework', 'rescindWhere', 'removeFramework', 'expire'] as const;

/** Names of the {@link OfferManager} methods that only read. */
export const READING_OFFER_METHODS = ['newOfferId', 'get', 'has', 'all', 'offersOf', 'offersOn', 'outstandingResources', 'nextExpiry'] as const;

/** An {@link OfferManager} that tells its listeners about every offer added or removed. */
export class WatchedOfferManager extends OfferManager {
  private readonly listeners = new Set<OfferChangeListener>();

  /** Adds a listener (called synchronously after the change); returns a function that removes it. */
  watch(listener: OfferChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tell(added: readonly OutstandingOffer[], removed: readonly OutstandingOffer[]): void {
    if (this.listeners.size === 0 || (added.length === 0 && removed.length === 0)) return;
    for (const listener of this.listeners) listener(added, removed);
  }

  override createOffers(frameworkId: string, offers: OfferMap, agent: AgentLookup, format: FrameworkOfferFormat = {}): CreatedOffers {
    const made = super.createOffers(frameworkId, offers, agent, format);
    this.tell(made.offers, NONE);
    return made;
  }

  override accept(frameworkId: string, offerIds: readonly (string | OfferID)[], operations: readonly Offer_Operation[], options: AcceptOptions = {}): Result<AcceptOutcome, AcceptRejection> {
    const result = super.accept(frameworkId, offerIds, operations, options);
    if (result.ok) this.tell(NONE, [...result.value.accepted, ...result.value.rescinded]);
    else this.tell(NONE, result.error.discarded);
    return result;
  }

  override decline(frameworkId: string, offerIds: readonly (string | OfferID)[]): DeclineOutcome {
    const outcome = super.decline(frameworkId, offerIds);
    this.tell(NONE, outcome.declined);
    return outcome;
  }

  override rescind(offerId: string | OfferID): OutstandingOffer | undefined {
    const offer = super.rescind(offerId);
    if (offer !== undefined) this.tell(NONE, [offer]);
    return offer;
  }

  override rescindAgent(agentId: string): OutstandingOffer[] {
    return this.removed(super.rescindAgent(agentId));
  }

  override rescindFramework(frameworkId: string): OutstandingOffer[] {
    return this.removed(super.rescindFramework(frameworkId));
  }

  override rescindWhere(predicate: (offer: OutstandingOffer) => boolean): OutstandingOffer[] {
    return this.removed(super.rescindWhere(predicate));
  }

  override removeFramework(frameworkId: string): OutstandingOffer[] {
    return this.removed(super.removeFramework(frameworkId));
  }

  override expire(): OutstandingOffer[] {
    return this.removed(super.expire());
  }

  private removed(offers: OutstandingOffer[]): OutstandingOffer[] {
    this.tell(NONE, offers);
    return offers;
  }
}
