/**
 * Mirrors of Apache Mesos's resources benchmarks (src/tests/resources_tests.cpp):
 * Resources_Scalar_Arithmetic_BENCHMARK_Test, Resources_Filter_BENCHMARK_Test,
 * Resources_Contains_BENCHMARK_Test, Resources_Parse_BENCHMARK_Test and
 * Resources_Ranges_BENCHMARK_Test, with the same inputs and operation counts.
 * Each figure is the median over several runs of the whole loop. Mesos
 * publishes no numbers for these, so there is no reference column.
 *
 * Our values are immutable, so Mesos's `total += r` and `total = total + r`
 * are the same operation here and are reported once.
 */
import { unwrap } from '@mesos-ts/errors';
import { Resource_ReservationInfo_Type, Value_Type, Volume_Mode, type Resource } from '@mesos-ts/proto';
import { blackhole, time, type BenchFigure, type BenchScenario } from '../../../tools/bench/harness';
import { Resources } from '@mesos-ts/resources';

const parse = (text: string) => Resources.mustParse(text);

/** Median milliseconds of one run of `body` (which performs all of a scenario's operations). */
function loop(samples: number, body: () => unknown): number {
  return time(body, { warmup: 1, samples }).medianNs / 1e6;
}

function figures(prefix: string, totalMs: number, operations: number): BenchFigure[] {
  return [
    { metric: `${prefix}_ms`, value: totalMs, unit: `ms/${operations} ops` },
    { metric: `${prefix}_ns_per_op`, value: (totalMs * 1e6) / operations, unit: 'ns' },
  ];
}

// Resources_Scalar_Arithmetic_BENCHMARK_Test ---------------------------------

function sharedVolume(): Resource {
  return {
    name: 'disk',
    type: Value_Type.SCALAR,
    scalar: { value: 256 },
    reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role: 'test' }],
    disk: { persistence: { id: 'persistentId' }, volume: { containerPath: '/volume', mode: Volume_Mode.RW } },
    shared: {},
  };
}

function arithmeticParameters(): { resources: Resources; operations: number; label: string }[] {
  const scalars = parse('cpus:1;gpus:1;mem:128;disk:256');
  let reservations = Resources.EMPTY;
  for (let i = 0; i < 1000; i++) {
    reservations = reservations.plus(
      scalars.pushReservation({
        type: Resource_ReservationInfo_Type.DYNAMIC,
        role: String(i),
        principal: `principal_${i}`,
        labels: { labels: [{ key: `key_${i}`, value: `value_${i}` }] },
      }),
    );
  }
  const shared = parse('cpus:1;mem:128').plus(unwrap(Resources.fromProto(sharedVolume())));
  return [
    { resources: scalars, operations: 50000, label: 'cpus:1;gpus:1;mem:128;disk:256' },
    { resources: reservations, operations: 10, label: '1000 dynamic reservations x 4 scalars' },
    { resources: shared, operations: 50000, label: 'cpus:1;mem:128 + shared volume disk:256' },
  ];
}

const arithmetic: BenchScenario[] = [0, 1, 2].map((index) => ({
  name: `resources/Arithmetic/${index}`,
  params: { fixture: 'Resources_Scalar_Arithmetic_BENCHMARK_Test', resources: ['cpus:1;gpus:1;mem:128;disk:256', '1000 reservations', 'shared'][index]!, operations: [50000, 10, 50000][index]! },
  run() {
    const { resources, operations } = arithmeticParameters()[index]!;
    let total = Resources.EMPTY;
    const plusMs = loop(7, () => {
      total = Resources.EMPTY;
      for (let i = 0; i < operations; i++) total = total.plus(resources);
      return total;
    });
    const full = total;
    const minusMs = loop(7, () => {
      total = full;
      for (let i = 0; i < operations; i++) total = total.minus(resources);
      return total;
    });
    if (!total.isEmpty()) throw new Error(`expected nothing left, got ${total.toString()}`);
    return [...figures('plus', plusMs, operations), ...figures('minus', minusMs, operations)];
  },
}));

// Resources_Filter_BENCHMARK_Test --------------------------------------------

const filters: BenchScenario = {
  name: 'resources/Filters',
  params: { fixture: 'Resources_Filter_BENCHMARK_Test', operations: 50000 },
  run() {
    const operations = 50000;
    const nonRevocable = parse('cpus:1;gpus:1;mem:128;disk:256');
    const revocable = unwrap(Resources.fromProto({ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: 1 }, revocable: {} }));
    const reserved = parse('cpus(role):1;gpus(role):1;mem(role):128;disk(role):256');
    const measure = (f: () => Resources) =>
      loop(9, () => {
        let last: Resources | undefined;
        for (let i = 0; i < operations; i++) last = f();
        return last;
      });
    return [
      ...figures('nonRevocable', measure(() => nonRevocable.nonRevocable()), operations),
      ...figures('revocable', measure(() => revocable.revocable()), operations),
      ...figures('unreserved', measure(() => nonRevocable.unreserved()), operations),
      ...figures('reserved_role', measure(() => reserved.reserved('role')), operations),
    ];
  },
};

// Resources_Contains_BENCHMARK_Test ------------------------------------------

