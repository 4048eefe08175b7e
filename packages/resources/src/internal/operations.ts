/**
 * Offer operations as resource conversions (Mesos's `getResourceConversions`
 * and `ResourceConversion::apply`): each conversion checks that the current
 * resources contain what it consumes, takes that away and adds what it
 * produces; conversions of one operation apply in order, and the operation
 * fails as a whole if any step fails.
 *
 * Besides Mesos's conversion rules we apply the context-free checks its
 * master makes on these operations (a RESERVE must push a dynamic
 * reservation, volumes must be persistent volumes, ...), so that an invalid
 * operation is reported here rather than producing surprising resources.
 * Checks that need context (framework roles, principals, agent
 * capabilities, persistence-id uniqueness across the agent) are left to the
 * caller.
 */
import { Resource_ReservationInfo_Type, Value_Type, Volume_Mode } from '@mesos-ts/proto';
import { type Entries, add, contains, normalise, subtract } from './algebra';
import { formatEntries, formatEntry } from './format';
import { Entry, SHARED } from './model';

export type OperationName = 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY' | 'GROW_VOLUME' | 'SHRINK_VOLUME';

/** An operation with its resources already validated and converted. */
export type EntryOperation =
  | { readonly type: 'RESERVE'; readonly resources: Entries; readonly source: Entries | undefined }
  | { readonly type: 'UNRESERVE'; readonly resources: readonly Entry[] }
  | { readonly type: 'CREATE'; readonly volumes: readonly Entry[] }
  | { readonly type: 'DESTROY'; readonly volumes: readonly Entry[] }
  | { readonly type: 'GROW_VOLUME'; readonly volume: Entry; readonly addition: Entry }
  | { readonly type: 'SHRINK_VOLUME'; readonly volume: Entry; readonly subtract: number };

export type Outcome = { readonly ok: true; readonly entries: Entries } | { readonly ok: false; readonly message: string };

interface Conversion {
  readonly consumed: Entries;
  readonly converted: Entries;
  /** What to call the consumed resources in an error ("resources X"). */
  readonly describe: string;
  readonly after?: (result: Entries) => string | undefined;
}

const single = (e: Entry): Entries => [e];

/** The volume with persistence and volume info (or the whole disk info, for a plain root disk) stripped, and not shared. */
function stripVolume(volume: Entry): Entry {
  const meta = volume.meta;
  const disk = meta.disk;
  let stripped = disk;
  if (disk !== undefined) {
    if (disk.source !== undefined) {
      stripped = Object.freeze({ source: disk.source });
    } else {
      stripped = undefined;
    }
  }
  return volume.withCount(1).withMeta(meta.withDisk(stripped, false));
}

function persistentVolumeProblem(volume: Entry): string | undefined {
  const disk = volume.meta.disk;
  if (disk === undefined) return `resource ${formatEntry(volume)} does not have DiskInfo`;
  if (disk.persistence === undefined) return `resource ${formatEntry(volume)} is not a persistent volume ('disk.persistence' is not set)`;
  if (disk.volume === undefined) return `persistent volume ${formatEntry(volume)} does not set 'disk.volume'`;
  if (disk.volume.mode === Volume_Mode.RO) return `read-only persistent volume ${formatEntry(volume)} is not supported`;
  return undefined;
}

function popEntries(entries: Entries): Entries {
  return normalise(entries.map((e) => e.withMeta(e.meta.withLastReservationPopped())));
}

