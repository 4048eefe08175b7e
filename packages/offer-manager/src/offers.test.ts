import { Offer_Operation_Type, type Offer } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import { OfferManager } from './offer-manager';
import { FakeClock, agentUrl, mockAgent, offerMap, r } from './testing';
import type { AgentDescription } from './types';

const agents = new Map<string, AgentDescription>([
  ['a1', mockAgent('h1', { attributes: [{ name: 'rack', type: 3, text: { value: 'r1' } }], domain: { faultDomain: { region: { name: 'eu' }, zone: { name: 'z1' } } } })],
  ['a2', mockAgent('h2', { executorIds: ['e1', 'e2'], unavailability: { start: { nanoseconds: 5n } } })],
  ['inactive', mockAgent('h3', { active: false })],
]);
const lookup = (id: string): AgentDescription | undefined => agents.get(id);

function manager(clock = new FakeClock(), offerTimeoutMs?: number): OfferManager {
  return new OfferManager({ clock, masterId: '20240101-000000-16777343-5050-1', ...(offerTimeoutMs === undefined ? {} : { offerTimeoutMs }) });
}

describe('offer IDs', () => {
  it('are <masterId>-O<n>, counting from 0 across frameworks and calls, as Master::newOfferId', () => {
    const om = manager();
    const first = om.createOffers('fw1', offerMap([['web', 'a1', 'cpus:1'], ['web', 'a2', 'cpus:2']]), lookup);
    const second = om.createOffers('fw2', offerMap([['batch', 'a1', 'cpus:1']]), lookup);
    expect(first.offers.map((o) => o.id)).toEqual(['20240101-000000-16777343-5050-1-O0', '20240101-000000-16777343-5050-1-O1']);
    expect(second.offers.map((o) => o.id)).toEqual(['20240101-000000-16777343-5050-1-O2']);
    expect(om.newOfferId()).toBe('20240101-000000-16777343-5050-1-O3'); // shared with inverse offers
    expect(first.offers[0]!.offer.id).toEqual({ value: first.offers[0]!.id });
  });

  it('never repeats, even after offers are removed', () => {
    const om = manager();
    const a = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers[0]!;
    om.decline('fw', [a.id]);
    const b = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers[0]!;
    expect(b.id).not.toBe(a.id);
  });
});

describe('options', () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses offerTimeoutMs %p, as Mesos refuses such an --offer_timeout', (t) => {
    expect(() => new OfferManager({ clock: new FakeClock(), masterId: 'm', offerTimeoutMs: t })).toThrow(/'offerTimeoutMs' \(--offer_timeout\): Must be greater than zero/);
  });
  it('refuses an empty master ID', () => {
    expect(() => new OfferManager({ clock: new FakeClock(), masterId: '' })).toThrow(/'masterId' must not be empty/);
  });
});

