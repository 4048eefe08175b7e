import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import type { Offer_Operation, Resource, Resource_ReservationInfo } from '@mesos-ts/proto';
import { Offer_Operation_Type, Resource_ReservationInfo_Type, Value_Type } from '@mesos-ts/proto';
import * as algebra from './internal/algebra';
import type { Entries } from './internal/algebra';
import { entryFromProto, freezeReservation } from './internal/convert';
import { checkScalar, fromFixed, toFixed } from './internal/fixed';
import { formatEntries } from './internal/format';
import { DIVISIBLE, Entry } from './internal/model';
import { type EntryOperation, applyOperation } from './internal/operations';
import { entriesFromFlag, entriesFromProtos } from './internal/parse';
import { type FlatRanges, addRanges } from './internal/ranges';
import { isStrictSubroleOf, validateRole } from './internal/roles';
import { type SortedSet, unionSets } from './internal/sets';
import { entryToProto } from './internal/to-proto';
import { validateResource } from './internal/validate';
import { ResourceLimits, ResourceQuantities, limitFixed, quantitiesOf, quantityFixed } from './quantities';
import type { Range, ResourceEntry, ResourceFormat } from './types';

// Copied into locals once; see the note in internal/algebra.ts.
const { NO_ENTRIES, add, contains, equalAmounts, equals, filter, normalise, subtract } = algebra;
const SCALAR = Value_Type.SCALAR;
const RANGES = Value_Type.RANGES;
const SET = Value_Type.SET;

/**
 * An offer operation on resources, in our own typed form (an alternative to
 * the `Offer_Operation` proto; both are accepted by {@link Resources.apply}).
 *
 * - `RESERVE`: `resources` carry the reservation to push (their last
 *   reservation must be DYNAMIC); what they are made from is the same
 *   resources with that reservation popped, or `source` when given.
 * - `UNRESERVE`: each resource loses its last (DYNAMIC) reservation.
 * - `CREATE`: each persistent volume is carved out of the matching disk (the
 *   volume without its persistence/volume info and not shared).
 * - `DESTROY`: the reverse of CREATE; fails while other copies of a shared
 *   volume remain.
 * - `GROW_VOLUME` / `SHRINK_VOLUME`: resize a (non-shared) persistent volume,
 *   taking from or giving back to the disk it lives on. `subtract` is in the
 *   scalar's unit (MB).
 */
export type ResourceOperation =
  | { readonly type: 'RESERVE'; readonly resources: Resources; readonly source?: Resources | undefined }
  | { readonly type: 'UNRESERVE'; readonly resources: Resources }
  | { readonly type: 'CREATE'; readonly volumes: Resources }
  | { readonly type: 'DESTROY'; readonly volumes: Resources }
  | { readonly type: 'GROW_VOLUME'; readonly volume: Resources; readonly addition: Resources }
  | { readonly type: 'SHRINK_VOLUME'; readonly volume: Resources; readonly subtract: number };

/** Options of {@link Resources.toProto}. */
export interface ToProtoOptions {
  /** Which reservation fields to fill in; default `post-reservation-refinement`. */
  readonly format?: ResourceFormat;
  /**
   * Emit a shared resource once per copy held, so `fromProto` gives back the
   * same counts. Default false: once per resource, as Mesos does (offers and
   * state show each shared volume once).
   */
  readonly sharedCopies?: boolean;
}

function invalid(message: string): MesosTsError {
  return new MesosTsError('INVALID_ARGUMENT', message);
}

const OPERATION_NAMES: Record<number, string> = {
  [Offer_Operation_Type.UNKNOWN]: 'UNKNOWN',
  [Offer_Operation_Type.LAUNCH]: 'LAUNCH',
  [Offer_Operation_Type.LAUNCH_GROUP]: 'LAUNCH_GROUP',
  [Offer_Operation_Type.RESERVE]: 'RESERVE',
  [Offer_Operation_Type.UNRESERVE]: 'UNRESERVE',
  [Offer_Operation_Type.CREATE]: 'CREATE',
  [Offer_Operation_Type.DESTROY]: 'DESTROY',
  [Offer_Operation_Type.GROW_VOLUME]: 'GROW_VOLUME',
  [Offer_Operation_Type.SHRINK_VOLUME]: 'SHRINK_VOLUME',
  [Offer_Operation_Type.CREATE_DISK]: 'CREATE_DISK',
  [Offer_Operation_Type.DESTROY_DISK]: 'DESTROY_DISK',
};

