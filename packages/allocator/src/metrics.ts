/**
 * The allocator's metrics under Mesos's names, as `/metrics/snapshot` shows
 * them: runs, cluster totals and what is offered or allocated, per-role quota
 * (guarantee, limit, consumed, offered or allocated), active offer filters per
 * role and the roles' dominant shares.
 */
import type { HierarchicalAllocator } from './hierarchical';
import { addAll, type QMap } from './internal/qmap';
import { DRFSorter } from './sorter/drf-sorter';

export function allocatorMetrics(a: HierarchicalAllocator): Map<string, number> {
  const m = new Map<string, number>();
  m.set('allocator/mesos/allocation_runs', a.allocationRuns);
  const offered: QMap = new Map();
  for (const node of a.roleTree.roles()) {
    if (node.parent) continue;
    addAll(offered, node.offeredReserved);
    addAll(offered, node.offeredUnreserved);
  }
  for (const name of ['cpus', 'mem', 'disk']) {
    m.set(`allocator/mesos/resources/${name}/total`, a.pool.total(name));
    m.set(`allocator/mesos/resources/${name}/offered_or_allocated`, (offered.get(name) ?? 0) / 1000);
  }
  for (const node of a.roleTree.roles()) {
    const prefix = `allocator/mesos/quota/roles/${node.role}/resources`;
    for (const [name, v] of node.quota.guarantees) m.set(`${prefix}/${name}/guarantee`, v);
    for (const [name, v] of node.quota.limits) m.set(`${prefix}/${name}/limit`, v);
    for (const [name, v] of a.roleTree.consumed(node.role)) m.set(`${prefix}/${name}/consumed`, v);
    if (node.quota.guarantees.size > 0 || node.quota.limits.size > 0) {
      const held = a.roleSorter.contains(node.role) ? a.roleSorter.allocationScalarQuantities(node.role) : undefined;
      const names = new Set([...node.quota.guarantees].map(([n]) => n).concat([...node.quota.limits].map(([n]) => n)));
      for (const name of names) m.set(`${prefix}/${name}/offered_or_allocated`, held?.get(name) ?? 0);
    }
    let filters = 0;
    for (const fw of a.frameworks.values()) for (const list of fw.offerFilters.get(node.role)?.values() ?? []) filters += list.length;
    m.set(`allocator/mesos/offer_filters/roles/${node.role}/active`, filters);
  }
  if (a.roleSorter instanceof DRFSorter) {
    for (const role of a.frameworkSorters.keys()) m.set(`allocator/mesos/roles/${role}/shares/dominant`, a.roleSorter.share(role));
  }
  return m;
}