describe('createOffers', () => {
  it('makes one Offer per (role, agent) with the fields Mesos fills in', () => {
    const clock = new FakeClock(1000);
    const om = manager(clock);
    const created = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:2;mem:512'], ['web', 'a2', 'cpus:1'], ['batch', 'a1', 'cpus:1']]), lookup);
    expect(created.offers.map((o) => [o.role, o.agentId])).toEqual([['web', 'a1'], ['web', 'a2'], ['batch', 'a1']]);
    const o = created.offers[0]!;
    expect(o).toMatchObject({ frameworkId: 'fw', agentId: 'a1', role: 'web', createdAt: 1000, expiresAt: undefined });
    expect(o.resources.equals(r('cpus:2;mem:512').allocate('web'))).toBe(true);
    expect(o.offer).toEqual<Offer>({
      id: { value: o.id },
      frameworkId: { value: 'fw' },
      agentId: { value: 'a1' },
      hostname: 'h1',
      url: agentUrl('h1'),
      resources: r('cpus:2;mem:512').allocate('web').toProto(),
      attributes: [{ name: 'rack', type: 3, text: { value: 'r1' } }],
      domain: { faultDomain: { region: { name: 'eu' }, zone: { name: 'z1' } } },
      executorIds: [],
      allocationInfo: { role: 'web' },
    });
    for (const res of o.offer.resources!) expect(res.allocationInfo).toEqual({ role: 'web' });
    expect(created.offers[1]!.offer.executorIds).toEqual([{ value: 'e1' }, { value: 'e2' }]);
    expect(created.offers[1]!.offer.unavailability).toEqual({ start: { nanoseconds: 5n } });
    expect(created.returned).toEqual([]);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('allocates the resources to the role if the map did not', () => {
    const om = manager();
    const map = new Map([['web', new Map([['a1', r('cpus:1')]])]]);
    const o = om.createOffers('fw', map, lookup).offers[0]!;
    expect(o.resources.equals(r('cpus:1').allocate('web'))).toBe(true);
  });

  it('returns resources on unknown and inactive agents instead of offering them, as Master::offer', () => {
    const om = manager();
    const created = om.createOffers('fw', offerMap([['web', 'gone', 'cpus:1'], ['web', 'inactive', 'cpus:2'], ['web', 'a1', 'cpus:3']]), lookup);
    expect(created.offers.map((o) => o.agentId)).toEqual(['a1']);
    expect(created.returned.map((x) => [x.agentId, x.role, x.reason, x.resources.toString()])).toEqual([
      ['gone', 'web', 'UNKNOWN_AGENT', 'cpus(allocated: web):1'],
      ['inactive', 'web', 'INACTIVE_AGENT', 'cpus(allocated: web):2'],
    ]);
    expect(om.size).toBe(1);
  });

  it('skips empty resources', () => {
    const om = manager();
    const map = new Map([['web', new Map([['a1', Resources.EMPTY]])]]);
    expect(om.createOffers('fw', map, lookup)).toEqual({ offers: [], forFramework: [], returned: [] });
  });

  it('shows the framework its offers without ephemeral_ports, and in its format', () => {
    const om = manager();
    const reserved = r('cpus:1').pushReservation({ type: 2, role: 'web' });
    const res = r('cpus:2;ephemeral_ports:[30001-30100]').plus(reserved);
    const multi = om.createOffers('fw', offerMap([['web', 'a1', res]]), lookup);
    const shown = multi.forFramework[0]!;
    expect(shown.resources!.map((x) => x.name)).toEqual(['cpus', 'cpus']);
    expect(shown.allocationInfo).toEqual({ role: 'web' });
    expect(shown.resources!.every((x) => x.allocationInfo?.role === 'web')).toBe(true);
    expect(shown.resources!.some((x) => x.reservations !== undefined && x.reservations.length === 1)).toBe(true);
    // The recorded offer keeps everything.
    expect(multi.offers[0]!.offer.resources!.map((x) => x.name)).toContain('ephemeral_ports');

    const legacy = om.createOffers('fw', offerMap([['web', 'a1', res]]), lookup, { multiRole: false, reservationRefinement: false }).forFramework[0]!;
    expect(legacy.allocationInfo).toBeUndefined();
    expect(legacy.resources!.every((x) => x.allocationInfo === undefined)).toBe(true);
    const pre = legacy.resources!.find((x) => x.role === 'web')!;
    expect(pre.reservation).toBeDefined();
    expect(pre.reservations).toBeUndefined();
    expect(legacy.id).toEqual({ value: om.all()[1]!.id });
  });

  it("shows a MULTI_ROLE framework the recorded offer's content in a new object", () => {
    const om = manager();
    const made = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup);
    expect(made.forFramework[0]).toEqual(made.offers[0]!.offer);
    expect(made.forFramework[0]).not.toBe(made.offers[0]!.offer);
  });

  it('stamps expiry with the offer timeout', () => {
    const clock = new FakeClock(500);
    const om = manager(clock, 10_000);
    expect(om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers[0]!.expiresAt).toBe(10_500);
  });
});

describe('lookups', () => {
  it('by ID (string or OfferID), framework and agent; outstanding resources', () => {
    const om = manager();
    const [w1, w2] = om.createOffers('fw1', offerMap([['web', 'a1', 'cpus:1'], ['web', 'a2', 'cpus:2']]), lookup).offers;
    const [b1] = om.createOffers('fw2', offerMap([['batch', 'a1', 'mem:64']]), lookup).offers;
    const [w3] = om.createOffers('fw1', offerMap([['api', 'a1', 'cpus:4']]), lookup).offers;
    expect(om.get(w1!.id)).toBe(w1);
    expect(om.get({ value: w2!.id })).toBe(w2);
    expect(om.get('nope')).toBeUndefined();
    expect(om.has(b1!.id)).toBe(true);
    expect(om.size).toBe(4);
    expect(om.all()).toEqual([w1, w2, b1, w3]);
    expect(om.offersOf('fw1')).toEqual([w1, w2, w3]);
    expect(om.offersOf('none')).toEqual([]);
    expect(om.offersOn('a1')).toEqual([w1, b1, w3]);
    expect(om.outstandingResources('fw1', 'a1').toString()).toBe('cpus(allocated: api):4; cpus(allocated: web):1');
    expect(om.outstandingResources('fw1').toString()).toBe('cpus(allocated: api):4; cpus(allocated: web):3');
    expect(om.outstandingResources('fw2', 'a2').isEmpty()).toBe(true);
  });
});
