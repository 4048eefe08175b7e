import type { Resource, Resource_DiskInfo, Resource_DiskInfo_Source_Type, Resource_ReservationInfo, Value_Type } from '@mesos-ts/proto';

/** A closed interval of a RANGES resource, e.g. ports 31000-32000. Bounds are at most `Number.MAX_SAFE_INTEGER`. */
export interface Range {
  readonly begin: number;
  readonly end: number;
}

/**
 * Which reservation fields {@link ResourceEntry.toProto} and `Resources.toProto`
 * fill in, as Mesos's `ResourceFormat`:
 *  - `post-reservation-refinement` (default): only `reservations`, the stack.
 *  - `endpoint`: `reservations` plus the deprecated `role`/`reservation` for
 *    resources with at most one reservation (what Mesos's HTTP endpoints send).
 *  - `pre-reservation-refinement`: only `role`/`reservation`; resources with a
 *    refined stack cannot be expressed that way and keep `reservations`.
 */
export type ResourceFormat = 'post-reservation-refinement' | 'pre-reservation-refinement' | 'endpoint';

/**
 * One resource of a `Resources` value, read-only. Everything here is immutable
 * (objects are frozen); use {@link ResourceEntry.toProto} for a mutable copy.
 */
export interface ResourceEntry {
  readonly name: string;
  readonly type: Value_Type;
  /** The amount of a SCALAR resource (3 decimals); undefined for other types. */
  readonly scalar: number | undefined;
  /** The intervals of a RANGES resource, sorted and coalesced; undefined for other types. */
  readonly ranges: readonly Range[] | undefined;
  /** The items of a SET resource, sorted; undefined for other types. */
  readonly set: readonly string[] | undefined;
  /** The reservation stack, oldest first; the last one is the current reservation. Empty when unreserved. */
  readonly reservations: readonly Resource_ReservationInfo[];
  /** The role of the current (last) reservation; undefined when unreserved. */
  readonly reservationRole: string | undefined;
  /** The role this resource is allocated to, if any. */
  readonly allocationRole: string | undefined;
  readonly disk: Resource_DiskInfo | undefined;
  readonly revocable: boolean;
  readonly shared: boolean;
  /** How many copies of a shared resource this holds; 1 for non-shared resources. */
  readonly sharedCount: number;
  readonly providerId: string | undefined;
  /** Reserved at all, or (with `role`) reserved to exactly that role. */
  isReserved(role?: string): boolean;
  isUnreserved(): boolean;
  /** Whether the current reservation is DYNAMIC. */
  isDynamicallyReserved(): boolean;
  isPersistentVolume(): boolean;
  /** Whether this is a disk with a source of the given type. */
  isDisk(type: Resource_DiskInfo_Source_Type): boolean;
  /** Unreserved, or reserved to `role` or one of its ancestors (Mesos's `isAllocatableTo`). */
  isAllocatableTo(role: string): boolean;
  /** More than one reservation in the stack. */
  hasRefinedReservations(): boolean;
  /** A fresh, mutable Resource proto (one copy, whatever the shared count). */
  toProto(format?: ResourceFormat): Resource;
  /** Mesos's text form, see `Resources.toString`. */
  toString(): string;
}