/** Module-private access to a value's entries (for the operation adapters below). */
let entriesOf: (r: Resources) => Entries;

/**
 * An immutable collection of resources with Mesos's algebra, as
 * `mesos::Resources`: addition and subtraction merge entries exactly where
 * Mesos does, subtraction never goes negative, and `contains` is resource
 * inclusion. Scalars are fixed-point with 3 decimals.
 *
 * Entries are kept in a canonical order (by name, then by the rest of their
 * identity), so equal values print and serialise the same way and the
 * arithmetic runs in a single merge pass.
 *
 * Build one with {@link Resources.parse}, {@link Resources.fromProto} or
 * {@link Resources.mustParse}; every operation returns a new value.
 */
export class Resources implements Iterable<ResourceEntry> {
  /** No resources. */
  static readonly EMPTY: Resources = new Resources(NO_ENTRIES);

  private constructor(private readonly list: Entries) {}

  private static wrap(list: Entries): Resources {
    return list.length === 0 ? Resources.EMPTY : new Resources(list);
  }

  /** No resources (same as {@link Resources.EMPTY}). */
  static empty(): Resources {
    return Resources.EMPTY;
  }

  /**
   * Validates and converts Resource protos, as Mesos's `Resources::validate`
   * followed by its "upgrade" of the deprecated `role`/`reservation` fields
   * into `reservations` (see the README). Resources with a zero amount are
   * dropped; equal ones merge.
   *
   * @returns an INVALID_ARGUMENT error naming the index, name and field of the
   *   first invalid resource.
   */
  static fromProto(resources: Resource | readonly Resource[]): Result<Resources> {
    const list = entriesFromProtos(Array.isArray(resources) ? (resources as readonly Resource[]) : [resources as Resource]);
    return list.ok ? ok(Resources.wrap(list.value)) : list;
  }

  /**
   * Parses resources the way the agent's `--resources` flag does (Mesos's
   * `Resources::parse`): either `name(role):value;...`, e.g.
   * `cpus:4;mem:1024;ports:[31000-32000];disk(eng):100;zones:{a,b}`, or a
   * JSON array of Resource objects in Mesos JSON. A resource without a role
   * gets `defaultRole`; a role other than `*` makes a STATIC reservation.
   * Like Mesos, rejects persistent volumes, revocable resources, dynamic
   * reservations, and one name with two types. `{}` parses as empty.
   *
   * @param defaultRole a valid role name or `*` (unreserved, the default).
   * @returns an INVALID_ARGUMENT error quoting the offending token with its
   *   character offset, e.g. `Invalid resources: expecting a non-negative
   *   integer range bound: '2b' at offset 14`.
   */
  static parse(text: string, defaultRole = '*'): Result<Resources> {
    const list = entriesFromFlag(text, defaultRole);
    return list.ok ? ok(Resources.wrap(list.value)) : list;
  }

  /**
   * {@link Resources.parse} for text known to be valid (tests, constants).
   * @throws MesosTsError INVALID_ARGUMENT when it is not.
   */
  static mustParse(text: string, defaultRole = '*'): Resources {
    const r = Resources.parse(text, defaultRole);
    if (!r.ok) throw r.error;
    return r.value;
  }

  /** The sum of many values. */
  static sum(items: Iterable<Resources>): Resources {
    let total = Resources.EMPTY;
    for (const r of items) total = total.plus(r);
    return total;
  }

  /** Number of entries (distinct resources after merging). */
  get size(): number {
    return this.list.length;
  }

  /** Whether there are no resources at all. */
  isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** The entries, in canonical order (by name, unreserved first). */
  [Symbol.iterator](): Iterator<ResourceEntry> {
    return this.list[Symbol.iterator]();
  }

  /** The entries, in canonical order. */
  toArray(): ResourceEntry[] {
    return this.list.slice();
  }

  // ---------------------------------------------------------------- algebra

  /** This plus `that`. Mergeable entries merge; shared resources count copies; indivisible ones sit side by side. */
  plus(that: Resources): Resources {
    const list = add(this.list, that.list);
    return list === this.list ? this : list === that.list ? that : new Resources(list);
  }

