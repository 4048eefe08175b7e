/**
 * The `--resources` forms (ResourcesTest.Parsing*, ParseError,
 * ParsingFromJSON*, ValuesTest.ValidInput/InvalidInput), and our error
 * messages with offsets.
 */
import { Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import { Resources, parseResource, parseValue } from '../src/index';
import { createStaticReservationInfo, parse1, r, res } from './helpers';

function parseError(text: string, defaultRole?: string): string {
  const result = Resources.parse(text, defaultRole);
  if (result.ok) throw new Error(`expected '${text}' to fail, got ${result.value.toString()}`);
  expect(result.error.code).toBe('INVALID_ARGUMENT');
  return result.error.message;
}

describe('parseValue (ValuesTest)', () => {
  it('parses each value type (ValidInput)', () => {
    const scalar = parseValue('45.55');
    expect(scalar.ok && scalar.value).toEqual({ type: Value_Type.SCALAR, scalar: { value: 45.55 } });
    const ranges = parseValue('[10000-20000, 30000-50000]');
    expect(ranges.ok && ranges.value).toEqual({
      type: Value_Type.RANGES,
      ranges: { range: [{ begin: 10000n, end: 20000n }, { begin: 30000n, end: 50000n }] },
    });
    const set = parseValue('{sda1, sda2}');
    expect(set.ok && set.value).toEqual({ type: Value_Type.SET, set: { item: ['sda1', 'sda2'] } });
    const text = parseValue('123abc,s');
    expect(text.ok && text.value).toEqual({ type: Value_Type.TEXT, text: { value: '123abc,s' } });
  });

  it.each(['{aa,b}}', '[1-2]]', '[1-2b]', '  ', 'nan', '-nan', 'inf', '-inf', 'infinity', '-infinity', '-1', '[1-2-3]', 'a[1-2]', 'a{b}'])(
    'rejects %j (InvalidInput)',
    (text) => {
      expect(parseValue(text).ok).toBe(false);
    },
  );

  it('coalesces ranges as it parses, nested brackets included (RangesCoalesceParse)', () => {
    const v = parseValue('[7-8, 1-4, [8-10], 4-5]');
    expect(v.ok && v.value.ranges?.range).toEqual([
      { begin: 1n, end: 5n },
      { begin: 7n, end: 10n },
    ]);
  });

  it('rejects range bounds beyond 2^53 - 1 and says so', () => {
    const v = parseValue('[1-9007199254740992]');
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.error.message).toMatch(/9007199254740991.*'9007199254740992' at offset 3/);
    expect(parseValue('[1-9007199254740991]').ok).toBe(true);
  });
});

