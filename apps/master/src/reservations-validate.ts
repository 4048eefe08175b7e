/**
 * Validation of the operator's reservation and volume operations, with Mesos 1.11's rules and messages
 * (src/master/validation.cpp: `resource::validate`, `operation::validate` for Reserve, Unreserve, Create, Destroy,
 * GrowVolume and ShrinkVolume, as the operator API calls them: no framework, no principal). ACCEPT operations are
 * validated by validation.ts and the offer manager. Pure: each function returns the error text or undefined.
 */
import { Resource_DiskInfo_Source_Type, Volume_Mode, type Offer_Operation, type Resource } from '@mesos-ts/proto';
import { Resources, type ResourceEntry } from '@mesos-ts/resources';
import type { AgentCapabilities } from './model';
import { idError } from './validation';

/** What the operator-operation checks need to know about the agent. */
export interface AgentView {
  readonly capabilities: AgentCapabilities;
  /** The agent's checkpointed resources (its dynamic reservations and persistent volumes). */
  readonly checkpointed: Resources;
  /** What its tasks and executors use, unallocated. */
  readonly used: Resources;
}

function describe(resource: Resource | undefined): string {
  if (resource === undefined) return '{}';
  const parsed = Resources.fromProto([resource]);
  return parsed.ok ? parsed.value.toString() : (resource.name ?? '?');
}

/** `resource::validate`: each resource well formed, DiskInfo and dynamic reservations sensible. */
export function resourcesError(list: readonly Resource[] | undefined): string | undefined {
  const parsed = Resources.fromProto(list ?? []);
  if (!parsed.ok) return `Invalid resources: ${parsed.error.message}`;
  for (const r of list ?? []) {
    const one = Resources.fromProto([r]);
    const entry = one.ok ? one.value.toArray()[0] : undefined;
    if (entry === undefined) continue;
    const disk = diskInfoError(r, entry);
    if (disk !== undefined) return `Invalid DiskInfo: ${disk}`;
    if (entry.isDynamicallyReserved() && entry.revocable) {
      return `Invalid ReservationInfo: Dynamically reserved resource ${entry.toString()} cannot be created from revocable resources`;
    }
  }
  return undefined;
}

function diskInfoError(r: Resource, entry: ResourceEntry): string | undefined {
  const disk = r.disk;
  if (disk === undefined) return undefined;
  if (disk.persistence !== undefined) {
    if (entry.revocable) return 'Persistent volumes cannot be created from revocable resources';
    if (entry.isUnreserved()) return 'Persistent volumes cannot be created from unreserved resources';
    if (disk.volume === undefined) return "Expecting 'volume' to be set for persistent volume";
    if (disk.volume.hostPath !== undefined) return "Expecting 'host_path' to be unset for persistent volume";
    const id = idError(disk.persistence.id ?? '');
    if (id !== undefined) return `Invalid persistence ID for persistent volume: ${id}`;
    return undefined;
  }
  if (disk.volume !== undefined) return 'Non-persistent volume not supported';
  if (disk.source === undefined) return 'DiskInfo is set but empty';
  return undefined;
}

/** `resource::validatePersistentVolume`. */
function persistentVolumeError(list: readonly Resource[]): string | undefined {
  for (const v of list) {
    if (v.disk === undefined) return `Resource ${describe(v)} does not have DiskInfo`;
    if (v.disk.persistence === undefined) return "'persistence' is not set in DiskInfo";
    if (v.disk.volume === undefined) return "Expecting 'volume' to be set for persistent volume";
    if (v.disk.volume.mode === Volume_Mode.RO) return 'Read-only persistent volume not supported';
  }
  return undefined;
}

function uniquePersistenceIdError(resources: Resources): string | undefined {
  const seen = new Set<string>();
  for (const e of resources.persistentVolumes().toArray()) {
    const key = `${e.reservationRole ?? '*'}\u0000${e.disk?.persistence?.id ?? ''}`;
    if (seen.has(key)) return `Persistence ID '${e.disk?.persistence?.id ?? ''}' is not unique`;
    seen.add(key);
  }
  return undefined;
}

function sameReservations(list: readonly Resource[]): boolean {
  const first = JSON.stringify(list[0]?.reservations ?? []);
  return list.every((r) => JSON.stringify(r.reservations ?? []) === first);
}

