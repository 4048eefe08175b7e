/**
 * Builders shared by the sorter tests (not exported from the package): the
 * resource shapes Mesos's sorter_tests.cpp builds with its helpers, and a
 * small seeded random generator.
 */
import { unwrap } from '@mesos-ts/errors';
import { Resource_ReservationInfo_Type, Value_Type, Volume_Mode, type Resource } from '@mesos-ts/proto';
import { ResourceQuantities, Resources } from '@mesos-ts/resources';

/** Resources from the `--resources` text form. */
export function r(text: string): Resources {
  return Resources.mustParse(text);
}

/** Quantities from `name:value;...`. */
export function q(text: string): ResourceQuantities {
  return unwrap(ResourceQuantities.fromString(text));
}

function fromProto(resource: Resource): Resources {
  return unwrap(Resources.fromProto(resource));
}

/** A persistent volume of unreserved disk (Mesos tests: `disk` with persistence id and container path). */
export function persistentVolume(mb: number, id: string, containerPath: string): Resources {
  return fromProto({
    name: 'disk',
    type: Value_Type.SCALAR,
    scalar: { value: mb },
    disk: { persistence: { id }, volume: { containerPath, mode: Volume_Mode.RW } },
  });
}

/** A shared persistent volume statically reserved to `role` (Mesos's `createDiskResource(..., shared = true)`). */
export function sharedVolume(mb: number, role: string, id: string, containerPath: string): Resources {
  return fromProto({
    name: 'disk',
    type: Value_Type.SCALAR,
    scalar: { value: mb },
    reservations: [{ type: Resource_ReservationInfo_Type.STATIC, role }],
    disk: { persistence: { id }, volume: { containerPath, mode: Volume_Mode.RW } },
    shared: {},
  });
}

/** Revocable unreserved cpus. */
export function revocableCpus(amount: number): Resources {
  return fromProto({ name: 'cpus', type: Value_Type.SCALAR, scalar: { value: amount }, revocable: {} });
}

/** A seeded uniform generator in [0, 1), for reproducible random-sorter tests. */
export { seededRandom } from '../../testing';
