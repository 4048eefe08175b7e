/**
 * Shared harness for the allocator's behaviour tests (the port of Mesos
 * 1.11's hierarchical_allocator_tests.cpp). Not a test file itself.
 *
 * Timing model. Mesos's tests pause the clock; runs happen either because an
 * event asked for one (adding an agent or framework, a revive; Mesos batches
 * them and `Clock::settle()` lets the batch run) or because the periodic timer
 * fired (`Clock::advance(allocation_interval)`). Here `events()` is the batched
 * event-driven run (`allocatePending()`) and `tick()` advances the fake clock
 * by one interval and runs over all agents (`allocate()`).
 */
import type { AgentInfo, Resource, Unavailability } from '@mesos-ts/proto';
import { Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, Volume_Mode } from '@mesos-ts/proto';
import { ResourceLimits, ResourceQuantities, Resources } from '@mesos-ts/resources';
import { HierarchicalAllocator, type AgentCapabilities, type AllocatorOptions, type Quota } from '../src/index';
import {
  FakeClock,
  OfferRecorder,
  agentInfo,
  frameworkInfo,
  r,
  seededRandom,
  type FrameworkCapabilityName,
  type RecordedOffer,
} from '../src/testing/index';

export { r };

/** What one or more runs offered: framework -> role -> agent -> resources (printed, allocation info stripped). */
export type OfferTable = Record<string, Record<string, Record<string, string>>>;

/**
 * Offers as a table. Checks on the way that every offered resource carries
 * the allocation info of the role it was offered under.
 */
export function table(offers: readonly RecordedOffer[]): OfferTable {
  const out: OfferTable = {};
  const sums = new Map<string, Resources>();
  for (const o of offers) {
    const roles = [...o.resources.allocations().keys()];
    if (roles.length !== 1 || roles[0] !== o.role) {
      throw new Error(`offer to ${o.frameworkId} under role ${o.role} on ${o.agentId} is allocated to [${roles.join(', ')}]: ${o.resources.toString()}`);
    }
    const key = `${o.frameworkId}\u0000${o.role}\u0000${o.agentId}`;
    sums.set(key, (sums.get(key) ?? Resources.empty()).plus(o.resources.unallocate()));
  }
  for (const [key, res] of sums) {
    const [fw, role, agent] = key.split('\u0000') as [string, string, string];
    ((out[fw] ??= {})[role] ??= {})[agent] = res.toString();
  }
  return out;
}

/** An expected offer: framework, role, agent, resources (unallocated). */
export type Expected = readonly [framework: string, role: string, agent: string, resources: Resources | string];

/** The table the given offers make (same shape as `table`). */
export function expected(...offers: Expected[]): OfferTable {
  const out: OfferTable = {};
  for (const [fw, role, agent, res] of offers) {
    const value = typeof res === 'string' ? r(res) : res;
    const slot = ((out[fw] ??= {})[role] ??= {});
    slot[agent] = (slot[agent] === undefined ? value : r(slot[agent]!).plus(value)).toString();
  }
  return out;
}

/** The sum of what a set of offers gave to one framework (allocation info stripped). */
export function sumFor(offers: readonly RecordedOffer[], frameworkId: string, role?: string): Resources {
  return Resources.sum(offers.filter((o) => o.frameworkId === frameworkId && (role === undefined || o.role === role)).map((o) => o.resources.unallocate()));
}

/** Mesos's test `createQuota(guarantees[, limits])`: one string sets both. */
export function quota(guarantees: string, limits: string = guarantees): Quota {
  return {
    guarantees: guarantees === '' ? ResourceQuantities.EMPTY : unwrap(ResourceQuantities.fromString(guarantees)),
    limits: limits === '' ? ResourceLimits.NONE : unwrap(ResourceLimits.fromString(limits)),
  };
}

function unwrap<T>(res: { ok: true; value: T } | { ok: false; error: Error }): T {
  if (!res.ok) throw res.error;
  return res.value;
}

/** `resources` with a DYNAMIC reservation for `role` pushed on top. */
export function dynamic(resources: Resources | string, role: string, principal?: string): Resources {
  const res = typeof resources === 'string' ? r(resources) : resources;
  return res.pushReservation(principal === undefined ? { type: Resource_ReservationInfo_Type.DYNAMIC, role } : { type: Resource_ReservationInfo_Type.DYNAMIC, role, principal });
}