/** `operation::validate(Reserve)` for the operator API (no framework, no principal). */
export function reserveError(op: Offer_Operation, agent: AgentView): string | undefined {
  const resources = op.reserve?.resources ?? [];
  const source = op.reserve?.source ?? [];
  const invalid = resourcesError(resources);
  if (invalid !== undefined) return `Invalid resources: ${invalid}`;
  const invalidSource = resourcesError(source);
  if (invalidSource !== undefined) return `Invalid source: ${invalidSource}`;
  if (source.length > 0) {
    // Both non-empty lists parse (checked above); each side must carry one reservation stack.
    if (resources.length === 0) return 'Invalid resources: Resource cannot be empty';
    if (!sameReservations(source)) return `Invalid source: Mixed reservations are not supported${describeAll(source)}`;
    if (!sameReservations(resources)) return `Invalid resources: Mixed reservations are not supported${describeAll(resources)}`;
    const from = (Resources.fromProto(source) as { value: Resources }).value.toUnreserved();
    const to = (Resources.fromProto(resources) as { value: Resources }).value.toUnreserved();
    if (!from.equals(to)) return `Source and target resources should refer to identical resource quantities: ${from.toString()} vs. ${to.toString()}`;
  }
  for (const r of resources) {
    const entry = (Resources.fromProto([r]) as { value: Resources }).value.toArray()[0];
    if (entry === undefined) continue;
    if (!entry.isDynamicallyReserved()) return `Resource ${entry.toString()} is not dynamically reserved`;
    const role = entry.reservationRole ?? '';
    if (!agent.capabilities.hierarchicalRole && role.includes('/')) {
      return `Resource ${entry.toString()} with reservation for hierarchical role '${role}' cannot be reserved on an agent without HIERARCHICAL_ROLE capability`;
    }
    if (!agent.capabilities.reservationRefinement && entry.hasRefinedReservations()) {
      return `Resource ${entry.toString()} with reservation refinement cannot be reserved on an agent without RESERVATION_REFINEMENT capability`;
    }
    if (r.allocationInfo !== undefined) {
      return 'A reserve operation was attempted with an allocated resource, but the operator API only allows reservations to be made to unallocated resources';
    }
  }
  return undefined;
}

function describeAll(list: readonly Resource[]): string {
  const parsed = Resources.fromProto(list);
  return parsed.ok ? parsed.value.toString() : '';
}

/** `operation::validate(Unreserve)`. */
export function unreserveError(op: Offer_Operation): string | undefined {
  const resources = op.unreserve?.resources ?? [];
  const invalid = resourcesError(resources);
  if (invalid !== undefined) return `Invalid resources: ${invalid}`;
  for (const r of resources) {
    const entry = (Resources.fromProto([r]) as { value: Resources }).value.toArray()[0];
    if (entry === undefined) continue;
    if (!entry.isDynamicallyReserved()) return `Resource ${entry.toString()} is not dynamically reserved`;
    if (entry.isPersistentVolume()) {
      return `A dynamically reserved persistent volume ${entry.toString()} cannot be unreserved directly. Please destroy the persistent volume first then unreserve the resource`;
    }
  }
  return undefined;
}

/** `operation::validate(Create)` for the operator API. */
export function createError(op: Offer_Operation, agent: AgentView): string | undefined {
  const volumes = op.create?.volumes ?? [];
  const invalid = resourcesError(volumes);
  if (invalid !== undefined) return `Invalid resources: ${invalid}`;
  const notVolume = persistentVolumeError(volumes);
  if (notVolume !== undefined) return `Not a persistent volume: ${notVolume}`;
  const parsed = (Resources.fromProto(volumes) as { value: Resources }).value;
  const duplicate = uniquePersistenceIdError(agent.checkpointed.plus(parsed));
  if (duplicate !== undefined) return duplicate;
  for (const entry of parsed.toArray()) {
    const role = entry.reservationRole ?? '';
    if (!agent.capabilities.hierarchicalRole && role.includes('/')) {
      return `Volume ${entry.toString()} with reservation for hierarchical role '${role}' cannot be created on an agent without HIERARCHICAL_ROLE capability`;
    }
    if (!agent.capabilities.reservationRefinement && entry.hasRefinedReservations()) {
      return `Volume ${entry.toString()} with reservation refinement cannot be created on an agent without RESERVATION_REFINEMENT capability`;
    }
  }
  return undefined;
}

