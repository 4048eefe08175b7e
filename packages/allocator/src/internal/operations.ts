/**
 * Offer operations without allocation info. Schedulers send RESERVE, CREATE
 * and the like on offered resources, which carry the role they were offered
 * to; agent totals and unallocated resources carry none. The allocator applies
 * the same operation to both, so it strips the allocation first (Mesos strips
 * it from the conversions it derives).
 */
import type { Offer_Operation, Resource } from '@mesos-ts/proto';
import type { ResourceOperation } from '@mesos-ts/resources';

function strip(resources: readonly Resource[] | undefined): Resource[] | undefined {
  return resources?.map(({ allocationInfo: _dropped, ...rest }) => rest);
}

function stripOne(resource: Resource | undefined): Resource | undefined {
  if (!resource) return undefined;
  const { allocationInfo: _dropped, ...rest } = resource;
  return rest;
}

/** The operation with every resource's allocation info removed. */
export function withoutAllocation(op: Offer_Operation | ResourceOperation): Offer_Operation | ResourceOperation {
  if (typeof op.type === 'string') {
    const t = op as ResourceOperation;
    switch (t.type) {
      case 'RESERVE':
        return { type: 'RESERVE', resources: t.resources.unallocate(), source: t.source?.unallocate() };
      case 'UNRESERVE':
        return { type: 'UNRESERVE', resources: t.resources.unallocate() };
      case 'CREATE':
        return { type: 'CREATE', volumes: t.volumes.unallocate() };
      case 'DESTROY':
        return { type: 'DESTROY', volumes: t.volumes.unallocate() };
      case 'GROW_VOLUME':
        return { type: 'GROW_VOLUME', volume: t.volume.unallocate(), addition: t.addition.unallocate() };
      case 'SHRINK_VOLUME':
        return { type: 'SHRINK_VOLUME', volume: t.volume.unallocate(), subtract: t.subtract };
    }
  }
  const p = op as Offer_Operation;
  const out: Offer_Operation = { ...p };
  if (p.reserve) out.reserve = { ...p.reserve, resources: strip(p.reserve.resources), source: strip(p.reserve.source) };
  if (p.unreserve) out.unreserve = { ...p.unreserve, resources: strip(p.unreserve.resources) };
  if (p.create) out.create = { ...p.create, volumes: strip(p.create.volumes) };
  if (p.destroy) out.destroy = { ...p.destroy, volumes: strip(p.destroy.volumes) };
  if (p.growVolume) out.growVolume = { ...p.growVolume, volume: stripOne(p.growVolume.volume), addition: stripOne(p.growVolume.addition) };
  if (p.shrinkVolume) out.shrinkVolume = { ...p.shrinkVolume, volume: stripOne(p.shrinkVolume.volume) };
  return out;
}
