/**
 * Validation of Resource protos, following Mesos's `Resources::validate`
 * (src/common/resources.cpp) and adding the checks a JS representation needs
 * (range bounds that fit a double exactly, finite scalars). Messages name the
 * offending field.
 */
import type { Labels, Resource, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import { checkScalar } from './fixed';
import { isStrictSubroleOf, validateRole } from './roles';

const SOURCE_TYPE_NAMES: Record<number, string> = {
  [Resource_DiskInfo_Source_Type.PATH]: 'PATH',
  [Resource_DiskInfo_Source_Type.MOUNT]: 'MOUNT',
  [Resource_DiskInfo_Source_Type.BLOCK]: 'BLOCK',
  [Resource_DiskInfo_Source_Type.RAW]: 'RAW',
};

const MAX_BOUND = BigInt(Number.MAX_SAFE_INTEGER);

/** Why `resource` is not a valid resource, or undefined if it is. */
export function validateResource(resource: Resource): string | undefined {
  const name = resource.name;
  if (name === undefined || name.length === 0) return "'name' is empty";

  const type = resource.type;
  if (type === undefined) return "'type' is not set";
  if (type === Value_Type.SCALAR) {
    if (resource.scalar === undefined) return "invalid scalar resource: 'scalar' is not set";
    if (resource.ranges !== undefined) return "invalid scalar resource: 'ranges' must not be set";
    if (resource.set !== undefined) return "invalid scalar resource: 'set' must not be set";
    const value = resource.scalar.value;
    if (value === undefined) return "invalid scalar resource: 'scalar.value' is not set";
    if (typeof value !== 'number') return "invalid scalar resource: 'scalar.value' is not a number";
    const problem = checkScalar(value);
    if (problem !== undefined) return `invalid scalar resource: 'scalar.value': ${problem}`;
  } else if (type === Value_Type.RANGES) {
    if (resource.ranges === undefined) return "invalid ranges resource: 'ranges' is not set";
    if (resource.scalar !== undefined) return "invalid ranges resource: 'scalar' must not be set";
    if (resource.set !== undefined) return "invalid ranges resource: 'set' must not be set";
    const problem = checkRanges(resource.ranges.range ?? []);
    if (problem !== undefined) return `invalid ranges resource: ${problem}`;
  } else if (type === Value_Type.SET) {
    if (resource.set === undefined) return "invalid set resource: 'set' is not set";
    if (resource.scalar !== undefined) return "invalid set resource: 'scalar' must not be set";
    if (resource.ranges !== undefined) return "invalid set resource: 'ranges' must not be set";
    const items = resource.set.item ?? [];
    const seen = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (typeof item !== 'string') return `invalid set resource: 'set.item[${i}]' is not a string`;
      if (seen.has(item)) return `invalid set resource: duplicated element '${item}' in 'set.item'`;
      seen.add(item);
    }
  } else if (type === Value_Type.TEXT) {
    return "unsupported resource type TEXT (resources are SCALAR, RANGES or SET)";
  } else {
    return `invalid resource type ${String(type)}`;
  }

  const disk = resource.disk;
  if (disk !== undefined) {
    if (name !== 'disk') return `DiskInfo should not be set for ${name} resource ('disk' is set)`;
    const source = disk.source;
    if (source !== undefined) {
      const t = source.type;
      if (t === Resource_DiskInfo_Source_Type.BLOCK || t === Resource_DiskInfo_Source_Type.RAW) {
        if (source.mount !== undefined) return `'disk.source.mount' should not be set for ${SOURCE_TYPE_NAMES[t]} disk source`;
        if (source.path !== undefined) return `'disk.source.path' should not be set for ${SOURCE_TYPE_NAMES[t]} disk source`;
      } else if (t !== Resource_DiskInfo_Source_Type.PATH && t !== Resource_DiskInfo_Source_Type.MOUNT) {
        return `unsupported 'disk.source.type' ${t === undefined ? '(not set)' : String(t)}`;
      }
    }
  }

  const problem = checkReservations(resource);
  if (problem !== undefined) return problem;

  if (resource.shared !== undefined) {
    if (name !== 'disk') return `resource ${name} cannot be shared ('shared' is set)`;
    if (disk === undefined || disk.persistence === undefined) return "only persistent volumes can be shared ('shared' is set but 'disk.persistence' is not)";
  }
  return undefined;
}

