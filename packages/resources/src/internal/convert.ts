/**
 * Conversion between Resource protos and entries.
 *
 * On the way in (after validation) we "upgrade" Mesos's deprecated
 * pre-refinement fields exactly as Mesos's `convertResourceFormat(...,
 * POST_RESERVATION_REFINEMENT)` does: `role: "*"` or no role means
 * unreserved; `role: "r"` alone is a STATIC reservation to r; `role: "r"`
 * with `reservation: {principal, labels}` is a DYNAMIC reservation to r.
 * When `reservations` is set it wins and `role`/`reservation` are dropped.
 */
import type { Resource, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import { toFixed } from './fixed';
import { Entry, Meta } from './model';
import { coalesce } from './ranges';
import { toSortedSet } from './sets';

/** Deep copy of plain data (objects, arrays, primitives, bigints), frozen. */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map((v: unknown) => frozenCopy(v))) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = frozenCopy(v);
  return Object.freeze(out) as T;
}

export function freezeReservation(r: Resource_ReservationInfo): Resource_ReservationInfo {
  const out: Resource_ReservationInfo = {};
  if (r.type !== undefined) out.type = r.type;
  if (r.role !== undefined) out.role = r.role;
  if (r.principal !== undefined) out.principal = r.principal;
  if (r.labels !== undefined) out.labels = frozenCopy(r.labels);
  return Object.freeze(out);
}

function upgradedReservations(resource: Resource): readonly Resource_ReservationInfo[] {
  const stack = resource.reservations;
  if (stack !== undefined && stack.length > 0) return Object.freeze(stack.map(freezeReservation));
  const role = resource.role;
  if (role === undefined || role === '*') return [];
  const legacy = resource.reservation;
  if (legacy === undefined) return Object.freeze([Object.freeze({ type: Resource_ReservationInfo_Type.STATIC, role })]);
  const r: Resource_ReservationInfo = { type: Resource_ReservationInfo_Type.DYNAMIC, role };
  if (legacy.principal !== undefined) r.principal = legacy.principal;
  if (legacy.labels !== undefined) r.labels = legacy.labels;
  return Object.freeze([freezeReservation(r)]);
}

/** Precondition: `validateResource(resource)` passed. Returns undefined for an empty amount. */
export function entryFromProto(resource: Resource): Entry | undefined {
  const meta = Meta.of({
    name: resource.name!,
    type: resource.type!,
    // An allocation_info without a role carries no information we keep.
    allocationRole: resource.allocationInfo?.role,
    reservations: upgradedReservations(resource),
    disk: resource.disk === undefined ? undefined : frozenCopy(resource.disk),
    revocable: resource.revocable !== undefined,
    shared: resource.shared !== undefined,
    providerId: resource.providerId === undefined ? undefined : (resource.providerId.value ?? ''),
  });
  return entryWithAmount(meta, resource);
}

function entryWithAmount(meta: Meta, resource: Resource): Entry | undefined {
  if (meta.type === Value_Type.SCALAR) {
    const fixed = toFixed(resource.scalar!.value!);
    return fixed > 0 ? Entry.scalar(meta, fixed) : undefined;
  }
  if (meta.type === Value_Type.RANGES) {
    const range = resource.ranges!.range ?? [];
    if (range.length === 0) return undefined;
    const flat: number[] = [];
    for (const r of range) flat.push(Number(r.begin!), Number(r.end!));
    return Entry.ranges(meta, range.length === 1 ? flat : coalesce(flat));
  }
  const items = resource.set!.item ?? [];
  return items.length === 0 ? undefined : Entry.set(meta, toSortedSet(items));
}