/** `operation::validate(Destroy)`: the volumes exist on the agent and nothing uses them. */
export function destroyError(op: Offer_Operation, agent: AgentView): string | undefined {
  const volumes = (op.destroy?.volumes ?? []).map(({ allocationInfo: _dropped, ...rest }) => rest);
  const invalid = resourcesError(volumes);
  if (invalid !== undefined) return `Invalid resources: ${invalid}`;
  const notVolume = persistentVolumeError(volumes);
  if (notVolume !== undefined) return `Not a persistent volume: ${notVolume}`;
  for (const v of volumes) {
    const one = (Resources.fromProto([v]) as { value: Resources }).value;
    if (!agent.checkpointed.contains(one)) return 'Persistent volumes not found';
  }
  for (const v of volumes) {
    if (agent.used.contains((Resources.fromProto([v]) as { value: Resources }).value)) return 'Persistent volumes in use';
  }
  return undefined;
}

function singleResourceError(r: Resource | undefined): string | undefined {
  if (r === undefined) return 'the resource is not set';
  const parsed = Resources.fromProto([r]);
  return parsed.ok ? undefined : parsed.error.message;
}

/** `operation::validate(GrowVolume)`. */
export function growVolumeError(op: Offer_Operation, agent: AgentView): string | undefined {
  const volume = op.growVolume?.volume;
  const addition = op.growVolume?.addition;
  const badVolume = singleResourceError(volume);
  if (badVolume !== undefined) return `Invalid resource in the 'GrowVolume.volume' field: ${badVolume}`;
  const badAddition = singleResourceError(addition);
  if (badAddition !== undefined) return `Invalid resource in the 'GrowVolume.addition' field: ${badAddition}`;
  if ((addition!.scalar?.value ?? 0) <= 0) return "The size of 'GrowVolume.addition' field must be greater than zero";
  if (volume!.providerId !== undefined) return 'Growing a volume from a resource provider is not supported';
  const notVolume = persistentVolumeError([volume!]);
  if (notVolume !== undefined) return `Invalid persistent volume in the 'GrowVolume.volume' field: ${notVolume}`;
  if (volume!.shared !== undefined) return 'Growing a shared persistent volume is not supported';
  const { disk, ...rest } = volume!;
  const stripped: Resource = disk?.source !== undefined ? { ...rest, disk: { source: disk.source } } : rest;
  const under = Resources.fromProto([stripped]);
  const more = Resources.fromProto([addition!]);
  if (!under.ok || !more.ok || under.value.plus(more.value).size !== 1) return "Incompatible resources in the 'GrowVolume.volume' and 'GrowVolume.addition' fields";
  if (!agent.capabilities.resizeVolume) return `Volume ${describe(volume)} cannot be grown on an agent without RESIZE_VOLUME capability`;
  return undefined;
}

/** `operation::validate(ShrinkVolume)`. */
export function shrinkVolumeError(op: Offer_Operation, agent: AgentView): string | undefined {
  const volume = op.shrinkVolume?.volume;
  const badVolume = singleResourceError(volume);
  if (badVolume !== undefined) return `Invalid resource in the 'ShrinkVolume.volume' field: ${badVolume}`;
  const subtract = op.shrinkVolume?.subtract?.value ?? 0;
  if (!(subtract > 0)) return "Value of 'ShrinkVolume.subtract' must be greater than zero";
  if ((volume!.scalar?.value ?? 0) <= subtract) return "Value of 'ShrinkVolume.subtract' must be smaller than the size of 'ShrinkVolume.volume'";
  if (volume!.providerId !== undefined) return 'Shrinking a volume from a resource provider is not supported';
  if (volume!.disk?.source?.type === Resource_DiskInfo_Source_Type.MOUNT) return 'Shrinking a volume on a MOUNT disk is not supported';
  const notVolume = persistentVolumeError([volume!]);
  if (notVolume !== undefined) return `Invalid persistent volume in the 'ShrinkVolume.volume' field: ${notVolume}`;
  if (volume!.shared !== undefined) return 'Shrinking a shared persistent volume is not supported';
  if (!agent.capabilities.resizeVolume) return `Volume ${describe(volume)} cannot be shrunk on an agent without RESIZE_VOLUME capability`;
  return undefined;
}
