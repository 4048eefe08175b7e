/**
 * Entry -> Resource proto. Every call builds fresh objects, so callers may
 * mutate what they get without touching our (frozen, shared) internals.
 */
import type { Labels, Resource, Resource_DiskInfo, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import { fromFixed } from './fixed';
import type { Entry } from './model';

import type { ResourceFormat } from '../types';

/** Deep copy, mutable (for handing data out). */
export function mutableCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v: unknown) => mutableCopy(v)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = mutableCopy(v);
  return out as T;
}

function labelsCopy(labels: Labels): Labels {
  return mutableCopy(labels);
}

function reservationCopy(r: Resource_ReservationInfo): Resource_ReservationInfo {
  const out: Resource_ReservationInfo = {};
  if (r.type !== undefined) out.type = r.type;
  if (r.role !== undefined) out.role = r.role;
  if (r.principal !== undefined) out.principal = r.principal;
  if (r.labels !== undefined) out.labels = labelsCopy(r.labels);
  return out;
}

/** A fresh Resource proto for `entry` (one copy, whatever its shared count). */
export function entryToProto(entry: Entry, format: ResourceFormat = 'post-reservation-refinement'): Resource {
  const meta = entry.meta;
  const out: Resource = {};
  if (meta.providerId !== undefined) out.providerId = { value: meta.providerId };
  out.name = meta.name;
  out.type = meta.type;
  if (meta.type === Value_Type.SCALAR) {
    out.scalar = { value: fromFixed(entry.fixed) };
  } else if (meta.type === Value_Type.RANGES) {
    const range: { begin: bigint; end: bigint }[] = [];
    const flat = entry.flat;
    for (let i = 0; i < flat.length; i += 2) range.push({ begin: BigInt(flat[i]!), end: BigInt(flat[i + 1]!) });
    out.ranges = { range };
  } else {
    out.set = { item: entry.items.slice() };
  }
  const reservations = meta.reservations;
  // Resources with a refined stack cannot be expressed in the old format and
  // stay in the new one, as in Mesos's `downgradeResources`.
  if (format !== 'post-reservation-refinement' && reservations.length <= 1) {
    const only = reservations[0];
    out.role = only?.role ?? '*';
    if (only !== undefined && only.type === Resource_ReservationInfo_Type.DYNAMIC) {
      const legacy: Resource_ReservationInfo = {};
      if (only.principal !== undefined) legacy.principal = only.principal;
      if (only.labels !== undefined) legacy.labels = labelsCopy(only.labels);
      out.reservation = legacy;
    }
  }
  if (meta.allocationRole !== undefined) out.allocationInfo = { role: meta.allocationRole };
  if (reservations.length > 0 && (format !== 'pre-reservation-refinement' || reservations.length > 1)) {
    out.reservations = reservations.map(reservationCopy);
  }
  if (meta.disk !== undefined) out.disk = mutableCopy(meta.disk) as Resource_DiskInfo;
  if (meta.revocable) out.revocable = {};
  if (meta.shared) out.shared = {};
  return out;
}
