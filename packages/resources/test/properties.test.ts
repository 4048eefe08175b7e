/** Algebraic laws, checked with fast-check over a small universe so entries collide and merge often. */
import fc from 'fast-check';
import { unwrap } from '@mesos-ts/errors';
import { Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, Value_Type, Volume_Mode, type Resource, type Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resources } from '../src/index';
import { addRanges, coalesce, subtractRanges } from '../src/internal/ranges';

// FC_RUNS=5000 npx jest test/properties.test.ts for a deeper search.
const RUNS = { numRuns: Number(process.env['FC_RUNS'] ?? 300) };

type Side = 'left' | 'right' | 'any';

/** Range and set values are drawn from halves of a small universe, so `left` and `right` values never overlap. */
function rangesArb(side: Side): fc.Arbitrary<{ begin: bigint; end: bigint }[]> {
  const [lo, hi] = side === 'left' ? [0, 99] : side === 'right' ? [100, 199] : [0, 199];
  return fc
    .array(
      fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: 0, max: 12 })).map(([b, len]) => [b, Math.min(hi, b + len)] as const),
      { minLength: 1, maxLength: 4 },
    )
    .map((pairs) => {
      const flat = coalesce(pairs.flat());
      const out: { begin: bigint; end: bigint }[] = [];
      for (let i = 0; i < flat.length; i += 2) out.push({ begin: BigInt(flat[i]!), end: BigInt(flat[i + 1]!) });
      return out;
    });
}

function setArb(side: Side): fc.Arbitrary<string[]> {
  const universe = side === 'left' ? ['a', 'b', 'c'] : side === 'right' ? ['x', 'y', 'z'] : ['a', 'b', 'c', 'x', 'y', 'z'];
  return fc.subarray(universe, { minLength: 1 });
}

const scalarArb = fc.integer({ min: 1, max: 100_000 }).map((n) => n / 1000);

const reservationsArb: fc.Arbitrary<Resource_ReservationInfo[]> = fc.oneof(
  fc.constant<Resource_ReservationInfo[]>([]),
  fc.constantFrom('a', 'b', 'a/b').map((role) => [{ type: Resource_ReservationInfo_Type.STATIC, role }]),
  fc
    .record({ role: fc.constantFrom('a', 'b'), principal: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }), label: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }) })
    .map(({ role, principal, label }) => {
      const r: Resource_ReservationInfo = { type: Resource_ReservationInfo_Type.DYNAMIC, role };
      if (principal !== undefined) r.principal = principal;
      if (label !== undefined) r.labels = { labels: [{ key: 'k', value: label }] };
      return [r];
    }),
  fc.constant<Resource_ReservationInfo[]>([
    { type: Resource_ReservationInfo_Type.STATIC, role: 'a' },
    { type: Resource_ReservationInfo_Type.DYNAMIC, role: 'a/b', principal: 'p' },
  ]),
);

