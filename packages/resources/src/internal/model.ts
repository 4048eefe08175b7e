/**
 * The internal resource model.
 *
 * A `Meta` is everything about a resource except its amount: name, type,
 * reservation stack, allocation role, disk info, revocable/shared flags and
 * provider. It is immutable and computes, once, the `key` under which Mesos
 * would merge two resources (its `addable` rules), plus flags the filters
 * need. Metas without disk info are interned, so entries with the same key
 * usually share one Meta and one key string, and key comparison is a pointer
 * check.
 *
 * An `Entry` is a Meta plus an amount: a fixed-point scalar, a canonical
 * range list or a sorted set, and for shared resources the number of copies.
 *
 * Merge kinds (from Mesos's `addable`/`subtractable`):
 *  - DIVISIBLE: same key => one entry; amounts add and subtract.
 *  - INDIVISIBLE: non-shared persistent volumes, MOUNT and BLOCK disks, RAW
 *    disks with an id. Never merged; subtracting or containing one needs an
 *    equal entry (same key and amount). Several equal ones may sit side by
 *    side.
 *  - SHARED: shared persistent volumes. Merged only when fully equal (amount
 *    included), in which case the copy count adds up.
 */
import type { Labels, Resource, Resource_DiskInfo, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Resource_DiskInfo_Source_Type, Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import type { Range, ResourceEntry, ResourceFormat } from '../types';
import { fromFixed } from './fixed';
import { formatEntry } from './format';
import * as ranges from './ranges';
import type { FlatRanges } from './ranges';
import { isStrictSubroleOf } from './roles';
import * as sets from './sets';
import type { SortedSet } from './sets';
import { entryToProto } from './to-proto';

// Copied into locals once; see the note in algebra.ts.
const SCALAR = Value_Type.SCALAR;
const RANGES = Value_Type.RANGES;
const SET = Value_Type.SET;
const STATIC = Resource_ReservationInfo_Type.STATIC;
const DYNAMIC = Resource_ReservationInfo_Type.DYNAMIC;
const MOUNT = Resource_DiskInfo_Source_Type.MOUNT;
const BLOCK = Resource_DiskInfo_Source_Type.BLOCK;
const RAW = Resource_DiskInfo_Source_Type.RAW;
const { EMPTY_RANGES, compareRanges } = ranges;
const { EMPTY_SET, compareSets } = sets;

export const DIVISIBLE = 0;
export const INDIVISIBLE = 1;
export const SHARED = 2;

export interface MetaFields {
  readonly name: string;
  readonly type: Value_Type;
  readonly allocationRole: string | undefined;
  /** Normalised and frozen (see `freezeReservation`). */
  readonly reservations: readonly Resource_ReservationInfo[];
  /** Deep-frozen copy. */
  readonly disk: Resource_DiskInfo | undefined;
  readonly revocable: boolean;
  readonly shared: boolean;
  readonly providerId: string | undefined;
}

const NO_RESERVATIONS: readonly Resource_ReservationInfo[] = Object.freeze([]);

// Interning is bounded so a stream of unique names or labels cannot grow it
// without limit; past the bound, metas are simply not shared.
const INTERN_LIMIT = 100_000;
const interned = new Map<string, Meta>();
const plainScalars = new Map<string, Meta>();
const plainRanges = new Map<string, Meta>();
const plainSets = new Map<string, Meta>();

export class Meta implements MetaFields {
  readonly name: string;
  readonly type: Value_Type;
  readonly allocationRole: string | undefined;
  readonly reservations: readonly Resource_ReservationInfo[];
  readonly disk: Resource_DiskInfo | undefined;
  readonly revocable: boolean;
  readonly shared: boolean;
  readonly providerId: string | undefined;

  /** Merge identity: equal keys <=> Mesos would compare the metadata equal. */
  readonly key: string;
  readonly kind: number;
  /** Role of the last (current) reservation, undefined when unreserved. */
  readonly reservationRole: string | undefined;
  readonly persistentVolume: boolean;
  /** Expressible in the agent's `--resources` text form (unreserved or one plain static reservation, nothing else). */
  readonly plain: boolean;
  /**
   * What Mesos's equality ignores but we still carry: the disk's volume and
   * persistence principal ('' without disk info). When equal-key entries
   * merge, the smaller detail wins, so the result does not depend on the
   * order of the operands.
   */
  readonly detail: string;

  // Memoised neighbours, so allocate()/unallocate()/toUnreserved() on hot
  // paths do not rebuild keys.
  private allocated: Map<string, Meta> | undefined;
  private unallocatedMeta: Meta | undefined;
  private unreservedMeta: Meta | undefined;
  private poppedMeta: Meta | undefined;

  private constructor(f: MetaFields, key: string) {
    this.name = f.name;
    this.type = f.type;
    this.allocationRole = f.allocationRole;
    this.reservations = f.reservations.length === 0 ? NO_RESERVATIONS : f.reservations;
    this.disk = f.disk;
    this.revocable = f.revocable;
    this.shared = f.shared;
    this.providerId = f.providerId;
    this.key = key;
    this.kind = kindOf(f);
    const last = f.reservations[f.reservations.length - 1];
    this.reservationRole = last?.role;
    this.persistentVolume = f.disk?.persistence !== undefined;
    this.plain =
      f.allocationRole === undefined &&
      f.disk === undefined &&
      !f.revocable &&
      !f.shared &&
      f.providerId === undefined &&
      (f.reservations.length === 0 ||
        (f.reservations.length === 1 &&
          last!.type === STATIC &&
          last!.principal === undefined &&
          last!.labels === undefined));
    this.detail = f.disk === undefined ? '' : JSON.stringify([f.disk.volume ?? null, f.disk.persistence?.principal ?? null]);
    this.allocated = undefined;
    this.unallocatedMeta = undefined;
    this.unreservedMeta = undefined;
    this.poppedMeta = undefined;
  }

  static of(f: MetaFields): Meta {
    const key = metaKey(f);
    // Disk info carries fields outside the key (volume, persistence
    // principal), so such metas are never shared.
    if (f.disk !== undefined) return new Meta(f, key);
    const existing = interned.get(key);
    if (existing !== undefined) return existing;
    const meta = new Meta(f, key);
    if (interned.size < INTERN_LIMIT) interned.set(key, meta);
    return meta;
  }

  withAllocation(role: string): Meta {
    if (this.allocationRole === role) return this;
    let cache = this.allocated;
    if (cache === undefined) this.allocated = cache = new Map();
    let meta = cache.get(role);
    if (meta === undefined) {
      meta = Meta.of({ ...this.copy(), allocationRole: role });
      if (cache.size < 64) cache.set(role, meta);
    }
    return meta;
  }

  withoutAllocation(): Meta {
    if (this.allocationRole === undefined) return this;
    return (this.unallocatedMeta ??= Meta.of({ ...this.copy(), allocationRole: undefined }));
  }

  withoutReservations(): Meta {
    if (this.reservations.length === 0) return this;
    return (this.unreservedMeta ??= Meta.of({ ...this.copy(), reservations: NO_RESERVATIONS }));
  }

  /** Precondition: reserved. */
  withLastReservationPopped(): Meta {
    return (this.poppedMeta ??= Meta.of({ ...this.copy(), reservations: this.reservations.slice(0, -1) }));
  }

  withReservationPushed(reservation: Resource_ReservationInfo): Meta {
    return Meta.of({ ...this.copy(), reservations: Object.freeze([...this.reservations, reservation]) });
  }

  /** Name and type only. */
  stripped(): Meta {
    return Meta.plain(this.name, this.type);
  }

  /** The meta of an unreserved resource with nothing but a name and a type (cached by name, skipping key building). */
  static plain(name: string, type: Value_Type): Meta {
    const cache = type === SCALAR ? plainScalars : type === RANGES ? plainRanges : plainSets;
    let meta = cache.get(name);
    if (meta === undefined) {
      meta = Meta.of({ name, type, allocationRole: undefined, reservations: NO_RESERVATIONS, disk: undefined, revocable: false, shared: false, providerId: undefined });
      if (cache.size < INTERN_LIMIT) cache.set(name, meta);
    }
    return meta;
  }

  withDisk(disk: Resource_DiskInfo | undefined, shared: boolean): Meta {
    return Meta.of({ ...this.copy(), disk, shared });
  }

  /** A plain record of the fields (spreading a class instance would copy the memo fields too). */
  copy(): MetaFields {
    return {
      name: this.name,
      type: this.type,
      allocationRole: this.allocationRole,
      reservations: this.reservations,
      disk: this.disk,
      revocable: this.revocable,
      shared: this.shared,
      providerId: this.providerId,
    };
  }
}

function kindOf(f: MetaFields): number {
  if (f.shared) return SHARED;
  const disk = f.disk;
  if (disk !== undefined) {
    const source = disk.source;
    if (source !== undefined) {
      const t = source.type;
      if (t === MOUNT || t === BLOCK) return INDIVISIBLE;
      if (t === RAW && source.id !== undefined) return INDIVISIBLE;
    }
    if (disk.persistence !== undefined) return INDIVISIBLE;
  }
  return DIVISIBLE;
}

function typeChar(type: Value_Type): string {
  return type === SCALAR ? 's' : type === RANGES ? 'r' : type === SET ? 'e' : 't';
}

/**
 * The key is `name + "\0" + tag`, where the tag is one uppercase letter for
 * the type when nothing else is set, else a lowercase letter and a JSON array
 * of the normalised metadata (so plain resources sort first). The tag never contains "\0" (JSON escapes
 * control characters), so the last "\0" splits any key unambiguously; and
 * since "\0" sorts before every other character, sorting by key sorts by name
 * first, which is the canonical order of entries in a `Resources`.
 *
 * What goes in is exactly what Mesos's Resource equality compares: reservation
 * stacks (labels order-insensitive), allocation role, disk source and
 * persistence id (not the volume or the persistence principal), revocable,
 * provider id and sharedness.
 */
function metaKey(f: MetaFields): string {
  const t = typeChar(f.type);
  if (
    f.allocationRole === undefined &&
    f.reservations.length === 0 &&
    f.disk === undefined &&
    !f.revocable &&
    !f.shared &&
    f.providerId === undefined
  ) {
    return `${f.name}\0${t.toUpperCase()}`;
  }
  const reservations = f.reservations.map((r) => [r.type ?? 0, r.role ?? '', r.principal ?? null, r.labels === undefined ? null : normLabels(r.labels)]);
  const disk = f.disk === undefined ? null : normDisk(f.disk);
  const parts = [f.allocationRole ?? null, reservations, disk, f.revocable ? 1 : 0, f.providerId ?? null, f.shared ? 1 : 0];
  return `${f.name}\0${t}${JSON.stringify(parts)}`;
}

function normLabels(labels: Labels): [string, string][] {
  const out: [string, string][] = (labels.labels ?? []).map((l) => [l.key ?? '', l.value ?? '']);
  out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return out;
}

function normDisk(disk: Resource_DiskInfo): unknown[] {
  const s = disk.source;
  const source =
    s === undefined
      ? null
      : [
          s.type ?? 0,
          s.path === undefined ? null : [s.path.root ?? null],
          s.mount === undefined ? null : [s.mount.root ?? null],
          s.vendor ?? null,
          s.id ?? null,
          s.metadata === undefined ? null : normLabels(s.metadata),
          s.profile ?? null,
        ];
  return [source, disk.persistence === undefined ? null : (disk.persistence.id ?? '')];
}

/**
 * A resource: metadata plus an amount. Immutable. Exactly one of the three
 * amount fields is meaningful, chosen by `meta.type`; the others hold their
 * empty values so every Entry has the same shape.
 */
export class Entry implements ResourceEntry {
  constructor(
    readonly meta: Meta,
    /** `meta.key`, or for shared entries `meta.key` plus the amount. */
    readonly key: string,
    /** Scalar amount in thousandths (SCALAR only). */
    readonly fixed: number,
    readonly flat: FlatRanges,
    readonly items: SortedSet,
    /** Copies held; always 1 unless shared. */
    readonly count: number,
  ) {}

  static scalar(meta: Meta, fixed: number, count = 1): Entry {
    return new Entry(meta, meta.kind === SHARED ? `${meta.key}#${fixed}` : meta.key, fixed, EMPTY_RANGES, EMPTY_SET, count);
  }

  static ranges(meta: Meta, flat: FlatRanges, count = 1): Entry {
    return new Entry(meta, meta.kind === SHARED ? `${meta.key}#${flat.join(',')}` : meta.key, 0, flat, EMPTY_SET, count);
  }

  static set(meta: Meta, items: SortedSet, count = 1): Entry {
    return new Entry(meta, meta.kind === SHARED ? `${meta.key}#${JSON.stringify(items)}` : meta.key, 0, EMPTY_RANGES, items, count);
  }

  /** Same amount under different metadata. */
  withMeta(meta: Meta): Entry {
    if (meta === this.meta) return this;
    const t = meta.type;
    if (t === SCALAR) return Entry.scalar(meta, this.fixed, this.count);
    if (t === RANGES) return Entry.ranges(meta, this.flat, this.count);
    return Entry.set(meta, this.items, this.count);
  }

  withCount(count: number): Entry {
    return new Entry(this.meta, this.key, this.fixed, this.flat, this.items, count);
  }

  isEmpty(): boolean {
    const t = this.meta.type;
    if (t === SCALAR) return this.fixed <= 0;
    if (t === RANGES) return this.flat.length === 0;
    return this.items.length === 0;
  }

  // The public, read-only view (ResourceEntry).

  get name(): string {
    return this.meta.name;
  }
  get type(): Value_Type {
    return this.meta.type;
  }
  get scalar(): number | undefined {
    return this.meta.type === SCALAR ? fromFixed(this.fixed) : undefined;
  }
  get ranges(): readonly Range[] | undefined {
    if (this.meta.type !== RANGES) return undefined;
    const out: Range[] = [];
    const flat = this.flat;
    for (let i = 0; i < flat.length; i += 2) out.push(Object.freeze({ begin: flat[i]!, end: flat[i + 1]! }));
    return Object.freeze(out);
  }
  get set(): readonly string[] | undefined {
    return this.meta.type === SET ? this.items : undefined;
  }
  get reservations(): readonly Resource_ReservationInfo[] {
    return this.meta.reservations;
  }
  get reservationRole(): string | undefined {
    return this.meta.reservationRole;
  }
  get allocationRole(): string | undefined {
    return this.meta.allocationRole;
  }
  get disk(): Resource_DiskInfo | undefined {
    return this.meta.disk;
  }
  get revocable(): boolean {
    return this.meta.revocable;
  }
  get shared(): boolean {
    return this.meta.shared;
  }
  get sharedCount(): number {
    return this.count;
  }
  get providerId(): string | undefined {
    return this.meta.providerId;
  }
  isReserved(role?: string): boolean {
    const current = this.meta.reservationRole;
    return current !== undefined && (role === undefined || role === current);
  }
  isUnreserved(): boolean {
    return this.meta.reservationRole === undefined;
  }
  isDynamicallyReserved(): boolean {
    const r = this.meta.reservations;
    return r.length > 0 && r[r.length - 1]!.type === DYNAMIC;
  }
  isPersistentVolume(): boolean {
    return this.meta.persistentVolume;
  }
  isDisk(type: Resource_DiskInfo_Source_Type): boolean {
    return this.meta.disk?.source?.type === type;
  }
  isAllocatableTo(role: string): boolean {
    const current = this.meta.reservationRole;
    return current === undefined || current === role || isStrictSubroleOf(role, current);
  }
  hasRefinedReservations(): boolean {
    return this.meta.reservations.length > 1;
  }
  toProto(format?: ResourceFormat): Resource {
    return entryToProto(this, format);
  }
  toString(): string {
    return formatEntry(this);
  }
}

/** Orders amounts of entries with equal keys (only matters for INDIVISIBLE). */
export function compareAmounts(a: Entry, b: Entry): number {
  const t = a.meta.type;
  if (t === SCALAR) return a.fixed - b.fixed;
  if (t === RANGES) return compareRanges(a.flat, b.flat);
  return compareSets(a.items, b.items);
}

/** Of two metas with equal keys, the one a merge keeps (see `Meta.detail`). */
export function mergedMeta(a: Meta, b: Meta): Meta {
  return a === b || a.detail <= b.detail ? a : b;
}

/** Orders entries with equal keys and amounts by the details Mesos's equality ignores. */
export function compareDetails(a: Entry, b: Entry): number {
  const da = a.meta.detail;
  const db = b.meta.detail;
  return da === db ? 0 : da < db ? -1 : 1;
}

/** Canonical entry order: by key, then (for indivisible duplicates) by amount, then details. */
export function compareEntries(a: Entry, b: Entry): number {
  const ka = a.key;
  const kb = b.key;
  if (ka === kb) return compareAmounts(a, b) || compareDetails(a, b);
  return ka < kb ? -1 : 1;
}