function conversionsOf(op: EntryOperation): Conversion[] | string {
  switch (op.type) {
    case 'RESERVE': {
      if (op.resources.length === 0) return 'no resources to reserve';
      for (const e of op.resources) {
        const last = e.meta.reservations[e.meta.reservations.length - 1];
        if (last === undefined || last.type !== Resource_ReservationInfo_Type.DYNAMIC) {
          return `resource ${formatEntry(e)} is not dynamically reserved`;
        }
      }
      if (op.source !== undefined && op.source.length > 0) {
        const unreserve = (x: Entries) => normalise(x.map((e) => e.withMeta(e.meta.withoutReservations())));
        const a = unreserve(op.source);
        const b = unreserve(op.resources);
        if (!(contains(a, b) && contains(b, a))) {
          return `source ${formatEntries(op.source)} and resources ${formatEntries(op.resources)} are not the same resource quantities`;
        }
        return [{ consumed: op.source, converted: op.resources, describe: `source resources ${formatEntries(op.source)}` }];
      }
      return [{ consumed: popEntries(op.resources), converted: op.resources, describe: `resources ${formatEntries(op.resources)}` }];
    }
    case 'UNRESERVE': {
      const out: Conversion[] = [];
      for (const e of op.resources) {
        const last = e.meta.reservations[e.meta.reservations.length - 1];
        if (last === undefined || last.type !== Resource_ReservationInfo_Type.DYNAMIC) {
          return `resource ${formatEntry(e)} is not dynamically reserved`;
        }
        if (e.meta.persistentVolume) return `persistent volume ${formatEntry(e)} cannot be unreserved directly; destroy it first`;
        out.push({ consumed: single(e), converted: popEntries(single(e)), describe: `resources ${formatEntry(e)}` });
      }
      return out;
    }
    case 'CREATE': {
      const out: Conversion[] = [];
      for (const volume of op.volumes) {
        const problem = persistentVolumeProblem(volume);
        if (problem !== undefined) return problem;
        const stripped = single(stripVolume(volume));
        for (let copy = 0; copy < volume.count; copy++) {
          out.push({ consumed: stripped, converted: single(volume.withCount(1)), describe: `resources ${formatEntries(stripped)} (for volume ${formatEntry(volume.withCount(1))})` });
        }
      }
      return out;
    }
    case 'DESTROY': {
      const out: Conversion[] = [];
      for (const volume of op.volumes) {
        const problem = persistentVolumeProblem(volume);
        if (problem !== undefined) return problem;
        const one = single(volume.withCount(1));
        for (let copy = 0; copy < volume.count; copy++) {
          out.push({
            consumed: one,
            converted: single(stripVolume(volume)),
            describe: `resources ${formatEntries(one)}`,
            after: (result) =>
              contains(result, one) ? `persistent volume ${formatEntries(one)} cannot be removed due to additional shared copies` : undefined,
          });
        }
      }
      return out;
    }
    case 'GROW_VOLUME': {
      const { volume, addition } = op;
      const problem = persistentVolumeProblem(volume);
      if (problem !== undefined) return problem;
      if (volume.meta.providerId !== undefined) return 'operation not supported for resource provider';
      if (volume.meta.type !== Value_Type.SCALAR || addition.meta.type !== Value_Type.SCALAR) return 'volume and addition must be scalar disk resources';
      if (volume.meta.kind === SHARED) return `shared persistent volume ${formatEntry(volume)} cannot be grown`;
      if (add(single(stripVolume(volume)), single(addition)).length !== 1) {
        return `addition ${formatEntry(addition)} is not the same kind of disk as volume ${formatEntry(volume)}`;
      }
      const grown = volume.withCount(1);
      const converted = Entry.scalar(grown.meta, grown.fixed + addition.fixed);
      return [{ consumed: add(single(grown), single(addition)), converted: single(converted), describe: `resources ${formatEntries(add(single(grown), single(addition)))}` }];
    }
    case 'SHRINK_VOLUME': {
      const { volume } = op;
      const problem = persistentVolumeProblem(volume);
      if (problem !== undefined) return problem;
      if (volume.meta.providerId !== undefined) return 'operation not supported for resource provider';
      if (volume.meta.type !== Value_Type.SCALAR) return 'volume must be a scalar disk resource';
      if (volume.meta.kind === SHARED) return `shared persistent volume ${formatEntry(volume)} cannot be shrunk`;
      if (op.subtract <= 0 || op.subtract >= volume.fixed) return `cannot shrink ${formatEntry(volume)} by ${op.subtract / 1000}: the amount must be positive and smaller than the volume`;
      const one = volume.withCount(1);
      const shrunk = Entry.scalar(one.meta, one.fixed - op.subtract);
      const freed = Entry.scalar(stripVolume(one).meta, op.subtract);
      return [{ consumed: single(one), converted: normalise([shrunk, freed]), describe: `resources ${formatEntry(one)}` }];
    }
  }
}

export function applyOperation(total: Entries, op: EntryOperation): Outcome {
  const conversions = conversionsOf(op);
  if (typeof conversions === 'string') return { ok: false, message: `${op.type}: ${conversions}` };
  let result = total;
  for (const c of conversions) {
    if (!contains(result, c.consumed)) {
      return { ok: false, message: `${op.type}: ${c.describe} are not contained in ${formatEntries(result)}` };
    }
    result = add(subtract(result, c.consumed), c.converted);
    const problem = c.after?.(result);
    if (problem !== undefined) return { ok: false, message: `${op.type}: ${problem}` };
  }
  return { ok: true, entries: result };
}
