import { OfferManager } from './offer-manager';
import { FakeClock, mockAgent, offerMap } from './testing';

const lookup = (id: string) => mockAgent(`host-${id}`);

function setup(offerTimeoutMs?: number) {
  const clock = new FakeClock();
  const om = new OfferManager({ clock, masterId: 'M', ...(offerTimeoutMs === undefined ? {} : { offerTimeoutMs }) });
  return { clock, om };
}

describe('decline', () => {
  it("removes the framework's offers and hands them back for recovery with the DECLINE's filters", () => {
    const { om } = setup();
    const [o1, o2, o3] = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1'], ['web', 'a2', 'cpus:2'], ['web', 'a3', 'cpus:3']]), lookup).offers;
    const out = om.decline('fw', [o1!.id, { value: o3!.id }]);
    expect(out.declined).toEqual([o1, o3]);
    expect(out.ignored).toEqual([]);
    expect(om.all()).toEqual([o2]);
    expect(om.offersOn('a1')).toEqual([]);
  });

  it('ignores unknown, already used and repeated IDs, as Mesos ("no longer valid" is only logged)', () => {
    const { om } = setup();
    const [o1] = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers;
    const out = om.decline('fw', [o1!.id, 'M-O99', o1!.id]);
    expect(out.declined).toEqual([o1]);
    expect(out.ignored).toEqual(['M-O99', o1!.id]);
    expect(om.decline('fw', [o1!.id])).toEqual({ declined: [], ignored: [o1!.id] });
    expect(om.decline('fw', [])).toEqual({ declined: [], ignored: [] });
  });

  it("ignores another framework's offers (Mesos would discard them)", () => {
    const { om } = setup();
    const [theirs] = om.createOffers('other', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers;
    expect(om.decline('fw', [theirs!.id])).toEqual({ declined: [], ignored: [theirs!.id] });
    expect(om.get(theirs!.id)).toBe(theirs);
  });
});

describe('rescinds', () => {
  function populated() {
    const s = setup();
    s.om.createOffers('fw1', offerMap([['web', 'a1', 'cpus:1'], ['web', 'a2', 'cpus:2'], ['api', 'a1', 'mem:10']]), lookup);
    s.om.createOffers('fw2', offerMap([['batch', 'a1', 'cpus:3'], ['batch', 'a2', 'cpus:4;mem:5']]), lookup);
    return s;
  }

  it('rescindAgent removes every offer on the agent, of every framework', () => {
    const { om } = populated();
    const gone = om.rescindAgent('a1');
    expect(gone.map((o) => [o.frameworkId, o.role, o.agentId])).toEqual([
      ['fw1', 'web', 'a1'],
      ['fw1', 'api', 'a1'],
      ['fw2', 'batch', 'a1'],
    ]);
    expect(om.offersOn('a1')).toEqual([]);
    expect(om.size).toBe(2);
    expect(om.rescindAgent('a1')).toEqual([]);
    expect(om.rescindAgent('unknown')).toEqual([]);
  });

  it('rescindFramework and removeFramework remove every offer of the framework', () => {
    const { om } = populated();
    expect(om.rescindFramework('fw1').map((o) => o.agentId)).toEqual(['a1', 'a2', 'a1']);
    expect(om.offersOf('fw1')).toEqual([]);
    expect(om.removeFramework('fw2').map((o) => o.agentId)).toEqual(['a1', 'a2']);
    expect(om.size).toBe(0);
    expect(om.removeFramework('fw2')).toEqual([]);
  });

  it('rescind removes one offer; rescindWhere those matching (e.g. roles a framework left)', () => {
    const { om } = populated();
    const first = om.all()[0]!;
    expect(om.rescind(first.id)).toBe(first);
    expect(om.rescind(first.id)).toBeUndefined();
    const api = om.rescindWhere((o) => o.frameworkId === 'fw1' && o.role === 'api');
    expect(api.map((o) => o.role)).toEqual(['api']);
    expect(om.all().map((o) => o.role)).toEqual(['web', 'batch', 'batch']);
  });

  it('a rescinded offer can no longer be accepted or declined', () => {
    const { om } = populated();
    const o = om.offersOf('fw1')[0]!;
    om.rescindAgent(o.agentId);
    const res = om.accept('fw1', [o.id], []);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.error.message).toBe(`Offer ${o.id} is no longer valid`);
    expect(om.decline('fw1', [o.id]).ignored).toEqual([o.id]);
  });
});

describe('offer timeout', () => {
  it('without --offer_timeout nothing expires', () => {
    const { om, clock } = setup();
    om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup);
    clock.advance(1e12);
    expect(om.nextExpiry()).toBeUndefined();
    expect(om.expire()).toEqual([]);
    expect(om.size).toBe(1);
  });

  it('expire() rescinds offers outstanding for the timeout or longer; nextExpiry() tells when to call it', () => {
    const { om, clock } = setup(30_000);
    expect(om.nextExpiry()).toBeUndefined();
    const [a] = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers; // t=0
    clock.advance(10_000);
    const [b, c] = om.createOffers('fw', offerMap([['web', 'a2', 'cpus:1'], ['web', 'a3', 'cpus:1']]), lookup).offers; // t=10s
    expect(om.nextExpiry()).toBe(30_000);

    clock.advance(19_999); // t=29.999s
    expect(om.expire()).toEqual([]);
    clock.advance(1); // t=30s: exactly the timeout
    expect(om.expire()).toEqual([a]);
    expect(om.nextExpiry()).toBe(40_000);

    om.decline('fw', [b!.id]); // answered offers no longer expire
    expect(om.nextExpiry()).toBe(40_000);
    clock.advance(60_000);
    expect(om.expire()).toEqual([c]);
    expect(om.nextExpiry()).toBeUndefined();
    expect(om.expire()).toEqual([]);
  });

  it('an offer accepted before its timeout is not rescinded', () => {
    const { om, clock } = setup(1000);
    const [a] = om.createOffers('fw', offerMap([['web', 'a1', 'cpus:1']]), lookup).offers;
    clock.advance(999);
    expect(om.accept('fw', [a!.id], []).ok).toBe(true);
    clock.advance(1);
    expect(om.expire()).toEqual([]);
  });
});