describe('Resources.parse: text form', () => {
  it('builds scalars, ranges and sets (Parsing)', () => {
    const cpus = parse1('cpus', '45.55');
    expect(cpus.type).toBe(Value_Type.SCALAR);
    expect(cpus.scalar?.value).toBe(45.55);
    const ports = parse1('ports', '[10000-20000, 30000-50000]');
    expect(ports.ranges?.range).toHaveLength(2);
    const disks = parse1('disks', '{sda1}');
    expect(disks.set?.item).toEqual(['sda1']);

    const r1 = r('cpus:45.55;ports:[10000-20000, 30000-50000];disks:{sda1}');
    expect(r1).toEqualResources(res(cpus, ports, disks));
    expect(r1.size).toBe(3);
  });

  it('reserves statically to the role in parentheses or the default role (ParsingWithRoles)', () => {
    const cpus = { ...parse1('cpus', '2'), reservations: [createStaticReservationInfo('role1')] };
    const mem = { ...parse1('mem', '3'), reservations: [createStaticReservationInfo('role1')] };
    expect(r('cpus(role1):2;mem(role1):3')).toEqualResources(res(cpus, mem));

    const parse2 = r('cpus(role1):2.5;ports(role2):[0-100]');
    const cpus2 = { ...parse1('cpus', '2.5'), reservations: [createStaticReservationInfo('role1')] };
    const ports = { ...parse1('ports', '[0-100]'), reservations: [createStaticReservationInfo('role2')] };
    expect(parse2).toEqualResources(res(ports, cpus2));
    expect(r('cpus:2.5;ports(role2):[0-100]', 'role1')).toEqualResources(parse2);

    const [entry] = r('cpus(eng/web):1');
    expect(entry?.reservations).toEqual([{ type: Resource_ReservationInfo_Type.STATIC, role: 'eng/web' }]);
    expect(r('cpus(*):1').reserved().isEmpty()).toBe(true);
    expect(r('cpus( role1 ):1').reserved('role1').size).toBe(1);
  });

  it('parses the empty string, "{}" and stray separators as nothing', () => {
    expect(r('').isEmpty()).toBe(true);
    expect(r('{}').isEmpty()).toBe(true);
    expect(r(';;cpus:1;;').toString()).toBe('cpus:1');
  });

  it('drops zero amounts (AbsentResources) and merges repeated names', () => {
    expect(r('gpus:0').size).toBe(0);
    expect(r('ports:[]').size).toBe(0);
    expect(r('cpus:1;cpus:2').toString()).toBe('cpus:3');
  });

  it('keeps 3 decimals (PrecisionLost, PrecisionRounding, VerySmallValue)', () => {
    expect(r('cpus:1.5011').cpus()).toBe(1.501);
    expect(r('cpus:1.5015').cpus()).toBe(1.502);
    expect(parseError('cpus:0.00001')).toMatch(/rounds to zero/);
  });

  it('rejects what Mesos rejects (ParseError)', () => {
    expect(parseError('cpus(role1)')).toMatch(/missing ':'.*'cpus\(role1\)' at offset 0/);
    expect(parseError('cpus(role1:1')).toMatch(/mismatched parentheses/);
    expect(parseError('cpus)(role1:1')).toMatch(/mismatched parentheses/);
    expect(parseError('foo(role1):1;foo(role2):[0-1]')).toMatch(/same name \('foo'\) but different types.*at offset 13/);
  });

  it.each([
    ['cpus:1;mem:abc', /expecting a number.*'abc' at offset 11/],
    ['cpus:1;ports:[1-2b]', /non-negative integer.*'2b' at offset 16/],
    ['cpus:1; ports:[5-1]', /inverted range.*'5-1' at offset 15/],
    ['ports:[1-2', /'\[' is never closed.*at offset 6/],
    ['cpus:1:2', /extra ':'.*at offset 6/],
    ['cpus(bad role):1', /invalid role.*whitespace/],
    ['cpus(-x):1', /dash/],
    ['cpus():1', /empty string/],
    ['(r):1', /empty resource name/],
    ['cpus(r)x:1', /unexpected text after '\)'.*at offset 7/],
    ['cpus:-1', /negative/],
    ['cpus:nan', /NaN/],
    ['cpus:inf', /infinite/],
    ['cpus:1e400', /infinite/],
    ['zones:{a,b,a}', /duplicated set element: 'a' at offset 11/],
    ['cpus:1; ', /missing ':'.*' ' at offset 7/],
    ['disk:{a}x', /mismatched|unexpected|expecting/],
    ['{"name":"cpus"}', /JSON object/],
    ['cpus:10000000000000', /too large/],
  ])('reports %j with the token and offset', (text, message) => {
    expect(parseError(text)).toMatch(message);
  });

  it('accepts the role syntax Mesos accepts, commas included', () => {
    // Mesos takes everything between the parentheses as the role name.
    expect(r('cpus(a,b):1').reserved('a,b').size).toBe(1);
    expect(parseError('cpus(a, b):1')).toMatch(/whitespace/);
  });
});

