/**
 * Property tests: random sequences of allocator operations (agents and
 * frameworks coming and going, runs, declines with and without filters,
 * suppress/revive, quota and weight updates, the clock moving), checking
 * after every step that
 *
 * - no agent is over-allocated (what frameworks hold on it is contained in
 *   its total) and the allocator's `available` is total minus that;
 * - the sum of allocations never exceeds the cluster total;
 * - every offer goes to an active framework, under a role it subscribes to
 *   and has not suppressed, holds only resources allocatable to that role,
 *   respects the GPU/revocable capabilities and no live decline filter
 *   covers it;
 * - a run never takes a role past its quota limit: what the role holds
 *   itself (offered or allocated unreserved non-revocable) plus its subtree's
 *   reservations only grows up to the limit;
 *
 * and that the same inputs with the same seed give the same offers.
 */
import fc from 'fast-check';
import { Resource_ReservationInfo_Type } from '@mesos-ts/proto';
import { ResourceQuantities, Resources } from '@mesos-ts/resources';
import type { HierarchicalAllocator, SorterKind } from '../src/index';
import type { FrameworkCapabilityName, RecordedOffer } from '../src/testing/index';
import { Harness, dynamic, fwInfo, quota, r, revocable } from './helpers';

const ROLES = ['*', 'r1', 'r2', 'r1/x', 'r3'] as const;
const TOP_ROLES = ['r1', 'r2', 'r3'] as const;
const AGENTS = 5;
const FRAMEWORKS = 4;

/** Agent totals: plain, static reservations (own and a sub-role's), GPUs, revocable, ports. */
const TEMPLATES: readonly Resources[] = [
  r('cpus:4;mem:4096;disk:1000'),
  r('cpus:2;mem:1024'),
  r('cpus:1;mem:512;cpus(r1):1;mem(r1):512'),
  r('cpus:8;mem:8192;gpus:2'),
  r('cpus:2;mem:2048').plus(revocable('cpus:2')),
  r('cpus:1;mem:256;cpus(r1/x):1;mem(r2):128;ports(r2):[1-10];ports:[100-200]'),
];