/** `resources` with a STATIC reservation for `role` (only valid on unreserved resources). */
export function statically(resources: Resources | string, role: string): Resources {
  const res = typeof resources === 'string' ? r(resources) : resources;
  return res.pushReservation({ type: Resource_ReservationInfo_Type.STATIC, role });
}

/** Reserves with the given reservation type (Mesos's parameterised reservation tests). */
export function reserved(resources: Resources | string, role: string, type: 'STATIC' | 'DYNAMIC'): Resources {
  return type === 'STATIC' ? statically(resources, role) : dynamic(resources, role);
}

function fromProtos(protos: Resource[]): Resources {
  return unwrap(Resources.fromProto(protos));
}

function eachProto(resources: Resources | string, edit: (p: Resource) => void): Resources {
  const protos = (typeof resources === 'string' ? r(resources) : resources).toProto();
  for (const p of protos) edit(p);
  return fromProtos(protos);
}

/** Revocable (oversubscribed) resources, e.g. `revocable('cpus:10')`. */
export function revocable(text: string): Resources {
  return eachProto(text, (p) => {
    p.revocable = {};
  });
}

/** A MOUNT disk of `mb` MB (unreserved unless `role` is given). */
export function mountDisk(mb: number, role = '*', root = '/mnt/disk'): Resources {
  return eachProto(r(`disk(${role}):${mb}`), (p) => {
    p.disk = { source: { type: Resource_DiskInfo_Source_Type.MOUNT, mount: { root } } };
  });
}

/**
 * A persistent volume of `mb` MB with persistence id `id`: disk reserved
 * like `reservedLike` (whose reservation stack is copied) or statically for
 * `role` (unreserved by default), optionally shared.
 */
export function volume(mb: number, id: string, opts: { role?: string; reservedLike?: Resources; shared?: boolean; containerPath?: string } = {}): Resources {
  const base = opts.reservedLike ?? r(`disk(${opts.role ?? '*'}):${mb}`);
  const protos = base.toProto();
  const first = protos[0];
  if (first === undefined) throw new Error('volume: empty base');
  const proto: Resource = { ...first, scalar: { value: mb } };
  proto.disk = { persistence: { id }, volume: { containerPath: opts.containerPath ?? id, mode: Volume_Mode.RW } };
  if (opts.shared) proto.shared = {};
  return fromProtos([proto]);
}

/** A maintenance window starting `startMs` after the epoch of the fake clock. */
export function unavailability(startMs: number, durationMs?: number): Unavailability {
  const u: Unavailability = { start: { nanoseconds: BigInt(startMs) * 1_000_000n } };
  if (durationMs !== undefined) u.duration = { nanoseconds: BigInt(durationMs) * 1_000_000n };
  return u;
}

export interface AgentOptions {
  /** Resources already offered or allocated on the agent, per framework (with allocation info). */
  readonly used?: ReadonlyMap<string, Resources> | Readonly<Record<string, Resources>>;
  readonly capabilities?: Partial<AgentCapabilities>;
  readonly unavailability?: Unavailability;
  readonly attributes?: AgentInfo['attributes'];
  /** Use this ID instead of the next `agentN`. */
  readonly id?: string;
}

export interface FrameworkOptions {
  readonly used?: ReadonlyMap<string, Resources> | Readonly<Record<string, Resources>>;
  readonly active?: boolean;
  readonly suppressed?: readonly string[];
  /** Per-role min allocatable resources (`offer_filters`): role -> list of quantity records (empty list = anything). */
  readonly minAllocatable?: Readonly<Record<string, ReadonlyArray<Readonly<Record<string, number>>>>>;
  readonly id?: string;
}

function asMap(m: ReadonlyMap<string, Resources> | Readonly<Record<string, Resources>> | undefined): Map<string, Resources> {
  if (m === undefined) return new Map();
  if (m instanceof Map) return new Map(m);
  return new Map(Object.entries(m as Record<string, Resources>));
}

/** A FrameworkInfo as Mesos's test helper makes it (MULTI_ROLE added), with optional per-role min allocatable resources. */
export function fwInfo(roles: readonly string[], caps: readonly FrameworkCapabilityName[] = [], minAllocatable?: FrameworkOptions['minAllocatable'], name = 'framework') {
  const info = frameworkInfo(roles, caps, name);
  if (minAllocatable) {
    info.offerFilters = {};
    for (const [role, sets] of Object.entries(minAllocatable)) {
      info.offerFilters[role] = {
        minAllocatableResources: {
          quantities: sets.map((q) => ({ quantities: Object.fromEntries(Object.entries(q).map(([n, v]) => [n, { value: v }])) })),
        },
      };
    }
  }
  return info;
}