describe('Resources.parse: JSON form', () => {
  it('round-trips through Mesos JSON (ParsingFromJSON)', () => {
    const resources = r('cpus:2;mem:3');
    expect(Resources.parse('[{"name":"cpus","type":"SCALAR","scalar":{"value":2}},{"name":"mem","type":"SCALAR","scalar":{"value":3}}]').ok).toBe(true);

    const cpus = Resources.mustParse('[\n  {\n    "name": "cpus",\n    "type": "SCALAR",\n    "scalar": {\n      "value": 45.55\n    }\n  }\n]');
    expect(cpus.size).toBe(1);
    expect(cpus.cpus()).toBe(45.55);

    const ports = Resources.mustParse('[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":10000,"end":20000},{"begin":30000,"end":50000}]}}]');
    expect(ports.ports()).toEqual([
      { begin: 10000, end: 20000 },
      { begin: 30000, end: 50000 },
    ]);

    const pandas = Resources.mustParse('[{"name":"pandas","type":"SET","set":{"item":["lun_lun","yang_yang"]}}]');
    expect(pandas.getSet('pandas')).toEqual(['lun_lun', 'yang_yang']);

    const all = Resources.mustParse(
      '[{"name":"cpus","type":"SCALAR","scalar":{"value":45.55}},' +
        '{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":10000,"end":20000},{"begin":30000,"end":50000}]}},' +
        '{"name":"pandas","type":"SET","set":{"item":["lun_lun","yang_yang"]}}]',
    );
    expect(all).toEqualResources(cpus.plus(ports).plus(pandas));
    expect(resources.plus(resources).cpus()).toBe(4);
  });

  it('takes reservations and the deprecated role, and the default role (ParsingFromJSONWithRoles)', () => {
    const cpus = Resources.mustParse('[{"name":"cpus","type":"SCALAR","scalar":{"value":45.55},"reservations":[{"type":"STATIC","role":"role1"}]}]');
    expect(cpus.reserved('role1').cpus()).toBe(45.55);
    const cpus2 = Resources.mustParse('[{"name":"cpus","type":"SCALAR","scalar":{"value":54.44},"reservations":[{"type":"STATIC","role":"role2"}]}]');
    const total = cpus2.plus(cpus).plus(cpus);
    expect(total.contains(cpus)).toBe(true);
    expect(total.cpus()).toBe(145.54);
    expect(total.reserved('role1').cpus()).toBe(91.1);
    expect(total.reserved('role2').cpus()).toBe(54.44);

    const mixed = Resources.mustParse(
      '[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":10000,"end":20000},{"begin":30000,"end":50000}]},"reservations":[{"type":"STATIC","role":"role1"}]},' +
        '{"name":"pandas","type":"SET","set":{"item":["lun_lun","yang_yang"]},"role":"panda_liason"}]',
    );
    expect(mixed.reserved('role1').ports()).toHaveLength(2);
    expect(mixed.reserved('panda_liason').getSet('pandas')).toHaveLength(2);

    const defaulted = Resources.mustParse('[{"name":"cpus","type":"SCALAR","scalar":{"value":1}}]', 'eng');
    expect(defaulted.reserved('eng').cpus()).toBe(1);
  });

  it.each([
    ['a single object', '{"name":"sad_pandas","type":"SET","set":{"item":["bai_yun","gao_gao"]}}'],
    ['a missing comma between resources', '[{"name":"a","type":"SET","set":{"item":["x"]}} {"name":"b","type":"SET","set":{"item":["y"]}}]'],
    ['a missing comma in a set', '[{"name":"a","type":"SET","set":{"item":["x" "y"]}}]'],
    ['an array of arrays', '[[{"name":"a","type":"SET","set":{"item":["x"]}}]]'],
    ['extraneous text', '[{"name":"a","type":"SET","set":{"item":["x"]}}]once upon a time'],
    ['the wrong bracket', '[{"name":"a","type":"SET","set":{"item":["x","y"}}}]'],
    ['a missing type', '[{"name":"pandas","set":{"item":["lun_lun"]}}]'],
    ['an empty name', '[{"name":"","type":"SET","set":{"item":["lun_lun"]}}]'],
    ['an unknown type', '[{"name":"pandas","type":"FLOATINGPOINT","set":{"item":["lun_lun"]}}]'],
    ['a negative scalar', '[{"name":"panda_power","type":"SCALAR","scalar":{"value":-1}}]'],
    ['one name with two types', '[{"name":"p","type":"SCALAR","scalar":{"value":14}},{"name":"p","type":"SET","set":{"item":["a"]}}]'],
    [
      'a persistent volume',
      '[{"name":"disk","type":"SCALAR","scalar":{"value":2048},"role":"r","disk":{"persistence":{"id":"pv1"},"volume":{"container_path":"/var/lib/mesos/persist","mode":"RW"}}}]',
    ],
    ['a dynamic reservation', '[{"name":"disk","type":"SCALAR","scalar":{"value":2048},"reservations":[{"type":"DYNAMIC","role":"r","principal":"p"}]}]'],
    ['a revocable resource', '[{"name":"cpus","type":"SCALAR","scalar":{"value":54.44},"role":"role2","revocable":{}}]'],
  ])('rejects %s (ParsingFromJSONError)', (_what, json) => {
    expect(Resources.parse(json).ok).toBe(false);
  });

  it('names the failing element', () => {
    const result = Resources.parse('[{"name":"cpus","type":"SCALAR","scalar":{"value":1}},{"name":"x","type":"SCALAR","scalar":{"value":-1}}]');
    expect(!result.ok && result.error.message).toMatch(/resource \[1\] 'x'.*scalar\.value.*negative/);
  });
});

describe('parseResource (Resources::parse(name, value, role))', () => {
  it('rejects TEXT values and bad roles', () => {
    expect(parseResource('cpus', 'abc').ok).toBe(false);
    expect(parseResource('cpus', '1', 'a b').ok).toBe(false);
    const ok = parseResource('cpus', '1', 'r');
    expect(ok.ok && ok.value.reservations).toEqual([createStaticReservationInfo('r')]);
  });
});
