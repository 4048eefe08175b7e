import { OfferManager } from '@mesos-ts/offer-manager';
import { Resources } from '@mesos-ts/resources';
import { MUTATING_OFFER_METHODS, READING_OFFER_METHODS, WatchedOfferManager } from './state-offers';

describe('WatchedOfferManager', () => {
  it("overrides every OfferManager method that is not known to only read (a new one must be added here)", () => {
    const methods = Object.getOwnPropertyNames(OfferManager.prototype).filter((name) => name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(OfferManager.prototype, name)?.value === 'function');
    const known = new Set<string>([...MUTATING_OFFER_METHODS, ...READING_OFFER_METHODS, 'add', 'remove', 'removeWhere', 'collect']);
    expect(methods.filter((name) => !known.has(name))).toEqual([]);
    for (const name of MUTATING_OFFER_METHODS) expect([name, Object.prototype.hasOwnProperty.call(WatchedOfferManager.prototype, name)]).toEqual([name, true]);
  });

  it('tells its listeners about offers made, declined and rescinded', () => {
    const offers = new WatchedOfferManager({ clock: { now: () => 0 }, masterId: 'm' });
    const seen: string[] = [];
    const stop = offers.watch((added, removed) => seen.push(`+${added.map((o) => o.id).join(',')} -${removed.map((o) => o.id).join(',')}`));
    const agent = () => ({ hostname: 'h', attributes: [], url: { scheme: 'http', address: { hostname: 'h', ip: '1.2.3.4', port: 5 }, path: '/slave(1)' }, executorIds: [], active: true });
    const made = offers.createOffers('f', new Map([['*', new Map([['a1', Resources.mustParse('cpus:1')], ['a2', Resources.mustParse('cpus:2')]])]]), agent);
    expect(made.offers).toHaveLength(2);
    offers.decline('f', ['m-O0']);
    offers.rescindAgent('a2');
    offers.rescindAgent('a2');
    stop();
    offers.createOffers('f', new Map([['*', new Map([['a1', Resources.mustParse('cpus:1')]])]]), agent);
    expect(seen).toEqual(['+m-O0,m-O1 -', '+ -m-O0', '+ -m-O1']);
  });
});