  /**
   * This minus `that`, never negative: where `that` has more than there is,
   * nothing of that resource is left (Mesos drops negative results). Entries
   * of `that` with no counterpart here are ignored; an indivisible resource
   * (persistent volume, MOUNT/BLOCK disk) is only taken away by an equal one.
   */
  minus(that: Resources): Resources {
    const list = subtract(this.list, that.list);
    return list === this.list ? this : Resources.wrap(list);
  }

  /**
   * Whether `that` is included in this. A single Resource proto is validated
   * first; an invalid one is never contained (as in Mesos).
   */
  contains(that: Resources | Resource): boolean {
    if (that instanceof Resources) return contains(this.list, that.list);
    if (validateResource(that) !== undefined) return false;
    const e = entryFromProto(that);
    return e === undefined || contains(this.list, [e]);
  }

  /** Whether the amounts here, per name and regardless of metadata, cover `quantities` (ranges count their values, sets their items). */
  containsQuantities(quantities: ResourceQuantities): boolean {
    return quantitiesOf(this.list).contains(quantities);
  }

  /** Same resources (same merged entries and shared counts). */
  equals(that: Resources): boolean {
    return equals(this.list, that.list);
  }

  /**
   * How many copies of `resource` this holds: the shared count for a shared
   * resource, 1 for any other resource held with exactly this amount, else 0
   * (Mesos's `count`).
   */
  count(resource: Resource): number {
    if (validateResource(resource) !== undefined) return 0;
    const e = entryFromProto(resource);
    if (e === undefined) return 0;
    for (const x of this.list) if (x.key === e.key && equalAmounts(x, e)) return x.count;
    return 0;
  }

  // ---------------------------------------------------------------- filters

  /** The entries for which `predicate` holds. */
  filter(predicate: (entry: ResourceEntry) => boolean): Resources {
    return this.filtered(predicate);
  }

  private filtered(keep: (e: Entry) => boolean): Resources {
    const list = filter(this.list, keep);
    return list === this.list ? this : Resources.wrap(list);
  }

  /** Reserved resources; with `role`, those whose current reservation is to exactly `role` (`*` gives none). */
  reserved(role?: string): Resources {
    if (role === undefined) return this.filtered((e) => e.meta.reservationRole !== undefined);
    return this.filtered((e) => e.meta.reservationRole === role);
  }

  /** Resources without any reservation. */
  unreserved(): Resources {
    return this.filtered((e) => e.meta.reservationRole === undefined);
  }

  /** Reserved resources grouped by the role of their current reservation (Mesos's `reservations()`). */
  reservedByRole(): Map<string, Resources> {
    return this.groupBy((e) => e.meta.reservationRole);
  }

  /** Unreserved resources plus those reserved to `role` or one of its ancestors (Mesos's `allocatableTo`). */
  allocatableTo(role: string): Resources {
    return this.filtered((e) => {
      const r = e.meta.reservationRole;
      return r === undefined || r === role || isStrictSubroleOf(role, r);
    });
  }

  /** Resources allocated to exactly `role`. */
  allocatedTo(role: string): Resources {
    return this.filtered((e) => e.meta.allocationRole === role);
  }

  /** Resources allocated to `role` or a role below it. */
  allocatedToRoleSubtree(role: string): Resources {
    return this.filtered((e) => {
      const a = e.meta.allocationRole;
      return a !== undefined && (a === role || isStrictSubroleOf(a, role));
    });
  }

  /** Resources reserved to `role` or a role below it. */
  reservedToRoleSubtree(role: string): Resources {
    return this.filtered((e) => {
      const r = e.meta.reservationRole;
      return r !== undefined && (r === role || isStrictSubroleOf(r, role));
    });
  }

  /** Allocated resources grouped by allocation role (Mesos's `allocations()`; unallocated ones are left out). */
  allocations(): Map<string, Resources> {
    return this.groupBy((e) => e.meta.allocationRole);
  }

  private groupBy(roleOf: (e: Entry) => string | undefined): Map<string, Resources> {
    const groups = new Map<string, Entry[]>();
    for (const e of this.list) {
      const role = roleOf(e);
      if (role === undefined) continue;
      let g = groups.get(role);
      if (g === undefined) groups.set(role, (g = []));
      g.push(e);
    }
    const out = new Map<string, Resources>();
    for (const [role, list] of groups) out.set(role, new Resources(list));
    return out;
  }

  /** Disk resources with `disk.persistence` set, shared or not. */
  persistentVolumes(): Resources {
    return this.filtered((e) => e.meta.persistentVolume);
  }

