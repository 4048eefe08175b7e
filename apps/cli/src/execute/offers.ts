import { Resource_ReservationInfo_Type, Value_Type, type Offer, type Resource } from '@mesos-ts/proto';
import { Resources, type ResourceEntry } from '@mesos-ts/resources';

/** What one offer can give us: the resources for each demand (same order), or why it cannot. */
export type OfferFit = { readonly fits: true; readonly resources: readonly Resource[][] } | { readonly fits: false; readonly reason: string };

const SCALE = 1000;

function round(value: number): number {
  return Math.round(value * SCALE) / SCALE;
}

/** One entry as a value of its own, with `amount` instead of its scalar (scalars only). */
function withScalar(entry: ResourceEntry, amount: number): Resources {
  const proto = entry.toProto();
  proto.scalar = { value: amount };
  const single = Resources.fromProto(proto);
  return single.ok ? single.value : Resources.EMPTY;
}

function single(entry: ResourceEntry): Resources {
  const r = Resources.fromProto(entry.toProto());
  return r.ok ? r.value : Resources.EMPTY;
}

/** Plain resources statically reserved to exactly `role` (what `role`'s `--resources` reservations look like). */
function isStaticallyReservedTo(entry: ResourceEntry, role: string): boolean {
  return entry.reservations.length === 1 && entry.reservationRole === role && entry.reservations[0]!.type === Resource_ReservationInfo_Type.STATIC;
}

/**
 * Takes `demand` out of `pool`, the way mesos-execute does: for a role other than `*`, from the resources
 * statically reserved to the role first, then from unreserved ones; a scalar may be split across both. A demand
 * that already names a reservation is taken as it is.
 *
 * @returns the resources taken, or undefined when the pool cannot cover the demand.
 */
export function takeResources(pool: Resources, demand: Resources, role: string): Resources | undefined {
  let taken = Resources.EMPTY;
  let left = pool;
  for (const entry of demand) {
    const exact = single(entry);
    if (role === '*' || entry.reservationRole !== undefined) {
      if (!left.contains(exact)) return undefined;
      taken = taken.plus(exact);
      left = left.minus(exact);
      continue;
    }
    const reservation = { type: Resource_ReservationInfo_Type.STATIC, role };
    let part: Resources | undefined;
    if (entry.type === Value_Type.SCALAR) {
      const need = entry.scalar ?? 0;
      let reserved = 0;
      for (const e of left) if (e.name === entry.name && isStaticallyReservedTo(e, role) && e.disk === undefined && !e.revocable && !e.shared) reserved = round(reserved + (e.scalar ?? 0));
      const fromReserved = Math.min(reserved, need);
      const fromUnreserved = round(need - fromReserved);
      part = Resources.EMPTY;
      if (fromReserved > 0) part = part.plus(withScalar(entry, fromReserved).pushReservation(reservation));
      if (fromUnreserved > 0) part = part.plus(withScalar(entry, fromUnreserved));
      if (!left.contains(part)) return undefined;
    } else {
      const reserved = exact.pushReservation(reservation);
      part = left.contains(reserved) ? reserved : left.contains(exact) ? exact : undefined;
      if (part === undefined) return undefined;
    }
    taken = taken.plus(part);
    left = left.minus(part);
  }
  return taken;
}

/**
 * Whether `offer` covers all `demands` together (a task, or each task of a group and its executor), and with
 * which of the offer's resources. The resources returned carry the offer's allocation role, so the launch is
 * valid whether or not the master fills that in for single-role frameworks.
 */
export function fitOffer(offer: Offer, demands: readonly Resources[], role: string): OfferFit {
  const offered = Resources.fromProto(offer.resources ?? []);
  if (!offered.ok) return { fits: false, reason: `the offer's resources are invalid: ${offered.error.message}` };
  const allocationRole = offered.value.toArray().find((e) => e.allocationRole !== undefined)?.allocationRole;
  let pool = offered.value.unallocate();
  const out: Resource[][] = [];
  for (const demand of demands) {
    const taken = takeResources(pool, demand, role);
    if (taken === undefined) {
      const total = Resources.sum(demands);
      return { fits: false, reason: `needs ${total.toString()}, offered ${offered.value.unallocate().toString()}` };
    }
    pool = pool.minus(taken);
    out.push((allocationRole === undefined ? taken : taken.allocate(allocationRole)).toProto());
  }
  return { fits: true, resources: out };
}