type Op =
  | { t: 'addAgent'; i: number; tpl: number }
  | { t: 'removeAgent'; i: number }
  | { t: 'deactivateAgent'; i: number }
  | { t: 'activateAgent'; i: number }
  | { t: 'addFramework'; j: number; roles: string[]; caps: FrameworkCapabilityName[] }
  | { t: 'removeFramework'; j: number }
  | { t: 'deactivateFramework'; j: number }
  | { t: 'activateFramework'; j: number }
  | { t: 'allocate'; pending: boolean }
  | { t: 'recover'; k: number; oneRole: boolean; refuse: number | undefined }
  | { t: 'suppress'; j: number; role: string | undefined }
  | { t: 'revive'; j: number; role: string | undefined }
  | { t: 'quota'; role: string; cpus: number; mem: number; extraCpus: number | undefined; extraMem: number | undefined }
  | { t: 'weight'; role: string; weight: number }
  | { t: 'advance'; ms: number }
  | { t: 'updateFramework'; j: number; roles: string[]; caps: FrameworkCapabilityName[] }
  | { t: 'reserveOffered'; k: number; cpus: number }
  | { t: 'unreserveOffered'; k: number }
  | { t: 'reserveAvailable'; i: number; role: string; cpus: number }
  | { t: 'oversubscribe'; i: number; cpus: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('addAgent' as const), i: fc.nat(AGENTS - 1), tpl: fc.nat(TEMPLATES.length - 1) }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('removeAgent' as const), i: fc.nat(AGENTS - 1) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('deactivateAgent' as const), i: fc.nat(AGENTS - 1) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('activateAgent' as const), i: fc.nat(AGENTS - 1) }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('addFramework' as const),
      j: fc.nat(FRAMEWORKS - 1),
      roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 2 }),
      caps: fc.subarray<FrameworkCapabilityName>(['GPU_RESOURCES', 'REVOCABLE_RESOURCES', 'RESERVATION_REFINEMENT']),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ t: fc.constant('removeFramework' as const), j: fc.nat(FRAMEWORKS - 1) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('deactivateFramework' as const), j: fc.nat(FRAMEWORKS - 1) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('activateFramework' as const), j: fc.nat(FRAMEWORKS - 1) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('allocate' as const), pending: fc.boolean() }), weight: 10 },
  {
    arbitrary: fc.record({
      t: fc.constant('recover' as const),
      k: fc.nat(),
      oneRole: fc.boolean(),
      refuse: fc.option(fc.constantFrom(0, 0.5, 1, 3, 5, 100), { nil: undefined }),
    }),
    weight: 10,
  },
  { arbitrary: fc.record({ t: fc.constant('suppress' as const), j: fc.nat(FRAMEWORKS - 1), role: fc.option(fc.constantFrom(...ROLES), { nil: undefined }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('revive' as const), j: fc.nat(FRAMEWORKS - 1), role: fc.option(fc.constantFrom(...ROLES), { nil: undefined }) }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('quota' as const),
      role: fc.constantFrom(...TOP_ROLES),
      cpus: fc.nat(6),
      mem: fc.constantFrom(0, 256, 1024, 4096),
      extraCpus: fc.option(fc.nat(4), { nil: undefined }),
      extraMem: fc.option(fc.constantFrom(0, 512, 2048), { nil: undefined }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant('weight' as const), role: fc.constantFrom(...ROLES.filter((x) => x !== '*')), weight: fc.constantFrom(0.5, 1, 2, 3) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(1, 500, 1000, 2500, 6000) }), weight: 3 },
  {
    arbitrary: fc.record({
      t: fc.constant('updateFramework' as const),
      j: fc.nat(FRAMEWORKS - 1),
      roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 2 }),
      caps: fc.subarray<FrameworkCapabilityName>(['GPU_RESOURCES', 'REVOCABLE_RESOURCES', 'RESERVATION_REFINEMENT']),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ t: fc.constant('reserveOffered' as const), k: fc.nat(), cpus: fc.constantFrom(0.5, 1) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('unreserveOffered' as const), k: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('reserveAvailable' as const), i: fc.nat(AGENTS - 1), role: fc.constantFrom(...ROLES.filter((x) => x !== '*')), cpus: fc.constantFrom(0.5, 1) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('oversubscribe' as const), i: fc.nat(AGENTS - 1), cpus: fc.nat(3) }), weight: 1 },
);

interface Filter {
  readonly fw: string;
  readonly role: string;
  readonly agent: string;
  readonly resources: Resources;
  readonly expiresAt: number;
}

/** What the test knows independently of the allocator. */
class Model {
  readonly totals = new Map<string, Resources>();
  readonly deactivatedAgents = new Set<string>();
  readonly frameworks = new Map<string, { roles: Set<string>; caps: Set<FrameworkCapabilityName>; active: boolean; suppressed: Set<string> }>();
  readonly filters: Filter[] = [];
  readonly limits = new Map<string, ReturnType<typeof quota>['limits']>();

  dropFilters(pred: (f: Filter) => boolean): void {
    for (let k = this.filters.length - 1; k >= 0; k--) if (pred(this.filters[k]!)) this.filters.splice(k, 1);
  }
}

interface Scenario {
  readonly ops: Op[];
  readonly seed: number;
  readonly roleSorter: SorterKind;
  readonly frameworkSorter: SorterKind;
}