  /** Revocable resources. */
  revocable(): Resources {
    return this.filtered((e) => e.meta.revocable);
  }

  /** Resources that are not revocable. */
  nonRevocable(): Resources {
    return this.filtered((e) => !e.meta.revocable);
  }

  /** Shared resources (with their copy counts). */
  shared(): Resources {
    return this.filtered((e) => e.meta.shared);
  }

  /** Resources that are not shared. */
  nonShared(): Resources {
    return this.filtered((e) => !e.meta.shared);
  }

  /** SCALAR resources only. */
  scalars(): Resources {
    return this.filtered((e) => e.meta.type === SCALAR);
  }

  /** Resources with the given name (Mesos's `get(name)` returning Resources). */
  byName(name: string): Resources {
    return this.filtered((e) => e.meta.name === name);
  }

  /** The distinct names, sorted. */
  names(): string[] {
    const out: string[] = [];
    for (const e of this.list) if (out[out.length - 1] !== e.meta.name) out.push(e.meta.name);
    return out;
  }

  /** Name -> type. */
  types(): Map<string, Value_Type> {
    const out = new Map<string, Value_Type>();
    for (const e of this.list) out.set(e.meta.name, e.meta.type);
    return out;
  }

  // ---------------------------------------------------------------- amounts

  /** The total of the SCALAR resources named `name`, whatever their reservations; undefined when there are none. */
  get(name: string): number | undefined {
    let found = false;
    let total = 0;
    for (const e of this.list) {
      if (e.meta.name === name && e.meta.type === SCALAR) {
        found = true;
        total += e.fixed;
      }
    }
    return found ? fromFixed(total) : undefined;
  }

