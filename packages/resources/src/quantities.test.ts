import { Resources } from './resources';
import { ResourceLimits, ResourceQuantities } from './quantities';

function q(text: string): ResourceQuantities {
  const parsed = ResourceQuantities.fromString(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function l(text: string): ResourceLimits {
  const parsed = ResourceLimits.fromString(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const pairs = (x: Iterable<[string, number]>) => [...x];

describe('ResourceQuantities (QuantitiesTest)', () => {
  it('parses (FromStringValid)', () => {
    expect(pairs(q('cpus:10'))).toEqual([['cpus', 10]]);
    expect(pairs(q('cpus:3.14'))).toEqual([['cpus', 3.14]]);
    expect(pairs(q(' cpus : 3.14 ; disk : 10 '))).toEqual([
      ['cpus', 3.14],
      ['disk', 10],
    ]);
    expect(q('cpus:0').size).toBe(0);
    expect(pairs(q('ports:3;cpus:10.5'))).toEqual([
      ['cpus', 10.5],
      ['ports', 3],
    ]);
    expect(pairs(q('ports:3;cpus:1;cpus:10.5'))).toEqual([
      ['cpus', 11.5],
      ['ports', 3],
    ]);
  });

  it.each(['cpus:a10', 'cpus:3.14c', 'ports:3,cpus:1', 'ports:3,cpus:-1', 'cpus:nan', 'cpus:-nan', 'cpus:inf', 'cpus:-inf', 'cpus:infinity', 'cpus:-infinity', 'ports:[1-2]'])(
    'rejects %j (FromStringInvalid)',
    (text) => {
      expect(ResourceQuantities.fromString(text).ok).toBe(false);
    },
  );

  it('builds from resources (FromScalarResources, FromResources)', () => {
    expect(ResourceQuantities.fromScalarResources(Resources.EMPTY).size).toBe(0);
    expect(pairs(ResourceQuantities.fromScalarResources(Resources.mustParse('cpus:1;mem:512;disk:800')))).toEqual([
      ['cpus', 1],
      ['disk', 800],
      ['mem', 512],
    ]);
    expect(pairs(ResourceQuantities.fromResources(Resources.mustParse('cpus:1;mem:512;ports:[5000-6000];zones:{a,b};disk:800')))).toEqual([
      ['cpus', 1],
      ['disk', 800],
      ['mem', 512],
      ['ports', 1001],
      ['zones', 2],
    ]);
    expect(pairs(Resources.mustParse('cpus:1;cpus(r):2;ports:[1-2]').scalarQuantities())).toEqual([['cpus', 3]]);
  });

  it('adds (Addition)', () => {
    expect(pairs(q('cpus:10').plus(ResourceQuantities.EMPTY))).toEqual([['cpus', 10]]);
    expect(pairs(q('cpus:10').plus(q('cpus:0.1')))).toEqual([['cpus', 10.1]]);
    expect(pairs(q('cpus:10.1').plus(q('alphas:1')))).toEqual([
      ['alphas', 1],
      ['cpus', 10.1],
    ]);
    expect(pairs(q('cpus:10.1').plus(q('mem:1')))).toEqual([
      ['cpus', 10.1],
      ['mem', 1],
    ]);
    expect(pairs(q('alphas:1;cpus:10.1').plus(q('cpus:1;mem:100')))).toEqual([
      ['alphas', 1],
      ['cpus', 11.1],
      ['mem', 100],
    ]);
  });

  it('subtracts, dropping zero and negative (Subtraction)', () => {
    expect(ResourceQuantities.EMPTY.minus(q('cpus:1')).size).toBe(0);
    expect(pairs(q('cpus:1').minus(ResourceQuantities.EMPTY))).toEqual([['cpus', 1]]);
    expect(pairs(q('cpus:1').minus(q('cpus:0.4')))).toEqual([['cpus', 0.6]]);
    expect(q('cpus:1').minus(q('cpus:1')).size).toBe(0);
    expect(q('cpus:1').minus(q('cpus:1.4')).size).toBe(0);
    expect(pairs(q('cpus:1').minus(q('mem:100')))).toEqual([['cpus', 1]]);
    expect(pairs(q('cpus:1').minus(q('alphas:1')))).toEqual([['cpus', 1]]);
    expect(pairs(q('cpus:1;mem:100').minus(q('alphas:1;cpus:0.5')))).toEqual([
      ['cpus', 0.5],
      ['mem', 100],
    ]);
  });

  it('contains (Contains)', () => {
    const empty = ResourceQuantities.EMPTY;
    expect(empty.contains(empty)).toBe(true);
    expect(q('cpus:1').contains(empty)).toBe(true);
    expect(empty.contains(q('cpus:1'))).toBe(false);
    expect(q('cpus:1;mem:1').contains(q('cpus:1;mem:1'))).toBe(true);
    expect(q('cpus:1;mem:1;disk:1').contains(q('cpus:1;mem:1'))).toBe(true);
    expect(q('cpus:1;mem:1').contains(q('cpus:1;mem:1;disk:1'))).toBe(false);
    expect(q('cpus:1;mem:1').contains(q('cpus:1;disk:1'))).toBe(false);
    expect(q('cpus:1;disk:1').contains(q('cpus:1;mem:1'))).toBe(false);
    expect(q('cpus:1;mem:1').contains(q('gpu:1;disk:1'))).toBe(false);
    expect(q('cpus:2;mem:2').contains(q('cpus:2;mem:1'))).toBe(true);
    expect(q('cpus:2;mem:1').contains(q('cpus:2;mem:2'))).toBe(false);
  });

  it('prints, sums, compares and converts (Stringify, Sum)', () => {
    expect(ResourceQuantities.EMPTY.toString()).toBe('{}');
    expect(q('cpus:1;mem:1024').toString()).toBe('cpus:1; mem:1024');
    expect(pairs(ResourceQuantities.sum([]))).toEqual([]);
    expect(pairs(ResourceQuantities.sum([ResourceQuantities.EMPTY, q('cpus:1'), q('cpus:2'), q('memory:1'), q('cpus:1;memory:1')]))).toEqual([
      ['cpus', 4],
      ['memory', 2],
    ]);
    expect(q('cpus:1;mem:2').equals(ResourceQuantities.of({ mem: 2, cpus: 1 }))).toBe(true);
    expect(q('cpus:0.1').plus(q('cpus:0.2')).get('cpus')).toBe(0.3);
    expect(q('cpus:1').get('mem')).toBe(0);
    expect(q('cpus:1;mem:2').toRecord()).toEqual({ cpus: 1, mem: 2 });
    expect(() => ResourceQuantities.of({ cpus: -1 })).toThrow(/negative/);
    expect(() => ResourceQuantities.of({ cpus: Number.NaN })).toThrow(/NaN/);
  });
});

describe('ResourceLimits (LimitsTest)', () => {
  it('parses, keeping zeros and refusing duplicates (FromStringValid, FromStringInvalid)', () => {
    expect(pairs(l('cpus:10'))).toEqual([['cpus', 10]]);
    expect(pairs(l(' cpus : 3.14 ; disk : 10 '))).toEqual([
      ['cpus', 3.14],
      ['disk', 10],
    ]);
    expect(pairs(l('cpus:0'))).toEqual([['cpus', 0]]);
    expect(pairs(l('ports:3;cpus:10.5'))).toEqual([
      ['cpus', 10.5],
      ['ports', 3],
    ]);
    for (const bad of ['cpus:a10', 'cpus:3.14c', 'ports:3,cpus:1', 'ports:3,cpus:-1', 'cpus:nan', 'cpus:inf', 'cpus:-infinity', 'cpus:1;cpus:2']) {
      expect(ResourceLimits.fromString(bad).ok).toBe(false);
    }
  });

  it('contains looser-or-equal limits (Contains)', () => {
    const none = ResourceLimits.NONE;
    expect(none.contains(none)).toBe(true);
    expect(none.contains(l('cpus:1'))).toBe(true);
    expect(l('cpus:1').contains(none)).toBe(false);
    expect(l('cpus:1;mem:1').contains(l('cpus:1;mem:1'))).toBe(true);
    expect(l('cpus:1;mem:1').contains(l('cpus:1;mem:1;disk:1'))).toBe(true);
    expect(l('cpus:1;mem:1;disk:1').contains(l('cpus:1;mem:1'))).toBe(false);
    expect(l('cpus:1;mem:1').contains(l('cpus:1;disk:1'))).toBe(false);
    expect(l('cpus:1;disk:1').contains(l('cpus:1;mem:1'))).toBe(false);
    expect(l('cpus:1;mem:1').contains(l('gpu:1;disk:1'))).toBe(false);
    expect(l('cpus:2;mem:2').contains(l('cpus:2;mem:1'))).toBe(true);
    expect(l('cpus:2;mem:1').contains(l('cpus:2;mem:2'))).toBe(false);
  });

  it('contains quantities under every limit (ContainsQuantities)', () => {
    expect(ResourceLimits.NONE.containsQuantities(ResourceQuantities.EMPTY)).toBe(true);
    expect(l('cpus:1').containsQuantities(ResourceQuantities.EMPTY)).toBe(true);
    expect(l('cpus:1;mem:1').containsQuantities(q('cpus:1;mem:1'))).toBe(true);
    expect(l('cpus:1;mem:1;disk:1').containsQuantities(q('cpus:1;mem:1'))).toBe(true);
    expect(l('cpus:1;mem:1').containsQuantities(q('cpus:1;mem:1;disk:1'))).toBe(true);
    expect(l('cpus:1;mem:1').containsQuantities(q('cpus:1;disk:1'))).toBe(true);
    expect(l('cpus:1;mem:1').containsQuantities(q('gpu:1;disk:1'))).toBe(true);
    expect(l('cpus:2;mem:2').containsQuantities(q('cpus:2;mem:1'))).toBe(true);
    expect(l('cpus:2;mem:1').containsQuantities(q('cpus:2;mem:2'))).toBe(false);
  });

  it('subtracts quantities down to zero (SubtractQuantities)', () => {
    const sub = (a: string, b: string) => l(a).minus(q(b));
    expect(sub('', '').equals(l(''))).toBe(true);
    expect(sub('', 'cpus:10').equals(l(''))).toBe(true);
    expect(sub('cpus:1', '').equals(l('cpus:1'))).toBe(true);
    expect(sub('cpus:1', 'cpus:1').equals(l('cpus:0'))).toBe(true);
    expect(sub('cpus:1', 'cpus:2').equals(l('cpus:0'))).toBe(true);
    expect(sub('cpus:1;mem:10', 'cpus:1').equals(l('cpus:0;mem:10'))).toBe(true);
    expect(sub('cpus:1;mem:10', 'cpus:1;disk:10').equals(l('cpus:0;mem:10'))).toBe(true);
    expect(sub('cpus:1;mem:10', 'cpus:1;mem:5;disk:10').equals(l('cpus:0;mem:5'))).toBe(true);
    expect(l('cpus:1;mem:0').toString()).toBe('cpus:1; mem:0');
    expect(l('cpus:1').get('mem')).toBeUndefined();
    expect(ResourceLimits.of({ cpus: 0 }).get('cpus')).toBe(0);
  });
});