/** One allocator under test, with Mesos-test-like helpers. */
export class Harness {
  readonly clock = new FakeClock();
  readonly rec = new OfferRecorder();
  readonly a: HierarchicalAllocator;
  readonly interval: number;
  private nextAgent = 1;
  private nextFramework = 1;

  constructor(options: Partial<Omit<AllocatorOptions, 'clock' | 'offerCallback' | 'inverseOfferCallback'>> & { seed?: number } = {}) {
    const { seed, ...rest } = options;
    this.interval = rest.allocationIntervalMs ?? 1000;
    this.a = new HierarchicalAllocator({
      clock: this.clock,
      offerCallback: this.rec.offerCallback,
      inverseOfferCallback: this.rec.inverseOfferCallback,
      random: seededRandom(seed ?? 1),
      ...rest,
    });
  }

  /** Adds an agent `agentN` (hostname = id) with `resources` as its total; returns its id. */
  agent(resources: Resources | string, opts: AgentOptions = {}): string {
    const id = opts.id ?? `agent${this.nextAgent++}`;
    const total = typeof resources === 'string' ? r(resources) : resources;
    const options: { capabilities?: Partial<AgentCapabilities>; unavailability?: Unavailability } = {};
    if (opts.capabilities) options.capabilities = opts.capabilities;
    if (opts.unavailability) options.unavailability = opts.unavailability;
    this.a.addAgent(id, agentInfo(id, opts.attributes ?? []), total, asMap(opts.used), options);
    return id;
  }

  /** Adds a framework `frameworkN` subscribed to `roles`; returns its id. */
  framework(roles: readonly string[], caps: readonly FrameworkCapabilityName[] = [], opts: FrameworkOptions = {}): string {
    const id = opts.id ?? `framework${this.nextFramework++}`;
    this.a.addFramework(id, fwInfo(roles, caps, opts.minAllocatable, id), asMap(opts.used), opts.active ?? true, opts.suppressed ?? []);
    return id;
  }

  /** The batched run that events asked for (Mesos: `Clock::settle()` after an event). */
  events(): OfferTable {
    this.a.allocatePending();
    return table(this.rec.take());
  }

  /** Like `events()`, with the raw offers. */
  eventsRaw(): RecordedOffer[] {
    this.a.allocatePending();
    return this.rec.take();
  }

  /** Advances the clock by one allocation interval and runs over all agents (Mesos: `Clock::advance(interval)`). */
  tick(): OfferTable {
    return table(this.tickRaw());
  }

  tickRaw(): RecordedOffer[] {
    this.clock.advance(this.interval);
    this.a.allocate();
    return this.rec.take();
  }

  /** Moves the clock to `ms` (absolute, >= now) and runs over all agents: a periodic run at that time. */
  at(ms: number): OfferTable {
    return table(this.atRaw(ms));
  }

  atRaw(ms: number): RecordedOffer[] {
    const now = this.clock.now();
    if (ms < now) throw new Error(`at(${ms}): the clock is already at ${now}`);
    this.clock.advance(ms - now);
    this.a.allocate();
    return this.rec.take();
  }

  /**
   * Gives back `resources` (unallocated; allocated to `role` here) that
   * `framework` holds on `agent`, optionally installing a filter.
   */
  recover(framework: string, agent: string, resources: Resources | string, role: string, refuseSeconds?: number): void {
    const res = (typeof resources === 'string' ? r(resources) : resources).allocate(role);
    this.a.recoverResources(framework, agent, res, refuseSeconds === undefined ? undefined : { refuseSeconds });
  }

  /** Gives back what a list of offers gave (no filter unless `refuseSeconds` is given). */
  decline(offers: readonly RecordedOffer[], refuseSeconds?: number): void {
    for (const o of offers) this.a.recoverResources(o.frameworkId, o.agentId, o.resources, refuseSeconds === undefined ? undefined : { refuseSeconds });
  }

  /** The allocator's metrics as a plain object. */
  metrics(): Record<string, number> {
    return Object.fromEntries(this.a.metrics());
  }
}
