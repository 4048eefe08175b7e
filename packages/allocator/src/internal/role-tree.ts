/**
 * The role tree: every role the allocator must remember (one with frameworks,
 * a non-default weight or quota, or reservations) and its ancestors. Each node
 * aggregates its whole subtree's reservations and offered-or-allocated
 * resources, which is what quota is measured against: a role's consumed
 * quota is its (and its descendants') offered-or-allocated unreserved
 * non-revocable resources plus all its reservations, allocated or not.
 */
import { ResourceLimits, ResourceQuantities, type Resources } from '@mesos-ts/resources';
import type { Quota } from '../types';
import { addAll, addTo, toQuantities, toThousandths, type QMap } from './qmap';

export const DEFAULT_QUOTA: Quota = { guarantees: ResourceQuantities.EMPTY, limits: ResourceLimits.NONE };

export function isDefaultQuota(q: Quota): boolean {
  return q.guarantees.isEmpty() && q.limits.isEmpty();
}

export interface RoleNode {
  readonly role: string;
  readonly parent: RoleNode | undefined;
  readonly children: Set<RoleNode>;
  weight: number;
  quota: Quota;
  /** Frameworks tracked under this role (subscribed, or holding resources allocated to it). */
  readonly frameworks: Set<string>;
  /** Reservations to this role or its descendants (from agent totals), thousandths. */
  readonly reservations: QMap;
  /** Offered or allocated, reserved part, this role and descendants. */
  readonly offeredReserved: QMap;
  /** Offered or allocated, unreserved non-revocable part, this role and descendants. */
  readonly offeredUnreserved: QMap;
}

/** The parent path of a role (`a/b` -> `a`), undefined for top-level roles. */
export function parentRole(role: string): string | undefined {
  const i = role.lastIndexOf('/');
  return i < 0 ? undefined : role.slice(0, i);
}

export class RoleTree {
  private readonly nodes = new Map<string, RoleNode>();

  get(role: string): RoleNode | undefined {
    return this.nodes.get(role);
  }

  roles(): IterableIterator<RoleNode> {
    return this.nodes.values();
  }

  /** The node of `role`, created with its ancestors if needed. */
  ensure(role: string): RoleNode {
    let node = this.nodes.get(role);
    if (node) return node;
    const parentName = parentRole(role);
    const parent = parentName === undefined ? undefined : this.ensure(parentName);
    node = {
      role,
      parent,
      children: new Set(),
      weight: 1,
      quota: DEFAULT_QUOTA,
      frameworks: new Set(),
      reservations: new Map(),
      offeredReserved: new Map(),
      offeredUnreserved: new Map(),
    };
    parent?.children.add(node);
    this.nodes.set(role, node);
    return node;
  }

  /** Drops `role` and then its ancestors while they hold nothing worth remembering. */
  prune(role: string): void {
    let node = this.nodes.get(role);
    while (node && this.isEmpty(node)) {
      this.nodes.delete(node.role);
      node.parent?.children.delete(node);
      node = node.parent;
    }
  }

  private isEmpty(n: RoleNode): boolean {
    return (
      n.children.size === 0 &&
      n.frameworks.size === 0 &&
      n.weight === 1 &&
      isDefaultQuota(n.quota) &&
      n.reservations.size === 0 &&
      n.offeredReserved.size === 0 &&
      n.offeredUnreserved.size === 0
    );
  }

  trackFramework(role: string, frameworkId: string): void {
    this.ensure(role).frameworks.add(frameworkId);
  }

  untrackFramework(role: string, frameworkId: string): void {
    const node = this.nodes.get(role);
    if (!node) return;
    node.frameworks.delete(frameworkId);
    this.prune(role);
  }

  setWeight(role: string, weight: number): void {
    this.ensure(role).weight = weight;
    this.prune(role);
  }

  setQuota(role: string, quota: Quota): void {
    this.ensure(role).quota = quota;
    this.prune(role);
  }

  /** Adds (sign 1) or removes (-1) the reservations found in an agent's total. */
  trackReservations(resources: Resources, sign: 1 | -1): void {
    for (const e of resources) {
      const role = e.reservationRole;
      if (role === undefined || e.scalar === undefined) continue;
      const v = sign * toThousandths(e.scalar);
      for (let n: RoleNode | undefined = this.ensure(role); n; n = n.parent) addTo(n.reservations, e.name, v);
      if (sign < 0) this.prune(role);
    }
  }

  /** Adds (sign 1) or removes (-1) resources offered or allocated under `role`. */
  trackOffered(role: string, resources: Resources, sign: 1 | -1): void {
    // Straight into the nodes' maps: this runs for every offer and recovery.
    const leaf = this.ensure(role);
    for (const e of resources) {
      if (e.scalar === undefined || (e.revocable && e.reservations.length === 0)) continue;
      // A shared resource counts once, however many copies are held.
      const v = sign * toThousandths(e.scalar);
      const reserved = e.reservations.length > 0;
      for (let n: RoleNode | undefined = leaf; n; n = n.parent) addTo(reserved ? n.offeredReserved : n.offeredUnreserved, e.name, v);
    }
    if (sign < 0) this.prune(role);
  }

  /** Consumed quota of a role in thousandths: offered-or-allocated unreserved non-revocable + reservations. */
  consumedMap(role: string): QMap {
    const node = this.nodes.get(role);
    const out: QMap = new Map();
    if (!node) return out;
    addAll(out, node.offeredUnreserved);
    addAll(out, node.reservations);
    return out;
  }

  consumed(role: string): ResourceQuantities {
    return toQuantities(this.consumedMap(role));
  }

  quota(role: string): Quota {
    return this.nodes.get(role)?.quota ?? DEFAULT_QUOTA;
  }

  weight(role: string): number {
    return this.nodes.get(role)?.weight ?? 1;
  }
}