function checkRanges(ranges: readonly { begin?: bigint | undefined; end?: bigint | undefined }[]): string | undefined {
  const pairs: [bigint, bigint, number][] = [];
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    const { begin, end } = r;
    if (begin === undefined) return `'ranges.range[${i}].begin' is not set`;
    if (end === undefined) return `'ranges.range[${i}].end' is not set`;
    if (typeof begin !== 'bigint' || typeof end !== 'bigint') return `'ranges.range[${i}]' bounds must be bigint`;
    if (begin < 0n || end < 0n) return `'ranges.range[${i}]' has a negative bound`;
    if (begin > MAX_BOUND || end > MAX_BOUND) {
      return `'ranges.range[${i}]' bound ${begin > MAX_BOUND ? begin : end} exceeds ${Number.MAX_SAFE_INTEGER}, the largest range bound mesos-ts supports`;
    }
    if (begin > end) return `'ranges.range[${i}]' is inverted: begin ${begin} > end ${end}`;
    pairs.push([begin, end, i]);
  }
  // Mesos only requires that ranges do not overlap (touching is fine).
  pairs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  for (let k = 1; k < pairs.length; k++) {
    const prev = pairs[k - 1]!;
    const cur = pairs[k]!;
    if (cur[0] <= prev[1]) return `overlapping ranges 'ranges.range[${prev[2]}]' (${prev[0]}-${prev[1]}) and 'ranges.range[${cur[2]}]' (${cur[0]}-${cur[1]})`;
  }
  return undefined;
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const x = a.labels ?? [];
  const y = b.labels ?? [];
  if (x.length !== y.length) return false;
  return x.every((l) => y.some((m) => (l.key ?? '') === (m.key ?? '') && (l.value ?? '') === (m.value ?? '')));
}

function checkReservations(resource: Resource): string | undefined {
  const reservations: readonly Resource_ReservationInfo[] = resource.reservations ?? [];
  if (reservations.length === 0) {
    // The "pre-reservation-refinement" format: `role` (default "*") and an
    // optional `reservation` marking it dynamic.
    const role = resource.role ?? '*';
    const roleProblem = validateRole(role);
    if (roleProblem !== undefined) return `invalid 'role': ${roleProblem}`;
    const reservation = resource.reservation;
    if (reservation !== undefined) {
      if (reservation.type !== undefined) return "'reservation.type' must not be set for the 'Resource.reservation' field";
      if (reservation.role !== undefined) return "'reservation.role' must not be set for the 'Resource.reservation' field";
      if (role === '*') return 'invalid reservation: role "*" cannot be dynamically reserved';
    }
    return undefined;
  }

  // The "post-reservation-refinement" format: a stack, last is current.
  for (let i = 0; i < reservations.length; i++) {
    const r = reservations[i]!;
    if (r.type === undefined) return `invalid reservation: 'reservations[${i}].type' must be set`;
    if (r.type !== Resource_ReservationInfo_Type.STATIC && r.type !== Resource_ReservationInfo_Type.DYNAMIC) {
      return `invalid reservation: unsupported 'reservations[${i}].type' ${String(r.type)}`;
    }
    if (r.role === undefined) return `invalid reservation: 'reservations[${i}].role' must be set`;
    const roleProblem = validateRole(r.role);
    if (roleProblem !== undefined) return `invalid 'reservations[${i}].role': ${roleProblem}`;
    if (r.role === '*') return `invalid reservation: role "*" cannot be reserved ('reservations[${i}].role')`;
    if (i > 0) {
      if (r.type === Resource_ReservationInfo_Type.STATIC) return `invalid refined reservation: a refined reservation cannot be STATIC ('reservations[${i}].type')`;
      const ancestor = reservations[i - 1]!.role!;
      if (!isStrictSubroleOf(r.role, ancestor)) return `invalid refined reservation: role '${r.role}' is not a refinement of '${ancestor}' ('reservations[${i}].role')`;
    }
  }

  // The "endpoint" format sets both forms; they must then agree, which is
  // only possible with a single reservation.
  if (reservations.length === 1) {
    const only = reservations[0]!;
    if (resource.role !== undefined && resource.role !== only.role) {
      return `invalid resource format: 'role' ('${resource.role}') does not match the role '${only.role}' in 'reservations'`;
    }
    if (only.type === Resource_ReservationInfo_Type.STATIC) {
      if (resource.reservation !== undefined) return "invalid resource format: 'reservation' must not be set if the single reservation in 'reservations' is STATIC";
    } else {
      if ((resource.role !== undefined) !== (resource.reservation !== undefined)) {
        return "invalid resource format: 'role' and 'reservation' must either be both set or both not set if the single reservation in 'reservations' is DYNAMIC";
      }
      const legacy = resource.reservation;
      if (legacy !== undefined) {
        if ((legacy.principal ?? '') !== (only.principal ?? '')) {
          return `invalid resource format: 'reservation.principal' ('${legacy.principal ?? ''}') does not match the principal '${only.principal ?? ''}' in 'reservations'`;
        }
        if (!sameLabels(legacy.labels ?? { labels: [] }, only.labels ?? { labels: [] })) {
          return "invalid resource format: 'reservation.labels' does not match the labels in 'reservations'";
        }
      }
    }
  } else {
    if (resource.role !== undefined) return "invalid resource format: 'role' must not be set if there is more than one reservation in 'reservations'";
    if (resource.reservation !== undefined) return "invalid resource format: 'reservation' must not be set if there is more than one reservation in 'reservations'";
  }
  return undefined;
}
