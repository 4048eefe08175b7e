/**
 * @mesos-ts/offer-manager: the outstanding offers of a Mesos master, as a
 * pure library. See README.md for how the master drives it with the
 * allocator.
 */
export { OfferManager } from './offer-manager';
export type {
  AcceptOptions,
  AcceptOutcome,
  AcceptRejection,
  AgentDescription,
  AgentLookup,
  Clock,
  CreatedOffers,
  DeclineOutcome,
  FrameworkOfferFormat,
  OfferManagerOptions,
  OfferMap,
  OperationContext,
  OperationOutcome,
  OutstandingOffer,
  ReturnedResources,
  TaskContext,
  TaskOutcome,
} from './types';