/** Any valid resource from the universe. `plainOnly` limits it to what the text form can express. */
function resourceArb(side: Side, plainOnly = false): fc.Arbitrary<Resource> {
  const base = fc.oneof(
    fc.record({ name: fc.constantFrom('cpus', 'mem', 'gpus', 'disk'), value: scalarArb }).map(({ name, value }): Resource => ({ name, type: Value_Type.SCALAR, scalar: { value } })),
    rangesArb(side).map((range): Resource => ({ name: 'ports', type: Value_Type.RANGES, ranges: { range } })),
    setArb(side).map((item): Resource => ({ name: 'zones', type: Value_Type.SET, set: { item } })),
  );
  if (plainOnly) {
    return fc.tuple(base, fc.constantFrom<string | undefined>(undefined, 'a', 'a/b', 'b')).map(([r, role]) => (role === undefined ? r : { ...r, reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role }] }));
  }
  const extras = fc.record({
    reservations: reservationsArb,
    allocation: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    revocable: fc.boolean(),
    provider: fc.option(fc.constantFrom('rp1'), { nil: undefined }),
  });
  const disk = fc
    .record({
      size: fc.integer({ min: 1, max: 50 }),
      kind: fc.constantFrom('volume', 'shared-volume', 'mount', 'path', 'raw-id'),
      id: fc.constantFrom('v1', 'v2'),
      root: fc.constantFrom('/m1', '/m2'),
      path: fc.constantFrom('data', 'other'),
    })
    .map(({ size, kind, id, root, path }): Resource => {
      const r: Resource = { name: 'disk', type: Value_Type.SCALAR, scalar: { value: size }, reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role: 'a' }] };
      if (kind === 'volume' || kind === 'shared-volume') r.disk = { persistence: { id }, volume: { containerPath: path, mode: Volume_Mode.RW } };
      if (kind === 'shared-volume') r.shared = {};
      if (kind === 'mount') r.disk = { source: { type: Resource_DiskInfo_Source_Type.MOUNT, mount: { root } } };
      if (kind === 'path') r.disk = { source: { type: Resource_DiskInfo_Source_Type.PATH, path: { root } } };
      if (kind === 'raw-id') r.disk = { source: { type: Resource_DiskInfo_Source_Type.RAW, id } };
      return r;
    });
  return fc.oneof(
    { arbitrary: fc.tuple(base, extras).map(([r, x]): Resource => {
      const out: Resource = { ...r };
      if (x.reservations.length > 0) out.reservations = x.reservations;
      if (x.allocation !== undefined) out.allocationInfo = { role: x.allocation };
      if (x.revocable) out.revocable = {};
      if (x.provider !== undefined) out.providerId = { value: x.provider };
      return out;
    }), weight: 4 },
    { arbitrary: disk, weight: 1 },
  );
}

function resourcesArb(side: Side = 'any', plainOnly = false): fc.Arbitrary<Resources> {
  return fc.array(resourceArb(side, plainOnly), { maxLength: 8 }).map((protos) => unwrap(Resources.fromProto(protos)));
}

