/** Proto conversion: validation messages, immutability, field mapping. */
import { Resource_ReservationInfo_Type, Value_Type, type Resource } from '@mesos-ts/proto';
import { Resources, validateResource } from '../src/index';
import { createDiskResource, r, res } from './helpers';

function problem(resource: Resource): string {
  const result = Resources.fromProto([{ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 } }, resource]);
  if (result.ok) throw new Error('expected an error');
  return result.error.message;
}

describe('fromProto validation', () => {
  it.each<[string, Resource, RegExp]>([
    ['no name', { type: Value_Type.SCALAR, scalar: { value: 1 } }, /resource \[1\]: 'name' is empty/],
    ['no type', { name: 'cpus', scalar: { value: 1 } }, /'type' is not set/],
    ['TEXT', { name: 'x', type: Value_Type.TEXT }, /unsupported resource type TEXT/],
    ['unknown type', { name: 'x', type: 42 as Value_Type }, /invalid resource type 42/],
    ['no scalar', { name: 'cpus', type: Value_Type.SCALAR }, /'scalar' is not set/],
    ['scalar and ranges', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, ranges: { range: [] } }, /'ranges' must not be set/],
    ['no scalar value', { name: 'cpus', type: Value_Type.SCALAR, scalar: {} }, /'scalar.value' is not set/],
    ['negative', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: -1 } }, /resource \[1\] 'cpus'.*'scalar.value'.*negative/],
    ['NaN', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: Number.NaN } }, /NaN/],
    ['infinite', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: Number.POSITIVE_INFINITY } }, /infinite/],
    ['too small', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.0001 } }, /rounds to zero/],
    ['inverted range', { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 5n, end: 1n }] } }, /'ranges.range\[0\]' is inverted/],
    [
      'overlapping ranges',
      { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 5n, end: 10n }, { begin: 1n, end: 6n }] } },
      /overlapping ranges 'ranges.range\[1\]' \(1-6\) and 'ranges.range\[0\]' \(5-10\)/,
    ],
    ['huge bound', { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 1n, end: 2n ** 64n - 1n }] } }, /18446744073709551615 exceeds 9007199254740991/],
    ['missing bound', { name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 1n }] } }, /'ranges.range\[0\].end' is not set/],
    ['duplicate set item', { name: 'zones', type: Value_Type.SET, set: { item: ['a', 'b', 'a'] } }, /duplicated element 'a'/],
    ['disk info on cpus', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, disk: {} }, /DiskInfo should not be set for cpus/],
    ['bad role', { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, role: 'a//b' }, /invalid 'role'.*adjacent slashes/],
    [
      'reservation to *',
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role: '*' }] },
      /role "\*" cannot be reserved/,
    ],
    [
      'reservation without type',
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, reservations: [{ role: 'r' }] },
      /'reservations\[0\].type' must be set/,
    ],
    [
      'reservation type UNKNOWN',
      { name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, reservations: [{ role: 'r', type: Resource_ReservationInfo_Type.UNKNOWN }] },
      /unsupported 'reservations\[0\].type'/,
    ],
    [
      'role beside a refined stack',
      {
        name: 'cpus',
        type: Value_Type.SCALAR,
        scalar: { value: 1 },
        role: 'a',
        reservations: [
          { type: Resource_ReservationInfo_Type.STATIC, role: 'a' },
          { type: Resource_ReservationInfo_Type.DYNAMIC, role: 'a/b' },
        ],
      },
      /'role' must not be set if there is more than one reservation/,
    ],
  ])('rejects %s', (_what, resource, message) => {
    expect(problem(resource)).toMatch(message);
  });

  it('accepts the largest exact values', () => {
    expect(Resources.fromProto({ name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 0n, end: BigInt(Number.MAX_SAFE_INTEGER) }] } }).ok).toBe(true);
    expect(validateResource({ name: 'mem', type: Value_Type.SCALAR, scalar: { value: 9_000_000_000_000 } }).ok).toBe(true);
  });

  it('coalesces touching ranges and sorts set items', () => {
    const x = res({ name: 'ports', type: Value_Type.RANGES, ranges: { range: [{ begin: 5n, end: 10n }, { begin: 1n, end: 4n }] } });
    expect(x.toProto()[0]?.ranges?.range).toEqual([{ begin: 1n, end: 10n }]);
    const s = res({ name: 'zones', type: Value_Type.SET, set: { item: ['b', 'a'] } });
    expect(s.toProto()[0]?.set?.item).toEqual(['a', 'b']);
  });

  it('does not validate to true for an invalid single resource in contains', () => {
    expect(r('cpus:1').contains({ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: -1 } })).toBe(false);
    expect(r('cpus:1').contains({ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 0.5 } })).toBe(true);
  });
});

describe('immutability', () => {
  it('copies input and output', () => {
    const input: Resource = createDiskResource('10', 'role', 'id', 'path');
    const value = res(input);
    input.disk!.persistence!.id = 'changed';
    input.reservations![0]!.role = 'changed';
    expect(value.toString()).toBe('disk(reservations: [(STATIC,role)])[id:path]:10');

    const out = value.toProto();
    out[0]!.disk!.persistence!.id = 'changed';
    out[0]!.reservations!.push({ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'role/x' });
    expect(value.toString()).toBe('disk(reservations: [(STATIC,role)])[id:path]:10');
  });

  it('freezes what entries expose', () => {
    const [entry] = res(createDiskResource('10', 'role', 'id', 'path'));
    expect(Object.isFrozen(entry?.disk)).toBe(true);
    expect(Object.isFrozen(entry?.reservations)).toBe(true);
    expect(Object.isFrozen(entry?.reservations[0])).toBe(true);
  });

  it('never changes a value in place', () => {
    const a = r('cpus:1;mem:2');
    const before = a.toString();
    a.plus(r('cpus:5'));
    a.minus(r('cpus:1'));
    a.allocate('x');
    a.pushReservation({ type: Resource_ReservationInfo_Type.DYNAMIC, role: 'x' });
    expect(a.toString()).toBe(before);
  });
});

describe('entries', () => {
  it('expose their fields', () => {
    const [ports] = r('ports(eng):[1-10, 20-30]');
    expect(ports?.name).toBe('ports');
    expect(ports?.type).toBe(Value_Type.RANGES);
    expect(ports?.ranges).toEqual([
      { begin: 1, end: 10 },
      { begin: 20, end: 30 },
    ]);
    expect(ports?.scalar).toBeUndefined();
    expect(ports?.set).toBeUndefined();
    expect(ports?.reservationRole).toBe('eng');
    expect(ports?.isReserved()).toBe(true);
    expect(ports?.isReserved('eng')).toBe(true);
    expect(ports?.isReserved('other')).toBe(false);
    expect(ports?.isUnreserved()).toBe(false);
    expect(ports?.isDynamicallyReserved()).toBe(false);
    expect(ports?.revocable).toBe(false);
    expect(ports?.shared).toBe(false);
    expect(ports?.sharedCount).toBe(1);
    expect(ports?.providerId).toBeUndefined();
    expect(ports?.toString()).toBe('ports(eng):[1-10, 20-30]');
    expect(ports?.toProto()).toEqual({
      name: 'ports',
      type: Value_Type.RANGES,
      ranges: { range: [{ begin: 1n, end: 10n }, { begin: 20n, end: 30n }] },
      reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role: 'eng' }],
    });
    expect(r('cpus:1;mem:2').toArray().map((e) => e.name)).toEqual(['cpus', 'mem']);
  });
});