const setupArb: fc.Arbitrary<Op[]> = fc
  .tuple(
    fc.array(fc.record({ t: fc.constant('addAgent' as const), i: fc.nat(AGENTS - 1), tpl: fc.nat(TEMPLATES.length - 1) }), { minLength: 1, maxLength: AGENTS }),
    fc.array(
      fc.record({
        t: fc.constant('addFramework' as const),
        j: fc.nat(FRAMEWORKS - 1),
        roles: fc.uniqueArray(fc.constantFrom(...ROLES), { minLength: 1, maxLength: 2 }),
        caps: fc.subarray<FrameworkCapabilityName>(['GPU_RESOURCES', 'REVOCABLE_RESOURCES', 'RESERVATION_REFINEMENT']),
      }),
      { minLength: 1, maxLength: FRAMEWORKS },
    ),
  )
  .map(([agents, frameworks]) => [...agents, ...frameworks]);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  ops: fc.tuple(setupArb, fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' })).map(([setup, rest]) => [...setup, ...rest]),
  seed: fc.nat(),
  roleSorter: fc.constantFrom<SorterKind>('drf', 'drf', 'random'),
  frameworkSorter: fc.constantFrom<SorterKind>('drf', 'drf', 'random'),
});

const agentId = (i: number) => `agent${i}`;
const fwId = (j: number) => `fw${j}`;

/** What a role holds itself (unreserved, non-revocable scalars) plus its subtree's reservations. */
function roleHolding(a: HierarchicalAllocator, model: Model, role: string): ResourceQuantities {
  let held = Resources.empty();
  for (const id of model.frameworks.keys()) {
    for (const res of a.allocation(id).values()) {
      const part = res.allocations().get(role);
      if (part) held = held.plus(part.unallocate().filter((e) => e.reservations.length === 0 && !e.revocable && e.scalar !== undefined));
    }
  }
  let reservations = Resources.empty();
  for (const total of model.totals.values()) {
    reservations = reservations.plus(total.filter((e) => e.scalar !== undefined && e.reservationRole !== undefined && (e.reservationRole === role || e.reservationRole.startsWith(`${role}/`))));
  }
  return held.scalarQuantities().plus(reservations.scalarQuantities());
}

function checkInvariants(h: Harness, model: Model, offers: readonly RecordedOffer[], before: Map<string, ResourceQuantities> | undefined): void {
  const a = h.a;
  // Per agent: held is contained in the total; available is the rest.
  let clusterHeld = Resources.empty();
  let clusterTotal = Resources.empty();
  for (const [agent, total] of model.totals) {
    let held = Resources.empty();
    for (const id of model.frameworks.keys()) {
      const res = a.allocation(id).get(agent);
      if (res) held = held.plus(res.unallocate());
    }
    if (!total.contains(held)) throw new Error(`${agent} over-allocated: holds ${held.toString()} of ${total.toString()}`);
    const available = a.available(agent);
    if (!available.equals(total.minus(held))) throw new Error(`${agent}: available ${available.toString()} != ${total.minus(held).toString()}`);
    clusterHeld = clusterHeld.plus(held);
    clusterTotal = clusterTotal.plus(total);
  }
  if (!clusterTotal.scalarQuantities().contains(clusterHeld.scalarQuantities())) {
    throw new Error(`cluster over-allocated: ${clusterHeld.scalarQuantities().toString()} of ${clusterTotal.scalarQuantities().toString()}`);
  }
  // Nothing is held on agents that are gone, nor by frameworks that are gone.
  for (const id of model.frameworks.keys()) {
    for (const agent of a.allocation(id).keys()) if (!model.totals.has(agent)) throw new Error(`${id} holds resources on removed ${agent}`);
  }

  // Offers of this step.
  const now = h.clock.now();
  for (const o of offers) {
    const fw = model.frameworks.get(o.frameworkId);
    if (!fw) throw new Error(`offer to unknown framework ${o.frameworkId}`);
    if (!fw.active) throw new Error(`offer to inactive ${o.frameworkId}`);
    if (!fw.roles.has(o.role)) throw new Error(`offer to ${o.frameworkId} under unsubscribed role ${o.role}`);
    if (fw.suppressed.has(o.role)) throw new Error(`offer to ${o.frameworkId} under suppressed role ${o.role}`);
    if (model.deactivatedAgents.has(o.agentId)) throw new Error(`offer from deactivated ${o.agentId}`);
    const res = o.resources.unallocate();
    const total = model.totals.get(o.agentId);
    if (!total) throw new Error(`offer from unknown agent ${o.agentId}`);
    if (!total.allocatableTo(o.role).contains(res)) throw new Error(`offer ${res.toString()} to role ${o.role} is not allocatable to it`);
    if ((total.get('gpus') ?? 0) > 0 && !fw.caps.has('GPU_RESOURCES')) throw new Error(`GPU agent ${o.agentId} offered to ${o.frameworkId}`);
    if (!res.revocable().isEmpty() && !fw.caps.has('REVOCABLE_RESOURCES')) throw new Error(`revocable offered to ${o.frameworkId}`);
    for (const f of model.filters) {
      // Strictly before expiry, so the check does not depend on the tie rule.
      if (f.fw === o.frameworkId && f.role === o.role && f.agent === o.agentId && now < f.expiresAt && f.resources.contains(res)) {
        throw new Error(`offer ${res.toString()} to ${o.frameworkId}/${o.role} on ${o.agentId} at ${now} is covered by a filter until ${f.expiresAt}`);
      }
    }
  }

  // Quota limits: a run lets what a role holds grow only up to its limit.
  if (before) {
    for (const [role, limits] of model.limits) {
      const after = roleHolding(a, model, role);
      const was = before.get(role) ?? ResourceQuantities.EMPTY;
      for (const [name, limit] of limits) {
        const bound = Math.max(limit, was.get(name));
        if (after.get(name) > bound + 1e-9) {
          throw new Error(`role ${role} holds ${after.get(name)} ${name} after a run, limit ${limit}, before ${was.get(name)}`);
        }
      }
    }
  }
}