  /** The union of the RANGES resources named `name`; undefined when there are none. */
  getRanges(name: string): readonly Range[] | undefined {
    let flat: FlatRanges | undefined;
    for (const e of this.list) {
      if (e.meta.name === name && e.meta.type === RANGES) flat = flat === undefined ? e.flat : addRanges(flat, e.flat);
    }
    if (flat === undefined) return undefined;
    const out: Range[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push({ begin: flat[i]!, end: flat[i + 1]! });
    return out;
  }

  /** The union of the SET resources named `name`, sorted; undefined when there are none. */
  getSet(name: string): readonly string[] | undefined {
    let items: SortedSet | undefined;
    for (const e of this.list) {
      if (e.meta.name === name && e.meta.type === SET) items = items === undefined ? e.items : unionSets(items, e.items);
    }
    return items === undefined ? undefined : items.slice();
  }

  /** Total `cpus`, all reservations included; undefined when there are none. */
  cpus(): number | undefined {
    return this.get('cpus');
  }

  /** Total `gpus`; undefined when there are none. */
  gpus(): number | undefined {
    return this.get('gpus');
  }

  /** Memory in MB (Mesos's unit for `mem`), with its 3 decimals. */
  mem(): number | undefined {
    return this.get('mem');
  }

  /** Disk in MB. */
  disk(): number | undefined {
    return this.get('disk');
  }

  /** All `ports`, merged across reservations; undefined when there are none. */
  ports(): readonly Range[] | undefined {
    return this.getRanges('ports');
  }

  /** All `ephemeral_ports`; undefined when there are none. */
  ephemeralPorts(): readonly Range[] | undefined {
    return this.getRanges('ephemeral_ports');
  }

  /** Amount per name: scalars, range lengths, set sizes (see {@link ResourceQuantities.fromResources}). */
  quantities(): ResourceQuantities {
    return quantitiesOf(this.list);
  }

  /** Scalar amounts per name only. */
  scalarQuantities(): ResourceQuantities {
    return quantitiesOf(filter(this.list, (e) => e.meta.type === SCALAR));
  }

  /**
   * The scalar resources with everything but name and amount stripped
   * (reservations, allocation, disk info, revocable, shared, provider), summed
   * (Mesos's `createStrippedScalarQuantity`).
   */
  createStrippedScalarQuantity(): Resources {
    const out: Entry[] = [];
    for (const e of this.list) {
      if (e.meta.type === SCALAR) out.push(Entry.scalar(e.meta.stripped(), e.fixed));
    }
    return Resources.wrap(normalise(out));
  }

  // ---------------------------------------------------------- transformations

  /** Every resource allocated to `role` (replacing any previous allocation). */
  allocate(role: string): Resources {
    return this.remeta((e) => e.meta.withAllocation(role));
  }

  /** Every resource with its allocation removed. */
  unallocate(): Resources {
    return this.remeta((e) => e.meta.withoutAllocation());
  }

  /** Every resource with its whole reservation stack removed. */
  toUnreserved(): Resources {
    return this.remeta((e) => e.meta.withoutReservations());
  }

  /**
   * Every resource with `reservation` pushed on top of its stack (a
   * refinement, when already reserved).
   * @throws MesosTsError INVALID_ARGUMENT if the result would be invalid: the
   *   reservation must have a type and a valid role other than `*`, and on an
   *   already reserved resource be DYNAMIC with a role strictly below the
   *   current one (Mesos CHECK-fails here).
   */
  pushReservation(reservation: Resource_ReservationInfo): Resources {
    const r = freezeReservation(reservation);
    if (r.type !== Resource_ReservationInfo_Type.STATIC && r.type !== Resource_ReservationInfo_Type.DYNAMIC) {
      throw invalid('pushReservation: the reservation needs a type (STATIC or DYNAMIC)');
    }
    if (r.role === undefined || r.role === '*') throw invalid('pushReservation: the reservation needs a role other than "*"');
    const problem = validateRole(r.role);
    if (problem !== undefined) throw invalid(`pushReservation: ${problem}`);
    for (const e of this.list) {
      const current = e.meta.reservationRole;
      if (current === undefined) continue;
      if (r.type !== Resource_ReservationInfo_Type.DYNAMIC) throw invalid(`pushReservation: a refined reservation cannot be STATIC (on ${formatEntries([e])})`);
      if (!isStrictSubroleOf(r.role, current)) {
        throw invalid(`pushReservation: role '${r.role}' is not a refinement of '${current}' (on ${formatEntries([e])})`);
      }
    }
    return this.remeta((e) => e.meta.withReservationPushed(r));
  }

  /**
   * Every resource with its last reservation removed.
   * @throws MesosTsError INVALID_ARGUMENT if some resource is unreserved.
   */
  popReservation(): Resources {
    for (const e of this.list) {
      if (e.meta.reservationRole === undefined) throw invalid(`popReservation: ${formatEntries([e])} is not reserved`);
    }
    return this.remeta((e) => e.meta.withLastReservationPopped());
  }

  private remeta(f: (e: Entry) => Entry['meta']): Resources {
    let changed = false;
    const out: Entry[] = new Array<Entry>(this.list.length);
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i]!;
      const meta = f(e);
      if (meta !== e.meta) changed = true;
      out[i] = e.withMeta(meta);
    }
    return changed ? Resources.wrap(normalise(out)) : this;
  }

  /**
   * Cuts these resources down to `target`, as Mesos's `shrinkResources`:
   * with quantities, names absent from `target` are dropped; with limits,
   * names without a limit are kept whole. Divisible scalars are cut; an
   * indivisible one (MOUNT disk, persistent volume) is kept whole if it fits
   * the remaining target and dropped if not. Entries are visited in random
   * order, so which ones survive varies.
   *
   * @param random a source of numbers in [0, 1), for reproducible tests; default Math.random.
   */
  shrink(target: ResourceQuantities | ResourceLimits, random: () => number = Math.random): Resources {
    const limits = target instanceof ResourceLimits;
    if (target.isEmpty()) return limits ? this : Resources.EMPTY;
    const order = this.list.slice();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const left = new Map<string, number>();
    const out: Entry[] = [];
    for (const e of order) {
      const name = e.meta.name;
      let budget = left.get(name);
      if (budget === undefined) {
        const b = limits ? limitFixed(target as ResourceLimits, name) : quantityFixed(target as ResourceQuantities, name);
        if (b === undefined) {
          out.push(e); // no limit
          continue;
        }
        budget = b;
      }
      if (budget <= 0 || e.meta.type !== SCALAR) continue;
      if (e.fixed <= budget) {
        out.push(e);
        left.set(name, budget - e.fixed);
      } else if (e.meta.kind === DIVISIBLE) {
        out.push(Entry.scalar(e.meta, budget));
        left.set(name, 0);
      } else {
        left.set(name, budget);
      }
    }
    return Resources.wrap(normalise(out));
  }

  // ---------------------------------------------------------------- operations

  /**
   * Applies an offer operation: RESERVE, UNRESERVE, CREATE, DESTROY,
   * GROW_VOLUME or SHRINK_VOLUME, given as the `Offer_Operation` proto or as a
   * {@link ResourceOperation}. The result holds the same amounts under the
   * new metadata.
   *
   * @returns an INVALID_ARGUMENT error saying why the operation does not
   *   apply, e.g. `RESERVE: resources cpus(reservations: [(DYNAMIC,eng)]):2
   *   are not contained in cpus:1`. LAUNCH and the disk operations are not
   *   resource conversions and are refused.
   */
  apply(operation: ResourceOperation | Offer_Operation): Result<Resources> {
    const op = typeof operation.type === 'string' ? fromTyped(operation as ResourceOperation) : fromProtoOperation(operation as Offer_Operation);
    if (!op.ok) return op;
    const outcome = applyOperation(this.list, op.value);
    return outcome.ok ? ok(Resources.wrap(outcome.entries)) : err(invalid(outcome.message));
  }

  /** Applies operations in order; stops at the first that fails. */
  applyAll(operations: Iterable<ResourceOperation | Offer_Operation>): Result<Resources> {
    let current: Resources = this;
    for (const op of operations) {
      const next = current.apply(op);
      if (!next.ok) return next;
      current = next.value;
    }
    return ok(current);
  }

  // ---------------------------------------------------------------- output

  /**
   * Fresh Resource protos, one per entry (or per shared copy with
   * `sharedCopies`), in the `reservations` form unless `format` says otherwise.
   */
  toProto(options: ToProtoOptions = {}): Resource[] {
    const out: Resource[] = [];
    const format = options.format;
    for (const e of this.list) {
      const proto = entryToProto(e, format);
      out.push(proto);
      if (options.sharedCopies === true) for (let c = 1; c < e.count; c++) out.push(entryToProto(e, format));
    }
    return out;
  }

  /**
   * Mesos's text form, entries joined by `; `, `{}` when empty. Resources the
   * `--resources` flag can express print that way (`cpus:2; disk(eng):100;
   * ports:[31000-32000]`) and parse back; others use Mesos's log notation,
   * e.g. `cpus(allocated: eng)(reservations: [(DYNAMIC,eng,ops)]){REV}:1`.
   */
  toString(): string {
    return formatEntries(this.list);
  }

  /** How Node's `util.inspect` (and so `console.log`) shows a value. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Resources(${formatEntries(this.list)})`;
  }

  static {
    entriesOf = (r) => r.list;
  }
}


function entriesOrError(what: string, resources: readonly Resource[] | undefined): Result<Entries> {
  const r = entriesFromProtos(resources ?? []);
  return r.ok ? r : err(invalid(`${what}: ${r.error.message}`));
}

function eachEntry(what: string, resources: readonly Resource[] | undefined): Result<Entry[]> {
  const out: Entry[] = [];
  const list = resources ?? [];
  for (let i = 0; i < list.length; i++) {
    const r = entriesFromProtos([list[i]!]);
    if (!r.ok) return err(invalid(`${what}: ${r.error.message.replace('resource [0]', `resource [${i}]`)}`));
    out.push(...r.value);
  }
  return ok(out);
}

function singleEntry(what: string, resource: Resource | undefined, field: string): Result<Entry> {
  if (resource === undefined) return err(invalid(`${what}: '${field}' must be set`));
  const r = entriesFromProtos([resource]);
  if (!r.ok) return err(invalid(`${what}: '${field}': ${r.error.message}`));
  const e = r.value[0];
  return e === undefined ? err(invalid(`${what}: '${field}' is empty`)) : ok(e);
}

function fromProtoOperation(op: Offer_Operation): Result<EntryOperation> {
  const name = op.type === undefined ? 'UNKNOWN' : (OPERATION_NAMES[op.type] ?? `operation type ${op.type}`);
  switch (op.type) {
    case Offer_Operation_Type.RESERVE: {
      if (op.reserve === undefined) return err(invalid("RESERVE: the 'reserve' field must be set"));
      const resources = entriesOrError('RESERVE: invalid resources', op.reserve.resources);
      if (!resources.ok) return resources;
      const source = op.reserve.source !== undefined && op.reserve.source.length > 0 ? entriesOrError('RESERVE: invalid source', op.reserve.source) : undefined;
      if (source !== undefined && !source.ok) return source;
      return ok({ type: 'RESERVE', resources: resources.value, source: source?.value });
    }
    case Offer_Operation_Type.UNRESERVE: {
      if (op.unreserve === undefined) return err(invalid("UNRESERVE: the 'unreserve' field must be set"));
      const resources = eachEntry('UNRESERVE: invalid resources', op.unreserve.resources);
      return resources.ok ? ok({ type: 'UNRESERVE', resources: resources.value }) : resources;
    }
    case Offer_Operation_Type.CREATE: {
      if (op.create === undefined) return err(invalid("CREATE: the 'create' field must be set"));
      const volumes = eachEntry('CREATE: invalid volumes', op.create.volumes);
      return volumes.ok ? ok({ type: 'CREATE', volumes: volumes.value }) : volumes;
    }
    case Offer_Operation_Type.DESTROY: {
      if (op.destroy === undefined) return err(invalid("DESTROY: the 'destroy' field must be set"));
      const volumes = eachEntry('DESTROY: invalid volumes', op.destroy.volumes);
      return volumes.ok ? ok({ type: 'DESTROY', volumes: volumes.value }) : volumes;
    }
    case Offer_Operation_Type.GROW_VOLUME: {
      const g = op.growVolume;
      if (g === undefined) return err(invalid("GROW_VOLUME: the 'grow_volume' field must be set"));
      const volume = singleEntry('GROW_VOLUME', g.volume, 'grow_volume.volume');
      if (!volume.ok) return volume;
      const addition = singleEntry('GROW_VOLUME', g.addition, 'grow_volume.addition');
      if (!addition.ok) return addition;
      return ok({ type: 'GROW_VOLUME', volume: volume.value, addition: addition.value });
    }
    case Offer_Operation_Type.SHRINK_VOLUME: {
      const s = op.shrinkVolume;
      if (s === undefined) return err(invalid("SHRINK_VOLUME: the 'shrink_volume' field must be set"));
      const volume = singleEntry('SHRINK_VOLUME', s.volume, 'shrink_volume.volume');
      if (!volume.ok) return volume;
      const amount = s.subtract?.value;
      if (amount === undefined) return err(invalid("SHRINK_VOLUME: 'shrink_volume.subtract' must be set"));
      const problem = checkScalar(amount);
      if (problem !== undefined) return err(invalid(`SHRINK_VOLUME: 'shrink_volume.subtract': ${problem}`));
      return ok({ type: 'SHRINK_VOLUME', volume: volume.value, subtract: toFixed(amount) });
    }
    case undefined:
    case Offer_Operation_Type.UNKNOWN:
      return err(invalid('Unknown operation: the operation type is not set'));
    default:
      return err(invalid(`${name}: operation not supported by Resources.apply (it is not a resource conversion)`));
  }
}

function soleEntry(what: string, r: Resources): Result<Entry> {
  const list = entriesOf(r);
  const e = list[0];
  if (list.length !== 1 || e === undefined || e.count !== 1) return err(invalid(`${what} must be exactly one resource, got ${r.toString()}`));
  return ok(e);
}

function fromTyped(op: ResourceOperation): Result<EntryOperation> {
  switch (op.type) {
    case 'RESERVE':
      return ok({ type: 'RESERVE', resources: entriesOf(op.resources), source: op.source === undefined ? undefined : entriesOf(op.source) });
    case 'UNRESERVE':
      return ok({ type: 'UNRESERVE', resources: entriesOf(op.resources) });
    case 'CREATE':
      return ok({ type: 'CREATE', volumes: entriesOf(op.volumes) });
    case 'DESTROY':
      return ok({ type: 'DESTROY', volumes: entriesOf(op.volumes) });
    case 'GROW_VOLUME': {
      const volume = soleEntry('GROW_VOLUME: volume', op.volume);
      if (!volume.ok) return volume;
      const addition = soleEntry('GROW_VOLUME: addition', op.addition);
      return addition.ok ? ok({ type: 'GROW_VOLUME', volume: volume.value, addition: addition.value }) : addition;
    }
    case 'SHRINK_VOLUME': {
      const volume = soleEntry('SHRINK_VOLUME: volume', op.volume);
      if (!volume.ok) return volume;
      const problem = checkScalar(op.subtract);
      if (problem !== undefined) return err(invalid(`SHRINK_VOLUME: subtract: ${problem}`));
      return ok({ type: 'SHRINK_VOLUME', volume: volume.value, subtract: toFixed(op.subtract) });
    }
    default:
      return err(invalid(`Unknown operation type '${String((op as { type: unknown }).type)}'`));
  }
}
