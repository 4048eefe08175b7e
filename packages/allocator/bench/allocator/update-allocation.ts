/**
 * `allocator/UpdateAllocation`: Mesos's `HierarchicalAllocator__BENCHMARK_
 * WithResourceParam.UpdateAllocation` (hierarchical_allocator_tests.cpp),
 * with (roles, reservations per role, ranges per ports resource) = (50|100|200, 1, 1).
 *
 * Roles `role-<36 random letters>`, one framework each. Per role, `cpus:100`,
 * `mem:100`, `disk:100` and `ports:[2-2]`, each DYNAMIC-reserved for the role
 * with its own random label (so nothing merges): one agent with 4 x roles
 * resource objects (800 for 200 roles), all allocated to the frameworks. One
 * framework then alternates UNRESERVE and RESERVE of its slice through
 * `updateAllocation`, 20 times each; every call is timed.
 *
 * Mesos reference: commit d44882fc8 (the MESOS-10015 fix, r/71646) reports
 * "Made 20 reserve and unreserve operations in" 468 ms / 926 ms / 2.11 s for
 * 200 / 400 / 800 resource objects (50 / 100 / 200 frameworks). We read that as
 * 20 iterations of one RESERVE plus one UNRESERVE, i.e. 40 updateAllocation
 * calls, so 11.7 / 23.1 / 52.8 ms per operation. (It ran a pre-commit version
 * of this benchmark, `WithReservationParam`, with the same shape.)
 */
import { agentInfo, frameworkInfo, r, seededRandom } from '@mesos-ts/allocator/testing';
import { Resource_ReservationInfo_Type } from '@mesos-ts/proto';
import { Resources } from '@mesos-ts/resources';
import type { BenchFigure, BenchScenario } from '../../../../tools/bench/harness';
import { cluster, median, note, randomLetters, stopwatch } from './common';

const REPETITIONS = 20;
const SOURCE = 'Mesos commit d44882fc8 (r/71646, MESOS-10015 fix): 20 reserve + 20 unreserve ops, per op';
const REFERENCE_TOTAL_MS: Record<number, number> = { 50: 468.482366, 100: 925.725947, 200: 2110.337109 };

function run(roleCount: number, reservationCount: number, portRangeCount: number): BenchFigure[] {
  const name = 'allocator/UpdateAllocation';
  const random = seededRandom(7);
  const { allocator } = cluster();

  const ports = `[${Array.from({ length: portRangeCount }, (_, i) => `${2 * (i + 1)}-${2 * (i + 1)}`).join(',')}]`;
  const parts = [r('cpus:100'), r('mem:100'), r('disk:100'), r(`ports:${ports}`)];
  const slices = new Map<string, { role: string; reserved: Resources }>();
  let agentTotal = Resources.empty();
  for (let k = 0; k < roleCount; k++) {
    const role = `role-${randomLetters(random, 36)}`;
    const frameworkId = `framework-${k}`;
    allocator.addFramework(frameworkId, frameworkInfo([role], [], frameworkId));
    let reserved = Resources.empty();
    for (let i = 0; i < reservationCount; i++) {
      for (const part of parts) {
        const labels = { labels: [{ key: 'Label', value: randomLetters(random, 36) }] };
        reserved = reserved.plus(part.pushReservation({ type: Resource_ReservationInfo_Type.DYNAMIC, role, labels }));
      }
    }
    slices.set(frameworkId, { role, reserved });
    agentTotal = agentTotal.plus(reserved);
  }
  const used = new Map([...slices].map(([id, s]) => [id, s.reserved.allocate(s.role)] as const));
  allocator.addAgent('agent-0', agentInfo('agent-0'), agentTotal, used);
  allocator.allocatePending();

  const [loopFramework, slice] = [...slices][0]!;
  const reservedAllocated = slice.reserved.allocate(slice.role);
  const unreservedAllocated = slice.reserved.toUnreserved().allocate(slice.role);
  const unreserve = [{ type: 'UNRESERVE' as const, resources: slice.reserved }];
  const reserve = [{ type: 'RESERVE' as const, resources: slice.reserved }];

  const unreserveMs: number[] = [];
  const reserveMs: number[] = [];
  for (let i = 0; i < REPETITIONS; i++) {
    unreserveMs.push(stopwatch(() => allocator.updateAllocation(loopFramework, 'agent-0', reservedAllocated, unreserve)));
    reserveMs.push(stopwatch(() => allocator.updateAllocation(loopFramework, 'agent-0', unreservedAllocated, reserve)));
  }
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const perOp = (sum(unreserveMs) + sum(reserveMs)) / (2 * REPETITIONS);
  note(
    name,
    `agent resource objects: ${agentTotal.size} (${roleCount} roles, ${reservationCount} reservation(s) per role, ${portRangeCount} range(s) per ports resource); ` +
      `${REPETITIONS} RESERVE took ${sum(reserveMs).toFixed(2)} ms, ${REPETITIONS} UNRESERVE ${sum(unreserveMs).toFixed(2)} ms`,
  );
  const refTotal = REFERENCE_TOTAL_MS[roleCount];
  return [
    {
      metric: 'ms_per_op',
      value: perOp,
      unit: 'ms',
      ...(refTotal !== undefined ? { reference: { value: refTotal / (2 * REPETITIONS), source: SOURCE } } : {}),
      target: 1,
    },
    { metric: 'reserve_ms_median', value: median(reserveMs), unit: 'ms' },
    { metric: 'unreserve_ms_median', value: median(unreserveMs), unit: 'ms' },
  ];
}

export const updateAllocation: BenchScenario[] = [50, 100, 200].map(
  (roles): BenchScenario => ({
    name: 'allocator/UpdateAllocation',
    // One framework per role, all on one agent.
    params: { agents: 1, frameworks: roles, roles, reservations: 1, portRanges: 1 },
    run: () => run(roles, 1, 1),
  }),
);