/** The (framework, agent, resources) triples of what frameworks hold, in a stable order. */
function holdings(a: HierarchicalAllocator, model: Model): Array<[string, string, Resources]> {
  const pairs: Array<[string, string, Resources]> = [];
  for (const id of [...model.frameworks.keys()].sort()) for (const [agent, res] of [...a.allocation(id)].sort(([x], [y]) => (x < y ? -1 : 1))) pairs.push([id, agent, res]);
  return pairs;
}

/** Runs a scenario, checking invariants after every step; returns the log of offers for determinism checks. */
function run(s: Scenario, check: boolean): string[] {
  const h = new Harness({ seed: s.seed, roleSorter: s.roleSorter, frameworkSorter: s.frameworkSorter });
  const a = h.a;
  const model = new Model();
  const log: string[] = [];
  for (const op of s.ops) {
    let before: Map<string, ResourceQuantities> | undefined;
    switch (op.t) {
      case 'addAgent': {
        const id = agentId(op.i);
        if (model.totals.has(id)) break;
        a.addAgent(id, { hostname: id }, TEMPLATES[op.tpl]!);
        model.totals.set(id, TEMPLATES[op.tpl]!);
        break;
      }
      case 'removeAgent': {
        const id = agentId(op.i);
        a.removeAgent(id);
        model.totals.delete(id);
        model.deactivatedAgents.delete(id);
        model.dropFilters((f) => f.agent === id);
        break;
      }
      case 'deactivateAgent':
      case 'activateAgent': {
        const id = agentId(op.i);
        if (!model.totals.has(id)) break;
        if (op.t === 'deactivateAgent') {
          a.deactivateAgent(id);
          model.deactivatedAgents.add(id);
        } else {
          a.activateAgent(id);
          model.deactivatedAgents.delete(id);
        }
        break;
      }
      case 'addFramework': {
        const id = fwId(op.j);
        if (model.frameworks.has(id)) break;
        h.framework(op.roles, op.caps, { id });
        model.frameworks.set(id, { roles: new Set(op.roles), caps: new Set(op.caps), active: true, suppressed: new Set() });
        break;
      }
      case 'removeFramework': {
        const id = fwId(op.j);
        a.removeFramework(id);
        model.frameworks.delete(id);
        model.dropFilters((f) => f.fw === id);
        break;
      }
      case 'deactivateFramework':
      case 'activateFramework': {
        const id = fwId(op.j);
        const fw = model.frameworks.get(id);
        if (!fw) break;
        if (op.t === 'deactivateFramework') {
          a.deactivateFramework(id);
          fw.active = false;
          model.dropFilters((f) => f.fw === id);
        } else {
          a.activateFramework(id);
          fw.active = true;
        }
        break;
      }
      case 'allocate': {
        before = new Map(TOP_ROLES.map((role) => [role, roleHolding(a, model, role)]));
        if (op.pending) a.allocatePending();
        else a.allocate();
        break;
      }
      case 'recover': {
        // The k-th (framework, agent) pair that holds something.
        const pairs = holdings(a, model);
        if (pairs.length === 0) break;
        const [id, agent, held] = pairs[op.k % pairs.length]!;
        let res = held;
        if (op.oneRole) res = [...held.allocations().values()][0]!;
        a.recoverResources(id, agent, res, op.refuse === undefined ? undefined : { refuseSeconds: op.refuse });
        if (op.refuse !== undefined && op.refuse > 0) {
          const expiresAt = h.clock.now() + Math.max(h.interval, op.refuse * 1000);
          for (const [role, part] of res.allocations()) model.filters.push({ fw: id, role, agent, resources: part.unallocate(), expiresAt });
        }
        break;
      }
      case 'suppress':
      case 'revive': {
        const id = fwId(op.j);
        const fw = model.frameworks.get(id);
        if (!fw) break;
        if (op.role !== undefined && !fw.roles.has(op.role)) break;
        const roles = op.role === undefined ? [...fw.roles] : [op.role];
        if (op.t === 'suppress') {
          a.suppressOffers(id, roles);
          for (const role of roles) fw.suppressed.add(role);
        } else {
          a.reviveOffers(id, roles);
          for (const role of roles) fw.suppressed.delete(role);
          model.dropFilters((f) => f.fw === id && roles.includes(f.role));
        }
        break;
      }
      case 'quota': {
        const guarantees = [op.cpus > 0 ? `cpus:${op.cpus}` : '', op.mem > 0 ? `mem:${op.mem}` : ''].filter(Boolean).join(';');
        const limits = [
          op.extraCpus === undefined ? '' : `cpus:${op.cpus + op.extraCpus}`,
          op.extraMem === undefined ? '' : `mem:${op.mem + op.extraMem}`,
        ]
          .filter(Boolean)
          .join(';');
        const q = quota(guarantees, limits);
        a.updateQuota(op.role, q);
        if (q.limits.isEmpty()) model.limits.delete(op.role);
        else model.limits.set(op.role, q.limits);
        break;
      }
      case 'weight':
        a.updateWeights([[op.role, op.weight]]);
        break;
      case 'advance':
        h.clock.advance(op.ms);
        break;
      case 'updateFramework': {
        const id = fwId(op.j);
        const fw = model.frameworks.get(id);
        if (!fw) break;
        const roles = new Set(op.roles);
        const keepSuppressed = [...fw.suppressed].filter((role) => roles.has(role));
        a.updateFramework(id, fwInfo(op.roles, op.caps, undefined, id), keepSuppressed);
        model.dropFilters((f) => f.fw === id && !roles.has(f.role));
        model.frameworks.set(id, { roles, caps: new Set(op.caps), active: fw.active, suppressed: new Set(keepSuppressed) });
        break;
      }
      case 'reserveOffered': {
        // A framework reserves some unreserved cpus it was offered, for the role it got them under.
        const pairs = holdings(a, model);
        if (pairs.length === 0) break;
        const [id, agent, held] = pairs[op.k % pairs.length]!;
        const [role, part] = [...held.allocations()][0]!;
        if (role === '*') break;
        const free = part.unallocate().filter((e) => e.name === 'cpus' && e.reservations.length === 0 && !e.revocable);
        const amount = Math.min(op.cpus, free.get('cpus') ?? 0);
        if (amount <= 0) break;
        const reserve = { type: 'RESERVE' as const, resources: dynamic(`cpus:${amount}`, role) };
        a.updateAllocation(id, agent, r(`cpus:${amount}`).allocate(role), [reserve]);
        const total = model.totals.get(agent)!.apply(reserve);
        if (!total.ok) throw total.error;
        model.totals.set(agent, total.value);
        break;
      }
      case 'unreserveOffered': {
        const pairs = holdings(a, model);
        if (pairs.length === 0) break;
        const [id, agent, held] = pairs[op.k % pairs.length]!;
        const [role, part] = [...held.allocations()][0]!;
        const dyn = part.unallocate().filter((e) => e.reservations.length > 0 && e.reservations[e.reservations.length - 1]!.type === Resource_ReservationInfo_Type.DYNAMIC && !e.shared);
        if (dyn.isEmpty()) break;
        const unreserve = { type: 'UNRESERVE' as const, resources: dyn };
        a.updateAllocation(id, agent, dyn.allocate(role), [unreserve]);
        const total = model.totals.get(agent)!.apply(unreserve);
        if (!total.ok) throw total.error;
        model.totals.set(agent, total.value);
        break;
      }
      case 'reserveAvailable': {
        // An operator reserves unallocated cpus; refused (and nothing changes) when they are not available.
        const id = agentId(op.i);
        const total = model.totals.get(id);
        if (!total) break;
        const reserve = { type: 'RESERVE' as const, resources: dynamic(`cpus:${op.cpus}`, op.role, 'ops') };
        const availableBefore = a.available(id);
        const fits = availableBefore.apply(reserve).ok;
        let threw = false;
        try {
          a.updateAvailable(id, [reserve]);
        } catch {
          threw = true;
        }
        if (threw !== !fits) throw new Error(`updateAvailable on ${id}: threw=${threw} but the reservation ${fits ? 'fits' : 'does not fit'} ${availableBefore.toString()}`);
        if (!threw) {
          const next = total.apply(reserve);
          if (!next.ok) throw next.error;
          model.totals.set(id, next.value);
        } else if (!a.available(id).equals(availableBefore)) {
          throw new Error(`failed updateAvailable changed ${id}`);
        }
        break;
      }
      case 'oversubscribe': {
        // New revocable total (oversubscription estimate), only when it still covers what is held.
        const id = agentId(op.i);
        const total = model.totals.get(id);
        if (!total) break;
        const next = total.filter((e) => !e.revocable).plus(op.cpus > 0 ? revocable(`cpus:${op.cpus}`) : Resources.empty());
        let held = Resources.empty();
        for (const fw of model.frameworks.keys()) held = held.plus(a.allocation(fw).get(id)?.unallocate() ?? Resources.empty());
        if (!next.contains(held)) break;
        a.updateAgent(id, { total: next });
        model.totals.set(id, next);
        break;
      }
    }
    const offers = h.rec.take();
    for (const o of offers) log.push(`${h.clock.now()} ${o.frameworkId} ${o.role} ${o.agentId} ${o.resources.toString()}`);
    if (check) checkInvariants(h, model, offers, before);
  }
  return log;
}

describe('allocator properties', () => {
  it('never over-allocates, offers only what each framework may take, and keeps roles within quota limits', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        run(s, true);
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 250) },
    );
  });

  it('gives the same offers for the same inputs and seed', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(run(s, false)).toEqual(run(s, false));
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 100) },
    );
  });

  it('makes offers in these scenarios (the properties are not vacuous)', () => {
    const s: Scenario = {
      seed: 7,
      roleSorter: 'drf',
      frameworkSorter: 'drf',
      ops: [
        { t: 'addAgent', i: 0, tpl: 0 },
        { t: 'addAgent', i: 1, tpl: 2 },
        { t: 'addFramework', j: 0, roles: ['r1'], caps: [] },
        { t: 'addFramework', j: 1, roles: ['r2', '*'], caps: [] },
        { t: 'allocate', pending: true },
      ],
    };
    expect(run(s, true).length).toBeGreaterThan(0);
  });
});