describe('Resources laws', () => {
  it('a + b == b + a', () => {
    fc.assert(fc.property(resourcesArb(), resourcesArb(), (a, b) => a.plus(b).equals(b.plus(a))), RUNS);
  });

  it('(a + b) + c == a + (b + c)', () => {
    fc.assert(fc.property(resourcesArb(), resourcesArb(), resourcesArb(), (a, b, c) => a.plus(b).plus(c).equals(a.plus(b.plus(c)))), RUNS);
  });

  it('(a + b) - b == a when ranges and sets do not overlap', () => {
    fc.assert(fc.property(resourcesArb('left'), resourcesArb('right'), (a, b) => a.plus(b).minus(b).equals(a)), RUNS);
  });

  it('a + b contains a and b', () => {
    fc.assert(fc.property(resourcesArb(), resourcesArb(), (a, b) => a.plus(b).contains(a) && a.plus(b).contains(b)), RUNS);
  });

  it('a - b is never negative: it is contained in a, and (a - b) + b contains a', () => {
    fc.assert(
      fc.property(resourcesArb(), resourcesArb(), (a, b) => {
        const d = a.minus(b);
        for (const e of d) {
          if (e.scalar !== undefined && !(e.scalar > 0)) return false;
          if (e.sharedCount < 1) return false;
        }
        return a.contains(d) && d.plus(b).contains(a);
      }),
      RUNS,
    );
  });

  it('b contained in a means (a - b) + b == a', () => {
    fc.assert(
      fc.property(resourcesArb(), resourcesArb(), (a, b) => {
        const sum = a.plus(b);
        return sum.minus(b).plus(b).equals(sum) && sum.minus(a).plus(a).equals(sum);
      }),
      RUNS,
    );
  });

  it('equality is mutual containment', () => {
    fc.assert(fc.property(resourcesArb(), resourcesArb(), (a, b) => a.equals(b) === (a.contains(b) && b.contains(a))), RUNS);
  });

  it('a - a is empty and a + empty == a', () => {
    fc.assert(fc.property(resourcesArb(), (a) => a.minus(a).isEmpty() && a.plus(Resources.EMPTY).equals(a) && a.minus(Resources.EMPTY).equals(a)), RUNS);
  });

  it('fromProto(toProto(r)) == r, in every format', () => {
    fc.assert(
      fc.property(resourcesArb(), (a) =>
        (['post-reservation-refinement', 'endpoint', 'pre-reservation-refinement'] as const).every((format) =>
          unwrap(Resources.fromProto(a.toProto({ format, sharedCopies: true }))).equals(a),
        ),
      ),
      RUNS,
    );
  });

  it('parse(toString(r)) == r for what the text form can express', () => {
    fc.assert(fc.property(resourcesArb('any', true), (a) => Resources.mustParse(a.toString()).equals(a)), RUNS);
  });

  it('toString is canonical: equal values print the same', () => {
    fc.assert(fc.property(resourcesArb(), resourcesArb(), (a, b) => a.plus(b).toString() === b.plus(a).toString()), RUNS);
  });

  it('toUnreserved and unallocate keep the amounts', () => {
    // Only scalars: ranges and sets are identities, so unreserving {a,b}(r1)
    // and {b,c}(r2) gives {a,b,c}; and shared copies count once.
    fc.assert(
      fc.property(
        resourcesArb(),
        (a) => a.nonShared().toUnreserved().scalars().quantities().equals(a.nonShared().scalars().quantities()) && a.unallocate().allocate('z').unallocate().equals(a.unallocate()),
      ),
      RUNS,
    );
  });

  it('filters partition the value', () => {
    fc.assert(
      fc.property(resourcesArb(), (a) =>
        a.reserved().plus(a.unreserved()).equals(a) && a.revocable().plus(a.nonRevocable()).equals(a) && a.shared().plus(a.nonShared()).equals(a),
      ),
      RUNS,
    );
  });

  it('scalar quantities add up', () => {
    fc.assert(fc.property(resourcesArb(), resourcesArb(), (a, b) => a.plus(b).scalars().quantities().equals(a.scalars().quantities().plus(b.scalars().quantities())) || hasShared(a, b)), RUNS);
  });
});

function hasShared(a: Resources, b: Resources): boolean {
  // Shared copies count once in quantities, as in Mesos, so a shared volume in
  // both a and b makes the sum smaller than the parts.
  return !a.shared().isEmpty() && !b.shared().isEmpty();
}

describe('range laws', () => {
  const flatArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 6 })), { maxLength: 8 }).map((pairs) => pairs.flatMap(([b, len]) => [b, b + len]));
  const members = (flat: readonly number[]) => {
    const s = new Set<number>();
    for (let i = 0; i < flat.length; i += 2) for (let v = flat[i]!; v <= flat[i + 1]!; v++) s.add(v);
    return s;
  };
  const canonical = (flat: readonly number[]) => {
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i]! > flat[i + 1]!) return false;
      if (i > 0 && flat[i]! <= flat[i - 1]! + 1) return false;
    }
    return true;
  };
  const same = (a: Set<number>, b: Set<number>) => a.size === b.size && [...a].every((v) => b.has(v));

  it('coalesce normalises without changing membership', () => {
    fc.assert(fc.property(flatArb, (flat) => canonical(coalesce(flat)) && same(members(coalesce(flat)), members(flat))), RUNS);
  });

  it('union and difference match sets of ports', () => {
    fc.assert(
      fc.property(flatArb, flatArb, (x, y) => {
        const a = coalesce(x);
        const b = coalesce(y);
        const union = addRanges(a, b);
        const diff = subtractRanges(a, b);
        const ma = members(a);
        const mb = members(b);
        return (
          canonical(union) &&
          canonical(diff) &&
          same(members(union), new Set([...ma, ...mb])) &&
          same(members(diff), new Set([...ma].filter((v) => !mb.has(v))))
        );
      }),
      RUNS,
    );
  });
});
