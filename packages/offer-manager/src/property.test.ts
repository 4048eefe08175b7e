/**
 * Random sequences of offers, answers, rescinds and expiry never lose or
 * duplicate resources: everything ever offered is, at any point, either
 * still outstanding, kept by the framework (launched, pending operations) or
 * handed back exactly once for recovery. Compared with reservations and
 * allocation stripped, since RESERVE / UNRESERVE change the metadata but not
 * the amounts.
 */
import fc from 'fast-check';
import type { Offer_Operation } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { OfferManager } from './offer-manager';
import { FakeClock, dynamicallyReserved, launch, mockAgent, offerMap, r, reserve, task, unreserve } from './testing';
import type { OutstandingOffer } from './types';

const FRAMEWORKS = ['f1', 'f2', 'f3'];
const ROLES = ['web', 'api'];
const AGENTS = ['a1', 'a2', 'a3'];

type Intent =
  | { kind: 'launch'; cpus: number; mem: number; port: number | undefined; reserved: boolean }
  | { kind: 'reserve'; cpus: number }
  | { kind: 'unreserve'; cpus: number };

type Command =
  | { kind: 'create'; fw: string; entries: Array<[string, string, number, number]> }
  | { kind: 'accept'; fw: string; valid: boolean; picks: number[]; extraId: boolean; intents: Intent[] }
  | { kind: 'decline'; fw: string; picks: number[] }
  | { kind: 'rescindAgent'; agent: string }
  | { kind: 'rescindFramework'; fw: string }
  | { kind: 'removeFramework'; fw: string }
  | { kind: 'rescindRole'; role: string }
  | { kind: 'tick'; ms: number };

const fw = fc.constantFrom(...FRAMEWORKS);
const intent: fc.Arbitrary<Intent> = fc.oneof(
  fc.record({
    kind: fc.constant('launch' as const),
    cpus: fc.integer({ min: 0, max: 8 }).map((n) => n / 2),
    mem: fc.integer({ min: 0, max: 8 }).map((n) => n * 128),
    port: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    reserved: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('reserve' as const), cpus: fc.integer({ min: 1, max: 6 }).map((n) => n / 2) }),
  fc.record({ kind: fc.constant('unreserve' as const), cpus: fc.integer({ min: 1, max: 6 }).map((n) => n / 2) }),
);
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      fw,
      entries: fc.array(fc.tuple(fc.constantFrom(...ROLES), fc.constantFrom(...AGENTS), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('accept' as const),
      fw,
      valid: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
      picks: fc.array(fc.nat(), { maxLength: 3 }),
      extraId: fc.boolean(),
      intents: fc.array(intent, { maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('decline' as const), fw, picks: fc.array(fc.nat(), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rescindAgent' as const), agent: fc.constantFrom(...AGENTS, 'unknown') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rescindFramework' as const), fw }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeFramework' as const), fw }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rescindRole' as const), role: fc.constantFrom(...ROLES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 20_000 }) }) },
);

/** Amounts only: reservations and allocation stripped. */
const flat = (x: Resources): Resources => x.toUnreserved().unallocate();

function operationsFor(intents: Intent[], role: string, agentId: string): Offer_Operation[] {
  return intents.map((i, n) => {
    switch (i.kind) {
      case 'launch': {
        let text = `cpus:${i.cpus};mem:${i.mem}`;
        if (i.port !== undefined) text += `;ports:[${31000 + i.port}-${31000 + i.port}]`;
        const res = i.reserved ? dynamicallyReserved(text, role) : r(text);
        return launch(task(`t${n}`, res, { agentId }));
      }
      case 'reserve':
        return reserve(dynamicallyReserved(`cpus:${i.cpus}`, role));
      case 'unreserve':
        return unreserve(dynamicallyReserved(`cpus:${i.cpus}`, role));
    }
  });
}