/** Mesos's test helper `fragment([1-16000], 8000)`: [1-1], [3-3], ..., ending with [15999-16000]. */
function fragmentedPorts(begin: number, end: number, count: number): Resources {
  const range: { begin: bigint; end: bigint }[] = [];
  for (let i = 0; i < count; i++) range.push({ begin: BigInt(begin + 2 * i), end: BigInt(begin + 2 * i) });
  range[range.length - 1]!.end = BigInt(end);
  return unwrap(Resources.fromProto({ name: 'ports', type: Value_Type.RANGES, ranges: { range } }));
}

function containsParameters(): { subset: Resources; superset: Resources; operations: number; label: string }[] {
  const scalarsSub = parse('cpus:1;mem:128');
  const scalarsSup = parse('cpus:1;gpus:1;mem:128;disk:256');
  const rangeSub = fragmentedPorts(1, 16000, 8000);
  const rangeSup = parse('ports:[1-16000]');
  const mixedSub = scalarsSub.plus(rangeSub);
  const mixedSup = scalarsSup.plus(rangeSup);
  return [
    { subset: scalarsSub, superset: scalarsSup, operations: 5000, label: 'scalars, contained' },
    { subset: scalarsSup, superset: scalarsSub, operations: 5000, label: 'scalars, not contained' },
    { subset: scalarsSub, superset: scalarsSub, operations: 5000, label: 'scalars, equal' },
    { subset: rangeSub, superset: rangeSup, operations: 100, label: '8000 port ranges in [1-16000]' },
    { subset: rangeSup, superset: rangeSub, operations: 50, label: '[1-16000] in 8000 port ranges' },
    { subset: rangeSub, superset: rangeSub, operations: 1, label: '8000 port ranges, equal' },
    { subset: mixedSub, superset: mixedSup, operations: 100, label: 'mixed, contained' },
    { subset: mixedSup, superset: mixedSub, operations: 50, label: 'mixed, not contained' },
    { subset: mixedSub, superset: mixedSub, operations: 1, label: 'mixed, equal' },
  ];
}

const CONTAINS_LABELS = containsParameters().map((p) => [p.label, p.operations] as const);

const contains: BenchScenario[] = CONTAINS_LABELS.map(([label, operations], index) => ({
  name: `resources/Contains/${index}`,
  params: { fixture: 'Resources_Contains_BENCHMARK_Test', case: label, operations },
  run() {
    const { subset, superset } = containsParameters()[index]!;
    const expected = index % 3 !== 1;
    let answer = false;
    const ms = loop(15, () => {
      for (let i = 0; i < operations; i++) answer = superset.contains(subset);
      return answer;
    });
    if (answer !== expected) throw new Error(`contains gave ${answer} for ${label}`);
    return figures('contains', ms, operations);
  },
}));

// Resources_Parse_BENCHMARK_Test ---------------------------------------------

const PARSE_INPUT = Array.from({ length: 100 }, (_, i) => `res${i}:${i}`).join(';');

const parsing: BenchScenario[] = [1000, 10000, 50000].map((iterations) => ({
  name: `resources/Parse/${iterations}`,
  params: { fixture: 'Resources_Parse_BENCHMARK_Test', resources: 100, iterations },
  slow: iterations > 10000,
  run() {
    const ms = loop(iterations > 10000 ? 3 : 7, () => {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        last = Resources.parse(PARSE_INPUT);
      }
      blackhole(last);
      return last;
    });
    const check = unwrap(Resources.parse(PARSE_INPUT));
    if (check.size !== 99) throw new Error(`expected 99 resources (res0:0 is empty), got ${check.size}`);
    return figures('parse', ms, iterations);
  },
}));

// Resources_Ranges_BENCHMARK_Test --------------------------------------------

function overlappingPorts(subRanges: number): [Resources, Resources] {
  // ports1 = [1-6, 11-16, ...], ports2 = [3-8, 13-18, ...]: each interval overlaps the other's.
  const r1: { begin: bigint; end: bigint }[] = [];
  const r2: { begin: bigint; end: bigint }[] = [];
  for (let i = 0, p1 = 1, p2 = 3, stride = 5; i < subRanges; i++, p1 += stride * 2, p2 += stride * 2) {
    r1.push({ begin: BigInt(p1), end: BigInt(p1 + stride) });
    r2.push({ begin: BigInt(p2), end: BigInt(p2 + stride) });
  }
  const ports = (range: { begin: bigint; end: bigint }[]) => unwrap(Resources.fromProto({ name: 'ports', type: Value_Type.RANGES, ranges: { range } }));
  return [ports(r1), ports(r2)];
}

const ranges: BenchScenario[] = [10, 100, 1000].map((subRanges) => ({
  name: `resources/ArithmeticOverlapping/${subRanges}`,
  params: { fixture: 'Resources_Ranges_BENCHMARK_Test', subRanges, operations: 1000 },
  run() {
    const operations = 1000;
    const [ports1, ports2] = overlappingPorts(subRanges);
    let result = Resources.EMPTY;
    const plusMs = loop(9, () => {
      for (let i = 0; i < operations; i++) result = ports1.plus(ports2);
      return result;
    });
    const minusMs = loop(9, () => {
      for (let i = 0; i < operations; i++) result = ports1.minus(ports2);
      return result;
    });
    return [...figures('plus', plusMs, operations), ...figures('minus', minusMs, operations)];
  },
}));

export const scenarios: BenchScenario[] = [...arithmetic, filters, ...contains, ...parsing, ...ranges];
