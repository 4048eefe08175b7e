/**
 * The resources an agent checkpoints and how they lie over its configured resources (Mesos's
 * `needCheckpointing` and `applyCheckpointedResources`, src/common/resources_utils.cpp). Shared by the agent,
 * which writes the checkpoint, and the master, which takes it from a re-registering agent.
 */
import { MesosTsError, err, ok, type Result } from '@mesos-ts/errors';
import { Resource_ReservationInfo_Type } from '@mesos-ts/proto';
import { Resources } from './resources';

/** What an agent checkpoints: its dynamic reservations and persistent volumes (not those of resource providers). */
export function checkpointedOf(total: Resources): Resources {
  return total.filter((e) => e.providerId === undefined && (e.isDynamicallyReserved() || e.isPersistentVolume()));
}

/**
 * The agent's configured resources (unreserved or statically reserved) with its checkpointed reservations and
 * volumes laid over them. Each checkpointed resource must sit on configured resources; the error names the one
 * that does not.
 */
export function applyCheckpointed(configured: Resources, checkpointed: Resources): Result<Resources> {
  let total = configured;
  for (const entry of checkpointed.toArray()) {
    if (entry.providerId !== undefined || !(entry.isDynamicallyReserved() || entry.isPersistentVolume())) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Unexpected checkpointed resources ${entry.toString()}`));
    }
    const stripped = entry.toProto();
    if (entry.isDynamicallyReserved()) {
      // Only the agent's own (static) reservation lies underneath a dynamic one.
      const first = stripped.reservations?.[0];
      stripped.reservations = first !== undefined && first.type === Resource_ReservationInfo_Type.STATIC ? [first] : [];
      delete stripped.role;
      delete stripped.reservation;
    }
    if (entry.isPersistentVolume() && stripped.disk !== undefined) {
      if (stripped.disk.source !== undefined) stripped.disk = { source: stripped.disk.source };
      else delete stripped.disk;
    }
    delete stripped.shared;
    const under = Resources.fromProto(stripped);
    const over = Resources.fromProto(entry.toProto());
    if (!under.ok || !over.ok) return err(new MesosTsError('INVALID_ARGUMENT', `Invalid checkpointed resource ${entry.toString()}`));
    if (!total.contains(under.value)) {
      return err(new MesosTsError('INVALID_ARGUMENT', `Incompatible agent resources: ${total.toString()} does not contain ${under.value.toString()}`));
    }
    total = total.minus(under.value).plus(over.value);
  }
  return ok(total);
}