describe('conservation of resources (property)', () => {
  it('offered = outstanding + kept + handed back, and every offer leaves exactly once', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 5, maxLength: 30, size: 'max' }), fc.boolean(), (commands, withTimeout) => {
        const clock = new FakeClock();
        const om = new OfferManager({ clock, masterId: 'M', ...(withTimeout ? { offerTimeoutMs: 30_000 } : {}) });
        const created = new Set<string>();
        const removed = new Set<string>();
        let offered = Resources.EMPTY;
        let kept = Resources.EMPTY;
        let handedBack = Resources.EMPTY;

        const gone = (offers: readonly OutstandingOffer[]): void => {
          for (const o of offers) {
            expect(removed.has(o.id)).toBe(false);
            expect(created.has(o.id)).toBe(true);
            removed.add(o.id);
            handedBack = handedBack.plus(o.resources);
          }
        };
        const pick = (picks: number[], frameworkId: string): string[] => {
          const pool = om.all();
          const own = om.offersOf(frameworkId);
          // Mostly the framework's own offers, sometimes anyone's.
          return picks.map((p, n) => (n % 3 === 2 || own.length === 0 ? pool[p % Math.max(pool.length, 1)]?.id : own[p % own.length]!.id) ?? 'M-O999999');
        };

        for (const c of commands) {
          switch (c.kind) {
            case 'create': {
              const map = offerMap(c.entries.map(([role, agent, cpus, mem]) => [role, agent, `cpus:${cpus};mem:${mem * 256};ports:[31000-31009]`] as const));
              const out = om.createOffers(c.fw, map, (id) => mockAgent(id));
              for (const o of out.offers) {
                expect(created.has(o.id)).toBe(false);
                created.add(o.id);
                offered = offered.plus(o.resources);
              }
              expect(out.returned).toEqual([]);
              break;
            }
            case 'accept': {
              let ids: string[];
              let frameworkId = c.fw;
              if (c.valid) {
                // Some outstanding offer, with its framework's others for the same role on the same agent.
                const all = om.all();
                const base = all[(c.picks[0] ?? 0) % Math.max(all.length, 1)];
                if (base !== undefined) frameworkId = base.frameworkId;
                ids = base === undefined ? [] : om.offersOn(base.agentId).filter((o) => o.frameworkId === base.frameworkId && o.role === base.role).map((o) => o.id);
              } else {
                ids = pick(c.picks, c.fw);
                if (c.extraId) ids.push('M-O424242');
              }
              const first = om.get(ids[0] ?? '');
              const ops = operationsFor(c.intents, first?.role ?? 'web', first?.agentId ?? 'a1');
              const res = om.accept(frameworkId, ids, ops);
              if (!res.ok) {
                gone(res.error.discarded);
                for (const o of res.error.discarded) expect(o.frameworkId).toBe(frameworkId);
                break;
              }
              const v = res.value;
              for (const o of v.accepted) {
                expect(removed.has(o.id)).toBe(false);
                removed.add(o.id);
              }
              gone(v.rescinded);
              expect(v.additionalShared.isEmpty()).toBe(true);
              // Per ACCEPT: offered (converted) = launched + pending + converted + declined, in amounts.
              const back = v.converted.plus(v.declined);
              expect(flat(v.launched.plus(v.pendingOperations).plus(back)).equals(flat(v.offered))).toBe(true);
              // What the allocator would hold after updateAllocation is exactly what is kept plus what comes back.
              const afterOps = v.offered.applyAll(v.allocatorOperations);
              expect(afterOps.ok).toBe(true);
              if (afterOps.ok) expect(afterOps.value.equals(v.launched.plus(v.pendingOperations).plus(back))).toBe(true);
              kept = kept.plus(v.launched).plus(v.pendingOperations);
              handedBack = handedBack.plus(back);
              break;
            }
            case 'decline': {
              const out = om.decline(c.fw, pick(c.picks, c.fw));
              for (const o of out.declined) expect(o.frameworkId).toBe(c.fw);
              gone(out.declined);
              break;
            }
            case 'rescindAgent':
              gone(om.rescindAgent(c.agent));
              break;
            case 'rescindFramework':
              gone(om.rescindFramework(c.fw));
              break;
            case 'removeFramework':
              gone(om.removeFramework(c.fw));
              break;
            case 'rescindRole':
              gone(om.rescindWhere((o) => o.role === c.role));
              break;
            case 'tick': {
              clock.advance(c.ms);
              const next = om.nextExpiry();
              const expired = om.expire();
              gone(expired);
              if (withTimeout && next !== undefined) expect(expired.length > 0).toBe(next <= clock.now());
              if (!withTimeout) expect(expired).toEqual([]);
              break;
            }
          }

          // The ledger balances after every step.
          const outstanding = Resources.sum(om.all().map((o) => o.resources));
          expect(flat(outstanding.plus(kept).plus(handedBack)).equals(flat(offered))).toBe(true);
          // Offers are either outstanding or removed, never both; the indexes agree.
          expect(om.size + removed.size).toBe(created.size);
          for (const o of om.all()) expect(removed.has(o.id)).toBe(false);
          for (const f of FRAMEWORKS) expect(om.offersOf(f)).toEqual(om.all().filter((o) => o.frameworkId === f));
          for (const a of AGENTS) expect(om.offersOn(a)).toEqual(om.all().filter((o) => o.agentId === a));
          const next = om.nextExpiry();
          if (withTimeout && om.size > 0) expect(next).toBe(Math.min(...om.all().map((o) => o.expiresAt!)));
        }
      }),
      { numRuns: 100 },
    );
  });
});
