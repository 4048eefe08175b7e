/**
 * ACCEPT's offer validation: the rules of Mesos's `validation::offer::validate`
 * (src/master/validation.cpp), in its order, with its messages.
 */
import { OfferManager } from './offer-manager';
import { FakeClock, launch, mockAgent, offerMap, task } from './testing';

function setup() {
  const om = new OfferManager({ clock: new FakeClock(), masterId: 'M' });
  // fw: web on a1 (O0), web on a2 (O1), api on a1 (O2), web on a1 again (O3); other: web on a1 (O4)
  om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1'], ['web', 'a2', 'cpus:2'], ['api', 'a1', 'cpus:3']]), (id) => mockAgent(id));
  om.createOffers('fw', offerMap([['web', 'a1', 'mem:64']]), (id) => mockAgent(id));
  om.createOffers('other', offerMap([['web', 'a1', 'cpus:5']]), (id) => mockAgent(id));
  return om;
}

function rejected(om: OfferManager, ids: string[], frameworkId = 'fw') {
  const res = om.accept(frameworkId, ids, [launch(task('t', 'cpus:1'))]);
  if (res.ok) throw new Error('expected a rejection');
  expect(res.error.error.code).toBe('INVALID_ARGUMENT');
  expect(res.error.error.httpStatus).toBe(400);
  return res.error;
}

describe('ACCEPT offer validation', () => {
  it('needs at least one offer ID ("No offers specified", Master::accept)', () => {
    const om = setup();
    const res = om.accept('fw', [], []);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.error.message).toBe('No offers specified');
      expect(res.error.discarded).toEqual([]);
    }
    expect(om.size).toBe(5);
  });

  it('refuses a repeated ID (validateUniqueOfferID) and still removes the offer', () => {
    const om = setup();
    const rej = rejected(om, ['M-O0', 'M-O3', 'M-O0']);
    expect(rej.error.message).toBe('Duplicate offer M-O0 in offer list');
    expect(rej.discarded.map((o) => o.id)).toEqual(['M-O0', 'M-O3']);
    expect(om.has('M-O0') || om.has('M-O3')).toBe(false);
  });

  it('refuses an ID that is not outstanding (validateOfferIds) and still removes the valid ones', () => {
    const om = setup();
    const rej = rejected(om, ['M-O0', 'M-O77']);
    expect(rej.error.message).toBe('Offer M-O77 is no longer valid');
    expect(rej.discarded.map((o) => o.id)).toEqual(['M-O0']);
    expect(om.has('M-O0')).toBe(false);
    // The removed offer is now "no longer valid" too.
    expect(rejected(om, ['M-O0']).error.message).toBe('Offer M-O0 is no longer valid');
  });

  it("refuses another framework's offer (validateFramework) and leaves that offer alone", () => {
    const om = setup();
    const rej = rejected(om, ['M-O0', 'M-O4']);
    expect(rej.error.message).toBe('Offer M-O4 has invalid framework other while framework fw is expected');
    expect(rej.discarded.map((o) => o.id)).toEqual(['M-O0']);
    expect(om.has('M-O4')).toBe(true);
  });

  it('refuses offers for different roles (validateAllocationRole)', () => {
    const om = setup();
    const rej = rejected(om, ['M-O0', 'M-O2']);
    expect(rej.error.message).toBe("Aggregated offers must be allocated to the same role. Offer M-O2 uses role 'api' but another is using role 'web'");
    expect(rej.discarded.map((o) => o.id)).toEqual(['M-O0', 'M-O2']);
  });

  it('refuses offers on different agents (validateSlave)', () => {
    const om = setup();
    const rej = rejected(om, ['M-O0', 'M-O1']);
    expect(rej.error.message).toBe('Aggregated offers must belong to one single agent. Offer M-O1 uses agent a2 and agent a1');
    expect(rej.discarded.map((o) => o.id)).toEqual(['M-O0', 'M-O1']);
    expect(om.offersOf('fw').map((o) => o.id)).toEqual(['M-O2', 'M-O3']);
  });

  it("runs the validators in Mesos's order: the first failing rule names the problem", () => {
    // A duplicate beats a missing offer, which beats a foreign one, which beats role and agent mismatches.
    expect(rejected(setup(), ['M-O99', 'M-O0', 'M-O0']).error.message).toBe('Duplicate offer M-O0 in offer list');
    expect(rejected(setup(), ['M-O4', 'M-O99']).error.message).toBe('Offer M-O99 is no longer valid');
    expect(rejected(setup(), ['M-O1', 'M-O2', 'M-O4']).error.message).toBe('Offer M-O4 has invalid framework other while framework fw is expected');
    expect(rejected(setup(), ['M-O1', 'M-O2']).error.message).toMatch(/^Aggregated offers must be allocated to the same role/);
  });

  it('accepts OfferID messages as well as strings', () => {
    const om = setup();
    const res = om.accept('fw', [{ value: 'M-O0' }, { value: 'M-O3' }], []);
    expect(res.ok).toBe(true);
    if (res.ok) expect(res.value.accepted.map((o) => o.id)).toEqual(['M-O0', 'M-O3']);
  });

  it('a valid ACCEPT removes its offers, aggregated on one agent for one role', () => {
    const om = setup();
    const res = om.accept('fw', ['M-O0', 'M-O3'], []);
    if (!res.ok) throw res.error.error;
    expect(res.value).toMatchObject({ frameworkId: 'fw', agentId: 'a1', role: 'web' });
    expect(res.value.offered.toString()).toBe('cpus(allocated: web):1; mem(allocated: web):64');
    // No operations: everything is declined (ACCEPT with nothing = DECLINE).
    expect(res.value.declined.equals(res.value.offered)).toBe(true);
    expect(res.value.converted.isEmpty()).toBe(true);
    expect(om.has('M-O0') || om.has('M-O3')).toBe(false);
    expect(rejected(om, ['M-O0']).error.message).toBe('Offer M-O0 is no longer valid');
  });
});
