/**
 * Harnesses for testing code built on the allocator (and the allocator
 * itself): a fake clock, seeded randomness, framework and agent builders, and
 * a recorder of the offers the allocator makes. Real implementations, no mocks.
 */
import { FrameworkInfo_Capability_Type, type AgentInfo, type FrameworkInfo } from '@mesos-ts/proto';
import { createRng } from '@mesos-ts/proto/testing';
import { Resources } from '@mesos-ts/resources';
import type { Clock, OfferMap, UnavailableResources } from '../types';

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A seeded PRNG (mulberry32, from @mesos-ts/proto/testing): the same seed gives the same shuffles. */
export const seededRandom: (seed: number) => () => number = createRng;

export type FrameworkCapabilityName = keyof typeof FrameworkInfo_Capability_Type;

/**
 * A FrameworkInfo with MULTI_ROLE (as Mesos's test helper makes them) and the
 * given roles and extra capabilities.
 */
export function frameworkInfo(roles: readonly string[] = ['role1'], capabilities: readonly FrameworkCapabilityName[] = [], name = 'framework'): FrameworkInfo {
  const caps = new Set<FrameworkCapabilityName>(['MULTI_ROLE', ...capabilities]);
  return {
    user: 'user',
    name,
    roles: [...roles],
    capabilities: [...caps].map((c) => ({ type: FrameworkInfo_Capability_Type[c] })),
  };
}

/** An AgentInfo with a hostname (capabilities are passed to `addAgent` separately, as Mesos does). */
export function agentInfo(hostname: string, attributes: AgentInfo['attributes'] = []): AgentInfo {
  return { hostname, attributes };
}

/** `Resources.mustParse`, for brevity in tests. */
export function r(text: string, defaultRole?: string): Resources {
  return Resources.mustParse(text, defaultRole);
}

export interface RecordedOffer {
  readonly frameworkId: string;
  readonly role: string;
  readonly agentId: string;
  readonly resources: Resources;
}

/** Collects what the offer and inverse-offer callbacks receive. */
export class OfferRecorder {
  readonly offers: RecordedOffer[] = [];
  readonly inverseOffers: Array<{ frameworkId: string; agentId: string; request: UnavailableResources }> = [];

  readonly offerCallback = (frameworkId: string, offers: OfferMap): void => {
    for (const [role, byAgent] of offers) for (const [agentId, resources] of byAgent) this.offers.push({ frameworkId, role, agentId, resources });
  };

  readonly inverseOfferCallback = (frameworkId: string, offers: Map<string, UnavailableResources>): void => {
    for (const [agentId, request] of offers) this.inverseOffers.push({ frameworkId, agentId, request });
  };

  /** Returns and forgets the offers recorded so far. */
  take(): RecordedOffer[] {
    return this.offers.splice(0);
  }

  takeInverse(): Array<{ frameworkId: string; agentId: string; request: UnavailableResources }> {
    return this.inverseOffers.splice(0);
  }

  /** Total resources offered to a framework (optionally on one agent) among recorded offers. */
  sum(frameworkId: string, agentId?: string): Resources {
    return Resources.sum(this.offers.filter((o) => o.frameworkId === frameworkId && (agentId === undefined || o.agentId === agentId)).map((o) => o.resources));
  }
}
